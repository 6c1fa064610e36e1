/** Observe then plan: the read-only half shared by `plan` and `apply`. */
import { Clock, Effect } from "effect"
import type { Config } from "../config/types.ts"
import type { Plan } from "../domain/plan.ts"
import { observe, type WindowRequest } from "./observe.ts"
import { buildPlan } from "./plan.ts"
import { Progress } from "./progress.ts"

export const makePlan = Effect.fn("makePlan")(function*(config: Config, request: WindowRequest, toolVersion: string) {
  const snapshot = yield* observe(config, request)
  const progress = yield* Progress
  yield* progress.step("Planning")
  const createdAt = new Date(yield* Clock.currentTimeMillis).toISOString()
  const plan: Plan = buildPlan(snapshot, config, { toolVersion, createdAt })
  return plan
})
