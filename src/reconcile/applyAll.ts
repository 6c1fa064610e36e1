/**
 * Apply every QBO company of a plan: each part (the one implicit part of a single-company
 * plan, or one per connection) concurrently, each with its own QBO client and budget, all
 * sharing the one Autotask client (and so its thread and hourly budget). Invoices no
 * connection takes are reported as rejected.
 */
import { Effect } from "effect"
import type { Plan } from "../domain/plan.ts"
import { type ActionOutcome, countOutcomes, inPlanOrder } from "../domain/report.ts"
import { applyPlan } from "./apply.ts"
import { QboWriters } from "./companies.ts"
import { partsOf, unroutedActions } from "./connections.ts"
import { Journal } from "./journal.ts"

export const applyAll = Effect.fn("applyAll")(function*(plan: Plan, options: { readonly runId: string }) {
  const writers = yield* QboWriters
  const journal = yield* Journal
  const reports = yield* Effect.forEach(partsOf(plan), (part) =>
    applyPlan(part.plan, options).pipe(Effect.provideContext(writers.get(part.name))), { concurrency: "unbounded" })
  const unrouted: Array<ActionOutcome> = []
  for (const action of unroutedActions(plan)) {
    const outcome: ActionOutcome = {
      address: action.address,
      type: action.type,
      autotaskInvoiceId: action.autotaskInvoiceId,
      status: "rejected",
      message: `rejected: ${action.reasons.join("; ")}`
    }
    unrouted.push(outcome)
    yield* journal.record({ event: "action", ...outcome })
  }
  const outcomes = inPlanOrder([...reports.flatMap((report) => report.outcomes), ...unrouted], plan.actions.map((action) => action.address))
  return { runId: options.runId, outcomes, counts: countOutcomes(outcomes), journal: journal.location }
})
