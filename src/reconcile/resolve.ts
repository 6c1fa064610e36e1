/**
 * Replaces a payload's placeholders with values known only at apply time: `$ref`s with fields
 * of the records earlier actions produced, `$runtime` with the apply time. Pure.
 */
import { isPayloadRef, isRuntimeValue, type Json } from "../domain/plan.ts"

export type Resolved =
  | { readonly ok: true; readonly value: Json }
  | { readonly ok: false; readonly missing: ReadonlyArray<string> }

export const resolvePayload = (
  value: Json,
  produced: (address: string) => Record<string, unknown> | undefined,
  now: Date
): Resolved => {
  const missing: Array<string> = []
  const walk = (node: Json): Json => {
    if (isPayloadRef(node)) {
      const field = produced(node.$ref)?.[node.field]
      if (field === undefined || field === null) {
        missing.push(`${node.$ref} produced no ${node.field}`)
        return null
      }
      return field as Json
    }
    if (isRuntimeValue(node)) return node.$runtime === "now" ? now.toISOString() : now.toISOString().slice(0, 10)
    if (Array.isArray(node)) return node.map(walk)
    if (typeof node === "object" && node !== null) {
      return Object.fromEntries(Object.entries(node).map(([key, entry]) => [key, walk(entry as Json)]))
    }
    return node
  }
  const result = walk(value)
  return missing.length === 0 ? { ok: true, value: result } : { ok: false, missing }
}
