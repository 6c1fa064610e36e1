/**
 * The process exit code a command asks for on success (SPEC §4: 0 no changes, 2 changes
 * with `--detailed-exitcode`, 1 failure). A 1 is never downgraded. Failures that escape a
 * command always exit 1 through `main.ts`. A run stopped by a signal exits 128 + its number
 * (130 for Ctrl-C, 143 for SIGTERM), as shells report it, whatever else it asked for.
 */
import { Effect } from "effect"

let requested = 0
let signalled: NodeJS.Signals | undefined

export const setExitCode = (code: 0 | 1 | 2): Effect.Effect<void> =>
  Effect.sync(() => {
    requested = requested === 1 || code === 1 ? 1 : Math.max(requested, code)
  })

/** The code of a run stopped by `signal`. */
export const signalExitCode = (signal: NodeJS.Signals): number => (signal === "SIGTERM" ? 143 : 130)

/** Remembers the signal that stopped the run; its code wins over any other. */
export const noteSignal = (signal: NodeJS.Signals): void => {
  signalled ??= signal
}

export const requestedExitCode = (): number => (signalled ? signalExitCode(signalled) : requested)

/** The code of a command that failed (or was interrupted by a signal). */
export const failureExitCode = (): number => (signalled ? signalExitCode(signalled) : 1)
