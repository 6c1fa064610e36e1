/**
 * The one vocabulary for everything wrong with a configuration directory: a problem names
 * `file:line:column`, a severity and a sentence; `ConfigInvalid` carries all of them.
 */
import { Data } from "effect"

export type Severity = "error" | "warning"

export interface ConfigProblem {
  /** Path as given on the command line, relative to the working directory. */
  readonly file: string
  /** 1-based. */
  readonly line: number
  /** 1-based. */
  readonly column: number
  readonly severity: Severity
  /** A sentence saying what is wrong and what was expected. */
  readonly message: string
  /** What to do about it, when there is more to say than the message. */
  readonly hint?: string
  /** Dotted path of the offending setting (`sync.voids.lookbackDays`, `map[2].item`), if any. */
  readonly path?: string
}

/** Sort by file, then line, then column, then message: deterministic output for CI diffs. */
export const sortProblems = (problems: ReadonlyArray<ConfigProblem>): ReadonlyArray<ConfigProblem> =>
  [...problems].sort((a, b) =>
    compareStrings(a.file, b.file) || a.line - b.line || a.column - b.column ||
    compareStrings(a.severity, b.severity) || compareStrings(a.message, b.message)
  )

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

export const countProblems = (problems: ReadonlyArray<ConfigProblem>): { readonly errors: number; readonly warnings: number } => ({
  errors: problems.filter((problem) => problem.severity === "error").length,
  warnings: problems.filter((problem) => problem.severity === "warning").length
})

export const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? "" : "s"}`

/** `mappings/items.yaml:12:5 error: …` — the editor- and grep-friendly one-line form. */
export const formatProblem = (problem: ConfigProblem): string =>
  `${problem.file}:${problem.line}:${problem.column} ${problem.severity}: ${problem.message}`

/** The configuration directory has errors; `problems` holds every one of them, sorted. */
export class ConfigInvalid extends Data.TaggedError("ConfigInvalid")<{
  readonly message: string
  readonly dir: string
  readonly problems: ReadonlyArray<ConfigProblem>
}> {}

const MESSAGE_LISTS_AT_MOST = 10

export const configInvalid = (dir: string, problems: ReadonlyArray<ConfigProblem>): ConfigInvalid => {
  const errors = problems.filter((problem) => problem.severity === "error")
  const listed = errors.slice(0, MESSAGE_LISTS_AT_MOST).map((problem) => `  ${formatProblem(problem)}`)
  const more = errors.length > listed.length
    ? [`  … and ${plural(errors.length - listed.length, "more error")}; run \`atqbo validate --config ${dir}\` to see them all.`]
    : []
  const message = [`The configuration in ${dir} has ${plural(errors.length, "error")}:`, ...listed, ...more].join("\n")
  return new ConfigInvalid({ message, dir, problems })
}
