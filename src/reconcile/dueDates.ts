/**
 * The due date QBO will give a new invoice, and why (pure), so the plan states what QBO books.
 *
 * QBO dates an invoice from the term it is sent (`SalesTermRef`), else keeps the `DueDate` it
 * is sent; with neither it derives the due date on create from the customer's default term,
 * else the company's (Preferences `SalesFormsPrefs.DefaultTerms`), else the invoice date — and
 * leaves `SalesTermRef` empty (reference/qbo-api.md §11.1; read back from a live company in
 * intuit/quickbooks-online-mcp-server #91). Inactive or unknown default terms are passed over.
 */
import { addDays } from "../domain/dates.ts"
import type { QboCustomer, QboTerm } from "../qbo/model.ts"
import { isActive, type PlanContext } from "./context.ts"

export interface DueDate {
  readonly date: string
  /** "term Net 30", "Autotask's due date", "QBO: the customer's default term Net 15"… */
  readonly source: string
}

const lastDayOfMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate()

/**
 * `txnDate` + the term: `DueDays` days, or (date-driven) the `DayOfMonthDue` of this month —
 * of the next when that day has passed or is closer than `DueNextMonthDays` — clamped to the
 * month's last day.
 */
export const termDueDate = (term: QboTerm, txnDate: string): string => {
  if (typeof term.DueDays === "number") return addDays(txnDate, term.DueDays)
  if (typeof term.DayOfMonthDue !== "number") return txnDate
  const [year, month, day] = txnDate.split("-").map(Number) as [number, number, number]
  const nextMonthDays = typeof term.DueNextMonthDays === "number" ? term.DueNextMonthDays : 0
  const next = term.DayOfMonthDue < day || term.DayOfMonthDue - day < nextMonthDays
  const dueMonth = next ? month + 1 : month
  const dueYear = dueMonth > 12 ? year + 1 : year
  const normalMonth = ((dueMonth - 1) % 12) + 1
  const dueDay = Math.min(term.DayOfMonthDue, lastDayOfMonth(dueYear, normalMonth))
  return `${dueYear}-${String(normalMonth).padStart(2, "0")}-${String(dueDay).padStart(2, "0")}`
}

const activeTerm = (ctx: PlanContext, id: string | undefined): QboTerm | undefined => {
  if (id === undefined) return undefined
  const term = ctx.snapshot.qbo.terms.find((candidate) => candidate.Id === id)
  return term !== undefined && isActive(term) ? term : undefined
}

/** The due date of a new invoice: `sentTerm`/`sentDueDate` are what atqbo sends; `customer` is undefined for a new one. */
export const plannedDueDate = (
  txnDate: string,
  sentTerm: QboTerm | undefined,
  sentDueDate: string | undefined,
  customer: QboCustomer | undefined,
  ctx: PlanContext
): DueDate => {
  if (sentTerm) return { date: termDueDate(sentTerm, txnDate), source: `term ${sentTerm.Name}` }
  if (sentDueDate) return { date: sentDueDate, source: "Autotask's due date" }
  const customerTerm = activeTerm(ctx, customer?.SalesTermRef?.value)
  if (customerTerm) return { date: termDueDate(customerTerm, txnDate), source: `no terms sent; QBO uses the customer's default term ${customerTerm.Name}` }
  const companyTerm = activeTerm(ctx, ctx.snapshot.qbo.preferences.SalesFormsPrefs?.DefaultTerms?.value)
  if (companyTerm) return { date: termDueDate(companyTerm, txnDate), source: `no terms sent; QBO uses the company's default term ${companyTerm.Name}` }
  return { date: txnDate, source: "no terms sent and no default term in QBO: due on the invoice date" }
}
