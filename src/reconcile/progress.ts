/**
 * Progress for long runs: short lines on stderr when a person is watching (a TTY, not CI),
 * silent otherwise. A reference with a silent default, so tests and library use need nothing.
 * `status` is one line rewritten in place (apply's counts); `step` starts a new line.
 */
import { Context, Effect, Layer } from "effect"

export interface ProgressService {
  readonly step: (message: string) => Effect.Effect<void>
  /** Replaces the current status line; `done` ends it (the next output starts on a fresh line). */
  readonly status: (line: string) => Effect.Effect<void>
  readonly done: Effect.Effect<void>
}

export const Progress = Context.Reference<ProgressService>("atqbo/reconcile/Progress", {
  defaultValue: () => ({ step: () => Effect.void, status: () => Effect.void, done: Effect.void })
})

/** What a writer needs: a terminal that may be rewritten. */
export interface ProgressStream {
  readonly isTTY?: boolean
  readonly write: (text: string) => unknown
}

/** Progress on `stream` when it is a terminal and `CI` is not set; silent otherwise. */
export const progressTo = (stream: ProgressStream, env: Readonly<Record<string, string | undefined>>): ProgressService => {
  const live = stream.isTTY === true && env.CI === undefined
  let open = false
  const endLine = () => {
    if (open) stream.write("\n")
    open = false
  }
  return {
    step: (message) =>
      Effect.sync(() => {
        if (!live) return
        endLine()
        stream.write(`… ${message}\n`)
      }),
    // Carriage return and "erase line" (ECMA-48 EL, CSI 2 K): the line is redrawn, not repeated.
    status: (line) =>
      Effect.sync(() => {
        if (!live) return
        stream.write(`\r\u001b[2K${line}`)
        open = true
      }),
    done: Effect.sync(endLine)
  }
}

export const progressToStderr: Layer.Layer<never> = Layer.sync(Progress, () => progressTo(process.stderr, process.env))
