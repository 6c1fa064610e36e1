/**
 * Safety limits (SPEC §6): maxima per run from atqbo.yaml, per QBO company. The plan carries
 * the limits it exceeds (`overLimits`), so every format shows them to the reviewer; apply
 * refuses such a plan before any write unless `--force`, saying how to proceed.
 */
import { Schema } from "effect"
import type { SafetyLimits } from "../config/types.ts"
import { limitViolationText, type LimitViolation, type PlanAction } from "../domain/plan.ts"

const LIMITS: ReadonlyArray<{ readonly limit: keyof SafetyLimits; readonly counts: (action: PlanAction) => boolean; readonly what: string }> = [
  { limit: "maxNewCustomers", counts: (action) => action.type === "customer.create", what: "new QBO customers" },
  { limit: "maxNewItems", counts: (action) => action.type === "item.create", what: "new QBO items" },
  { limit: "maxInvoices", counts: (action) => action.type === "invoice.create" || action.type === "creditmemo.create", what: "new QBO invoices and credit memos" },
  { limit: "maxVoids", counts: (action) => action.type === "invoice.void" || action.type === "duplicate.remove", what: "QBO documents to void (or remove as duplicates)" },
  { limit: "maxEmails", counts: (action) => action.type === "invoice.send", what: "invoices e-mailed to customers" },
  // Every Autotask write: write-backs, paid dates, and error markers of rejections.
  { limit: "maxAutotaskUpdates", counts: (action) => action.target.system === "autotask", what: "Autotask invoice updates" }
]

/** The limits one QBO company's actions exceed. */
export const limitViolations = (actions: ReadonlyArray<PlanAction>, limits: SafetyLimits): Array<LimitViolation> =>
  LIMITS.flatMap(({ limit, counts, what }) => {
    const planned = actions.filter(counts).length
    return planned > limits[limit] ? [{ limit, planned, maximum: limits[limit], what }] : []
  })

export class SafetyLimitExceeded extends Schema.TaggedError<SafetyLimitExceeded>()("SafetyLimitExceeded", {
  violations: Schema.Array(Schema.Struct({
    limit: Schema.String,
    planned: Schema.Number,
    maximum: Schema.Number,
    what: Schema.String,
    connection: Schema.optional(Schema.String)
  }))
}) {
  override get message(): string {
    return [
      "refusing to apply: the plan exceeds the safety limits in atqbo.yaml; nothing was written.",
      ...this.violations.map((violation) => `  - ${limitViolationText(violation)}`),
      "Review the plan. If it is right, re-run with --force, or raise the limits under `limits:` in atqbo.yaml."
    ].join("\n")
  }
}
