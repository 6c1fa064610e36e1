/**
 * What an apply reports: one outcome per action and the counts. Shared by apply (which builds
 * it), the renderers and notifications (which present it).
 */
import type { ActionType } from "./plan.ts"

export type OutcomeStatus = "applied" | "adopted" | "failed" | "skipped" | "rejected"

export interface ActionOutcome {
  readonly address: string
  readonly type: ActionType
  readonly autotaskInvoiceId: number | undefined
  readonly status: OutcomeStatus
  /** A sentence: what happened, or why not. */
  readonly message: string
  readonly qboId?: string
  readonly docNumber?: string
  readonly code?: string
}

export interface ApplyReport {
  readonly runId: string
  readonly outcomes: ReadonlyArray<ActionOutcome>
  readonly counts: Readonly<Record<OutcomeStatus, number>>
  readonly journal: string | undefined
}

export const countOutcomes = (outcomes: ReadonlyArray<ActionOutcome>): Record<OutcomeStatus, number> => {
  const counts: Record<OutcomeStatus, number> = { applied: 0, adopted: 0, failed: 0, skipped: 0, rejected: 0 }
  for (const outcome of outcomes) counts[outcome.status] += 1
  return counts
}

/** Outcomes in the plan's action order (apply records them as they finish). */
export const inPlanOrder = (outcomes: ReadonlyArray<ActionOutcome>, addresses: ReadonlyArray<string>): Array<ActionOutcome> => {
  const order = new Map(addresses.map((address, index) => [address, index]))
  return [...outcomes].sort((a, b) => (order.get(a.address) ?? 0) - (order.get(b.address) ?? 0))
}
