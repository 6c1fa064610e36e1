/**
 * Wording shared by every renderer: the one summary line, action symbols and labels, and how
 * placeholders read. Renderers are plug-ins over one Plan value; this keeps them consistent.
 */
import { ACTION_TYPES, ALL_ACTION_TYPES, type ActionType, isPayloadRef, isRuntimeValue, type Plan, type PlanAction } from "../domain/plan.ts"

/** Plan symbol and noun per action type, from the one table in domain/plan.ts. */
export const SYMBOL: Record<ActionType, string> = Object.fromEntries(ALL_ACTION_TYPES.map((type) => [type, ACTION_TYPES[type].symbol])) as Record<ActionType, string>

export const LABEL: Record<ActionType, string> = Object.fromEntries(ALL_ACTION_TYPES.map((type) => [type, ACTION_TYPES[type].noun])) as Record<ActionType, string>

const plural = (count: number, one: string, many = `${one}s`): string => `${count} ${count === 1 ? one : many}`

/** "Plan: 3 invoices, 1 customer, 1 item to create; 3 write-backs; 1 error; 2 warnings." */
export const summaryLine = (plan: Plan): string => {
  const c = plan.summary.counts
  const creates = [
    c["invoice.create"] > 0 ? plural(c["invoice.create"], "invoice") : undefined,
    c["creditmemo.create"] > 0 ? plural(c["creditmemo.create"], "credit memo") : undefined,
    c["customer.create"] > 0 ? plural(c["customer.create"], "customer") : undefined,
    c["item.create"] > 0 ? plural(c["item.create"], "item") : undefined
  ].filter((part) => part !== undefined)
  const parts: Array<string> = []
  if (creates.length > 0) parts.push(`${creates.join(", ")} to create`)
  if (c["invoice.void"] > 0) parts.push(`${plural(c["invoice.void"], "invoice")} to void`)
  if (c["duplicate.remove"] > 0) parts.push(`${plural(c["duplicate.remove"], "duplicate document")} to remove`)
  if (c["invoice.send"] > 0) parts.push(`${plural(c["invoice.send"], "invoice")} to e-mail`)
  if (c["autotask.writeback"] > 0) parts.push(plural(c["autotask.writeback"], "write-back"))
  if (c["autotask.paid"] > 0) parts.push(plural(c["autotask.paid"], "paid date"))
  if (parts.length === 0) parts.push("no changes")
  parts.push(plural(plan.summary.errors, "error"))
  parts.push(plural(plan.summary.warnings, "warning"))
  if (plan.overLimits.length > 0) parts.push(`over ${plural(plan.overLimits.length, "safety limit")}`)
  return `Plan: ${parts.join("; ")}.`
}

/** Above the plan when it exceeds a limit: a reviewer must not approve what apply refuses. */
export const LIMITS_TITLE = "Over the safety limits"
export const LIMITS_HINT = "`atqbo apply` refuses this plan before any write unless --force is given; if it is right, apply with --force or raise the limits under `limits:` in atqbo.yaml"

/** How a payload value reads for people: placeholders become "(known after apply)" phrases. */
export const displayValue = (value: unknown): string => {
  if (isPayloadRef(value)) {
    if (value.field === "DocNumber") return "(QBO's number, known after apply)"
    return `(${value.field} of ${value.$ref}, known after apply)`
  }
  if (isRuntimeValue(value)) return value.$runtime === "now" ? "(apply time)" : "(apply date)"
  if (value === null || value === undefined || value === "") return "(blank)"
  if (typeof value === "string") return JSON.stringify(value)
  return JSON.stringify(value)
}

/** `field: before → after` for each field an update changes. */
export const fieldChanges = (action: PlanAction): ReadonlyArray<{ field: string; before: string; after: string }> => {
  if (typeof action.payload !== "object" || action.payload === null || Array.isArray(action.payload)) return []
  const before = (action.before ?? {}) as Record<string, unknown>
  return Object.entries(action.payload)
    .filter(([field]) => field !== "id")
    .map(([field, after]) => ({ field, before: displayValue(before[field]), after: displayValue(after) }))
}

/** Groups in display order: errors first (what needs a human), then changes by phase. */
export const SECTIONS: ReadonlyArray<{ readonly title: string; readonly types: ReadonlyArray<ActionType> }> = [
  { title: "Errors", types: ["invoice.reject"] },
  { title: "QBO items", types: ["item.create"] },
  { title: "QBO customers", types: ["customer.create"] },
  { title: "QBO invoices and credit memos", types: ["invoice.create", "creditmemo.create", "invoice.void", "duplicate.remove"] },
  { title: "E-mails", types: ["invoice.send"] },
  { title: "Autotask write-backs", types: ["autotask.writeback", "autotask.paid"] }
]

export const windowLine = (plan: Plan): string =>
  plan.window.invoiceIds
    ? `Autotask invoices ${plan.window.invoiceIds.join(", ")}`
    : `invoices dated ${plan.window.since} … ${plan.window.until} (${plan.window.timeZone})`

/** "QBO company 9341…" or, with several, "QBO companies us (111), canada (222)". */
export const companiesLine = (plan: Plan): string =>
  plan.connections
    ? `QBO companies ${plan.connections.map((connection) => `${connection.name} (${connection.realmId})`).join(", ")}`
    : `QBO company ${plan.realmId}`

/** One drift difference as a phrase: `TotalAmt: Autotask 880.00 · QBO 742.50`, or a line only one side has. */
export const differenceText = (difference: { readonly field: string; readonly autotask: string; readonly qbo: string }): string =>
  difference.qbo === "(missing)"
    ? `${difference.field} only in Autotask: ${difference.autotask}`
    : difference.autotask === "(missing)"
    ? `${difference.field} only in QBO: ${difference.qbo}`
    : `${difference.field}: Autotask ${difference.autotask} · QBO ${difference.qbo}`

/** "terms Net 30 · due 2026-03-15", or "no terms · due 2026-03-15 (QBO: the customer's default term Net 15)". */
export const termsAndDue = (action: PlanAction): string => {
  const term = (action.payload as Record<string, unknown>).SalesTermRef as { name?: string } | undefined
  const { dueDate, dueDateSource } = action.display
  const terms = term ? `terms ${term.name ?? ""}` : "no terms"
  if (dueDate === undefined) return terms
  return term ? `${terms} · due ${dueDate}` : `${terms} · due ${dueDate} (${dueDateSource ?? ""})`
}
