/**
 * JSON that keeps Autotask's number spelling. Autotask serialises .NET decimals with their
 * scale (`0.0000`, `386.6450`) and ids beyond 2^53 exactly; `JSON.parse` would turn those
 * into `0`, `386.645` and a rounded id. Rows parsed here remember the source text of each
 * top-level number whose default spelling differs, and `stringifyPreservingNumbers` writes it back
 * (via `JSON.rawJSON`) as long as the value was not changed. Rows stay plain objects with
 * ordinary numbers, so filters and tests work on them normally.
 */

interface RawJsonApi {
  rawJSON?: (text: string) => unknown
}

type ParseWithSource = (
  text: string,
  reviver: (this: unknown, key: string, value: unknown, context?: { readonly source?: string }) => unknown
) => unknown

const rawJSON = (JSON as unknown as RawJsonApi).rawJSON

/** Source spellings of a row's numbers, keyed by field name. */
const rawNumbers = new WeakMap<object, Record<string, string>>()

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/**
 * Parses JSON; numbers whose source text differs from JavaScript's shortest spelling are
 * remembered on the object holding them. Runtimes without source access parse normally.
 */
export const parsePreservingNumbers = (text: string): unknown =>
  (JSON.parse as ParseWithSource)(text, function(this: unknown, key, value, context) {
    const source = context?.source
    if (typeof value === "number" && source !== undefined && source !== String(value) && isRecord(this)) {
      const own = rawNumbers.get(this) ?? {}
      own[key] = source
      rawNumbers.set(this, own)
    }
    return value
  })

/** Copies remembered spellings from `from` to `to` for fields whose value is unchanged. */
export const carryRawNumbers = (from: object, to: Record<string, unknown>): void => {
  const raw = rawNumbers.get(from)
  if (raw === undefined) return
  const kept: Record<string, string> = {}
  for (const [field, source] of Object.entries(raw)) {
    if (typeof to[field] === "number" && to[field] === Number(source)) kept[field] = source
  }
  if (Object.keys(kept).length > 0) rawNumbers.set(to, kept)
}

/** `JSON.stringify` that writes remembered number spellings back. */
export const stringifyPreservingNumbers = (value: unknown): string => {
  if (rawJSON === undefined) return JSON.stringify(value)
  const makeRaw = rawJSON
  return JSON.stringify(value, function(this: unknown, key: string, field: unknown) {
    if (typeof field === "number" && typeof this === "object" && this !== null) {
      const source = rawNumbers.get(this)?.[key]
      if (source !== undefined && Number(source) === field) return makeRaw(source)
    }
    return field
  })
}
