/**
 * The one mutable state of an apply: which actions finished, how, and what they produced.
 * Every outcome is journalled as it is recorded; later actions resolve their `$ref`s against
 * what earlier ones produced, and are skipped when a dependency did not succeed.
 */
import { Effect } from "effect"
import type { Json, PlanAction } from "../domain/plan.ts"
import { type ActionOutcome, type ApplyReport, countOutcomes, inPlanOrder } from "../domain/report.ts"
import type { JournalService } from "./journal.ts"
import { resolvePayload } from "./resolve.ts"

export type Outcome = Omit<ActionOutcome, "address" | "type" | "autotaskInvoiceId">

export interface ApplyLedger {
  /** When the run started: `$runtime` values and retry salts read it. */
  readonly startedAt: Date
  readonly record: (action: PlanAction, outcome: Outcome, entity?: Record<string, unknown>, request?: Record<string, unknown>) => Effect.Effect<void>
  /** The failed or skipped dependency that blocks this action, if any. */
  readonly blockedBy: (action: PlanAction) => string | undefined
  readonly skip: (action: PlanAction, dependency: string) => Effect.Effect<void>
  /** The value with its placeholders resolved, or `undefined` after recording the action as failed. */
  readonly resolve: (action: PlanAction, value: Json) => Effect.Effect<Json | undefined>
  readonly report: (runId: string, addresses: ReadonlyArray<string>) => ApplyReport
}

/**
 * A typed failure (QBO, Autotask) as the outcome's message and code; a write refused because
 * the run is stopping was never sent, so it is skipped, not failed.
 */
export const failureOutcome = (error: { readonly message: string; readonly code?: string | undefined; readonly kind?: string }): Outcome =>
  error.kind === "stopped" ? { status: "skipped", message: error.message } : {
    status: "failed",
    message: error.message,
    ...(error.code ? { code: error.code } : {})
  }

/** `onRecord` hears of every outcome once it is journalled (apply's progress line). */
export const makeApplyLedger = (
  journal: JournalService,
  startedAt: Date,
  onRecord: (action: PlanAction, outcome: ActionOutcome) => Effect.Effect<void> = () => Effect.void
): ApplyLedger => {
  const done = new Map<string, { readonly status: ActionOutcome["status"]; readonly entity: Record<string, unknown> | undefined }>()
  const outcomes: Array<ActionOutcome> = []

  const record: ApplyLedger["record"] = (action, outcome, entity, request) =>
    Effect.suspend(() => {
      const full: ActionOutcome = { address: action.address, type: action.type, autotaskInvoiceId: action.autotaskInvoiceId, ...outcome }
      done.set(action.address, { status: outcome.status, entity })
      outcomes.push(full)
      return journal.record({ event: "action", ...full, target: action.target, ...(request ? { request } : {}) }).pipe(Effect.andThen(onRecord(action, full)))
    })

  const blockedBy: ApplyLedger["blockedBy"] = (action) =>
    action.dependsOn.find((address) => {
      const status = done.get(address)?.status
      return status !== "applied" && status !== "adopted"
    })

  const resolve: ApplyLedger["resolve"] = (action, value) =>
    Effect.suspend(() => {
      const resolved = resolvePayload(value, (address) => done.get(address)?.entity, startedAt)
      if (resolved.ok) return Effect.succeed<Json | undefined>(resolved.value)
      return record(action, { status: "failed", message: `cannot build the request: ${resolved.missing.join("; ")}` }).pipe(Effect.as(undefined))
    })

  return {
    startedAt,
    record,
    blockedBy,
    skip: (action, dependency) => record(action, { status: "skipped", message: `skipped because ${dependency} did not succeed` }),
    resolve,
    report: (runId, addresses) => {
      const ordered = inPlanOrder(outcomes, addresses)
      return { runId, outcomes: ordered, counts: countOutcomes(ordered), journal: journal.location }
    }
  }
}
