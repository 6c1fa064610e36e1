/**
 * Apply (Effect): execute a plan's actions in the order `applySchedule` gives — items and
 * customers, then documents in groups (each group's e-mails and Autotask write-backs start as
 * soon as its documents exist), with an outcome per action in the `ApplyLedger`. An action
 * whose dependency did not succeed is skipped; independent ones go on. Once the run is asked
 * to stop, writes not yet started are skipped and the journal says it was interrupted.
 */
import { Clock, Effect, Fiber } from "effect"
import { phaseOf, type Plan, type PlanAction } from "../domain/plan.ts"
import type { ApplyReport } from "../domain/report.ts"
import { ApplyStop } from "./applyStop.ts"
import { autotaskBudget, runAutotaskUpdates } from "./applyAutotask.ts"
import { type ApplyLedger, makeApplyLedger } from "./applyLedger.ts"
import { applyProgress } from "./applyProgress.ts"
import { runQboBatches, runSends } from "./applyQbo.ts"
import { applySchedule } from "./applySchedule.ts"
import { Journal } from "./journal.ts"
import { Progress } from "./progress.ts"

/** E-mails, then rejections, then Autotask updates of the given actions (their documents exist by now). */
const runFollowers = Effect.fnUntraced(function*(realmId: string, actions: ReadonlyArray<PlanAction>, ledger: ApplyLedger, budget: string | undefined) {
  yield* runSends(realmId, actions.filter((action) => phaseOf(action) === "sends"), ledger)
  for (const action of actions.filter((candidate) => candidate.type === "invoice.reject" && candidate.target.system !== "autotask")) {
    yield* ledger.record(action, { status: "rejected", message: `rejected: ${action.reasons.join("; ")}` })
  }
  yield* runAutotaskUpdates(actions.filter((action) => action.target.system === "autotask"), ledger, budget)
})

/** When the plan read QBO (its `createdAt`); the run's start if that cannot be read. */
const observationTime = (plan: Plan, startedAt: Date): Date => {
  const created = Date.parse(plan.createdAt)
  return Number.isNaN(created) ? startedAt : new Date(Math.min(created, startedAt.getTime()))
}

export const applyPlan = Effect.fn("applyPlan")(function*(plan: Plan, options: { readonly runId: string }) {
  const journal = yield* Journal
  const progress = yield* Progress
  const realmId = plan.realmId
  const ledger = makeApplyLedger(journal, new Date(yield* Clock.currentTimeMillis), applyProgress(plan.actions, progress))
  const schedule = applySchedule(plan.actions)

  yield* journal.record({ event: "run.start", checksum: plan.checksum, realmId, actions: plan.actions.length })
  // The Autotask budget is checked once, before any write, for everything this run would do.
  const budget = yield* autotaskBudget(plan.actions.filter((action) => action.target.system === "autotask").length)

  yield* progress.step(`Creating ${schedule.reference.length} QBO items and customers`)
  const observedAt = observationTime(plan, ledger.startedAt)
  yield* runQboBatches(realmId, schedule.reference, ledger, observedAt)

  const documents = schedule.groups.reduce((sum, group) => sum + group.documents.length, 0)
  if (documents > 0) yield* progress.step(`Creating and voiding ${documents} QBO documents, writing back as they exist`)
  // Groups go out one after another (so each completes as early as the batch window allows);
  // each group's followers run in the background while the next group's batches wait.
  const started = [yield* Effect.forkChild(runFollowers(realmId, schedule.independent, ledger, budget))]
  for (const group of schedule.groups) {
    yield* runQboBatches(realmId, group.documents, ledger, observedAt)
    started.push(yield* Effect.forkChild(runFollowers(realmId, group.followers, ledger, budget)))
  }
  yield* Fiber.joinAll(started)
  yield* progress.done

  const report: ApplyReport = ledger.report(options.runId, plan.actions.map((action) => action.address))
  const stopped = yield* (yield* ApplyStop).reason
  if (stopped !== undefined) yield* journal.record({ event: "interrupted", reason: stopped, counts: report.counts })
  yield* journal.record({ event: "run.end", counts: report.counts })
  return report
})
