/**
 * The process exit code a command asks for on success (SPEC §4: 0 no changes, 2 changes
 * with `--detailed-exitcode`, 1 failure). A 1 is never downgraded. Failures that escape a
 * command always exit 1 through `main.ts`.
 */
import { Effect } from "effect"

let requested = 0

export const setExitCode = (code: 0 | 1 | 2): Effect.Effect<void> =>
  Effect.sync(() => {
    requested = requested === 1 || code === 1 ? 1 : Math.max(requested, code)
  })

export const requestedExitCode = (): number => requested
