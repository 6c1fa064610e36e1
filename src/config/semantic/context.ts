/**
 * Helpers for semantic rules. Rules run even when the schema found errors (every problem in
 * one run), so they read the data defensively and skip what has the wrong shape — the schema
 * has already reported it.
 */
import { formatPath } from "../dataPath.ts"
import type { ConfigProblem, Severity } from "../problems.ts"
import type { Anchor, DataPath, YamlSource } from "../yamlSource.ts"

export type Record_ = Readonly<Record<string, unknown>>

export const asRecord = (value: unknown): Record_ | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record_) : undefined

export const asArray = (value: unknown): ReadonlyArray<unknown> => (Array.isArray(value) ? value : [])

export const asString = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined)

export const asInteger = (value: unknown): number | undefined => (Number.isInteger(value) ? (value as number) : undefined)

/** The mapping at `path`, or undefined when absent or not a mapping. */
export const recordAt = (data: unknown, ...path: ReadonlyArray<string>): Record_ | undefined => {
  let node = asRecord(data)
  for (const key of path) node = asRecord(node?.[key])
  return node
}

export const code = (text: string | number): string => `\`${text}\``

export interface Report {
  (path: DataPath, anchor: Anchor, severity: Severity, message: string, hint?: string): ConfigProblem
  /** Line of a path, for "already set on line N". */
  readonly lineOf: (path: DataPath) => number
}

export const reporter = (source: YamlSource): Report => {
  const report = (path: DataPath, anchor: Anchor, severity: Severity, message: string, hint?: string): ConfigProblem => ({
    file: source.file,
    ...source.locate(path, anchor),
    severity,
    message,
    ...(hint === undefined ? {} : { hint }),
    ...(path.length === 0 ? {} : { path: formatPath(path) })
  })
  return Object.assign(report, { lineOf: (path: DataPath) => source.locate(path, "node").line })
}

/** Names compare exactly as the reconciler compares them (case-insensitively, like QBO). */
export { nameKey } from "../../reconcile/names.ts"
