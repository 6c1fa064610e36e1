/**
 * Runs a parsed query against a realm: filter (type-aware, case-insensitive string values
 * by default), the active-only default of name lists, ORDERBY, paging, COUNT(*).
 * Money compares in decimal.
 */
import { Option } from "effect"
import * as Money from "../../../domain/money.ts"
import { Faults } from "../faults.ts"
import { type JsonObject, type JsonValue, isObject } from "../json.ts"
import type { QboSimOptions } from "../options.ts"
import { entityByName } from "../operations.ts"
import { NAME_LIST_ENTITIES, type RealmStore } from "../store.ts"
import { pacificDate, pacificOffset } from "../time.ts"
import { type FieldSpec, QUERYABLE_ENTITIES, fieldSpec } from "./fields.ts"
import { type Condition, type Literal, parseQuery } from "./parser.ts"

export const DEFAULT_PAGE_SIZE = 100
export const MAX_PAGE_SIZE = 1000

/** The entity a statement selects from, for request counting; undefined when unparsable. */
export const queryEntityName = (statement: string): string | undefined => {
  const match = /\bfrom\s+([A-Za-z]+)/i.exec(statement)
  if (match === null) return undefined
  const name = match[1]!.toLowerCase()
  return QUERYABLE_ENTITIES.find((entity) => entity.toLowerCase() === name) ?? match[1]
}

const valueAt = (data: JsonObject, spec: FieldSpec): JsonValue | undefined => {
  let current: JsonValue | undefined = data
  for (const segment of spec.path) current = isObject(current) ? current[segment] : undefined
  if (spec.type === "ref" && isObject(current)) return current["value"]
  if (spec.type === "email" && isObject(current)) return current["Address"]
  return current
}

type Comparable = { readonly kind: "text"; readonly value: string } | { readonly kind: "decimal"; readonly value: Money.Decimal } | { readonly kind: "time"; readonly value: number }

const toTime = (text: string, field: string): number => {
  const withZone = /([+-]\d{2}:\d{2}|Z)$/.test(text) ? text : `${text}${text.includes("T") ? "" : "T00:00:00"}${pacificOffset(new Date())}`
  const value = Date.parse(withZone)
  if (Number.isNaN(value)) throw Faults.queryInvalid(`value '${text}' is not a valid datetime for property '${field}'`)
  return value
}

const comparable = (value: JsonValue | undefined, spec: FieldSpec, field: string, caseInsensitive: boolean): Comparable | undefined => {
  if (value === undefined || value === null || isObject(value) || Array.isArray(value)) return undefined
  const text = String(value)
  switch (spec.type) {
    case "number": {
      const parsed = Money.parseDecimal(text)
      if (Option.isNone(parsed)) throw Faults.queryInvalid(`value '${text}' is not a valid number for property '${field}'`)
      return { kind: "decimal", value: parsed.value }
    }
    case "datetime":
      return { kind: "time", value: toTime(text, field) }
    case "date":
      return { kind: "text", value: text.slice(0, 10) }
    case "boolean":
      return { kind: "text", value: text.toLowerCase() }
    case "id":
    case "ref":
      return { kind: "text", value: text }
    case "string":
    case "email":
      return { kind: "text", value: caseInsensitive ? text.toLowerCase() : text }
  }
}

const literalValue = (literal: Literal, now: Date): string => (literal.kind === "current_date" ? pacificDate(now) : literal.text)

const compare = (a: Comparable, b: Comparable): number => {
  if (a.kind === "decimal" && b.kind === "decimal") return Money.compare(a.value, b.value)
  if (a.kind === "time" && b.kind === "time") return a.value - b.value
  const x = String(a.value)
  const y = String(b.value)
  return x < y ? -1 : x > y ? 1 : 0
}

const likeMatcher = (pattern: string, caseInsensitive: boolean): RegExp => {
  const source = pattern
    .split("%")
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*")
  return new RegExp(`^${source}$`, caseInsensitive ? "is" : "s")
}

interface CompiledCondition {
  readonly test: (data: JsonObject) => boolean
  readonly isActive: boolean
}

const compile = (entity: string, condition: Condition, options: QboSimOptions, now: Date): CompiledCondition => {
  const spec = fieldSpec(entity, condition.field, options)
  if (spec === undefined) throw Faults.queryInvalid(`property '${condition.field}' is not queryable`)
  if (spec.type === "id" && condition.operator !== "=" && condition.operator !== "in") {
    throw Faults.queryInvalid(`operator '${condition.operator.toUpperCase()}' is not supported for property '${condition.field}'; use = or IN`)
  }
  const caseInsensitive = options.caseInsensitiveQueryValues
  const isActive = spec.path.length === 1 && spec.path[0] === "Active"
  if (condition.operator === "like") {
    if (spec.type !== "string" && spec.type !== "email") throw Faults.queryInvalid(`operator 'LIKE' is not supported for property '${condition.field}'`)
    const matcher = likeMatcher(literalValue(condition.values[0]!, now), caseInsensitive)
    return {
      isActive,
      test: (data) => {
        const value = valueAt(data, spec)
        return typeof value === "string" && matcher.test(value)
      }
    }
  }
  const targets = condition.values.map((literal) => {
    const text = literalValue(literal, now)
    if (text === " ") return undefined // `' '` stands for null
    if (spec.type === "boolean" && text !== "true" && text !== "false") {
      throw Faults.queryInvalid(`value '${text}' is not a valid boolean for property '${condition.field}'`)
    }
    return comparable(text, spec, condition.field, caseInsensitive)
  })
  const defaultsTrue = isActive
  return {
    isActive,
    test: (data) => {
      const raw = valueAt(data, spec)
      const value = comparable(raw === undefined && defaultsTrue ? true : raw, spec, condition.field, caseInsensitive)
      return targets.some((target) => {
        if (target === undefined) return value === undefined || (value.kind === "text" && value.value.trim() === "")
        if (value === undefined) return false
        const order = compare(value, target)
        switch (condition.operator) {
          case "=":
          case "in":
            return order === 0
          case "<":
            return order < 0
          case ">":
            return order > 0
          case "<=":
            return order <= 0
          case ">=":
            return order >= 0
          default:
            return false
        }
      })
    }
  }
}

const canonicalEntity = (name: string): string | undefined => {
  const lower = name.toLowerCase()
  if (lower === "preferences") return "Preferences"
  if (lower === "companyinfo") return "CompanyInfo"
  return entityByName(name)
}

/** The `QueryResponse` object for a statement. */
export const executeQuery = (store: RealmStore, statement: string, options: QboSimOptions, now: Date): JsonObject => {
  const query = parseQuery(statement)
  const entity = canonicalEntity(query.entity)
  if (entity === undefined) throw Faults.queryInvalid(`Entity '${query.entity}' is not supported for query`)
  const conditions = query.where.map((condition) => compile(entity, condition, options, now))
  const sortKeys = query.orderBy.map((key) => {
    const spec = fieldSpec(entity, key.field, options)
    if (spec === undefined) throw Faults.queryInvalid(`property '${key.field}' is not queryable`)
    return { spec, field: key.field, descending: key.descending }
  })
  if (query.maxResults !== undefined && query.maxResults < 1) {
    throw Faults.queryInvalid(`value ${query.maxResults} is too small. Min allowed value is 1`)
  }

  let rows: Array<JsonObject>
  if (entity === "Preferences") rows = [store.preferences]
  else if (entity === "CompanyInfo") rows = [store.companyInfo]
  else rows = store.live(entityByName(entity)!).map((record) => record.data)

  const activeFiltered = conditions.some((condition) => condition.isActive)
  if (NAME_LIST_ENTITIES.has(entity) && !activeFiltered) rows = rows.filter((data) => data["Active"] !== false)
  rows = rows.filter((data) => conditions.every((condition) => condition.test(data)))

  if (query.count) return { totalCount: rows.length }

  const idOrder = (a: JsonObject, b: JsonObject) => {
    const x = String(a["Id"])
    const y = String(b["Id"])
    return x.length !== y.length ? x.length - y.length : x < y ? -1 : x > y ? 1 : 0
  }
  rows.sort((a, b) => {
    for (const key of sortKeys) {
      const x = comparable(valueAt(a, key.spec), key.spec, key.field, false)
      const y = comparable(valueAt(b, key.spec), key.spec, key.field, false)
      const order =
        key.spec.type === "id"
          ? idOrder(a, b)
          : x === undefined
          ? y === undefined
            ? 0
            : -1
          : y === undefined
          ? 1
          : compare(x, y)
      if (order !== 0) return key.descending ? -order : order
    }
    return idOrder(a, b)
  })

  // STARTPOSITION 0 has been seen accepted (.NET #42): read it as 1 (UNCERTAIN).
  const start = Math.max(1, query.startPosition ?? 1)
  const size = Math.min(MAX_PAGE_SIZE, query.maxResults ?? DEFAULT_PAGE_SIZE)
  const page = rows.slice(start - 1, start - 1 + size)
  if (page.length === 0) return {}
  return { [entity]: page, startPosition: start, maxResults: page.length }
}
