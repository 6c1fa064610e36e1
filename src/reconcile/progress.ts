/**
 * Progress for long runs: short lines on stderr when a person is watching (a TTY, not CI),
 * silent otherwise. A reference with a silent default, so tests and library use need nothing.
 */
import { Context, Effect, Layer } from "effect"

export interface ProgressService {
  readonly step: (message: string) => Effect.Effect<void>
}

export const Progress = Context.Reference<ProgressService>("atqbo/reconcile/Progress", {
  defaultValue: () => ({ step: () => Effect.void })
})

/** Writes to stderr only when it is a terminal and `CI` is not set. */
export const progressToStderr: Layer.Layer<never> = Layer.succeed(Progress, {
  step: (message) =>
    Effect.sync(() => {
      if (process.stderr.isTTY && !process.env.CI) process.stderr.write(`… ${message}\n`)
    })
})
