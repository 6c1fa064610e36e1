/**
 * Apply every QBO company of a plan: a single-company plan directly; a combined plan one
 * connection at a time concurrently, each with its own QBO client and budget, all sharing the
 * one Autotask client (and so its thread and hourly budget). Invoices no connection takes are
 * reported as rejected.
 */
import { Effect } from "effect"
import type { Plan } from "../domain/plan.ts"
import { type ActionOutcome, applyPlan, type ApplyReport, type OutcomeStatus } from "./apply.ts"
import { QboCompanies } from "./companies.ts"
import { connectionPlan, UNROUTED } from "./connections.ts"
import { Journal } from "./journal.ts"

const merge = (runId: string, journal: string | undefined, outcomes: ReadonlyArray<ActionOutcome>): ApplyReport => {
  const counts: Record<OutcomeStatus, number> = { applied: 0, adopted: 0, failed: 0, skipped: 0, rejected: 0 }
  for (const outcome of outcomes) counts[outcome.status] += 1
  return { runId, outcomes, counts, journal }
}

export const applyAll = Effect.fn("applyAll")(function*(plan: Plan, options: { readonly runId: string }) {
  const companies = yield* QboCompanies
  if (!plan.connections) return yield* applyPlan(plan, options).pipe(Effect.provide(companies.writer(undefined)))
  const journal = yield* Journal
  const reports = yield* Effect.forEach(plan.connections, (connection) =>
    applyPlan(connectionPlan(plan, connection.name), options).pipe(Effect.provide(companies.writer(connection.name))), { concurrency: "unbounded" })
  const unrouted: Array<ActionOutcome> = []
  for (const action of plan.actions.filter((candidate) => candidate.connection === UNROUTED)) {
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
  const order = new Map(plan.actions.map((action, index) => [action.address, index]))
  const outcomes = [...reports.flatMap((report) => report.outcomes), ...unrouted].sort((a, b) => (order.get(a.address) ?? 0) - (order.get(b.address) ?? 0))
  return merge(options.runId, journal.location, outcomes)
})
