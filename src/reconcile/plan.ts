/**
 * Plan (pure): desired × observed → ordered actions, warnings, summary and checksum.
 *
 * Sync state is derived, never stored: an Autotask invoice is synced when its QBO document
 * exists (ownership marker, or the DocNumber the vendor app or Autotask numbering gives it)
 * and the Autotask write-back is done. A document without its write-back gets a write-back
 * only; an invoice marked with the error marker is planned again from scratch.
 */
import type { AtInvoice } from "../autotask/model.ts"
import type { Config } from "../config/types.ts"
import * as Money from "../domain/money.ts"
import {
  countActions,
  isPayloadRef,
  type Json,
  type Plan,
  PLAN_FORMAT_VERSION,
  type PlanAction,
  phaseOf,
  phaseRank,
  type PlanWarning,
  type WarningCode
} from "../domain/plan.ts"
import { configChecksum, planChecksum } from "../domain/checksum.ts"
import { planTotals } from "../domain/totals.ts"
import {
  customerCreateAction,
  documentCreateAction,
  documentKind,
  itemCreateAction,
  rejectAction,
  sendAction,
  voidAction,
  writeBackAction
} from "./actions.ts"
import { classifyInvoice, InvoiceState } from "./classify.ts"
import { buildContext, type OwnedDocument, type PlanContext } from "./context.ts"
import { type DesiredDocument, desiredDocument, expectedDocNumber } from "./desired.ts"
import { documentCurrency } from "./currency.ts"
import { driftOf } from "./drift.ts"
import { planDuplicates } from "./duplicates.ts"
import { autotaskNumberOf, blank, customerAddress, invoiceLabel, isVoidedDocument, itemAddress, refTo } from "./labels.ts"
import { nameKey } from "./names.ts"
import { planPayments } from "./payments.ts"
import { limitViolations } from "./safety.ts"
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

/** Warnings that mean the invoice is out of step even though no action is planned. */
const NOT_IN_SYNC: ReadonlySet<WarningCode> = new Set(["voided-open"])

/** Accumulates actions and warnings; shared actions (items, customers) appear once. */
class PlanBuilder {
  readonly actions = new Map<string, PlanAction>()
  readonly warnings: Array<PlanWarning> = []
  /** Canonical address per name key, so case variants share one create action. */
  readonly canonical = new Map<string, string>()
  /** Which Autotask company each new customer is created for. */
  readonly newCustomerCompany = new Map<string, number>()
  /** Invoices created without terms, by the Autotask term that matched nothing (one warning per term). */
  readonly omittedTerms = new Map<string, Array<AtInvoice>>()

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

/** "Autotask invoice … has 2 QBO documents …" when atqbo's marker is on more than one. */
const duplicatesWarning = (invoice: AtInvoice, owned: ReadonlyArray<OwnedDocument>, ctx: PlanContext): PlanWarning => ({
  code: "duplicate-documents",
  message: `${invoiceLabel(invoice, ctx)} has ${owned.length} QBO documents (${owned.map((o) => `${o.entity} ${o.doc.Id}`).join(", ")}); atqbo uses the first, review the others in QBO`,
  autotaskInvoiceId: invoice.id
})

/** Item and customer creates (once per plan), then the document; returns the document's address, or none when refused. */
const createDocumentActions = (
  invoice: AtInvoice,
  desired: DesiredDocument,
  builder: PlanBuilder,
  ctx: PlanContext
): string | undefined => {
  const dependsOn: Array<string> = []
  let body: Json = desired.body
  for (const item of desired.newItems) {
    const address = builder.canonicalAddress("item", item.name)
    body = retarget(body, itemAddress(item.name), address)
    builder.add(itemCreateAction(address, item))
    dependsOn.push(address)
  }
  if (desired.customer.kind === "create") {
    const address = builder.canonicalAddress("customer", desired.customer.displayName)
    const owner = builder.newCustomerCompany.get(address)
    if (owner !== undefined && owner !== desired.company.id) {
      builder.add(rejectAction(invoice, [
        `a new customer named "${desired.customer.displayName}" is already planned for another Autotask company (id ${owner}); cross-reference one of them to a different customer in customers.yaml`
      ], ctx))
      return undefined
    }
    builder.newCustomerCompany.set(address, desired.company.id)
    body = retarget(body, customerAddress(desired.customer.displayName), address)
    builder.add(customerCreateAction(address, desired.customer, desired.company))
    dependsOn.push(address)
  }
  const document = documentCreateAction(invoice, desired, body, dependsOn, ctx)
  builder.add(document)
  return document.address
}

/** Another connection holds the document: never a second one (a voided invoice needs nothing here). */
const planHeldElsewhere = (invoice: AtInvoice, holder: string, builder: PlanBuilder, ctx: PlanContext): void => {
  if (invoice.isVoided) return
  builder.add(rejectAction(invoice, [
    `its QBO document is in connection "${holder}", but the routing rules now send it here; a second document is never created — fix the routes in atqbo.yaml or move the document by hand`
  ], ctx))
}

/** Voided in Autotask: void our QBO document when void sync is on. */
const planVoid = (
  invoice: AtInvoice,
  document: OwnedDocument | undefined,
  duplicates: ReadonlyArray<OwnedDocument>,
  builder: PlanBuilder,
  ctx: PlanContext
): void => {
  const live = duplicates.filter((duplicate) => !isVoidedDocument(duplicate.doc))
  if (live.length > 0) builder.warnings.push(duplicatesWarning(invoice, [document!, ...live], ctx))
  if (!document || isVoidedDocument(document.doc)) return
  if (ctx.config.sync.voids.sync) builder.add(voidAction(invoice, document, ctx))
  else builder.warnings.push(voidedOpenWarning(invoice, document, ctx))
}

/** Void sync is off, so QBO still books an invoice Autotask voided: say so, with what it still holds. */
const voidedOpenWarning = (invoice: AtInvoice, document: OwnedDocument, ctx: PlanContext): PlanWarning => {
  const { doc } = document
  const balance = Money.formatMoney(Money.fromApi(doc.Balance ?? doc.TotalAmt))
  return {
    code: "voided-open",
    message: `${invoiceLabel(invoice, ctx)} was voided in Autotask, but its QBO ${documentKind(document.entity)} ${doc.DocNumber ?? "(no number)"} (Id ${doc.Id}) is still open with a balance of ${balance} ${documentCurrency(doc, ctx)}; void it in QBO, or set sync.voids.sync: true in atqbo.yaml so apply voids it`,
    autotaskInvoiceId: invoice.id
  }
}

/** What a reviewer does about drift: atqbo tells, a person decides which side is right. */
const DRIFT_ADVICE = "atqbo never edits a synced document, so correct by hand whichever side is wrong (the QBO document, or the Autotask invoice); this warning repeats every run until they match"

/** Our document exists: report drift, and finish what an interrupted run started (send, write-back). */
const planRepair = (
  invoice: AtInvoice,
  document: OwnedDocument,
  duplicates: ReadonlyArray<OwnedDocument>,
  builder: PlanBuilder,
  ctx: PlanContext
): void => {
  const { config } = ctx
  const extras = planDuplicates(invoice, document, duplicates, ctx)
  for (const action of extras.actions) builder.add(action)
  builder.warnings.push(...extras.warnings)
  const differences = driftOf(invoice, document, ctx)
  if (differences.length > 0) {
    builder.warnings.push({
      code: "drift",
      message: `the QBO ${documentKind(document.entity)} ${document.doc.DocNumber ?? document.doc.Id} of ${invoiceLabel(invoice, ctx)} no longer matches Autotask; ${DRIFT_ADVICE}`,
      autotaskInvoiceId: invoice.id,
      differences
    })
  }
  const writeBackDone = config.sync.numbering.mode === "qbo"
    ? (invoice.invoiceNumber ?? "") === (document.doc.DocNumber ?? "") && !blank(invoice.webServiceDate)
    : !blank(invoice.webServiceDate)
  if (writeBackDone) return
  const dependsOn: Array<string> = []
  const email = document.doc.BillEmail?.Address
  if (config.sync.email.onCreate && document.entity === "Invoice" && email && document.doc.EmailStatus !== "EmailSent") {
    builder.add(sendAction(invoice, document.doc.Id, document.doc.SyncToken, email, [], ctx))
    dependsOn.push(`send:${invoice.id}`)
  }
  builder.add(writeBackAction(invoice, document.doc.DocNumber, dependsOn, ctx, true))
}

/** Synced before atqbo (vendor app, or Autotask numbering): drift against that document, or say it is missing. */
const planSyncedBefore = (invoice: AtInvoice, external: OwnedDocument | undefined, builder: PlanBuilder, ctx: PlanContext): void => {
  if (external) {
    const differences = driftOf(invoice, external, ctx)
    if (differences.length > 0) {
      builder.warnings.push({
        code: "drift",
        message: `QBO ${documentKind(external.entity)} ${external.doc.DocNumber} (synced before atqbo) no longer matches ${invoiceLabel(invoice, ctx)}; ${DRIFT_ADVICE}`,
        autotaskInvoiceId: invoice.id,
        differences
      })
    }
    return
  }
  builder.warnings.push({
    code: "synced-elsewhere",
    message: ctx.config.sync.numbering.mode === "qbo"
      ? `${invoiceLabel(invoice, ctx)} already has an invoice number, so it counts as synced, but QBO has no document numbered "${autotaskNumberOf(invoice, ctx.config.sync.errorMarker.value)}"; clear its invoice number in Autotask to sync it`
      : `${invoiceLabel(invoice, ctx)} is marked synced (webServiceDate) but QBO has no document numbered "${expectedDocNumber(invoice, ctx)}"; clear its webServiceDate in Autotask to sync it`,
    autotaskInvoiceId: invoice.id
  })
}

/** Not in QBO yet: the document (and items, customer, send, write-back), or a rejection with every reason. */
const planNew = (invoice: AtInvoice, taken: OwnedDocument | undefined, builder: PlanBuilder, ctx: PlanContext): void => {
  const outcome = desiredDocument(invoice, ctx)
  const reasons = outcome.kind === "rejected" ? [...outcome.reasons] : []
  if (ctx.config.sync.numbering.mode === "autotask" && taken) {
    reasons.push(
      `DocNumber "${expectedDocNumber(invoice, ctx)}" is already used in QBO by ${documentKind(taken.entity)} Id ${taken.doc.Id}${taken.doc.PrivateNote ? "" : " (not created by atqbo)"}; renumber one of them or set sync.numbering.prefix`
    )
  }
  if (outcome.kind === "rejected" || reasons.length > 0) {
    builder.add(rejectAction(invoice, reasons, ctx))
    return
  }
  const desired = outcome.document
  const documentAddr = createDocumentActions(invoice, desired, builder, ctx)
  // A rejected invoice gets its reasons only: warnings are about what would be booked.
  if (documentAddr === undefined) return
  builder.warnings.push(...outcome.warnings)
  if (desired.omittedTerm !== undefined) builder.omittedTerms.set(desired.omittedTerm, [...(builder.omittedTerms.get(desired.omittedTerm) ?? []), invoice])
  const dependsOn = [documentAddr]
  if (desired.billEmail && desired.entity === "Invoice") {
    builder.add(sendAction(invoice, refTo(documentAddr), refTo(documentAddr, "SyncToken"), desired.billEmail, [documentAddr], ctx))
    dependsOn.push(`send:${invoice.id}`)
  }
  builder.add(writeBackAction(invoice, desired.docNumber ?? refTo(documentAddr, "DocNumber"), dependsOn, ctx, false))
}

const planInvoice = (invoice: AtInvoice, builder: PlanBuilder, ctx: PlanContext, elsewhere: ReadonlyMap<number, string>): void =>
  InvoiceState.$match(classifyInvoice(invoice, ctx, elsewhere), {
    HeldElsewhere: ({ holder }) => planHeldElsewhere(invoice, holder, builder, ctx),
    Voided: ({ document, duplicates }) => planVoid(invoice, document, duplicates, builder, ctx),
    Ours: ({ document, duplicates }) => planRepair(invoice, document, duplicates, builder, ctx),
    SyncedBefore: ({ external }) => planSyncedBefore(invoice, external, builder, ctx),
    New: ({ taken }) => planNew(invoice, taken, builder, ctx)
  })

/** One warning per Autotask term no QBO term matches, naming its invoices (which are created without terms). */
const omittedTermWarnings = (omitted: ReadonlyMap<string, ReadonlyArray<AtInvoice>>, ctx: PlanContext): ReadonlyArray<PlanWarning> =>
  [...omitted].map(([tried, invoices]) => {
    const labels = invoices.slice(0, 5).map((invoice) => invoiceLabel(invoice, ctx)).join(", ")
    const which = invoices.length === 1 ? `${labels} is` : `${invoices.length} invoices are (${labels}${invoices.length > 5 ? ` and ${invoices.length - 5} more` : ""})`
    return {
      code: "term-omitted",
      message: `no active QBO term matches Autotask payment term ${tried}, so ${which} created without terms; each invoice shows the due date it gets instead (add an alias in terms.yaml)`,
      autotaskInvoiceId: invoices.length === 1 ? invoices[0]!.id : undefined,
      autotaskInvoiceIds: invoices.map((invoice) => invoice.id)
    }
  })

/**
 * Mapping entries that point at nothing and that no rejection of this run already names (by its
 * file:line): a warning each, so a misspelt entry is fixed before an invoice needs it.
 */
const mappingWarnings = (ctx: PlanContext, actions: ReadonlyArray<PlanAction>, warnings: ReadonlyArray<PlanWarning>): ReadonlyArray<PlanWarning> => {
  const reported = [
    ...actions.filter((action) => action.type === "invoice.reject").flatMap((action) => action.reasons),
    ...warnings.map((warning) => warning.message)
  ].join("\n")
  return ctx.mappingFindings
    .filter((finding) => !reported.includes(finding.where))
    .map((finding) => ({ code: "mapping-unresolved", message: `${finding.message}; no invoice of this run needs it, fix it before one does`, autotaskInvoiceId: undefined }))
}

/**
 * Write-backs that would give an Autotask invoice a number another Autotask invoice already has
 * (or gets in this run): QBO numbers can repeat (another app, per-type sequences), Autotask's
 * should not, so say so. Numbers QBO assigns during apply are checked in apply's report.
 */
const sharedNumberWarnings = (actions: ReadonlyArray<PlanAction>, snapshot: Snapshot, ctx: PlanContext): ReadonlyArray<PlanWarning> => {
  const written = new Map<number, string>()
  for (const action of actions) {
    const number = action.type === "autotask.writeback" ? (action.payload as { invoiceNumber?: Json }).invoiceNumber : undefined
    if (typeof number === "string" && action.autotaskInvoiceId !== undefined) written.set(action.autotaskInvoiceId, number)
  }
  if (written.size === 0) return []
  const holders = new Map<string, Array<AtInvoice>>()
  for (const invoice of [...snapshot.autotask.invoices, ...snapshot.autotask.paidInvoices]) {
    const number = written.get(invoice.id) ?? autotaskNumberOf(invoice, ctx.config.sync.errorMarker.value)
    if (number === undefined) continue
    const list = holders.get(nameKey(number)) ?? []
    if (!list.some((other) => other.id === invoice.id)) holders.set(nameKey(number), [...list, invoice])
  }
  return [...written].flatMap(([id, number]) => {
    const others = (holders.get(nameKey(number)) ?? []).filter((invoice) => invoice.id !== id)
    if (others.length === 0) return []
    return [{
      code: "writeback-number-shared" as const,
      message: `the write-back gives Autotask invoice id ${id} the number "${number}", which ${others.map((other) => invoiceLabel(other, ctx)).join(", ")} also ${others.length === 1 ? "has" : "have"}; check the QBO documents numbered "${number}" and renumber one of them`,
      autotaskInvoiceId: id
    }]
  })
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

export const buildPlan = (snapshot: Snapshot, config: Config, meta: PlanMeta): Plan => {
  const ctx = buildContext(snapshot, config)
  const builder = new PlanBuilder()
  const invoices = [...snapshot.autotask.invoices].sort((a, b) => a.id - b.id)
  for (const invoice of invoices) planInvoice(invoice, builder, ctx, meta.elsewhere ?? new Map())
  const payments = planPayments([...invoices, ...snapshot.autotask.paidInvoices], ctx)
  for (const action of payments.actions) builder.add(action)
  builder.warnings.push(...payments.warnings)
  const actions = [...builder.actions.values()].sort((a, b) => compareStrings(actionKey(a), actionKey(b)))
  const invoiceWarnings = [...omittedTermWarnings(builder.omittedTerms, ctx), ...builder.warnings, ...sharedNumberWarnings(actions, snapshot, ctx)]
  const warnings = [...settingsWarnings(ctx), ...mappingWarnings(ctx, actions, invoiceWarnings), ...invoiceWarnings]
  const counts = countActions(actions)
  // In sync: nothing to do and nothing out of step (a voided invoice QBO still books is not).
  const touched = new Set([
    ...actions.map((action) => action.autotaskInvoiceId),
    ...warnings.filter((warning) => NOT_IN_SYNC.has(warning.code)).map((warning) => warning.autotaskInvoiceId)
  ].filter((id) => id !== undefined))
  return {
    format_version: PLAN_FORMAT_VERSION,
    checksum: planChecksum(actions),
    configChecksum: configChecksum(config),
    tool: { name: "atqbo", version: meta.toolVersion },
    createdAt: meta.createdAt,
    realmId: snapshot.qbo.realmId,
    window: {
      since: snapshot.window.since,
      until: snapshot.window.until,
      timeZone: snapshot.window.timeZone,
      invoiceIds: snapshot.window.invoiceIds ? [...snapshot.window.invoiceIds] : null,
      explicitDates: snapshot.window.explicitDates ?? false
    },
    currency: ctx.qbo.currency,
    summary: {
      counts,
      warnings: warnings.length,
      errors: counts["invoice.reject"],
      invoicesRead: invoices.length,
      invoicesInSync: invoices.filter((invoice) => !touched.has(invoice.id)).length,
      totals: planTotals(actions, ctx.qbo.currency)
    },
    overLimits: limitViolations(actions, config.limits),
    actions,
    warnings
  }
}
