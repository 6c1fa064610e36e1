/**
 * Turns any failure that escapes a command into one readable sentence on stderr (never a
 * stack trace, never a secret) and exit code 1. Command-line parse errors were already
 * printed with the help text by effect/cli.
 */
import { Console, Effect } from "effect"
import { CliError } from "effect/cli"
import { setExitCode } from "./exitCode.ts"

const describe = (error: unknown): string => {
  if (typeof error === "object" && error !== null && "message" in error && typeof error.message === "string") {
    const hint = "hint" in error && typeof error.hint === "string" ? `\n  hint: ${error.hint}` : ""
    return `${error.message}${hint}`
  }
  return String(error)
}

/** A defect is a bug in atqbo: one line saying so (no stack trace, which may quote data) and exit 1, never silence. */
export const reportDefect = (defect: unknown): Effect.Effect<void> =>
  Console.error(`error: atqbo failed unexpectedly; this is a bug, please report it: ${describe(defect)}`).pipe(Effect.andThen(setExitCode(1)))

export const reportFailure = (error: unknown): Effect.Effect<void> =>
  Effect.gen(function*() {
    if (!CliError.isCliError(error)) {
      yield* Console.error(`error: ${describe(error)}`)
    }
    yield* setExitCode(1)
  })
