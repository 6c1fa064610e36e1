/**
 * Query statements. Values are always escaped with `qboString`; `IN` lists are split into
 * chunks small enough for any proxy or URL limit (the client POSTs statements as
 * `application/text`, so length is a courtesy, not a requirement).
 */
import type { QboEntityName } from "./model.ts"
import { qboString } from "./QboClient.ts"

export const QBO_MAX_PAGE = 1000

export interface InChunkOptions {
  /** Values per IN list (≤ 1000 keeps a unique-field chunk on one page). */
  readonly maxValues: number
  /** Characters of the IN list text per chunk. */
  readonly maxLength: number
}

/** Queries are POSTed as text, so no URL limit applies; 30,000 characters keeps them modest. */
export const DEFAULT_IN_CHUNK: InChunkOptions = { maxValues: 1000, maxLength: 30_000 }

export const selectStatement = (entity: QboEntityName, where: string | undefined, startPosition: number, maxResults = QBO_MAX_PAGE): string =>
  `SELECT * FROM ${entity}${where === undefined || where.trim() === "" ? "" : ` WHERE ${where}`} ORDERBY Id STARTPOSITION ${startPosition} MAXRESULTS ${maxResults}`

export const countStatement = (entity: QboEntityName, where: string | undefined): string =>
  `SELECT COUNT(*) FROM ${entity}${where === undefined || where.trim() === "" ? "" : ` WHERE ${where}`}`

/** `field IN ('a','b')` for each chunk of distinct values, escaped. */
export const inClauses = (field: string, values: ReadonlyArray<string>, options: InChunkOptions = DEFAULT_IN_CHUNK): Array<string> => {
  const distinct = [...new Set(values)]
  const clauses: Array<string> = []
  let current: Array<string> = []
  let length = 0
  const flush = () => {
    if (current.length > 0) clauses.push(`${field} IN (${current.join(",")})`)
    current = []
    length = 0
  }
  for (const value of distinct) {
    const literal = qboString(value)
    if (current.length > 0 && (current.length >= options.maxValues || length + literal.length + 1 > options.maxLength)) flush()
    current.push(literal)
    length += literal.length + 1
  }
  flush()
  return clauses
}

/** The entity a statement reads, for messages ("query Invoice"). */
export const statementEntity = (statement: string): string | undefined => /\bFROM\s+([A-Za-z]+)/i.exec(statement)?.[1]
