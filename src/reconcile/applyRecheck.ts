/**
 * The last-moment re-check (SPEC §6). Just before a batch of document creates goes to QBO —
 * and before it goes again after a lost or unreadable answer or transiently failed items —
 * one query per entity asks QBO for the documents of the batch's customers created since
 * shortly before the plan observed QBO. An invoice whose marker is on one of them needs
 * nothing more: it is adopted, not created again. So a lost answer is resolved by reading
 * what QBO holds, never by trusting it to remember the batch's requestid.
 */
import { Effect } from "effect"
import type { PlanAction } from "../domain/plan.ts"
import type { QboSalesDocument } from "../qbo/model.ts"
import { type QboBatchItem, QboReader } from "../qbo/QboClient.ts"
import { isVoidedDocument } from "./labels.ts"
import { ownerOf } from "./marker.ts"

/** Looks back this far before the observation: machine clocks may run ahead of QBO's. */
const CLOCK_MARGIN_MS = 3_600_000

export interface Creation {
  readonly action: PlanAction
  readonly item: QboBatchItem
}

const isDocumentCreate = (entry: Creation): entry is Creation & { readonly item: { readonly entity: "Invoice" | "CreditMemo" } } =>
  entry.item.operation === "create" && (entry.item.entity === "Invoice" || entry.item.entity === "CreditMemo")

export const needsRecheck = (entries: ReadonlyArray<Creation>): boolean => entries.some(isDocumentCreate)

/** Pure: each entry whose Autotask invoice already owns a live document among `found` (the oldest). */
export const alreadyCreated = (
  entries: ReadonlyArray<Creation>,
  found: ReadonlyArray<QboSalesDocument>
): Map<Creation, QboSalesDocument> => {
  const byOwner = new Map<number, QboSalesDocument>()
  for (const doc of [...found].sort((a, b) => Number(a.Id) - Number(b.Id))) {
    const owner = ownerOf(doc.PrivateNote)
    if (owner !== undefined && !byOwner.has(owner) && !isVoidedDocument(doc)) byOwner.set(owner, doc)
  }
  const result = new Map<Creation, QboSalesDocument>()
  for (const entry of entries) {
    const doc = isDocumentCreate(entry) && entry.action.autotaskInvoiceId !== undefined ? byOwner.get(entry.action.autotaskInvoiceId) : undefined
    if (doc) result.set(entry, doc)
  }
  return result
}

const customerOf = (entry: Creation): string | undefined => {
  const ref = entry.item.body["CustomerRef"] as { readonly value?: unknown } | undefined
  return typeof ref?.value === "string" ? ref.value : undefined
}

/**
 * QBO's documents for the entries' customers created since `observedAt` (less the margin):
 * one query per entity present. Fails when QBO cannot be read.
 */
export const recheckDocuments = Effect.fnUntraced(function*(entries: ReadonlyArray<Creation>, observedAt: Date) {
  const reader = yield* QboReader
  const since = new Date(observedAt.getTime() - CLOCK_MARGIN_MS).toISOString()
  const creates = entries.filter(isDocumentCreate)
  const found: Array<QboSalesDocument> = []
  for (const entity of ["Invoice", "CreditMemo"] as const) {
    const customers = [...new Set(creates.filter((entry) => entry.item.entity === entity).map(customerOf).filter((id) => id !== undefined))]
    if (customers.length === 0) continue
    found.push(...yield* reader.queryIn<QboSalesDocument>(entity, "CustomerRef", customers, `MetaData.CreateTime >= '${since}'`))
  }
  return alreadyCreated(entries, found)
})
