/**
 * `atqbo validate`: offline checks of a configuration directory (YAML, schemas, semantic
 * rules). Needs no secrets and no network, so it runs on pull requests from forks too.
 * Exit 0 when valid (warnings allowed), 1 when any error was found.
 */
import { Console, Effect } from "effect"
import { Command, Flag } from "effect/cli"
import { DEFAULT_CONFIG_DIR, validateConfigDir } from "../config/index.ts"
import type { ConfigProblem, ValidationReport } from "../config/index.ts"
import { formatProblem, plural } from "../config/problems.ts"
import { formatAnnotation, limitAnnotations } from "../render/githubAnnotations.ts"
import { setExitCode } from "./exitCode.ts"

export const VALIDATE_FORMATS = ["text", "json", "github"] as const
export type ValidateFormat = (typeof VALIDATE_FORMATS)[number]

/** `2 errors, 1 warning in 6 files` */
export const summaryLine = (report: ValidationReport): string =>
  `${plural(report.errors, "error")}, ${plural(report.warnings, "warning")} in ${plural(report.files.length, "file")}`

/** For people: one `file:line:col severity: message` line per problem, its hint below, then the summary. */
export const renderText = (report: ValidationReport): string => {
  const lines = report.problems.flatMap((problem) => [
    formatProblem(problem),
    ...(problem.hint === undefined ? [] : [`  hint: ${problem.hint}`])
  ])
  return [...lines, summaryLine(report)].join("\n")
}

/** For tools: `{valid, errors, warnings, files, problems}`; problems keep their optional `hint` and `path`. */
export const renderJson = (report: ValidationReport): string =>
  JSON.stringify(
    {
      valid: report.valid,
      errors: report.errors,
      warnings: report.warnings,
      files: report.files,
      problems: report.problems
    },
    null,
    2
  )

const TITLE = "atqbo validate"

const annotationOf = (problem: ConfigProblem) => ({
  level: problem.severity,
  file: problem.file,
  line: problem.line,
  col: problem.column,
  title: TITLE,
  message: problem.hint === undefined ? problem.message : `${problem.message}\n${problem.hint}`
})

/**
 * For GitHub Actions: annotations on the YAML lines (at most 10 per level, as GitHub drops
 * the rest), a note on how many were left out, then the full list in plain text for the log.
 */
export const renderGithub = (report: ValidationReport): string => {
  const { shown, omitted } = limitAnnotations(report.problems.map(annotationOf))
  const notes = (["error", "warning"] as const)
    .filter((level) => omitted[level] > 0)
    .map((level) =>
      `${TITLE}: ${omitted[level]} more ${omitted[level] === 1 ? level : `${level}s`} not annotated (GitHub shows at most 10 per kind); the full list follows.`
    )
  return [...shown.map(formatAnnotation), ...notes, renderText(report)].join("\n")
}

const RENDERERS: Readonly<Record<ValidateFormat, (report: ValidationReport) => string>> = {
  text: renderText,
  json: renderJson,
  github: renderGithub
}

export const validateCommand = Command.make(
  "validate",
  {
    config: Flag.String("config").pipe(
      Flag.withAlias("c"),
      Flag.withMetavar("DIR"),
      Flag.withDescription("Configuration directory holding atqbo.yaml and the optional mapping files (default: mappings)."),
      Flag.withDefault(DEFAULT_CONFIG_DIR)
    ),
    format: Flag.Literals("format", VALIDATE_FORMATS).pipe(
      Flag.withMetavar("FORMAT"),
      Flag.withDescription(
        "Output: `text` for people, `json` for tools ({valid, problems}), `github` for GitHub Actions " +
          "annotations on the offending YAML lines plus the full list (default: text)."
      ),
      Flag.withDefault("text")
    )
  },
  Effect.fn("validate")(function*({ config, format }) {
    const report = yield* validateConfigDir(config)
    yield* Console.log(RENDERERS[format](report))
    yield* setExitCode(report.valid ? 0 : 1)
  })
).pipe(
  Command.withDescription(
    "Check the configuration offline — YAML syntax, JSON Schemas and semantic rules (duplicate or " +
      "conflicting mappings, alias chains, names QBO rejects, …) — and report every problem with its " +
      "file:line:column. Needs no credentials or network. Exit code 0 when valid (warnings allowed), 1 otherwise."
  ),
  Command.withExamples([
    { command: "atqbo validate", description: "Check ./mappings and print problems for people" },
    { command: "atqbo validate --config config/acme", description: "Check another configuration directory" },
    { command: "atqbo validate --format github", description: "Annotate the offending YAML lines in a GitHub Actions job" },
    { command: "atqbo validate --format json | jq '.problems[]'", description: "Machine-readable problems" }
  ])
)
