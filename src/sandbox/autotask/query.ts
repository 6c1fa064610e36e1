/**
 * The Autotask query language (reference §4): parsing a query body into checked
 * conditions, evaluating them against rows, and projecting `IncludeFields`. Keys, field
 * names and operators are case-insensitive; string comparisons are too, like the SQL Server
 * collation behind Autotask. A missing (`null`) value fails every comparison, as in SQL;
 * `exist`/`notExist` treat `""` as empty.
 */
import type { AtEntityName, AtLeafOp } from "../../autotask/model.ts"
import { type FieldSpec, type FieldType, KNOWN_FIELDS, UDF_ENTITIES } from "./entities.ts"
import { autotaskError } from "./simError.ts"

export const MAX_RECORDS = 500
export const MAX_OR_CONDITIONS = 500

/** What the simulator knows about one entity's fields: metadata plus what the data holds. */
export interface EntitySchema {
  readonly entity: AtEntityName
  /** Lower-cased field name → spec. */
  readonly fields: ReadonlyMap<string, FieldSpec>
  readonly hasUdfs: boolean
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/i

/** Milliseconds since the epoch; strings without a zone are UTC, as Autotask stores them. */
export const parseInstant = (value: string): number | undefined => {
  const match = ISO_DATE.exec(value.trim())
  if (match === null) return undefined
  let text = value.trim().replace(" ", "T")
  if (text.length === 10) text += "T00:00:00"
  if (match[1] === undefined) text += "Z"
  const ms = Date.parse(text)
  return Number.isNaN(ms) ? undefined : ms
}

const inferType = (value: unknown): FieldType =>
  typeof value === "boolean" ? "boolean"
  : typeof value === "number" ? (Number.isInteger(value) ? "integer" : "decimal")
  : typeof value === "string" && parseInstant(value) !== undefined && value.length >= 10 ? "datetime"
  : "string"

export const buildSchema = (entity: AtEntityName, rows: ReadonlyArray<Readonly<Record<string, unknown>>>) => {
  const fields = new Map<string, FieldSpec>()
  for (const spec of KNOWN_FIELDS[entity]) fields.set(spec.name.toLowerCase(), spec)
  for (const row of rows) {
    for (const [name, value] of Object.entries(row)) {
      if (name === "userDefinedFields" || value === null || value === undefined || fields.has(name.toLowerCase())) continue
      fields.set(name.toLowerCase(), {
        name,
        type: inferType(value),
        length: undefined,
        readOnly: true,
        queryable: true,
        required: false,
        reference: undefined
      })
    }
  }
  return { entity, fields, hasUdfs: UDF_ENTITIES.has(entity) } satisfies EntitySchema
}

type LeafOp = AtLeafOp

const LEAF_OPS: ReadonlyArray<LeafOp> = [
  "eq",
  "noteq",
  "gt",
  "gte",
  "lt",
  "lte",
  "beginsWith",
  "endsWith",
  "contains",
  "exist",
  "notExist",
  "in",
  "notIn"
]
const leafOpByLower = new Map(LEAF_OPS.map((op) => [op.toLowerCase(), op]))

type Comparable = number | string | boolean

export type Condition =
  | { readonly kind: "group"; readonly op: "and" | "or"; readonly items: ReadonlyArray<Condition> }
  | {
    readonly kind: "leaf"
    readonly op: LeafOp
    /** Row key, or the UDF name when `udf`. */
    readonly field: string
    readonly udf: boolean
    readonly type: FieldType
    readonly values: ReadonlyArray<Comparable>
    /** `in`/`notIn` lists as a set: large lists are evaluated against every row. */
    readonly valueSet: ReadonlySet<Comparable>
  }

export interface ParsedQuery {
  readonly filter: ReadonlyArray<Condition>
  readonly maxRecords: number
  /** Canonical field names, or undefined for whole rows. */
  readonly includeFields: ReadonlyArray<string> | undefined
}

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** Reads a key case-insensitively (Autotask accepts `filter`, `Filter`, `FILTER`…). */
const getKey = (object: Readonly<Record<string, unknown>>, key: string): unknown => {
  const lower = key.toLowerCase()
  for (const [name, value] of Object.entries(object)) {
    if (name.toLowerCase() === lower) return value
  }
  return undefined
}

const coerce = (value: unknown, type: FieldType, field: string, op: string): Comparable => {
  if (value === null || value === undefined) {
    throw autotaskError(`Operator '${op}' on field '${field}' requires a value.`)
  }
  switch (type) {
    case "boolean":
      if (typeof value !== "boolean") {
        throw autotaskError(`Invalid value '${String(value)}' for boolean field '${field}'; use true or false.`)
      }
      return value
    case "long":
    case "integer":
    case "decimal": {
      const number = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN
      if (!Number.isFinite(number)) throw autotaskError(`Invalid value '${String(value)}' for numeric field '${field}'.`)
      return number
    }
    case "datetime": {
      const instant = typeof value === "string" ? parseInstant(value) : undefined
      if (instant === undefined) throw autotaskError(`Invalid value '${String(value)}' for date field '${field}'.`)
      return instant
    }
    case "string":
      if (typeof value === "object") throw autotaskError(`Invalid value for field '${field}'.`)
      return String(value).toLowerCase()
  }
}

interface CompileState {
  udfConditions: number
  orConditions: number
}

const compile = (node: unknown, schema: EntitySchema, state: CompileState): Condition => {
  if (!isRecord(node)) throw autotaskError("Invalid query syntax: each filter item must be an object.")
  const rawOp = getKey(node, "op")
  if (typeof rawOp !== "string") throw autotaskError("Invalid query syntax: filter item without an 'op'.")
  const lowerOp = rawOp.toLowerCase()
  if (lowerOp === "and" || lowerOp === "or") {
    const items = getKey(node, "items")
    if (!Array.isArray(items) || items.length === 0) {
      throw autotaskError(`Invalid query syntax: '${rawOp}' requires a non-empty 'items' array.`)
    }
    if (lowerOp === "or") state.orConditions += items.length
    return { kind: "group", op: lowerOp, items: items.map((item) => compile(item, schema, state)) }
  }
  const op = leafOpByLower.get(lowerOp)
  if (op === undefined) throw autotaskError(`Invalid query syntax: unknown operator '${rawOp}'.`)
  const fieldName = getKey(node, "field")
  if (typeof fieldName !== "string" || fieldName === "") {
    throw autotaskError(`Invalid query syntax: operator '${rawOp}' requires a 'field'.`)
  }
  const udfFlag = getKey(node, "udf")
  if (udfFlag !== undefined && udfFlag !== null && typeof udfFlag !== "boolean") {
    throw autotaskError(`Invalid value '${String(udfFlag)}' for 'udf'; use true or false.`)
  }
  const udf = udfFlag === true
  let field: string
  let type: FieldType
  if (udf) {
    if (!schema.hasUdfs) throw autotaskError(`The ${schema.entity} entity does not have user-defined fields.`)
    state.udfConditions += 1
    if (state.udfConditions > 1) throw autotaskError("Only one user-defined field condition is allowed per query.")
    field = fieldName
    type = "string"
  } else {
    const spec = schema.fields.get(fieldName.toLowerCase())
    if (spec === undefined) throw autotaskError(`Unable to find field '${fieldName}' in the ${schema.entity} entity.`)
    if (!spec.queryable) throw autotaskError(`The field '${spec.name}' of ${schema.entity} is not queryable.`)
    field = spec.name
    type = spec.type
  }
  const value = getKey(node, "value")
  let values: ReadonlyArray<Comparable> = []
  if (op === "in" || op === "notIn") {
    if (!Array.isArray(value) || value.length === 0) {
      throw autotaskError(`Operator '${op}' on field '${fieldName}' requires a non-empty array value.`)
    }
    values = value.map((item) => coerce(item, type, fieldName, op))
    state.orConditions += values.length
  } else if (op !== "exist" && op !== "notExist") {
    if (Array.isArray(value)) throw autotaskError(`Operator '${op}' on field '${fieldName}' takes a single value.`)
    if (type === "boolean" && ["gt", "gte", "lt", "lte", "beginsWith", "endsWith", "contains"].includes(op)) {
      throw autotaskError(`Operator '${op}' cannot be used on boolean field '${fieldName}'.`)
    }
    const isText = op === "beginsWith" || op === "endsWith" || op === "contains"
    values = [coerce(value, isText ? "string" : type, fieldName, op)]
  }
  return { kind: "leaf", op, field, udf, type, values, valueSet: new Set(values) }
}

/** Parses a query body (`{filter, MaxRecords, IncludeFields}`); throws `SimError` on any violation. */
export const parseQuery = (body: unknown, schema: EntitySchema, options: { readonly forCount?: boolean } = {}) => {
  if (!isRecord(body)) throw autotaskError("Invalid query syntax: the query must be a JSON object.", 400)
  const filter = getKey(body, "filter")
  if (!Array.isArray(filter) || filter.length === 0) {
    throw autotaskError("Invalid query syntax: at least one filter condition is required.")
  }
  const state: CompileState = { udfConditions: 0, orConditions: 0 }
  const conditions = filter.map((item) => compile(item, schema, state))
  if (state.orConditions > MAX_OR_CONDITIONS) {
    throw autotaskError("Invalid query syntax. Queries are limited to 500 or fewer 'OR' conditions.")
  }
  const rawMax = getKey(body, "MaxRecords")
  let maxRecords = MAX_RECORDS
  if (rawMax !== undefined && rawMax !== null && options.forCount !== true) {
    if (typeof rawMax !== "number" || !Number.isInteger(rawMax) || rawMax < 1 || rawMax > MAX_RECORDS) {
      throw autotaskError(`MaxRecords must be an integer from 1 to ${MAX_RECORDS} (got ${JSON.stringify(rawMax)}).`)
    }
    maxRecords = rawMax
  }
  const rawInclude = getKey(body, "IncludeFields")
  let includeFields: ReadonlyArray<string> | undefined
  if (Array.isArray(rawInclude) && rawInclude.length > 0) {
    includeFields = rawInclude.map((name: unknown) => {
      if (typeof name !== "string") throw autotaskError("IncludeFields must be a list of field names.")
      if (name.toLowerCase() === "userdefinedfields" && schema.hasUdfs) return "userDefinedFields"
      const spec = schema.fields.get(name.toLowerCase())
      if (spec === undefined) throw autotaskError(`Unable to find field '${name}' in the ${schema.entity} entity.`)
      return spec.name
    })
  } else if (rawInclude !== undefined && rawInclude !== null && !Array.isArray(rawInclude)) {
    throw autotaskError("IncludeFields must be a list of field names.")
  }
  return { filter: conditions, maxRecords, includeFields } satisfies ParsedQuery
}

const isEmpty = (value: unknown) => value === null || value === undefined || value === ""

const udfValue = (row: Readonly<Record<string, unknown>>, name: string): unknown => {
  const udfs = row["userDefinedFields"]
  if (!Array.isArray(udfs)) return undefined
  const lower = name.toLowerCase()
  const found: unknown = udfs.find((udf: unknown) =>
    isRecord(udf) && typeof udf["name"] === "string" && udf["name"].toLowerCase() === lower
  )
  return isRecord(found) ? found["value"] : undefined
}

/** The row's value in the condition's comparison domain, or undefined when it has none. */
const comparableOf = (value: unknown, type: FieldType): Comparable | undefined => {
  if (value === null || value === undefined) return undefined
  switch (type) {
    case "boolean":
      return typeof value === "boolean" ? value : value === 1 || value === "1" || value === "true"
    case "long":
    case "integer":
    case "decimal": {
      const number = Number(value)
      return value === "" || !Number.isFinite(number) ? undefined : number
    }
    case "datetime":
      return typeof value === "string" ? parseInstant(value) : undefined
    case "string":
      return typeof value === "object" ? undefined : String(value).toLowerCase()
  }
}

const evaluateLeaf = (condition: Extract<Condition, { kind: "leaf" }>, row: Readonly<Record<string, unknown>>) => {
  const raw = condition.udf ? udfValue(row, condition.field) : row[condition.field]
  if (condition.op === "exist") return !isEmpty(raw)
  if (condition.op === "notExist") return isEmpty(raw)
  const isText = condition.op === "beginsWith" || condition.op === "endsWith" || condition.op === "contains"
  const actual = comparableOf(raw, isText ? "string" : condition.type)
  if (actual === undefined) return false
  const [expected] = condition.values
  switch (condition.op) {
    case "eq":
      return actual === expected
    case "noteq":
      return actual !== expected
    case "gt":
      return expected !== undefined && actual > expected
    case "gte":
      return expected !== undefined && actual >= expected
    case "lt":
      return expected !== undefined && actual < expected
    case "lte":
      return expected !== undefined && actual <= expected
    case "beginsWith":
      return String(actual).startsWith(String(expected))
    case "endsWith":
      return String(actual).endsWith(String(expected))
    case "contains":
      return String(actual).includes(String(expected))
    case "in":
      return condition.valueSet.has(actual)
    case "notIn":
      return !condition.valueSet.has(actual)
  }
}

export const matches = (condition: Condition, row: Readonly<Record<string, unknown>>): boolean => {
  if (condition.kind === "leaf") return evaluateLeaf(condition, row)
  return condition.op === "and"
    ? condition.items.every((item) => matches(item, row))
    : condition.items.some((item) => matches(item, row))
}

/** Top-level conditions are AND-ed. */
export const matchesAll = (filter: ReadonlyArray<Condition>, row: Readonly<Record<string, unknown>>) =>
  filter.every((condition) => matches(condition, row))
