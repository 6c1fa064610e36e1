/**
 * Wording shared by every renderer: the one summary line, action symbols and labels, and how
 * placeholders read. Renderers are plug-ins over one Plan value; this keeps them consistent.
 */
import * as Money from "../domain/money.ts"
import {
  ACTION_TYPES,
  ALL_ACTION_TYPES,
  type ActionType,
  type FieldDifference,
  isPayloadRef,
  isRuntimeValue,
  type Plan,
  type PlanAction,
  type PlanWarning,
  type WarningCode
} from "../domain/plan.ts"
import { type CurrencyTotals, planTotals } from "../domain/totals.ts"

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

/**
 * Write-backs that only record a document this same plan creates, by that document's address:
 * text and Markdown show them folded into it (`+ invoice … → write-back`); JSON keeps both.
 * A write-back that stands alone (a repair, a changed number) is not folded.
 */
export const foldedWriteBacks = (actions: ReadonlyArray<PlanAction>): ReadonlyMap<string, PlanAction> => {
  const documents = new Set(actions.filter((action) => action.type === "invoice.create" || action.type === "creditmemo.create").map((action) => action.address))
  const folded = new Map<string, PlanAction>()
  for (const action of actions) {
    if (action.type !== "autotask.writeback") continue
    const document = action.dependsOn.find((address) => documents.has(address))
    if (document !== undefined) folded.set(document, action)
  }
  return folded
}

/** The actions listed one by one: all but the folded write-backs. */
export const listedActions = (actions: ReadonlyArray<PlanAction>): ReadonlyArray<PlanAction> => {
  const folded = new Set([...foldedWriteBacks(actions).values()].map((action) => action.address))
  return actions.filter((action) => !folded.has(action.address))
}

/** The number a write-back replaces (`"ERROR"`, the error marker of an earlier run), quoted; "" when there is none. */
export const replacedNumber = (writeBack: PlanAction): string => {
  const before = (writeBack.before ?? {}) as Record<string, unknown>
  return typeof before.invoiceNumber === "string" && before.invoiceNumber !== "" ? JSON.stringify(before.invoiceNumber) : ""
}

/** "1015", or "id 29684116": an Autotask invoice by the number people search for, by its id until it has one. */
export const autotaskRef = (action: PlanAction): string =>
  action.autotaskInvoiceId === undefined ? "" : action.name ?? `id ${action.autotaskInvoiceId}`

/** Warnings with the same sentence about different invoices, told once. */
export interface WarningGroup {
  readonly code: WarningCode
  /** The sentence; "14 invoices: …" when it covers several warnings. */
  readonly message: string
  /** The invoices of a group of several warnings (a single warning names its own). */
  readonly invoiceIds: ReadonlyArray<number>
  readonly differences: ReadonlyArray<FieldDifference>
}

/** "Autotask invoice 1015 (id 29684115): " at the start of a per-invoice warning (after a `[connection] ` tag). */
const INVOICE_PREFIX = /^((?:\[[^\]]+\] )?)Autotask invoice (?:\S+ \(id \d+\)|id \d+): /

export const groupWarnings = (warnings: ReadonlyArray<PlanWarning>): ReadonlyArray<WarningGroup> => {
  const groups = new Map<string, Array<PlanWarning>>()
  for (const warning of warnings) {
    // Drift differs per document: never merged.
    const key = warning.differences && warning.differences.length > 0 ? `${groups.size}\u0000unique` : `${warning.code}\u0000${warning.message.replace(INVOICE_PREFIX, "$1")}`
    groups.set(key, [...(groups.get(key) ?? []), warning])
  }
  return [...groups].map(([key, members]) => {
    const first = members[0]!
    if (members.length === 1) return { code: first.code, message: first.message, invoiceIds: [], differences: first.differences ?? [] }
    const ids = [...new Set(members.flatMap((warning) => warning.autotaskInvoiceIds ?? (warning.autotaskInvoiceId === undefined ? [] : [warning.autotaskInvoiceId])))].sort((a, b) => a - b)
    const sentence = key.slice(key.indexOf("\u0000") + 1)
    const count = ids.length > 0 ? `${ids.length} invoices` : `${members.length} times`
    return { code: first.code, message: `${count}: ${sentence}`, invoiceIds: ids, differences: [] }
  })
}

/** "Autotask ids 1, 2, 3 and 4 more". */
export const idsText = (ids: ReadonlyArray<number>, shown = 10): string =>
  `Autotask ids ${ids.slice(0, shown).join(", ")}${ids.length > shown ? ` and ${ids.length - shown} more` : ""}`

/** One line of the money totals: symbol, what, count, formatted amount. */
export interface TotalRow {
  readonly symbol: "+" | "-" | "!"
  readonly what: string
  readonly count: number
  readonly amount: string
}

/** The plan's totals (older plan files carry none: computed from their actions). */
export const totalsOf = (plan: Plan): ReadonlyArray<CurrencyTotals> => plan.summary.totals ?? planTotals(plan.actions, plan.currency)

/** Per currency, the rows with anything in them: new invoices, credit memos, voids, removed duplicates, refused. */
export const totalRows = (totals: CurrencyTotals): ReadonlyArray<TotalRow> =>
  ([
    ["+", "new invoice", totals.invoices],
    ["+", "new credit memo", totals.creditMemos],
    ["-", "void", totals.voids],
    ["-", "duplicate removed", totals.duplicatesRemoved],
    ["!", "refused invoice", totals.rejected]
  ] as const)
    .filter(([, , tally]) => tally.count > 0)
    .map(([symbol, what, tally]) => ({
      symbol,
      what: what === "duplicate removed" ? (tally.count === 1 ? what : "duplicates removed") : plural(tally.count, what).replace(/^\d+ /, ""),
      count: tally.count,
      amount: Money.formatMoney(Money.decimal(tally.amount))
    }))
