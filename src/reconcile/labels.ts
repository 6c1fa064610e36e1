/**
 * Small shared vocabulary of the planner: addresses and placeholders of created records, how
 * an Autotask invoice is named in messages, and where a setting came from. Pure.
 */
import type { AtInvoice } from "../autotask/model.ts"
import type { SourceRef } from "../config/types.ts"
import * as Money from "../domain/money.ts"
import type { Json, PayloadRef } from "../domain/plan.ts"
import type { QboSalesDocument } from "../qbo/model.ts"
import type { PlanContext } from "./context.ts"

/** Placeholder for the Id of a record another action of the plan creates. */
export const refTo = (address: string, field = "Id"): PayloadRef => ({ $ref: address, field })

export const itemAddress = (name: string): string => `item:${name}`
export const customerAddress = (name: string): string => `customer:${name}`

export const at = (source: SourceRef | undefined): string => (source ? ` (${source.file}:${source.line})` : "")

export const blank = (value: string | null | undefined): value is null | undefined | "" =>
  value === null || value === undefined || value.trim() === ""

/** The Autotask invoice total, the document kind it becomes and the sign applied to lines. */
export const invoiceTotal = (invoice: AtInvoice): Money.Decimal => Money.fromApi(invoice.invoiceTotal)

/** Autotask's invoice number, unless it is blank or the error marker. */
export const autotaskNumberOf = (invoice: AtInvoice, errorMarker: string): string | undefined =>
  blank(invoice.invoiceNumber) || invoice.invoiceNumber === errorMarker ? undefined : invoice.invoiceNumber!

/** "Autotask invoice T2026.0042 (id 29684133)", or "Autotask invoice id 29684133" when unnumbered. */
export const invoiceLabel = (invoice: AtInvoice, ctx: PlanContext): string => {
  const number = autotaskNumberOf(invoice, ctx.config.sync.errorMarker.value)
  return number ? `Autotask invoice ${number} (id ${invoice.id})` : `Autotask invoice id ${invoice.id}`
}

/** A QBO reference to an existing record. */
export const ref = (record: { readonly Id: string }, name: string): Json => ({ value: record.Id, name })

/** QBO voids a document by zeroing it and prefixing its private note with "Voided". */
export const isVoidedDocument = (doc: QboSalesDocument): boolean =>
  (doc.PrivateNote ?? "").startsWith("Voided") ||
  (Money.isZero(Money.fromApi(doc.TotalAmt)) && doc.Line.every((line) => Money.isZero(Money.fromApi(line.Amount))))
