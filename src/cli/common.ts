/**
 * Flags and steps shared by the commands that talk to Autotask and QBO.
 */
import { writeFile } from "node:fs/promises"
import { Data, Effect, Option } from "effect"
import { Flag } from "effect/cli"
import { loadConfig } from "../config/index.ts"
import { DEFAULT_CONFIG_DIR } from "../config/defaults.ts"
import { isCalendarDate } from "../domain/dates.ts"

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
  Flag.withDescription("With --sandbox: the dataset directory to load instead of the bundled demo"),
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
  since: dateFlag("since", "First invoice date to consider (default: today minus sync.lookbackDays, in sync.timeZone)"),
  until: dateFlag("until", "Last invoice date to consider (default: today in sync.timeZone)"),
  invoice: Flag.Int("invoice").pipe(
    Flag.withDescription("Only this Autotask invoice id (repeat for several); ignores the date window"),
    Flag.withMetavar("ID"),
    Flag.atLeast(0)
  )
}

export const connectionFlag = Flag.String("connection").pipe(
  Flag.withDescription("With several QBO companies (atqbo.yaml connections): only this connection"),
  Flag.withMetavar("NAME"),
  Flag.optional
)

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

export const windowRequest = (flags: WindowFlags) => ({
  since: Option.getOrUndefined(flags.since),
  until: Option.getOrUndefined(flags.until),
  invoiceIds: flags.invoice.length > 0 ? flags.invoice : undefined
})

export class OutputError extends Data.TaggedError("OutputError")<{ readonly message: string }> {}

/** Writes an output file, turning I/O errors into a sentence. */
export const writeOutput = (file: string, text: string) =>
  Effect.tryPromise({
    try: () => writeFile(file, text, "utf8"),
    catch: (error) => new OutputError({ message: `cannot write ${file}: ${(error as Error).message}` })
  })

export { loadConfig }
