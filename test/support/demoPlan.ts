/**
 * The bundled demo's plan (what `atqbo plan --sandbox` shows), made in-process against the
 * simulators and moved back to the dataset's anchor date, so renderings of it can be compared
 * with golden files whatever day the tests run.
 */
import { Effect } from "effect"
import { loadConfig } from "../../src/config/index.ts"
import { addDays, isCalendarDate } from "../../src/domain/dates.ts"
import type { Plan } from "../../src/domain/plan.ts"
import { readDateAnchor } from "../../src/sandbox/data/dates.ts"
import { DEMO_DATA_DIR } from "../../src/sandbox/sandbox.ts"
import { planIn, withSandbox } from "./sandbox.ts"

const dayNumber = (date: string): number => Date.parse(`${date}T00:00:00Z`) / 86_400_000

/** Every calendar date in the plan, sentences included, moved by `days`. */
const shiftAllDates = (plan: Plan, days: number): Plan =>
  JSON.parse(JSON.stringify(plan).replace(/\b\d{4}-\d{2}-\d{2}\b/g, (date) => (isCalendarDate(date) ? addDays(date, days) : date))) as Plan

export const demoPlan = async (): Promise<Plan> => {
  const anchor = await readDateAnchor(DEMO_DATA_DIR)
  const plan = await Effect.runPromise(Effect.scoped(Effect.gen(function*() {
    const config = yield* loadConfig("mappings")
    const sandbox = yield* withSandbox({})
    return yield* planIn(sandbox, config)
  })))
  // The sandbox moved the demo so its newest invoice is dated today (the window's end).
  const days = anchor === undefined ? 0 : dayNumber(anchor.anchor) - dayNumber(plan.window.until)
  const fixed = shiftAllDates(plan, days)
  // The checksum covers the (moved) dates, so it changes daily: fixed for the comparison.
  return { ...fixed, checksum: `sha256:${"0".repeat(64)}`, createdAt: `${anchor?.anchor ?? "2026-02-13"}T12:00:00Z` }
}
