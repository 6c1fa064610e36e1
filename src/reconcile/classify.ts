/**
 * Where an Autotask invoice stands against QBO (pure), asked in this order:
 * 1. HeldElsewhere: another QBO company (connection) holds its document and this one has none.
 * 2. Voided: voided in Autotask (with the QBO document atqbo made for it, if any).
 * 3. Ours: QBO has a document carrying atqbo's ownership marker for it.
 * 4. SyncedBefore: Autotask says it was synced (the vendor app's invoice number, or the
 *    webServiceDate under `autotask` numbering); `external` is the QBO document with that number.
 * 5. New: nothing in QBO yet; `taken` is a QBO document already using the DocNumber it would get.
 * The planner turns each state into actions (plan.ts).
 */
import type { AtInvoice } from "../autotask/model.ts"
import { Data } from "effect"
import * as Money from "../domain/money.ts"
import type { OwnedDocument, PlanContext } from "./context.ts"
import { expectedDocNumber } from "./desired.ts"
import { autotaskNumberOf, blank, invoiceTotal, isVoidedDocument } from "./labels.ts"
import { ownerOf } from "./marker.ts"
import { nameKey } from "./names.ts"

export type InvoiceState = Data.TaggedEnum<{
  HeldElsewhere: { readonly holder: string }
  Voided: { readonly document: OwnedDocument | undefined; readonly duplicates: ReadonlyArray<OwnedDocument> }
  /** `document` is the oldest (lowest Id) live one of atqbo's documents; `duplicates` the others. */
  Ours: { readonly document: OwnedDocument; readonly duplicates: ReadonlyArray<OwnedDocument> }
  SyncedBefore: { readonly external: OwnedDocument | undefined }
  New: { readonly taken: OwnedDocument | undefined }
}>

export const InvoiceState = Data.taggedEnum<InvoiceState>()

export const classifyInvoice = (invoice: AtInvoice, ctx: PlanContext, elsewhere: ReadonlyMap<number, string>): InvoiceState => {
  const { numbering, errorMarker } = ctx.config.sync
  // Live documents first (a voided copy is never the one kept), then the oldest.
  const [document, ...duplicates] = [...(ctx.owned.get(invoice.id) ?? [])]
    .sort((a, b) => Number(isVoidedDocument(a.doc)) - Number(isVoidedDocument(b.doc)) || Number(a.doc.Id) - Number(b.doc.Id))
  const holder = elsewhere.get(invoice.id)
  if (holder !== undefined && document === undefined) return InvoiceState.HeldElsewhere({ holder })
  if (invoice.isVoided) return InvoiceState.Voided({ document, duplicates })
  if (document) return InvoiceState.Ours({ document, duplicates })

  const number = autotaskNumberOf(invoice, errorMarker.value)
  const lookupNumber = numbering.mode === "qbo" ? number : expectedDocNumber(invoice, ctx)
  const sameNumber = lookupNumber === undefined ? [] : ctx.byDocNumber.get(nameKey(lookupNumber)) ?? []
  const looksSynced = numbering.mode === "qbo" ? number !== undefined : !blank(invoice.webServiceDate)
  if (!looksSynced) return InvoiceState.New({ taken: sameNumber[0] })
  // A document atqbo created for another Autotask invoice is not this invoice's, whatever its number.
  const candidates = sameNumber.filter((candidate) => ownerOf(candidate.doc.PrivateNote) === undefined)
  const entity = Money.isNegative(invoiceTotal(invoice)) ? "CreditMemo" : "Invoice"
  return InvoiceState.SyncedBefore({ external: candidates.find((candidate) => candidate.entity === entity) ?? candidates[0] })
}
