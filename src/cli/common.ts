/**
 * Flags and steps shared by the commands that talk to Autotask and QBO.
 */
import { readFile, writeFile } from "node:fs/promises"
import { Clock, Data, Effect, Option, Schema } from "effect"
import { Flag } from "effect/cli"
import { loadConfig } from "../config/index.ts"
import { DEFAULT_CONFIG_DIR } from "../config/defaults.ts"
import type { Config } from "../config/types.ts"
import { isCalendarDate } from "../domain/dates.ts"
import { type Target, targetNamed, targetsOf } from "../reconcile/targets.ts"
import { windowFor, windowProblem, type WindowRequest } from "../reconcile/observe.ts"

export const configFlag = Flag.String("config").pipe(
  Flag.withAlias("c"),
  Flag.withDescription("Configuration directory holding atqbo.yaml and the mapping files"),
  Flag.withMetavar("DIR"),
  Flag.withDefault(DEFAULT_CONFIG_DIR)
)

export const sandboxFlag = Flag.Boolean("sandbox").pipe(
  Flag.withDescription("Run against the built-in Autotask and QBO simulators with the bundled demo data (no credentials needed)"),
  Flag.withDefault(false)
)

export const dataFlag = Flag.String("data").pipe(
  Flag.withDescription("With --sandbox: the dataset directory (autotask/, qbo/) to load instead of the bundled demo"),
  Flag.optional
)

const dateFlag = (name: string, description: string) =>
  Flag.String(name).pipe(
    Flag.withDescription(description),
    Flag.withMetavar("YYYY-MM-DD"),
    Flag.filter(isCalendarDate, (value) => `--${name} expects a date like 2026-11-12, got "${value}"`),
    Flag.optional
  )

export const windowFlags = {
  since: dateFlag("since", "First invoice date to consider (default: today minus sync.lookbackDays, in sync.timeZone); with --since/--until, voids and paid dates too come only from invoices dated inside"),
  until: dateFlag("until", "Last invoice date to consider (default: today in sync.timeZone); not before --since"),
  invoice: Flag.Int("invoice").pipe(
    Flag.withDescription("Only this Autotask invoice id (repeat for several): no action for any other invoice, voids and paid dates included; not with --since/--until"),
    Flag.withMetavar("ID"),
    Flag.atLeast(0)
  )
}

export const connectionFlag = Flag.String("connection").pipe(
  Flag.withDescription("With several QBO companies (atqbo.yaml connections): only this connection (invoices no connection takes are left out too)"),
  Flag.withMetavar("NAME"),
  Flag.optional
)

/** `--connection` for the onboarding commands, which set up or check one QBO company at a time. */
export const companyConnectionFlag = Flag.String("connection").pipe(
  Flag.withDescription("With several QBO companies (atqbo.yaml connections): the connection (QBO company) to work on"),
  Flag.withMetavar("NAME"),
  Flag.optional
)

export class ConnectionChoice extends Data.TaggedError("ConnectionChoice")<{ readonly message: string }> {}

const chosen = (config: Config, name: string) => {
  const named = targetNamed(config, name)
  return "problem" in named ? Effect.fail(new ConnectionChoice({ message: named.problem })) : Effect.succeed(named)
}

/**
 * The one QBO company `auth qbo` and `import` work on: the configuration's own, or the
 * connection `--connection` names, which is required with connections (guessing one would
 * store a token, or write mappings, for the wrong company).
 */
export const oneCompany = (config: Config, connection: Option.Option<string>): Effect.Effect<Target, ConnectionChoice> => {
  if (Option.isSome(connection)) return chosen(config, connection.value)
  if (config.connections.length === 0) return Effect.succeed({ name: undefined, config })
  return Effect.fail(
    new ConnectionChoice({
      message: `atqbo.yaml defines connections ${config.connections.map((entry) => entry.name).join(", ")}: say which company with --connection NAME`
    })
  )
}

/** The QBO companies `doctor` checks: every one, or the connection `--connection` names. */
export const someCompanies = (config: Config, connection: Option.Option<string>): Effect.Effect<ReadonlyArray<Target>, ConnectionChoice> =>
  Option.isSome(connection) ? Effect.map(chosen(config, connection.value), (target) => [target]) : Effect.succeed(targetsOf(config))

/** What to plan and against what: the window, the company, live or the sandbox. */
export const planningFlags = {
  ...windowFlags,
  connection: connectionFlag,
  sandbox: sandboxFlag,
  data: dataFlag
}

export interface WindowFlags {
  readonly since: Option.Option<string>
  readonly until: Option.Option<string>
  readonly invoice: ReadonlyArray<number>
}

/** Flags that cannot be right together: an error naming them, never a silently ignored flag. */
export class InvalidInput extends Schema.TaggedError<InvalidInput>()("InvalidInput", { message: Schema.String }) {}

/**
 * The window the flags ask for, checked before anything is read: `--invoice` with dates (it
 * ignores them) and dates that select no day are refused.
 */
export const windowRequest = (flags: WindowFlags, config: Config) =>
  Effect.gen(function*() {
    if (flags.invoice.length > 0 && (Option.isSome(flags.since) || Option.isSome(flags.until))) {
      return yield* new InvalidInput({ message: "--invoice selects invoices by id whatever their date, so --since/--until would be ignored; give one or the other" })
    }
    const request: WindowRequest = {
      since: Option.getOrUndefined(flags.since),
      until: Option.getOrUndefined(flags.until),
      invoiceIds: flags.invoice.length > 0 ? flags.invoice : undefined
    }
    const problem = windowProblem(request, windowFor(config, request, new Date(yield* Clock.currentTimeMillis)))
    if (problem !== undefined) return yield* new InvalidInput({ message: `${problem}: that window holds no day; nothing was read.` })
    return request
  })

/** The planning flags given that a saved plan (which carries its own window and companies) rules out. */
export const scopeFlagsGiven = (flags: WindowFlags & { readonly connection: Option.Option<string> }): ReadonlyArray<string> => [
  ...(Option.isSome(flags.since) ? ["--since"] : []),
  ...(Option.isSome(flags.until) ? ["--until"] : []),
  ...(flags.invoice.length > 0 ? ["--invoice"] : []),
  ...(Option.isSome(flags.connection) ? ["--connection"] : [])
]

export class OutputError extends Data.TaggedError("OutputError")<{ readonly message: string }> {}

/** Writes an output file, turning I/O errors into a sentence. */
export const writeOutput = (file: string, text: string) =>
  Effect.tryPromise({
    try: () => writeFile(file, text, "utf8"),
    catch: (error) => new OutputError({ message: `cannot write ${file}: ${(error as Error).message}` })
  })

/**
 * `plan --out FILE` may replace an earlier plan, never anything else: a mistyped path (say
 * `mappings/atqbo.yaml`) is refused before anything is read.
 */
export const checkPlanOut = (file: string) =>
  Effect.gen(function*() {
    const existing = yield* Effect.promise(() => readFile(file, "utf8").then((text) => text, (error: NodeJS.ErrnoException) => error.code === "ENOENT" ? undefined : ""))
    if (existing === undefined || looksLikePlan(existing)) return
    return yield* new OutputError({ message: `refusing to write the plan to ${file}: it exists and is not an atqbo plan; choose another file (or delete it first)` })
  })

const looksLikePlan = (text: string): boolean => {
  try {
    const value = JSON.parse(text) as { tool?: { name?: unknown }; format_version?: unknown }
    return value.tool?.name === "atqbo" && typeof value.format_version === "string"
  } catch {
    return false
  }
}

export { loadConfig }
