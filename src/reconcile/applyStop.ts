/**
 * Why an apply starts no more writes: it was asked to stop (Ctrl-C, SIGTERM) or its journal can
 * no longer be written. Writes already sent finish and are journalled; every write not yet
 * started is refused by the run's writers (src/reconcile/leases.ts) and journalled as skipped.
 * A reference with a never-stopping default, so tests and library use need nothing.
 */
import { Context, Effect } from "effect"

export interface ApplyStopService {
  /** The reason no new write may start, once there is one. */
  readonly reason: Effect.Effect<string | undefined>
}

export const ApplyStop = Context.Reference<ApplyStopService>("atqbo/reconcile/ApplyStop", {
  defaultValue: () => ({ reason: Effect.succeed(undefined) })
})

export type StopSwitch = ReturnType<typeof makeStopSwitch>

/** A switch the CLI throws from a signal handler or a journal failure; the first reason wins. */
export const makeStopSwitch = () => {
  let reason: string | undefined
  return {
    stop: (why: string): void => {
      reason ??= why
    },
    stopped: (): string | undefined => reason,
    service: { reason: Effect.sync(() => reason) } satisfies ApplyStopService
  }
}
