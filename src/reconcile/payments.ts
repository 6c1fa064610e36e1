/**
 * Payment sync (pure): QBO payments → Autotask `paidDate`. For each invoice atqbo owns whose
 * QBO balance reached zero (or any payment, with `partialMarksPaid`), the paid date is the
 * date of the payment that closed it. One payment spanning several invoices is split by its
 * `LinkedTxn` lines — the case the vendor app gives up on. A paid date already set in
 * Autotask is kept (vendor behaviour) unless `existingPaidDate: correct`. A payment in another
 * currency than its invoice (QBO refuses one; imported data may hold it) counts for nothing.
 */
import type { AtInvoice } from "../autotask/model.ts"
import { datePart } from "../domain/dates.ts"
import * as Money from "../domain/money.ts"
import type { PlanAction, PlanWarning } from "../domain/plan.ts"
import type { QboPayment } from "../qbo/model.ts"
import type { PlanContext } from "./context.ts"
import { documentCurrency } from "./currency.ts"
import { autotaskNumberOf, invoiceLabel, isVoidedDocument } from "./labels.ts"
import { ownerOf } from "./marker.ts"

interface Application {
  readonly payment: QboPayment
  readonly amount: Money.Decimal
}

/** What each payment applies to each QBO invoice, by invoice Id. */
const applicationsByInvoice = (payments: ReadonlyArray<QboPayment>): Map<string, Array<Application>> => {
  const byInvoice = new Map<string, Array<Application>>()
  for (const payment of payments) {
    for (const line of payment.Line ?? []) {
      for (const link of line.LinkedTxn) {
        if (link.TxnType !== "Invoice") continue
        const list = byInvoice.get(link.TxnId) ?? []
        list.push({ payment, amount: Money.fromApi(line.Amount) })
        byInvoice.set(link.TxnId, list)
      }
    }
  }
  return byInvoice
}

const partition = <A>(rows: ReadonlyArray<A>, keep: (row: A) => boolean): readonly [Array<A>, Array<A>] =>
  [rows.filter(keep), rows.filter((row) => !keep(row))]

export const planPayments = (
  invoices: ReadonlyArray<AtInvoice>,
  ctx: PlanContext
): { readonly actions: ReadonlyArray<PlanAction>; readonly warnings: ReadonlyArray<PlanWarning> } => {
  const { payments: settings, sync } = ctx.config
  if (!settings.sync) return { actions: [], warnings: [] }
  const actions: Array<PlanAction> = []
  const warnings: Array<PlanWarning> = []
  const applications = applicationsByInvoice(ctx.snapshot.qbo.payments)
  const documents = new Map(ctx.snapshot.qbo.invoices.map((doc) => [doc.Id, doc]))

  for (const invoice of invoices) {
    if (invoice.isVoided) continue
    const owned = (ctx.owned.get(invoice.id) ?? []).filter((entry) => entry.entity === "Invoice" && !isVoidedDocument(entry.doc))
    const doc = owned[0]?.doc
    if (!doc) continue
    const currency = documentCurrency(doc, ctx)
    const [sameCurrency, otherCurrency] = partition(applications.get(doc.Id) ?? [], (entry) => (entry.payment.CurrencyRef?.value ?? ctx.qbo.currency) === currency)
    for (const { payment } of otherCurrency) {
      warnings.push({
        code: "payment-currency",
        message: `QBO payment Id ${payment.Id} of ${payment.TxnDate} is in ${payment.CurrencyRef?.value ?? ctx.qbo.currency} but pays the ${currency} invoice of ${invoiceLabel(invoice, ctx)}; it does not count towards its paid date — correct it in QBO`,
        autotaskInvoiceId: invoice.id
      })
    }
    const applied = [...sameCurrency].sort((a, b) =>
      (a.payment.TxnDate < b.payment.TxnDate ? -1 : a.payment.TxnDate > b.payment.TxnDate ? 1 : 0) || Number(a.payment.Id) - Number(b.payment.Id)
    )
    if (applied.length === 0) continue
    const total = Money.fromApi(doc.TotalAmt)
    const paid = Money.sum(applied.map((entry) => entry.amount))
    const label = invoiceLabel(invoice, ctx)
    if (Money.compare(paid, total) > 0) {
      warnings.push({
        code: "payment-overpaid",
        message: `${label} is overpaid in QBO: payments apply ${Money.formatMoney(paid)} to an invoice of ${Money.formatMoney(total)}`,
        autotaskInvoiceId: invoice.id
      })
    }
    const balance = Money.fromApi(doc.Balance)
    const closed = Money.isZero(balance) || Money.isNegative(balance)
    if (!closed && !settings.partialMarksPaid) continue
    // The payment that closed the invoice: the last one applied (by date, then Id).
    const paidDate = applied[applied.length - 1]!.payment.TxnDate
    const current = datePart(invoice.paidDate)
    if (current === paidDate) continue
    if (current !== undefined && settings.existingPaidDate === "keep") {
      warnings.push({
        code: "paid-date-kept",
        message: `${label} has paid date ${current} in Autotask but QBO says ${paidDate}; kept (payments.existingPaidDate: keep)`,
        autotaskInvoiceId: invoice.id
      })
      continue
    }
    actions.push({
      type: "autotask.paid",
      address: `paid:${invoice.id}`,
      autotaskInvoiceId: invoice.id,
      name: autotaskNumberOf(invoice, sync.errorMarker.value),
      summary: `set the paid date of ${label} to ${paidDate} (${closed ? "paid in full" : `partly paid, balance ${Money.formatMoney(balance)}`} in QBO)`,
      target: { system: "autotask", entity: "Invoices", operation: "update", id: invoice.id },
      payload: { id: invoice.id, paidDate },
      before: { paidDate: current ?? null },
      dependsOn: [],
      reasons: [],
      display: {
        company: ctx.companies.get(invoice.companyID)?.companyName,
        total: Money.formatMoney(total),
        currency,
        qboId: doc.Id,
        docNumber: doc.DocNumber
      }
    })
  }

  // Payment-level findings, once per payment that touches an invoice of this run (with
  // --invoice or --since/--until, a payment of other invoices is not this run's business).
  const considered = new Set(invoices.map((invoice) => invoice.id))
  for (const payment of ctx.snapshot.qbo.payments) {
    const linked = (payment.Line ?? []).flatMap((line) => line.LinkedTxn.filter((link) => link.TxnType === "Invoice").map((link) => link.TxnId))
    const owners = new Map(linked.map((id) => [id, ownerOf(documents.get(id)?.PrivateNote)]))
    const ours = linked.filter((id) => owners.get(id) !== undefined)
    if (!ours.some((id) => considered.has(owners.get(id)!))) continue
    const ref = payment.PaymentRefNum ? `${payment.PaymentRefNum} ` : ""
    if (!Money.isZero(Money.fromApi(payment.UnappliedAmt))) {
      warnings.push({
        code: "payment-unapplied",
        message: `QBO payment ${ref}(Id ${payment.Id}) of ${payment.TxnDate} leaves ${Money.formatMoney(Money.fromApi(payment.UnappliedAmt))} unapplied`,
        autotaskInvoiceId: undefined
      })
    }
    const foreign = linked.filter((id) => !ours.includes(id))
    if (foreign.length > 0) {
      warnings.push({
        code: "payment-not-owned",
        message: `QBO payment ${ref}(Id ${payment.Id}) also pays QBO invoice(s) ${foreign.map((id) => documents.get(id)?.DocNumber ?? `Id ${id}`).join(", ")} that atqbo did not create; only atqbo's invoices get a paid date`,
        autotaskInvoiceId: undefined
      })
    }
  }
  return { actions, warnings }
}
