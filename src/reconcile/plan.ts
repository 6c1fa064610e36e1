/**
 * Plan (pure): desired × observed → ordered actions, warnings, summary and checksum.
 *
 * Sync state is derived, never stored: an Autotask invoice is synced when its QBO document
 * exists (ownership marker, or the DocNumber the vendor app or Autotask numbering gives it)
 * and the Autotask write-back is done. A document without its write-back gets a write-back
 * only; an invoice marked with the error marker is planned again from scratch.
 */
import { createHash } from "node:crypto"
import type { AtInvoice } from "../autotask/model.ts"
import type { Config } from "../config/types.ts"
import * as Money from "../domain/money.ts"
import {
  ACTION_PHASE,
  type ActionType,
  isPayloadRef,
  type Json,
  type PayloadRef,
  type Plan,
  PLAN_FORMAT_VERSION,
  type PlanAction,
  phaseOf,
  phaseRank,
  type PlanWarning
} from "../domain/plan.ts"
import { buildContext, type PlanContext } from "./context.ts"
import { type DesiredDocument, desiredDocument, expectedDocNumber } from "./desired.ts"
import { autotaskNumberOf, blank, customerAddress, invoiceLabel, invoiceTotal, isVoidedDocument, itemAddress, refTo } from "./labels.ts"
import { ownerOf } from "./marker.ts"
import { driftOf } from "./drift.ts"
import { nameKey } from "./names.ts"
import { planPayments } from "./payments.ts"
import type { Snapshot } from "./snapshot.ts"

export interface PlanMeta {
  readonly toolVersion: string
  /** Informational timestamp; excluded from the checksum. */
  readonly createdAt: string
  /**
   * With several QBO companies: Autotask invoices whose document another connection holds
   * (invoice id → connection name). Planning a second document elsewhere is refused.
   */
  readonly elsewhere?: ReadonlyMap<number, string>
}

const ALL_TYPES: ReadonlyArray<ActionType> = Object.keys(ACTION_PHASE) as Array<ActionType>

const documentAddress = (entity: "Invoice" | "CreditMemo", autotaskId: number): string =>
  `${entity === "Invoice" ? "invoice" : "creditmemo"}:${autotaskId}`


/** Accumulates actions and warnings; shared actions (items, customers) appear once. */
class PlanBuilder {
  readonly actions = new Map<string, PlanAction>()
  readonly warnings: Array<PlanWarning> = []
  /** Canonical address per name key, so case variants share one create action. */
  readonly canonical = new Map<string, string>()
  /** Which Autotask company each new customer is created for. */
  readonly newCustomerCompany = new Map<string, number>()

  add(action: PlanAction): void {
    if (!this.actions.has(action.address)) this.actions.set(action.address, action)
  }

  canonicalAddress(kind: "item" | "customer", name: string): string {
    const key = `${kind}:${nameKey(name)}`
    const existing = this.canonical.get(key)
    if (existing) return existing
    const address = kind === "item" ? itemAddress(name) : customerAddress(name)
    this.canonical.set(key, address)
    return address
  }
}

/** Replaces `$ref` placeholders pointing at `from` with ones pointing at `to`. */
const retarget = (value: Json, from: string, to: string): Json => {
  if (from === to) return value
  if (isPayloadRef(value)) return value.$ref === from ? refTo(to, value.field) : value
  if (Array.isArray(value)) return value.map((entry) => retarget(entry, from, to))
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, retarget(entry as Json, from, to)]))
  }
  return value
}

const rejectAction = (invoice: AtInvoice, reasons: ReadonlyArray<string>, ctx: PlanContext): PlanAction => {
  const { errorMarker, numbering } = ctx.config.sync
  // The marker goes where the vendor app put it (invoiceNumber), only in `qbo` numbering:
  // in `autotask` numbering invoiceNumber is the customer-facing number.
  const writesMarker = errorMarker.write && numbering.mode === "qbo" && invoice.invoiceNumber !== errorMarker.value
  const company = ctx.companies.get(invoice.companyID)
  return {
    type: "invoice.reject",
    address: `reject:${invoice.id}`,
    autotaskInvoiceId: invoice.id,
    name: autotaskNumberOf(invoice, errorMarker.value),
    summary: `${invoiceLabel(invoice, ctx)} for ${company?.companyName ?? `company ${invoice.companyID}`} cannot be synced`,
    target: writesMarker ? { system: "autotask", entity: "Invoices", operation: "update", id: invoice.id } : { system: "none" },
    payload: writesMarker ? { id: invoice.id, invoiceNumber: errorMarker.value } : null,
    before: writesMarker ? { invoiceNumber: invoice.invoiceNumber ?? null } : undefined,
    dependsOn: [],
    reasons,
    display: {
      company: company?.companyName,
      autotaskNumber: autotaskNumberOf(invoice, errorMarker.value),
      total: Money.formatMoney(invoiceTotal(invoice)),
      currency: ctx.qbo.currency
    }
  }
}

const writeBackAction = (
  invoice: AtInvoice,
  docNumber: Json | undefined,
  dependsOn: ReadonlyArray<string>,
  ctx: PlanContext,
  repair: boolean
): PlanAction => {
  const payload: Record<string, Json> = { id: invoice.id }
  const before: Record<string, Json> = {}
  if (ctx.config.sync.numbering.mode === "qbo" && docNumber !== undefined) {
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
    display: { company: ctx.companies.get(invoice.companyID)?.companyName }
  }
}

const sendAction = (
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
  display: { company: ctx.companies.get(invoice.companyID)?.companyName }
})

const createDocumentActions = (
  invoice: AtInvoice,
  desired: DesiredDocument,
  builder: PlanBuilder,
  ctx: PlanContext
): ReadonlyArray<string> => {
  const dependsOn: Array<string> = []
  let body: Json = desired.body
  for (const item of desired.newItems) {
    const address = builder.canonicalAddress("item", item.name)
    body = retarget(body, itemAddress(item.name), address)
    builder.add({
      type: "item.create",
      address,
      autotaskInvoiceId: undefined,
      name: item.name,
      summary: `create QBO item "${item.name}"`,
      target: { system: "qbo", entity: "Item", operation: "create" },
      payload: item.payload,
      before: undefined,
      dependsOn: [],
      reasons: [],
      display: {}
    })
    dependsOn.push(address)
  }
  if (desired.customer.kind === "create") {
    const address = builder.canonicalAddress("customer", desired.customer.displayName)
    const owner = builder.newCustomerCompany.get(address)
    if (owner !== undefined && owner !== desired.company.id) {
      builder.add(rejectAction(invoice, [
        `a new customer named "${desired.customer.displayName}" is already planned for another Autotask company (id ${owner}); cross-reference one of them to a different customer in customers.yaml`
      ], ctx))
      return []
    }
    builder.newCustomerCompany.set(address, desired.company.id)
    body = retarget(body, customerAddress(desired.customer.displayName), address)
    builder.add({
      type: "customer.create",
      address,
      autotaskInvoiceId: undefined,
      name: desired.customer.displayName,
      summary: `create QBO customer "${desired.customer.displayName}" for Autotask company ${desired.company.id}`,
      target: { system: "qbo", entity: "Customer", operation: "create" },
      payload: desired.customer.payload,
      before: undefined,
      dependsOn: [],
      reasons: [],
      display: { company: desired.company.companyName }
    })
    dependsOn.push(address)
  }
  const address = documentAddress(desired.entity, invoice.id)
  const customerName = desired.customer.kind === "existing" ? desired.customer.customer.DisplayName : desired.customer.displayName
  const kind = desired.entity === "Invoice" ? "invoice" : "credit memo"
  builder.add({
    type: desired.entity === "Invoice" ? "invoice.create" : "creditmemo.create",
    address,
    autotaskInvoiceId: invoice.id,
    name: desired.autotaskNumber,
    summary: `create QBO ${kind} for ${invoiceLabel(invoice, ctx)}, customer "${customerName}", ${Money.formatMoney(desired.total)} ${ctx.qbo.currency}`,
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
      currency: ctx.qbo.currency,
      lines: desired.lines,
      docNumber: desired.docNumber ?? "(assigned by QBO)"
    }
  })
  return [address]
}

const planInvoice = (invoice: AtInvoice, builder: PlanBuilder, ctx: PlanContext, elsewhere: ReadonlyMap<number, string>): void => {
  const { config } = ctx
  const owned = [...(ctx.owned.get(invoice.id) ?? [])].sort((a, b) => Number(a.doc.Id) - Number(b.doc.Id))
  const holder = elsewhere.get(invoice.id)
  if (holder !== undefined && owned.length === 0) {
    if (!invoice.isVoided) {
      builder.add(rejectAction(invoice, [
        `its QBO document is in connection "${holder}", but the routing rules now send it here; a second document is never created — fix the routes in atqbo.yaml or move the document by hand`
      ], ctx))
    }
    return
  }
  if (owned.length > 1) {
    builder.warnings.push({
      code: "duplicate-documents",
      message: `${invoiceLabel(invoice, ctx)} has ${owned.length} QBO documents (${owned.map((o) => `${o.entity} ${o.doc.Id}`).join(", ")}); atqbo uses the first, review the others in QBO`,
      autotaskInvoiceId: invoice.id
    })
  }
  const document = owned[0]

  if (invoice.isVoided) {
    if (document && config.sync.voids.sync && !isVoidedDocument(document.doc)) {
      builder.add({
        type: "invoice.void",
        address: `void:${invoice.id}`,
        autotaskInvoiceId: invoice.id,
        name: autotaskNumberOf(invoice, config.sync.errorMarker.value),
        summary: `void QBO ${document.entity === "Invoice" ? "invoice" : "credit memo"} ${document.doc.DocNumber ?? document.doc.Id} (${invoiceLabel(invoice, ctx)} was voided)`,
        target: { system: "qbo", entity: document.entity, operation: "void", id: document.doc.Id, syncToken: document.doc.SyncToken },
        payload: { Id: document.doc.Id, SyncToken: document.doc.SyncToken },
        before: { TotalAmt: document.doc.TotalAmt ?? 0 },
        dependsOn: [],
        reasons: [],
        display: {
          company: ctx.companies.get(invoice.companyID)?.companyName,
          qboId: document.doc.Id,
          docNumber: document.doc.DocNumber,
          total: Money.formatMoney(Money.fromApi(document.doc.TotalAmt)),
          currency: ctx.qbo.currency
        }
      })
    }
    return
  }

  if (document) {
    const differences = driftOf(invoice, document, ctx)
    if (differences.length > 0) {
      builder.warnings.push({
        code: "drift",
        message: `the QBO ${document.entity === "Invoice" ? "invoice" : "credit memo"} ${document.doc.DocNumber ?? document.doc.Id} of ${invoiceLabel(invoice, ctx)} no longer matches Autotask`,
        autotaskInvoiceId: invoice.id,
        differences
      })
    }
    const writeBackDone = config.sync.numbering.mode === "qbo"
      ? (invoice.invoiceNumber ?? "") === (document.doc.DocNumber ?? "") && !blank(invoice.webServiceDate)
      : !blank(invoice.webServiceDate)
    if (writeBackDone) return
    // Finish what an interrupted run started: the send (if wanted) and the write-back.
    const dependsOn: Array<string> = []
    const email = document.doc.BillEmail?.Address
    if (config.sync.email.onCreate && document.entity === "Invoice" && email && document.doc.EmailStatus !== "EmailSent") {
      builder.add(sendAction(invoice, document.doc.Id, document.doc.SyncToken, email, [], ctx))
      dependsOn.push(`send:${invoice.id}`)
    }
    builder.add(writeBackAction(invoice, document.doc.DocNumber, dependsOn, ctx, true))
    return
  }

  // No document of ours. Did the vendor app (or Autotask numbering) sync it already?
  const number = autotaskNumberOf(invoice, config.sync.errorMarker.value)
  const expected = expectedDocNumber(invoice, ctx)
  const looksSynced = config.sync.numbering.mode === "qbo" ? number !== undefined : !blank(invoice.webServiceDate)
  const lookupNumber = config.sync.numbering.mode === "qbo" ? number : expected
  const sameNumber = lookupNumber === undefined ? [] : ctx.byDocNumber.get(nameKey(lookupNumber)) ?? []
  if (looksSynced) {
    // A document atqbo created for another Autotask invoice is not this invoice's, whatever its number.
    const candidates = sameNumber.filter((candidate) => ownerOf(candidate.doc.PrivateNote) === undefined)
    const external = candidates.find((candidate) => candidate.entity === (Money.isNegative(invoiceTotal(invoice)) ? "CreditMemo" : "Invoice")) ??
      candidates[0]
    if (external) {
      const differences = driftOf(invoice, external, ctx)
      if (differences.length > 0) {
        builder.warnings.push({
          code: "drift",
          message: `QBO ${external.entity === "Invoice" ? "invoice" : "credit memo"} ${external.doc.DocNumber} (synced before atqbo) no longer matches ${invoiceLabel(invoice, ctx)}`,
          autotaskInvoiceId: invoice.id,
          differences
        })
      }
    } else {
      builder.warnings.push({
        code: "synced-elsewhere",
        message: config.sync.numbering.mode === "qbo"
          ? `${invoiceLabel(invoice, ctx)} already has an invoice number, so it counts as synced, but QBO has no document numbered "${number}"; clear its invoice number in Autotask to sync it`
          : `${invoiceLabel(invoice, ctx)} is marked synced (webServiceDate) but QBO has no document numbered "${expected}"; clear its webServiceDate in Autotask to sync it`,
        autotaskInvoiceId: invoice.id
      })
    }
    return
  }

  const outcome = desiredDocument(invoice, ctx)
  builder.warnings.push(...outcome.warnings)
  const reasons = outcome.kind === "rejected" ? [...outcome.reasons] : []
  if (config.sync.numbering.mode === "autotask" && sameNumber.length > 0) {
    const taken = sameNumber[0]!
    reasons.push(
      `DocNumber "${expected}" is already used in QBO by ${taken.entity === "Invoice" ? "invoice" : "credit memo"} Id ${taken.doc.Id}${taken.doc.PrivateNote ? "" : " (not created by atqbo)"}; renumber one of them or set sync.numbering.prefix`
    )
  }
  if (outcome.kind === "rejected" || reasons.length > 0) {
    builder.add(rejectAction(invoice, reasons, ctx))
    return
  }

  const desired = outcome.document
  const created = createDocumentActions(invoice, desired, builder, ctx)
  if (created.length === 0) return
  const documentAddr = created[0]!
  const dependsOn = [documentAddr]
  if (desired.billEmail && desired.entity === "Invoice") {
    builder.add(sendAction(invoice, refTo(documentAddr), refTo(documentAddr, "SyncToken"), desired.billEmail, [documentAddr], ctx))
    dependsOn.push(`send:${invoice.id}`)
  }
  builder.add(writeBackAction(invoice, desired.docNumber ?? refTo(documentAddr, "DocNumber"), dependsOn, ctx, false))
}

/** Warnings about the configuration against QBO's preferences, once per plan. */
const settingsWarnings = (ctx: PlanContext): ReadonlyArray<PlanWarning> => {
  const warnings: Array<PlanWarning> = []
  const { classes, sync } = ctx.config
  if (classes.default !== undefined && !ctx.qbo.classPerTxn) {
    warnings.push({
      code: "class-not-applicable",
      message: ctx.qbo.classPerLine
        ? `the default class "${classes.default}" is ignored: QBO tracks classes per line, not per transaction (set classes.yaml lines.default or rules instead)`
        : `the default class "${classes.default}" is ignored: class tracking is off in QBO`,
      autotaskInvoiceId: undefined
    })
  }
  if ((classes.lines.default !== undefined || classes.lines.rules.length > 0) && !ctx.qbo.classPerLine) {
    warnings.push({
      code: "class-not-applicable",
      message: "the line class rules in classes.yaml are ignored: QBO does not track classes per line",
      autotaskInvoiceId: undefined
    })
  }
  if (sync.numbering.mode === "autotask" && !ctx.qbo.customTxnNumbers) {
    warnings.push({
      code: "numbering-mismatch",
      message: "numbering mode is autotask but QBO's \"Custom transaction numbers\" is off, so QBO may replace the DocNumbers atqbo sends; turn it on in QBO",
      autotaskInvoiceId: undefined
    })
  }
  if (sync.numbering.mode === "autotask" && sync.numbering.prefix === "") {
    const foreign = [...ctx.snapshot.qbo.invoices].filter((doc) => doc.DocNumber && /^\d+$/.test(doc.DocNumber) && !(doc.PrivateNote ?? "").includes("[atqbo:"))
    if (foreign.length > 0) {
      warnings.push({
        code: "docnumber-collision-risk",
        message: `QBO already has ${foreign.length} numeric invoice number(s) not created by atqbo (e.g. ${foreign[0]!.DocNumber}); Autotask numbers may collide with them — consider sync.numbering.prefix`,
        autotaskInvoiceId: undefined
      })
    }
  }
  return warnings
}

const actionKey = (action: PlanAction): string =>
  `${phaseRank(phaseOf(action))}|${action.type}|${action.autotaskInvoiceId !== undefined ? String(action.autotaskInvoiceId).padStart(16, "0") : nameKey(action.name ?? "")}|${action.address}`

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** Canonical JSON: object keys sorted, no whitespace. */
export const canonicalJson = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value).filter(([, entry]) => entry !== undefined).sort(([a], [b]) => compareStrings(a, b))
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(",")}}`
  }
  return JSON.stringify(value)
}

/** Hash of the canonical actions only: no timestamps, so the same world + config → same checksum. */
export const planChecksum = (actions: ReadonlyArray<PlanAction>): string =>
  `sha256:${createHash("sha256").update(canonicalJson(actions)).digest("hex")}`

export const buildPlan = (snapshot: Snapshot, config: Config, meta: PlanMeta): Plan => {
  const ctx = buildContext(snapshot, config)
  const builder = new PlanBuilder()
  const invoices = [...snapshot.autotask.invoices].sort((a, b) => a.id - b.id)
  for (const invoice of invoices) planInvoice(invoice, builder, ctx, meta.elsewhere ?? new Map())
  const payments = planPayments([...invoices, ...snapshot.autotask.paidInvoices], ctx)
  for (const action of payments.actions) builder.add(action)
  builder.warnings.push(...payments.warnings)
  const actions = [...builder.actions.values()].sort((a, b) => compareStrings(actionKey(a), actionKey(b)))
  const warnings = [...settingsWarnings(ctx), ...builder.warnings]
  const counts = Object.fromEntries(ALL_TYPES.map((type) => [type, 0])) as Record<ActionType, number>
  for (const action of actions) counts[action.type] += 1
  const touched = new Set(actions.map((action) => action.autotaskInvoiceId).filter((id) => id !== undefined))
  return {
    format_version: PLAN_FORMAT_VERSION,
    checksum: planChecksum(actions),
    tool: { name: "atqbo", version: meta.toolVersion },
    createdAt: meta.createdAt,
    realmId: snapshot.qbo.realmId,
    window: {
      since: snapshot.window.since,
      until: snapshot.window.until,
      timeZone: snapshot.window.timeZone,
      invoiceIds: snapshot.window.invoiceIds ? [...snapshot.window.invoiceIds] : null
    },
    currency: ctx.qbo.currency,
    summary: {
      counts,
      warnings: warnings.length,
      errors: counts["invoice.reject"],
      invoicesRead: invoices.length,
      invoicesInSync: invoices.filter((invoice) => !touched.has(invoice.id)).length
    },
    actions,
    warnings
  }
}
