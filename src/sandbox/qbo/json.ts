/** JSON values as the simulator stores and serves them. */
export type JsonValue = null | boolean | number | string | ReadonlyArray<JsonValue> | JsonObject
export interface JsonObject {
  readonly [key: string]: JsonValue
}
/** A record under construction; frozen into `JsonObject` when stored. */
export type MutableJson = { [key: string]: JsonValue }

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === "object" && value !== null && !Array.isArray(value)

export const clone = <A extends JsonValue>(value: A): A => structuredClone(value)

/** A field as a trimmed string, or undefined when absent, null or not a string/number. */
export const stringField = (object: JsonObject | undefined, key: string): string | undefined => {
  const value = object?.[key]
  if (typeof value === "string") return value
  if (typeof value === "number") return String(value)
  return undefined
}

export const objectField = (object: JsonObject | undefined, key: string): JsonObject | undefined => {
  const value = object?.[key]
  return isObject(value) ? value : undefined
}

export const arrayField = (object: JsonObject | undefined, key: string): ReadonlyArray<JsonValue> | undefined => {
  const value = object?.[key]
  return Array.isArray(value) ? (value as ReadonlyArray<JsonValue>) : undefined
}

/** `{value}` of a reference field (`CustomerRef`), when present. */
export const refValue = (object: JsonObject | undefined, key: string): string | undefined => {
  const ref = objectField(object, key)
  const value = ref?.["value"]
  if (typeof value === "string" && value !== "") return value
  if (typeof value === "number") return String(value)
  return undefined
}

/** Removes keys whose value is undefined or null: QBO omits unset fields. */
export const compact = (object: Record<string, JsonValue | undefined>): MutableJson => {
  const result: MutableJson = {}
  for (const [key, value] of Object.entries(object)) {
    if (value !== undefined && value !== null) result[key] = value
  }
  return result
}
