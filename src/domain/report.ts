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

/**
 * A QBO record as people search for it: documents by DocNumber with the Id in brackets
 * ("invoice 1042 (Id 123)"), items and customers by name.
 */
export const qboRecordName = (entity: string, record: { readonly [key: string]: unknown }): string => {
  const id = typeof record.Id === "string" ? record.Id : undefined
  const number = typeof record.DocNumber === "string" && record.DocNumber !== "" ? record.DocNumber : undefined
  const name = typeof record.Name === "string" ? record.Name : typeof record.DisplayName === "string" ? record.DisplayName : undefined
  const kind = entity === "CreditMemo" ? "credit memo" : entity.toLowerCase()
  if (number !== undefined) return `${kind} ${number}${id ? ` (Id ${id})` : ""}`
  if (name !== undefined) return `${kind} "${name}"${id ? ` (Id ${id})` : ""}`
  return `${kind}${id ? ` Id ${id}` : ""}`
}

/** Write-backs of this run that gave two Autotask invoices the same number (QBO numbered two documents alike). */
export const sharedNumbers = (outcomes: ReadonlyArray<ActionOutcome>): ReadonlyArray<string> => {
  const byNumber = new Map<string, Array<number>>()
  for (const outcome of outcomes) {
    if (outcome.type !== "autotask.writeback" || outcome.status !== "applied" || outcome.docNumber === undefined || outcome.autotaskInvoiceId === undefined) continue
    byNumber.set(outcome.docNumber, [...(byNumber.get(outcome.docNumber) ?? []), outcome.autotaskInvoiceId])
  }
  return [...byNumber].filter(([, ids]) => ids.length > 1).map(([number, ids]) =>
    `Autotask invoices ${[...ids].sort((a, b) => a - b).join(" and ")} were both given the number "${number}" (QBO numbered their documents alike); renumber one of them in QBO and Autotask`
  )
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
