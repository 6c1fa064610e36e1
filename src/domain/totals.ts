/**
 * Money totals of a plan, per currency: what apply books (new invoices, credit memos), what it
 * takes back (voids, removed duplicates) and what it refuses. Pure; the plan's JSON `summary`
 * and every renderer read these, so a reviewer sees the same figures everywhere.
 */
import * as Money from "./money.ts"
import type { ActionType, PlanAction } from "./plan.ts"

/**
 * The currency an action's amount is in: its own (`display.currency`, which the planner fills
 * from the customer's currency) or the QBO company's home currency. The one place totals look.
 */
export const currencyOf = (action: PlanAction, homeCurrency: string): string => {
  const own = action.display.currency
  return typeof own === "string" && own !== "" ? own : homeCurrency
}

/** How many documents and their sum, as decimal text (`"1234.50"`, never a float). */
export interface Tally {
  readonly count: number
  readonly amount: string
}

export interface CurrencyTotals {
  readonly currency: string
  readonly invoices: Tally
  readonly creditMemos: Tally
  readonly voids: Tally
  readonly duplicatesRemoved: Tally
  /** Invoices that cannot be synced (`invoice.reject`), at their Autotask totals. */
  readonly rejected: Tally
}

type TallyKey = Exclude<keyof CurrencyTotals, "currency">

const TALLIED: Partial<Record<ActionType, TallyKey>> = {
  "invoice.create": "invoices",
  "creditmemo.create": "creditMemos",
  "invoice.void": "voids",
  "duplicate.remove": "duplicatesRemoved",
  "invoice.reject": "rejected"
}

/** An action's amount (display totals are formatted money, `1,234.50`); undefined when it has none. */
export const amountOf = (action: PlanAction): Money.Decimal | undefined =>
  typeof action.display.total === "string" && action.display.total !== "" ? Money.decimal(action.display.total.replaceAll(",", "")) : undefined

/** Decimal text with two places and no separators: `1234.50`. */
const plain = (amount: Money.Decimal): string => Money.formatMoney(amount).replaceAll(",", "")

/** One entry per currency that has anything to book, take back or refuse, in currency order. */
export const planTotals = (actions: ReadonlyArray<PlanAction>, homeCurrency: string): ReadonlyArray<CurrencyTotals> => {
  const sums = new Map<string, Record<TallyKey, { count: number; amount: Money.Decimal }>>()
  for (const action of actions) {
    const key = TALLIED[action.type]
    if (key === undefined) continue
    const currency = currencyOf(action, homeCurrency)
    const entry = sums.get(currency) ?? {
      invoices: { count: 0, amount: Money.ZERO },
      creditMemos: { count: 0, amount: Money.ZERO },
      voids: { count: 0, amount: Money.ZERO },
      duplicatesRemoved: { count: 0, amount: Money.ZERO },
      rejected: { count: 0, amount: Money.ZERO }
    }
    // Credit memos and voids are booked as positive documents whatever sign Autotask gave them.
    const amount = amountOf(action) ?? Money.ZERO
    entry[key] = { count: entry[key].count + 1, amount: Money.add(entry[key].amount, key === "rejected" ? amount : Money.abs(amount)) }
    sums.set(currency, entry)
  }
  return [...sums].sort(([a], [b]) => a.localeCompare(b)).map(([currency, entry]) => ({
    currency,
    invoices: { count: entry.invoices.count, amount: plain(entry.invoices.amount) },
    creditMemos: { count: entry.creditMemos.count, amount: plain(entry.creditMemos.amount) },
    voids: { count: entry.voids.count, amount: plain(entry.voids.amount) },
    duplicatesRemoved: { count: entry.duplicatesRemoved.count, amount: plain(entry.duplicatesRemoved.amount) },
    rejected: { count: entry.rejected.count, amount: plain(entry.rejected.amount) }
  }))
}

export interface CustomerTotal {
  readonly customer: string
  readonly currency: string
  readonly documents: number
  /** New invoices minus new credit memos. */
  readonly net: string
}

/** Per QBO customer and currency: the documents this plan creates and their net amount, by name. */
export const customerTotals = (actions: ReadonlyArray<PlanAction>, homeCurrency: string): ReadonlyArray<CustomerTotal> => {
  const sums = new Map<string, { customer: string; currency: string; documents: number; net: Money.Decimal }>()
  for (const action of actions) {
    if (action.type !== "invoice.create" && action.type !== "creditmemo.create") continue
    const customer = typeof action.display.customer === "string" ? action.display.customer : ""
    const currency = currencyOf(action, homeCurrency)
    const key = `${currency}\u0000${customer}`
    const amount = Money.abs(amountOf(action) ?? Money.ZERO)
    const entry = sums.get(key) ?? { customer, currency, documents: 0, net: Money.ZERO }
    sums.set(key, { ...entry, documents: entry.documents + 1, net: Money.add(entry.net, action.type === "creditmemo.create" ? Money.negate(amount) : amount) })
  }
  return [...sums.values()]
    .sort((a, b) => a.currency.localeCompare(b.currency) || a.customer.localeCompare(b.customer))
    .map((entry) => ({ customer: entry.customer, currency: entry.currency, documents: entry.documents, net: plain(entry.net) }))
}
