/**
 * Shared validation for writes: the operation context, name rules (no `:`/tab/newline,
 * length limits), required fields and reference resolution. References resolve against
 * `visibleSeq` so batch items cannot see each other's creates.
 */
import { Faults, SimFault } from "./faults.ts"
import { type JsonObject, type JsonValue, isObject, objectField, refValue } from "./json.ts"
import type { QboSimOptions } from "./options.ts"
import type { RealmStore, SimEntity, StoredRecord } from "./store.ts"

export interface OpContext {
  readonly store: RealmStore
  readonly options: QboSimOptions
  readonly now: Date
  /** Inside a batch: the store sequence before the batch began. */
  readonly visibleSeq: number | undefined
  /** `include=` flags of the request (`allowduplicatedocnum`). */
  readonly include: ReadonlySet<string>
}

/** A record the request may see: exists, not deleted, not created later in the same batch. */
export const findVisible = (ctx: OpContext, entity: SimEntity, id: string): StoredRecord | undefined => {
  const record = ctx.store.table(entity).get(id)
  if (record === undefined || record.deleted) return undefined
  if (ctx.visibleSeq !== undefined && record.createdSeq > ctx.visibleSeq) return undefined
  return record
}

export const isActive = (data: JsonObject): boolean => data["Active"] !== false

/**
 * Resolves `{value}` of a reference to an active record. Items and accounts fail with 2500
 * "Invalid Reference Id"; customers, terms and classes with 610 "Object Not Found".
 */
export const resolveRef = (
  ctx: OpContext,
  entity: SimEntity,
  holder: JsonObject,
  field: string,
  element: string
): StoredRecord | undefined => {
  const id = refValue(holder, field)
  if (id === undefined) {
    if (holder[field] !== undefined && holder[field] !== null) throw Faults.required(`${element}.value`, element)
    return undefined
  }
  const record = findVisible(ctx, entity, id)
  if (record === undefined || !isActive(record.data)) {
    if (entity === "Item" || entity === "Account") {
      throw Faults.invalidReference(
        element,
        entity === "Item"
          ? `Invalid Reference Id : ${element}`
          : "Invalid Reference Id : Something you're trying to use has been made inactive. Check the fields with accounts."
      )
    }
    throw Faults.notFound(element)
  }
  return record
}

/** A reference as QBO returns it: `{value, name}`. */
export const namedRef = (id: string, name: JsonValue | undefined): JsonObject =>
  typeof name === "string" ? { value: id, name } : { value: id }

const FORBIDDEN = /[:\t\n\r]/

/** Name fields: no colon, tab or newline; within `max` characters. */
export const checkName = (value: JsonValue | undefined, field: string, max: number, forbidQuote = false): void => {
  if (value === undefined || value === null) return
  if (typeof value !== "string") throw Faults.unsupportedProperty(`Property Name:${field} must be a string`, field)
  if (FORBIDDEN.test(value) || (forbidQuote && value.includes('"'))) {
    throw Faults.business(
      `${field} can't contain a colon (:), tab or new line${forbidQuote ? ', or a double quote (")' : ""}. Supplied value:${value.replace(/[\t\n\r]/g, " ")}`,
      field
    )
  }
  checkLength(value, field, max)
}

export const checkLength = (value: JsonValue | undefined, field: string, max: number): void => {
  if (typeof value === "string" && [...value].length > max) throw Faults.tooLong(field, max)
}

export const requireField = (body: JsonObject, field: string): JsonValue => {
  const value = body[field]
  if (value === undefined || value === null || value === "") throw Faults.required(field)
  return value
}

/** Compares names for uniqueness: case-insensitive by default (an option). */
export const sameName = (ctx: OpContext, a: string, b: string): boolean =>
  ctx.options.caseInsensitiveNames ? a.trim().toLowerCase() === b.trim().toLowerCase() : a.trim() === b.trim()

/** Only a `{Address}` with `@` and `.` is an e-mail address QBO accepts. */
export const checkEmail = (holder: JsonObject, field: string): void => {
  const email = objectField(holder, field)
  if (email === undefined) return
  const address = email["Address"]
  if (typeof address !== "string") return
  checkLength(address, `${field}.Address`, 100)
  if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(address.trim())) {
    throw Faults.business(`Invalid email address format: ${address}`, field)
  }
}

export const asBoolean = (value: JsonValue | undefined): boolean | undefined =>
  value === true || value === "true" ? true : value === false || value === "false" ? false : undefined

/** Fields a client may not set; QBO ignores them on input and recomputes them. */
export const withoutKeys = (body: JsonObject, keys: ReadonlyArray<string>): Record<string, JsonValue> => {
  const result: Record<string, JsonValue> = {}
  for (const [key, value] of Object.entries(body)) if (!keys.includes(key)) result[key] = value
  return result
}

export const COMMON_READ_ONLY = ["Id", "SyncToken", "MetaData", "domain", "sparse", "status"]

export const asObject = (value: unknown, field: string): JsonObject => {
  if (!isObject(value)) throw Faults.unsupportedProperty(`Property Name:${field} must be an object`, field)
  return value
}

export { SimFault }
