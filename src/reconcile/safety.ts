/**
 * Safety limits (SPEC §6): maxima per run from atqbo.yaml. Checked before any write; a plan
 * over a limit is refused unless `--force`, with a message that says how to proceed.
 */
import { Data } from "effect"
import type { SafetyLimits } from "../config/types.ts"
import type { ActionType, Plan } from "../domain/plan.ts"

export interface LimitViolation {
  readonly limit: keyof SafetyLimits
  readonly planned: number
  readonly maximum: number
  readonly what: string
}

const LIMITS: ReadonlyArray<{ limit: keyof SafetyLimits; types: ReadonlyArray<ActionType>; what: string }> = [
  { limit: "maxNewCustomers", types: ["customer.create"], what: "new QBO customers" },
  { limit: "maxNewItems", types: ["item.create"], what: "new QBO items" },
  { limit: "maxInvoices", types: ["invoice.create", "creditmemo.create"], what: "new QBO invoices and credit memos" },
  { limit: "maxVoids", types: ["invoice.void", "duplicate.remove"], what: "QBO documents to void (or remove as duplicates)" }
]

export const limitViolations = (plan: Plan, limits: SafetyLimits): ReadonlyArray<LimitViolation> =>
  LIMITS.flatMap(({ limit, types, what }) => {
    const planned = types.reduce((sum, type) => sum + plan.summary.counts[type], 0)
    return planned > limits[limit] ? [{ limit, planned, maximum: limits[limit], what }] : []
  })

export class SafetyLimitExceeded extends Data.TaggedError("SafetyLimitExceeded")<{
  readonly violations: ReadonlyArray<LimitViolation>
}> {
  override get message(): string {
    const lines = this.violations.map((v) => `  - ${v.planned} ${v.what} planned, limit ${v.limit}: ${v.maximum}`)
    return [
      "refusing to apply: the plan exceeds the safety limits in atqbo.yaml; nothing was written.",
      ...lines,
      "Review the plan. If it is right, re-run with --force, or raise the limits under `limits:` in atqbo.yaml."
    ].join("\n")
  }
}
