/**
 * Result pages and the opaque `paging` token of `…/query/next` URLs. The token is a
 * stateless id cursor (rows come ordered by id), so a retried page returns the same rows
 * and tokens never expire. It also records the verb of the original query and a hash of its
 * body: after a POST query the next page must be POSTed with the same body (reference §5).
 */
import type { AtEntityName } from "../../autotask/model.ts"
import type { AutotaskRow } from "./dataset.ts"
import { autotaskError } from "./simError.ts"

export interface PageCursor {
  readonly entity: AtEntityName
  readonly method: "GET" | "POST"
  /** Hash of the canonical query JSON the token belongs to. */
  readonly queryHash: string
  /** Rows with id greater than this (next page) … */
  readonly after?: number
  /** … or the last rows with id less than this (previous page). */
  readonly before?: number
}

export const encodeCursor = (cursor: PageCursor): string =>
  Buffer.from(JSON.stringify(cursor), "utf8").toString("base64url")

export const decodeCursor = (token: string, entity: AtEntityName): PageCursor => {
  try {
    const cursor = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as PageCursor
    if (cursor.entity === entity && (cursor.method === "GET" || cursor.method === "POST")) return cursor
  } catch {
    // fall through: any undecodable token is invalid
  }
  throw autotaskError("The paging token is invalid or does not belong to this query.")
}

/** Key-order-independent JSON, so whitespace or key order in a re-sent body does not matter. */
export const canonical = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return `{${entries.map(([key, item]) => `${JSON.stringify(key.toLowerCase())}:${canonical(item)}`).join(",")}}`
  }
  return JSON.stringify(value)
}

/** FNV-1a over the canonical JSON. */
export const hashQuery = (query: unknown): string => {
  let hash = 0x811c9dc5
  for (const char of canonical(query)) {
    hash ^= char.codePointAt(0) ?? 0
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return hash.toString(16).padStart(8, "0")
}

export interface Page {
  readonly rows: ReadonlyArray<AutotaskRow>
  readonly hasPrevious: boolean
  readonly hasNext: boolean
}

/** Slices matching rows (ordered by id) at the cursor. */
export const pageOf = (
  rows: ReadonlyArray<AutotaskRow>,
  cursor: Pick<PageCursor, "after" | "before"> | undefined,
  size: number
): Page => {
  let start: number
  let end: number
  if (cursor?.before !== undefined) {
    const before = cursor.before
    end = rows.findIndex((row) => row.id >= before)
    if (end === -1) end = rows.length
    start = Math.max(0, end - size)
  } else {
    const after = cursor?.after
    start = after === undefined ? 0 : rows.findIndex((row) => row.id > after)
    if (start === -1) start = rows.length
    end = Math.min(rows.length, start + size)
  }
  return { rows: rows.slice(start, end), hasPrevious: start > 0, hasNext: end < rows.length }
}
