/**
 * Constructors of the planner's actions (pure): one per kind of action, so every field of a
 * `PlanAction` is written in one place and the planner reads as decisions.
 */
import type { AtCompany, AtInvoice } from "../autotask/model.ts"
import * as Money from "../domain/money.ts"
import type { Json, PayloadRef, PlanAction } from "../domain/plan.ts"
import type { OwnedDocument, PlanContext } from "./context.ts"
import { displayCurrency, documentCurrency } from "./currency.ts"
import type { CustomerTarget } from "./customers.ts"
import type { DesiredDocument } from "./desired.ts"
import type { ItemTarget } from "./items.ts"
import { autotaskNumberOf, invoiceLabel, invoiceTotal } from "./labels.ts"

export const documentAddress = (entity: "Invoice" | "CreditMemo", autotaskId: number): string =>
  `${entity === "Invoice" ? "invoice" : "creditmemo"}:${autotaskId}`

/** "invoice" or "credit memo", for sentences. */
export const documentKind = (entity: "Invoice" | "CreditMemo"): string => (entity === "Invoice" ? "invoice" : "credit memo")

const companyName = (invoice: AtInvoice, ctx: PlanContext): string | undefined => ctx.companies.get(invoice.companyID)?.companyName

export const rejectAction = (invoice: AtInvoice, reasons: ReadonlyArray<string>, ctx: PlanContext): PlanAction => {
  const { errorMarker, numbering } = ctx.config.sync
  // The marker goes where the vendor app put it (invoiceNumber), only in `qbo` numbering:
  // in `autotask` numbering invoiceNumber is the customer-facing number.
  const writesMarker = errorMarker.write && numbering.mode === "qbo" && invoice.invoiceNumber !== errorMarker.value
  const company = companyName(invoice, ctx)
  return {
    type: "invoice.reject",
    address: `reject:${invoice.id}`,
    autotaskInvoiceId: invoice.id,
    name: autotaskNumberOf(invoice, errorMarker.value),
    summary: `${invoiceLabel(invoice, ctx)} for ${company ?? `company ${invoice.companyID}`} cannot be synced`,
    target: writesMarker ? { system: "autotask", entity: "Invoices", operation: "update", id: invoice.id } : { system: "none" },
    payload: writesMarker ? { id: invoice.id, invoiceNumber: errorMarker.value } : null,
    before: writesMarker ? { invoiceNumber: invoice.invoiceNumber ?? null } : undefined,
    dependsOn: [],
    reasons,
    display: {
      company,
      autotaskNumber: autotaskNumberOf(invoice, errorMarker.value),
      total: Money.formatMoney(invoiceTotal(invoice)),
      currency: displayCurrency(ctx.companies.get(invoice.companyID), ctx)
    }
  }
}

export const writeBackAction = (
  invoice: AtInvoice,
  docNumber: Json | undefined,
  dependsOn: ReadonlyArray<string>,
  ctx: PlanContext,
  repair: boolean
): PlanAction => {
  const payload: Record<string, Json> = { id: invoice.id }
  const before: Record<string, Json> = {}
  // Writing the number the invoice already has changes nothing: leave it out.
  if (ctx.config.sync.numbering.mode === "qbo" && docNumber !== undefined && docNumber !== (invoice.invoiceNumber ?? null)) {
    payload.invoiceNumber = docNumber
    before.invoiceNumber = invoice.invoiceNumber ?? null
  }
  payload.webServiceDate = { $runtime: "now" }
  before.webServiceDate = invoice.webServiceDate ?? null
  return {
    type: "autotask.writeback",
    address: `writeback:${invoice.id}`,
    autotaskInvoiceId: invoice.id,
    name: autotaskNumberOf(invoice, ctx.config.sync.errorMarker.value),
    summary: repair
      ? `mark ${invoiceLabel(invoice, ctx)} synced (its QBO document exists but the write-back is missing)`
      : `mark ${invoiceLabel(invoice, ctx)} synced`,
    target: { system: "autotask", entity: "Invoices", operation: "update", id: invoice.id },
    payload,
    before,
    dependsOn,
    reasons: [],
    display: { company: companyName(invoice, ctx) }
  }
}

export const sendAction = (
  invoice: AtInvoice,
  documentId: string | PayloadRef,
  syncToken: string | PayloadRef,
  email: string,
  dependsOn: ReadonlyArray<string>,
  ctx: PlanContext
): PlanAction => ({
  type: "invoice.send",
  address: `send:${invoice.id}`,
  autotaskInvoiceId: invoice.id,
  name: autotaskNumberOf(invoice, ctx.config.sync.errorMarker.value),
  summary: `e-mail the QBO invoice for ${invoiceLabel(invoice, ctx)} to ${email}`,
  target: {
    system: "qbo",
    entity: "Invoice",
    operation: "send",
    id: documentId,
    syncToken
  },
  payload: { sendTo: email },
  before: undefined,
  dependsOn,
  reasons: [],
  display: { company: companyName(invoice, ctx) }
})

/** What voiding or deleting an existing QBO document targets, sends and shows. */
const takeBack = (invoice: AtInvoice, document: OwnedDocument, operation: "void" | "delete", ctx: PlanContext) => ({
  target: { system: "qbo", entity: document.entity, operation, id: document.doc.Id, syncToken: document.doc.SyncToken },
  payload: { Id: document.doc.Id, SyncToken: document.doc.SyncToken },
  before: { TotalAmt: document.doc.TotalAmt ?? 0 },
  dependsOn: [],
  reasons: [],
  display: {
    company: companyName(invoice, ctx),
    qboId: document.doc.Id,
    docNumber: document.doc.DocNumber,
    total: Money.formatMoney(Money.fromApi(document.doc.TotalAmt)),
    currency: documentCurrency(document.doc, ctx)
  }
}) satisfies Partial<PlanAction>

/** Voids the QBO document of an invoice voided in Autotask. */
export const voidAction = (invoice: AtInvoice, document: OwnedDocument, ctx: PlanContext): PlanAction => ({
  type: "invoice.void",
  address: `void:${invoice.id}`,
  autotaskInvoiceId: invoice.id,
  name: autotaskNumberOf(invoice, ctx.config.sync.errorMarker.value),
  summary: `void QBO ${documentKind(document.entity)} ${document.doc.DocNumber ?? document.doc.Id} (${invoiceLabel(invoice, ctx)} was voided)`,
  ...takeBack(invoice, document, "void", ctx)
})

/** "1042 (Id 55)": a QBO document for people. */
export const documentLabel = (document: OwnedDocument): string => `${document.doc.DocNumber ?? "(no number)"} (Id ${document.doc.Id})`

/** Voids or deletes (sync.duplicates) an extra copy of the document atqbo keeps for an invoice. */
export const duplicateRemoveAction = (invoice: AtInvoice, kept: OwnedDocument, extra: OwnedDocument, ctx: PlanContext): PlanAction => {
  const operation = ctx.config.sync.duplicates
  return {
    type: "duplicate.remove",
    address: `duplicate:${invoice.id}:${extra.doc.Id}`,
    autotaskInvoiceId: invoice.id,
    name: autotaskNumberOf(invoice, ctx.config.sync.errorMarker.value),
    summary: `${operation} QBO ${documentKind(extra.entity)} ${documentLabel(extra)}, a copy of ${documentKind(kept.entity)} ${documentLabel(kept)} that atqbo keeps for ${invoiceLabel(invoice, ctx)}`,
    ...takeBack(invoice, extra, operation, ctx)
  }
}

export const itemCreateAction = (address: string, item: Extract<ItemTarget, { kind: "create" }>): PlanAction => ({
  type: "item.create",
  address,
  autotaskInvoiceId: undefined,
  name: item.name,
  summary: `create QBO item "${item.name}", income account "${item.incomeAccount}"`,
  target: { system: "qbo", entity: "Item", operation: "create" },
  payload: item.payload,
  before: undefined,
  dependsOn: [],
  reasons: [],
  display: { incomeAccount: item.incomeAccount }
})

/** " in USD" for a customer created with a currency (multicurrency on), else nothing. */
const currencyOf = (payload: Json): string => {
  const ref = typeof payload === "object" && payload !== null && !Array.isArray(payload) ? (payload as { readonly CurrencyRef?: { readonly value?: string } }).CurrencyRef : undefined
  return ref?.value ? ` in ${ref.value}` : ""
}

export const customerCreateAction = (address: string, customer: Extract<CustomerTarget, { kind: "create" }>, company: AtCompany): PlanAction => ({
  type: "customer.create",
  address,
  autotaskInvoiceId: undefined,
  name: customer.displayName,
  summary: `create QBO customer "${customer.displayName}"${currencyOf(customer.payload)} for Autotask company ${company.id}`,
  target: { system: "qbo", entity: "Customer", operation: "create" },
  payload: customer.payload,
  before: undefined,
  dependsOn: [],
  reasons: [],
  display: { company: company.companyName }
})

/** The QBO invoice or credit memo of a new invoice; `body` has its `$ref`s already pointed at the canonical creates. */
export const documentCreateAction = (
  invoice: AtInvoice,
  desired: DesiredDocument,
  body: Json,
  dependsOn: ReadonlyArray<string>,
  ctx: PlanContext
): PlanAction => {
  const customerName = desired.customer.kind === "existing" ? desired.customer.customer.DisplayName : desired.customer.displayName
  return {
    type: desired.entity === "Invoice" ? "invoice.create" : "creditmemo.create",
    address: documentAddress(desired.entity, invoice.id),
    autotaskInvoiceId: invoice.id,
    name: desired.autotaskNumber,
    summary: `create QBO ${documentKind(desired.entity)} for ${invoiceLabel(invoice, ctx)}, customer "${customerName}", ${Money.formatMoney(desired.total)} ${desired.currency}`,
    target: { system: "qbo", entity: desired.entity, operation: "create" },
    payload: body,
    before: undefined,
    dependsOn,
    reasons: [],
    display: {
      company: desired.company.companyName,
      customer: customerName,
      autotaskNumber: desired.autotaskNumber,
      total: Money.formatMoney(desired.total),
      currency: desired.currency,
      lines: desired.lines,
      docNumber: desired.docNumber ?? "(assigned by QBO)",
      ...(desired.dueDate ? { dueDate: desired.dueDate.date, dueDateSource: desired.dueDate.source } : {})
    }
  }
}
