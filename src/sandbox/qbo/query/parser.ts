/**
 * Parser of `SELECT * | COUNT(*) FROM Entity [WHERE c AND …] [ORDERBY f [ASC|DESC], …]
 * [STARTPOSITION n] [MAXRESULTS n]`. Keywords are case-insensitive; `ORDER BY` is accepted
 * too. Syntax errors read like QBO's `QueryParserError: Encountered … Was expecting one of: …`.
 */
import { Faults } from "../faults.ts"
import { type Token, tokenize } from "./lexer.ts"

export type Operator = "=" | "<" | ">" | "<=" | ">=" | "in" | "like"

export interface Literal {
  readonly kind: "string" | "number" | "boolean" | "current_date"
  readonly text: string
}

export interface Condition {
  readonly field: string
  readonly operator: Operator
  readonly values: ReadonlyArray<Literal>
}

export interface SortKey {
  readonly field: string
  readonly descending: boolean
}

export interface ParsedQuery {
  readonly count: boolean
  readonly entity: string
  readonly where: ReadonlyArray<Condition>
  readonly orderBy: ReadonlyArray<SortKey>
  readonly startPosition: number | undefined
  readonly maxResults: number | undefined
}

const AFTER_CONDITION = `<EOF> <AND> "iterator" "maxresults" <OR> "order" "orderby" "startposition"`
const AFTER_ENTITY = `<EOF> "iterator" "maxresults" "order" "orderby" "startposition" "where"`
const AFTER_SORT = `<EOF> "," "asc" "desc" "iterator" "maxresults" "startposition"`
const VALUE = `<STRING_LITERAL> <INTEGER_LITERAL> <DECIMAL_LITERAL> "true" "false" "current_date"`

const KEYWORDS = new Set([
  "select",
  "count",
  "from",
  "where",
  "and",
  "or",
  "in",
  "like",
  "orderby",
  "order",
  "by",
  "asc",
  "desc",
  "startposition",
  "maxresults",
  "iterator",
  "true",
  "false",
  "current_date"
])

const label = (token: Token): string => {
  switch (token.kind) {
    case "eof":
    case "error":
      return "<EOF>"
    case "string":
      return "<STRING_LITERAL>"
    case "number":
      return token.image.includes(".") ? "<DECIMAL_LITERAL>" : "<INTEGER_LITERAL>"
    case "punct":
      return `"${token.image}"`
    case "identifier":
      return KEYWORDS.has(token.image.toLowerCase()) ? `"${token.image.toLowerCase()}"` : "<IDENTIFIER>"
  }
}

const unexpected = (token: Token, expected: string): never => {
  const encountered = token.kind === "eof" ? `"<EOF>"` : `" ${label(token)} "${token.image} ""`
  throw Faults.queryParse(
    `Encountered ${encountered} at line ${token.line}, column ${token.column}.\nWas expecting one of: ${expected} ...`
  )
}

export const parseQuery = (statement: string): ParsedQuery => {
  const tokens = tokenize(statement)
  let position = 0
  const reached = (token: Token): Token => {
    if (token.kind === "error" && token.fault !== undefined) throw token.fault
    return token
  }
  const peek = (): Token => reached(tokens[position]!)
  const next = (): Token => reached(tokens[position++]!)
  const isKeyword = (token: Token, keyword: string) => token.kind === "identifier" && token.image.toLowerCase() === keyword
  const expectKeyword = (keyword: string, expected = `"${keyword}"`): Token => {
    const token = next()
    if (!isKeyword(token, keyword)) unexpected(token, expected)
    return token
  }
  const expectPunct = (punct: string, expected = `"${punct}"`): Token => {
    const token = next()
    if (token.kind !== "punct" || token.image !== punct) unexpected(token, expected)
    return token
  }
  const identifier = (expected = "<IDENTIFIER>"): string => {
    const token = next()
    if (token.kind !== "identifier" || (KEYWORDS.has(token.image.toLowerCase()) && !["count"].includes(token.image.toLowerCase()))) {
      unexpected(token, expected)
    }
    return token.image
  }
  const literal = (): Literal => {
    const token = next()
    if (token.kind === "string") return { kind: "string", text: token.value }
    if (token.kind === "number") return { kind: "number", text: token.image }
    if (isKeyword(token, "true") || isKeyword(token, "false")) return { kind: "boolean", text: token.image.toLowerCase() }
    if (isKeyword(token, "current_date")) return { kind: "current_date", text: "CURRENT_DATE" }
    return unexpected(token, VALUE)
  }
  const positiveInteger = (): number => {
    const token = next()
    if (token.kind !== "number" || !/^\d+$/.test(token.image)) unexpected(token, "<INTEGER_LITERAL>")
    return Number(token.image)
  }

  expectKeyword("select")
  let count = false
  const projection = next()
  if (projection.kind === "punct" && projection.image === "*") {
    count = false
  } else if (isKeyword(projection, "count")) {
    expectPunct("(")
    expectPunct("*")
    expectPunct(")")
    count = true
  } else {
    unexpected(projection, `"*" "count"`)
  }
  expectKeyword("from")
  const entity = identifier()

  const where: Array<Condition> = []
  const orderBy: Array<SortKey> = []
  let startPosition: number | undefined
  let maxResults: number | undefined

  if (isKeyword(peek(), "where")) {
    next()
    for (;;) {
      const field = identifier()
      const opToken = next()
      let operator: Operator
      if (opToken.kind === "punct" && ["=", "<", ">", "<=", ">="].includes(opToken.image)) operator = opToken.image as Operator
      else if (isKeyword(opToken, "in")) operator = "in"
      else if (isKeyword(opToken, "like")) operator = "like"
      else if (opToken.kind === "punct" && (opToken.image === "!=" || opToken.image === "<>")) {
        throw Faults.queryInvalid(`operator '${opToken.image}' is not supported`)
      } else return unexpected(opToken, `"=" "<" "<=" ">" ">=" "in" "like"`)
      const values: Array<Literal> = []
      if (operator === "in") {
        expectPunct("(")
        values.push(literal())
        while (peek().kind === "punct" && peek().image === ",") {
          next()
          values.push(literal())
        }
        expectPunct(")", `"," ")"`)
      } else {
        values.push(literal())
      }
      where.push({ field, operator, values })
      const after = peek()
      if (isKeyword(after, "and")) {
        next()
        continue
      }
      if (isKeyword(after, "or")) throw Faults.queryInvalid("OR operator is not supported; use AND or IN")
      if (after.kind === "eof" || isKeyword(after, "orderby") || isKeyword(after, "order") || isKeyword(after, "startposition") || isKeyword(after, "maxresults")) break
      unexpected(after, AFTER_CONDITION)
    }
  } else if (peek().kind !== "eof" && !["orderby", "order", "startposition", "maxresults"].some((k) => isKeyword(peek(), k))) {
    unexpected(peek(), AFTER_ENTITY)
  }

  if (isKeyword(peek(), "orderby") || isKeyword(peek(), "order")) {
    if (isKeyword(next(), "order")) expectKeyword("by")
    for (;;) {
      const field = identifier()
      let descending = false
      if (isKeyword(peek(), "desc")) {
        next()
        descending = true
      } else if (isKeyword(peek(), "asc")) {
        next()
      }
      orderBy.push({ field, descending })
      if (peek().kind === "punct" && peek().image === ",") {
        next()
        continue
      }
      break
    }
  }

  for (;;) {
    const token = peek()
    if (isKeyword(token, "startposition") && startPosition === undefined) {
      next()
      startPosition = positiveInteger()
    } else if (isKeyword(token, "maxresults") && maxResults === undefined) {
      next()
      maxResults = positiveInteger()
    } else if (token.kind === "eof") {
      break
    } else {
      unexpected(token, orderBy.length > 0 ? AFTER_SORT : where.length > 0 ? AFTER_CONDITION : AFTER_ENTITY)
    }
  }
  return { count, entity, where, orderBy, startPosition, maxResults }
}
