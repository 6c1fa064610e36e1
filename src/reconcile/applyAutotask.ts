/**
 * Apply's Autotask writes: invoice updates (write-backs, paid dates, the error marker), one
 * PATCH each, read back in `id in […]` queries, within the tenant's shared hourly budget.
 */
import { Effect } from "effect"
import { AutotaskReader, AutotaskWriter } from "../autotask/AutotaskClient.ts"
import type { AtInvoiceWrite } from "../autotask/model.ts"
import type { PlanAction } from "../domain/plan.ts"
import { type ApplyLedger, failureOutcome } from "./applyLedger.ts"

/** Stop short of this share of Autotask's hourly request budget (shared by every integration). */
const AUTOTASK_BUDGET_SHARE = 0.9

/**
 * Autotask's 10,000 requests per hour are shared by every integration of the tenant, and at
 * 100 % the API is blocked for all of them. A write-back costs one PATCH, and read-backs one
 * query per 500; if they would take the budget past 90 %, the reason not to start (else undefined).
 */
export const autotaskBudget = (updates: number) =>
  Effect.gen(function*() {
    if (updates === 0) return undefined
    const reader = yield* AutotaskReader
    return yield* reader.threshold.pipe(
      Effect.map((info) => {
        const needed = updates + Math.ceil(updates / 500)
        const after = info.currentTimeframeRequestCount + needed
        return after > info.externalRequestThreshold * AUTOTASK_BUDGET_SHARE
          ? `not started: Autotask's hourly request budget is at ${info.currentTimeframeRequestCount} of ${info.externalRequestThreshold} and ${updates} write-backs need about ${needed} more; the next run (or one in an hour) does them`
          : undefined
      }),
      // If the budget cannot be read, go ahead: the client backs off on 429 anyway.
      Effect.orElseSucceed(() => undefined)
    )
  })

const doneMessage = (action: PlanAction, id: number, fields: AtInvoiceWrite): string =>
  action.type === "invoice.reject"
    ? `rejected; wrote the error marker to Autotask: ${action.reasons.join("; ")}`
    : `updated Autotask invoice ${id} (${Object.entries(fields).map(([key, value]) => `${key} = ${String(value)}`).join(", ")})`

/**
 * The given Autotask invoice updates together. `budget` is the reason they may not start
 * (over the shared hourly budget): the documents exist, and the next run repairs the write-backs.
 */
export const runAutotaskUpdates = Effect.fnUntraced(function*(actions: ReadonlyArray<PlanAction>, ledger: ApplyLedger, budget: string | undefined) {
  if (budget) {
    for (const action of actions) yield* ledger.record(action, { status: "skipped", message: budget })
    return
  }
  const ready: Array<{ action: PlanAction; id: number; fields: AtInvoiceWrite }> = []
  for (const action of actions) {
    const dependency = ledger.blockedBy(action)
    if (dependency) {
      yield* ledger.skip(action, dependency)
      continue
    }
    if (action.target.system !== "autotask") continue
    const payload = yield* ledger.resolve(action, action.payload)
    if (payload === undefined) continue
    const { id: _id, ...fields } = payload as Record<string, unknown>
    ready.push({ action, id: action.target.id, fields: fields as AtInvoiceWrite })
  }
  if (ready.length === 0) return
  const autotask = yield* AutotaskWriter
  const results = yield* autotask.updateInvoices(ready.map(({ id, fields }) => ({ id, fields })))
  for (const [index, entry] of ready.entries()) {
    const result = results[index]!
    const request = { entity: "Invoices", id: entry.id, fields: Object.keys(entry.fields) }
    if (!result.ok) {
      yield* ledger.record(entry.action, failureOutcome(result.error), undefined, request)
      continue
    }
    const status = entry.action.type === "invoice.reject" ? "rejected" : "applied"
    const number = entry.fields.invoiceNumber
    yield* ledger.record(entry.action, {
      status,
      message: doneMessage(entry.action, entry.id, entry.fields),
      // The number written, so the report can tell two invoices given the same one.
      ...(typeof number === "string" ? { docNumber: number } : {})
    }, result.invoice as unknown as Record<string, unknown>, request)
  }
})
