/**
 * Duplicates converge (SPEC §6), pure. When QBO holds more than one live document carrying
 * atqbo's marker for one Autotask invoice (two writers before the lease existed, a version
 * without the re-check, a person copying one), the oldest (lowest Id) is kept — the write-back
 * points at it — and each other one is voided or deleted (`sync.duplicates`) when that is
 * safe: it is unpaid (no linked transaction, balance equal to its total) and the same
 * document as the kept one (kind, customer, date, total and every line). Anything else stays
 * a warning that names both documents, for a person to decide. Removals count against
 * `limits.maxVoids` like every void.
 */
import type { AtInvoice } from "../autotask/model.ts"
import * as Money from "../domain/money.ts"
import type { PlanAction, PlanWarning } from "../domain/plan.ts"
import type { QboSalesDocument } from "../qbo/model.ts"
import { documentKind, documentLabel, duplicateRemoveAction } from "./actions.ts"
import type { OwnedDocument, PlanContext } from "./context.ts"
import { invoiceLabel, isVoidedDocument } from "./labels.ts"
import { canonicalJson } from "../domain/checksum.ts"

const describe = (document: OwnedDocument): string => `${documentKind(document.entity)} ${documentLabel(document)}`

/** What a line books: item, quantity, rate, amount, description, and the rest of its detail. */
const linesOf = (doc: QboSalesDocument): string =>
  canonicalJson(doc.Line.filter((line) => line.DetailType !== "SubTotalLineDetail").map(({ Id: _id, LineNum: _num, ...line }) => line))

const amount = (value: number | undefined): string => Money.toText(Money.fromApi(value ?? 0))

/** Why `extra` may not be removed automatically, or undefined when it is safe to. */
export const duplicateProblem = (kept: OwnedDocument, extra: OwnedDocument): string | undefined => {
  const { doc } = extra
  if ((doc.LinkedTxn ?? []).length > 0) return `it has linked transactions (${(doc.LinkedTxn ?? []).map((txn) => `${txn.TxnType} ${txn.TxnId}`).join(", ")})`
  if (doc.Balance !== undefined && amount(doc.Balance) !== amount(doc.TotalAmt)) return `it is partly paid (balance ${amount(doc.Balance)} of ${amount(doc.TotalAmt)})`
  if (extra.entity !== kept.entity) return `it is a ${documentKind(extra.entity)} and the kept one a ${documentKind(kept.entity)}`
  if (doc.CustomerRef.value !== kept.doc.CustomerRef.value) return "it is booked to another customer"
  if (doc.TxnDate !== kept.doc.TxnDate) return `its date differs (${doc.TxnDate ?? "none"} and ${kept.doc.TxnDate ?? "none"})`
  if (amount(doc.TotalAmt) !== amount(kept.doc.TotalAmt)) return `its total differs (${amount(doc.TotalAmt)} and ${amount(kept.doc.TotalAmt)})`
  if (linesOf(doc) !== linesOf(kept.doc)) return "its lines differ"
  return undefined
}

const unsafeWarning = (invoice: AtInvoice, kept: OwnedDocument, extra: OwnedDocument, problem: string, ctx: PlanContext): PlanWarning => ({
  code: "duplicate-documents",
  message: `${invoiceLabel(invoice, ctx)} has two QBO documents with atqbo's marker: ${describe(kept)}, which atqbo keeps, and ${describe(extra)}, which it does not remove because ${problem}; review both in QBO`,
  autotaskInvoiceId: invoice.id
})

/** Removal actions for the safe extras and warnings for the others; voided extras need nothing. */
export const planDuplicates = (
  invoice: AtInvoice,
  kept: OwnedDocument,
  duplicates: ReadonlyArray<OwnedDocument>,
  ctx: PlanContext
): { readonly actions: ReadonlyArray<PlanAction>; readonly warnings: ReadonlyArray<PlanWarning> } => {
  const actions: Array<PlanAction> = []
  const warnings: Array<PlanWarning> = []
  for (const extra of duplicates) {
    if (isVoidedDocument(extra.doc)) continue
    const problem = isVoidedDocument(kept.doc) ? "the oldest one is voided" : duplicateProblem(kept, extra)
    if (problem === undefined) actions.push(duplicateRemoveAction(invoice, kept, extra, ctx))
    else warnings.push(unsafeWarning(invoice, kept, extra, problem, ctx))
  }
  return { actions, warnings }
}
