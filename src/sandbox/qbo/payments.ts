/**
 * Payments: `Line[].LinkedTxn` applies amounts to invoices. An invoice's `Balance` is its
 * `TotalAmt` minus what live payments apply to it, and applying a payment changes the
 * invoice behind the caller's back (new SyncToken, LinkedTxn), as in real QBO.
 */
import { Option } from "effect"
import * as Money from "../../domain/money.ts"
import { currencyRef, homeCurrency } from "./currency.ts"
import { Faults } from "./faults.ts"
import { type JsonObject, type JsonValue, type MutableJson, arrayField, isObject, refValue, stringField } from "./json.ts"
import { type OpContext, asObject, checkLength, findVisible, namedRef, resolveRef } from "./rules.ts"
import type { RealmStore, StoredRecord } from "./store.ts"
import { metaTime, pacificDate } from "./time.ts"

const amountOf = (value: JsonValue | undefined): Money.Decimal => {
  if (typeof value !== "number" && typeof value !== "string") return Money.ZERO
  return Option.getOrElse(Money.parseDecimal(value), () => Money.ZERO)
}

/** Invoice ids and amounts a payment applies. */
const applications = (payment: JsonObject): Array<{ invoiceId: string; amount: Money.Decimal }> =>
  (arrayField(payment, "Line") ?? []).flatMap((line) => {
    if (!isObject(line)) return []
    const links = arrayField(line, "LinkedTxn") ?? []
    return links.flatMap((link) =>
      isObject(link) && link["TxnType"] === "Invoice" && typeof link["TxnId"] === "string"
        ? [{ invoiceId: link["TxnId"], amount: amountOf(line["Amount"]) }]
        : []
    )
  })

/** What live payments apply to an invoice. */
export const paidAmount = (store: RealmStore, invoiceId: string, exceptPaymentId?: string): Money.Decimal => {
  let total = Money.ZERO
  for (const payment of store.live("Payment")) {
    if (payment.voided || payment.data["Id"] === exceptPaymentId) continue
    for (const application of applications(payment.data)) {
      if (application.invoiceId === invoiceId) total = Money.add(total, application.amount)
    }
  }
  return total
}

export const buildPayment = (ctx: OpContext, input: JsonObject, existing: StoredRecord | undefined): MutableJson => {
  if (input["CustomerRef"] === undefined || input["CustomerRef"] === null) throw Faults.required("CustomerRef")
  const customer = resolveRef(ctx, "Customer", input, "CustomerRef", "CustomerRef")!
  if (input["TotalAmt"] === undefined || input["TotalAmt"] === null) throw Faults.required("TotalAmt")
  const total = Money.parseDecimal(input["TotalAmt"])
  if (Option.isNone(total) || Money.isNegative(total.value)) throw Faults.unsupportedProperty("Property Name:TotalAmt must be a non-negative number", "TotalAmt")
  checkLength(input["PaymentRefNum"], "PaymentRefNum", 21)
  checkLength(input["PrivateNote"], "PrivateNote", 4000)
  const ownId = existing === undefined ? undefined : String(existing.data["Id"])
  const lines: Array<JsonObject> = []
  let applied = Money.ZERO
  for (const [index, raw] of (arrayField(input, "Line") ?? []).entries()) {
    const line = asObject(raw, `Line[${index}]`)
    const amount = Money.parseDecimal(line["Amount"] ?? null)
    if (line["Amount"] === undefined || Option.isNone(amount)) throw Faults.required("Amount", "Line.Amount")
    const links = arrayField(line, "LinkedTxn")
    if (links === undefined || links.length === 0) throw Faults.required("LinkedTxn", "Line.LinkedTxn")
    for (const rawLink of links) {
      const link = asObject(rawLink, "Line.LinkedTxn")
      const txnId = stringField(link, "TxnId")
      if (txnId === undefined) throw Faults.required("TxnId", "Line.LinkedTxn.TxnId")
      if (link["TxnType"] !== "Invoice") throw Faults.invalidEnumeration(String(link["TxnType"]), "Line.LinkedTxn.TxnType")
      const invoice = findVisible(ctx, "Invoice", txnId)
      if (invoice === undefined) throw Faults.deletedTransaction()
      if (invoice.data["CustomerRef"] === undefined || (invoice.data["CustomerRef"] as JsonObject)["value"] !== customer.data["Id"]) {
        throw Faults.business(`Invoice ${txnId} belongs to another customer.`, "Line.LinkedTxn")
      }
      const open = Money.subtract(amountOf(invoice.data["TotalAmt"]), paidAmount(ctx.store, txnId, ownId))
      if (Money.compare(amount.value, open) > 0) {
        throw Faults.business(`The payment amount ${Money.toText(amount.value)} is more than the open balance ${Money.toText(open)} of invoice ${txnId}.`, "Line.Amount")
      }
    }
    applied = Money.add(applied, amount.value)
    lines.push({ ...line, Amount: Money.toApiNumber(amount.value) })
  }
  const unapplied = Money.subtract(total.value, applied)
  if (Money.isNegative(unapplied)) throw Faults.business("The amounts applied are more than the payment's total.", "TotalAmt")
  const output: MutableJson = { ...input }
  delete output["sparse"]
  output["CustomerRef"] = namedRef(String(customer.data["Id"]), customer.data["DisplayName"])
  output["TxnDate"] = input["TxnDate"] ?? pacificDate(ctx.now)
  output["TotalAmt"] = Money.toApiNumber(total.value)
  output["UnappliedAmt"] = Money.toApiNumber(unapplied)
  output["Line"] = lines
  output["ProcessPayment"] = input["ProcessPayment"] ?? false
  // A payment is in its customer's currency, as are the invoices it pays (Intuit "Manage multiple currencies").
  const currency = refValue(customer.data, "CurrencyRef") ?? homeCurrency(ctx)
  const sentCurrency = refValue(input, "CurrencyRef")
  if (sentCurrency !== undefined && sentCurrency !== currency) {
    throw Faults.business(`The payment's currency (${sentCurrency}) must be the currency of its customer (${currency}).`, "CurrencyRef")
  }
  output["CurrencyRef"] = currencyRef(currency)
  return output
}

export const voidPayment = (data: JsonObject): MutableJson => {
  const note = stringField(data, "PrivateNote")
  return {
    ...data,
    TotalAmt: 0,
    UnappliedAmt: 0,
    Line: (arrayField(data, "Line") ?? []).map((line) => (isObject(line) ? { ...line, Amount: 0 } : line)),
    PrivateNote: note === undefined || note === "" ? "Voided" : `Voided - ${note}`
  }
}

/** Invoices a payment touches (before and after a write). */
export const linkedInvoiceIds = (...payments: ReadonlyArray<JsonObject | undefined>): Set<string> =>
  new Set(payments.flatMap((payment) => (payment === undefined ? [] : applications(payment).map((a) => a.invoiceId))))

/**
 * Recomputes `Balance` and `LinkedTxn` of the given invoices from the live payments; a
 * changed invoice gets a new SyncToken and LastUpdatedTime.
 */
export const refreshInvoices = (store: RealmStore, invoiceIds: Iterable<string>, now: Date): void => {
  for (const invoiceId of invoiceIds) {
    const invoice = store.table("Invoice").get(invoiceId)
    if (invoice === undefined || invoice.deleted) continue
    const links: Array<JsonObject> = []
    for (const payment of store.live("Payment")) {
      if (payment.voided) continue
      if (applications(payment.data).some((a) => a.invoiceId === invoiceId)) links.push({ TxnId: String(payment.data["Id"]), TxnType: "Payment" })
    }
    const balance = invoice.voided ? Money.ZERO : Money.subtract(amountOf(invoice.data["TotalAmt"]), paidAmount(store, invoiceId))
    const before = JSON.stringify([invoice.data["Balance"], invoice.data["LinkedTxn"]])
    const after = JSON.stringify([Money.toApiNumber(balance), links])
    if (before === after) continue
    const meta = isObject(invoice.data["MetaData"]) ? invoice.data["MetaData"] : {}
    store.put("Invoice", {
      ...invoice.data,
      Balance: Money.toApiNumber(balance),
      LinkedTxn: links,
      SyncToken: String(Number(invoice.data["SyncToken"] ?? "0") + 1),
      MetaData: { ...meta, LastUpdatedTime: metaTime(now) }
    })
  }
}

/** Customer `Balance`: open invoices less unused credit memos and unapplied payments. */
export const refreshCustomerBalances = (store: RealmStore, customerIds: Iterable<string>): void => {
  for (const customerId of customerIds) {
    const customer = store.table("Customer").get(customerId)
    if (customer === undefined) continue
    let balance = Money.ZERO
    const owned = (record: StoredRecord) =>
      isObject(record.data["CustomerRef"]) && record.data["CustomerRef"]["value"] === customerId && !record.voided
    for (const invoice of store.live("Invoice")) if (owned(invoice)) balance = Money.add(balance, amountOf(invoice.data["Balance"]))
    for (const memo of store.live("CreditMemo")) if (owned(memo)) balance = Money.subtract(balance, amountOf(memo.data["RemainingCredit"]))
    for (const payment of store.live("Payment")) if (owned(payment)) balance = Money.subtract(balance, amountOf(payment.data["UnappliedAmt"]))
    const value = Money.toApiNumber(balance)
    if (customer.data["Balance"] !== value) store.put("Customer", { ...customer.data, Balance: value, BalanceWithJobs: value })
  }
}
