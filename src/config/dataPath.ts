/** Data paths as people read them (`sync.voids.lookbackDays`, `map[2].item`) and values in messages. */
import type { DataPath } from "./yamlSource.ts"

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/

export const formatPath = (path: DataPath): string =>
  path.reduce<string>((text, segment) => {
    if (typeof segment === "number") return `${text}[${segment}]`
    if (IDENTIFIER.test(segment)) return text === "" ? segment : `${text}.${segment}`
    return `${text}[${JSON.stringify(segment)}]`
  }, "")

/** Splits an RFC 6901 JSON Pointer, turning segments that index lists into numbers. */
export const parsePointer = (pointer: string, data: unknown): DataPath => {
  if (pointer === "") return []
  const path: Array<string | number> = []
  let node = data
  for (const raw of pointer.slice(1).split("/")) {
    const segment = raw.replace(/~1/g, "/").replace(/~0/g, "~")
    if (Array.isArray(node)) {
      const index = Number(segment)
      path.push(index)
      node = node[index]
    } else {
      path.push(segment)
      node = typeof node === "object" && node !== null ? (node as Record<string, unknown>)[segment] : undefined
    }
  }
  return path
}

export const valueAt = (data: unknown, path: DataPath): unknown => {
  let node = data
  for (const segment of path) {
    if (typeof node !== "object" || node === null) return undefined
    node = (node as Record<string | number, unknown>)[segment]
  }
  return node
}

const MAX_SHOWN = 60

/** A value as quoted in a message: text in quotes (shortened), numbers and booleans as-is. */
export const showValue = (value: unknown): string => {
  if (value === null || value === undefined) return "an empty value"
  if (typeof value === "string") {
    const quoted = JSON.stringify(value)
    return quoted.length > MAX_SHOWN ? `${quoted.slice(0, MAX_SHOWN - 2)}…"` : quoted
  }
  if (Array.isArray(value)) return "a list"
  if (typeof value === "object") return "a mapping"
  return String(value)
}

/** The kind of a value in YAML words, for "expected X, found Y". */
export const describeValue = (value: unknown): string => {
  if (value === null || value === undefined) return "an empty value"
  if (typeof value === "string") return `the text ${showValue(value)}`
  if (typeof value === "number") return `the number ${value}`
  if (typeof value === "boolean") return `\`${value}\``
  if (Array.isArray(value)) return "a list"
  return "a mapping"
}
