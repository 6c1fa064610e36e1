/**
 * Observe (Effect): snapshot both systems for the window, reading only what the invoices
 * need and batching every lookup (`in` lists, `IN` queries, pages of 500/1000) so the
 * request count stays near the minimum the APIs allow. Never writes: it is given readers only.
 */
import { Clock, Effect } from "effect"
import { AutotaskReader } from "../autotask/AutotaskClient.ts"
import type {
  AtBillingCode,
  AtBillingItem,
  AtCompany,
  AtCurrency,
  AtContact,
  AtFilter,
  AtInvoice,
  AtPaymentTerm,
  AtTaxCategory
} from "../autotask/model.ts"
import type { Config } from "../config/types.ts"
import { addDays, autotaskDate, autotaskFilterTimestamp, dateInZone } from "../domain/dates.ts"
import type {
  QboAccount,
  QboClass,
  QboCompanyCurrency,
  QboCustomer,
  QboItem,
  QboNamedParty,
  QboPayment,
  QboSalesDocument,
  QboTaxCode,
  QboTerm
} from "../qbo/model.ts"
import { QboReader, qboString } from "../qbo/QboClient.ts"
import { hasName } from "./context.ts"
import { readMappingLists } from "./mappingLists.ts"
import { ownerOf } from "./marker.ts"
import { Progress } from "./progress.ts"
import type { Snapshot, Window } from "./snapshot.ts"

export interface WindowRequest {
  /** Calendar dates (`YYYY-MM-DD`) overriding the look-back window. */
  readonly since: string | undefined
  readonly until: string | undefined
  readonly invoiceIds: ReadonlyArray<number> | undefined
  /** Whether the dates were asked for (default: when `since` or `until` is given); a saved plan replays it. */
  readonly explicitDates?: boolean
}

/** The window for today in the configured zone: the last `lookbackDays` days, inclusive (vendor rule). */
export const windowFor = (config: Config, request: WindowRequest, now: Date): Window => {
  const today = dateInZone(now, config.sync.timeZone)
  return {
    since: request.since ?? addDays(today, -config.sync.lookbackDays),
    until: request.until ?? today,
    timeZone: config.sync.timeZone,
    invoiceIds: request.invoiceIds && request.invoiceIds.length > 0 ? [...request.invoiceIds] : undefined,
    explicitDates: request.explicitDates ?? (request.since !== undefined || request.until !== undefined),
    voidsSince: addDays(today, -config.sync.voids.lookbackDays),
    paymentsSince: addDays(today, -config.payments.lookbackDays)
  }
}

/** An invoice dated inside the window (in its time zone). */
const datedInside = (window: Window, invoice: AtInvoice): boolean => {
  const date = autotaskDate(invoice.invoiceDateTime, window.timeZone)
  return date >= window.since && date <= window.until
}

/**
 * Whether an invoice is one the run was asked about. `--invoice` and `--since/--until` keep
 * their word for every action type: a void or a paid date of an invoice outside them is not
 * planned (without them, voids and paid dates reach back their own look-back windows).
 */
export const inScope = (window: Window, invoice: AtInvoice): boolean =>
  window.invoiceIds ? window.invoiceIds.includes(invoice.id) : !window.explicitDates || datedInside(window, invoice)

/** Why the requested dates select no day at all, or undefined (`--invoice` ignores the dates). */
export const windowProblem = (request: WindowRequest, window: Window): string | undefined => {
  if (window.invoiceIds || window.since <= window.until) return undefined
  if (request.since !== undefined && request.until !== undefined) return `--since ${request.since} is after --until ${request.until}`
  if (request.since !== undefined) return `--since ${request.since} is after today (${window.until} in ${window.timeZone}), where the window ends without --until`
  return `--until ${window.until} is before ${window.since}, where the window starts without --since (today minus sync.lookbackDays); give --since too`
}

const ACTIVE_AND_INACTIVE = "Active IN (true,false)"

const unique = <A>(values: Iterable<A | null | undefined>): Array<A> => [
  ...new Set([...values].filter((value): value is A => value !== null && value !== undefined))
]

const byId = <A extends { readonly id: number }>(rows: ReadonlyArray<A>): Array<A> => {
  const map = new Map<number, A>()
  for (const row of rows) map.set(row.id, row)
  return [...map.values()].sort((a, b) => a.id - b.id)
}

/** Autotask invoices in the window (dates widened by a day, then filtered exactly) and recent voids. */
export const readInvoices = Effect.fn("observe.invoices")(function*(config: Config, window: Window) {
  const autotask = yield* AutotaskReader
  if (window.invoiceIds) return yield* autotask.queryIn<AtInvoice>("Invoices", "id", window.invoiceIds)
  // Autotask filters on UTC timestamps; the window is in the company's zone, so ask for a
  // day more on each side and keep what falls inside by the same date rule desired uses.
  const dated: Array<AtFilter> = [
    { op: "gte", field: "invoiceDateTime", value: autotaskFilterTimestamp(addDays(window.since, -1)) },
    { op: "lt", field: "invoiceDateTime", value: autotaskFilterTimestamp(addDays(window.until, 2)) }
  ]
  const voided: Array<AtFilter> = [
    { op: "eq", field: "isVoided", value: true },
    { op: "gte", field: "voidedDate", value: autotaskFilterTimestamp(addDays(window.voidsSince, -1)) }
  ]
  const [inWindow, recentVoids] = yield* Effect.all([
    autotask.query<AtInvoice>("Invoices", dated),
    config.sync.voids.sync ? autotask.query<AtInvoice>("Invoices", voided) : Effect.succeed([])
  ], { concurrency: 2 })
  const voidedInside = (invoice: AtInvoice) =>
    invoice.isVoided && !!invoice.voidedDate && autotaskDate(invoice.voidedDate, window.timeZone) >= window.voidsSince
  return byId([...inWindow.filter((invoice) => datedInside(window, invoice)), ...recentVoids.filter((invoice) => voidedInside(invoice) && inScope(window, invoice))])
})

/**
 * Payment sync: QBO payments dated in the payments window, the QBO invoices they apply to
 * that the main read did not cover, and the Autotask invoices those belong to (by marker).
 */
const readPayments = Effect.fn("observe.payments")(function*(window: Window, known: ReadonlyArray<AtInvoice>, documents: ReadonlyArray<QboSalesDocument>) {
  const autotask = yield* AutotaskReader
  const qbo = yield* QboReader
  const payments = yield* qbo.queryAll<QboPayment>("Payment", `TxnDate >= ${qboString(window.paymentsSince)}`)
  const seen = new Set(documents.map((doc) => doc.Id))
  const linked = unique(payments.flatMap((payment) =>
    (payment.Line ?? []).flatMap((line) => line.LinkedTxn.filter((link) => link.TxnType === "Invoice").map((link) => link.TxnId))
  )).filter((id) => !seen.has(id))
  const more = yield* qbo.queryIn<QboSalesDocument>("Invoice", "Id", linked)
  const knownIds = new Set(known.map((invoice) => invoice.id))
  // With --invoice every requested invoice is known already: no other one gets a paid date.
  const owners = unique([...documents, ...more].map((doc) => ownerOf(doc.PrivateNote))).filter((id) => !knownIds.has(id))
  const invoices = yield* autotask.queryIn<AtInvoice>("Invoices", "id", owners)
  return { payments, documents: more, invoices: invoices.filter((invoice) => inScope(window, invoice)) }
})

/**
 * What a caller already read from Autotask (several QBO companies share one read of the
 * invoices and their companies, which routing needs first).
 */
export interface Preread {
  readonly invoices: ReadonlyArray<AtInvoice>
  readonly companies: ReadonlyArray<AtCompany>
}

/**
 * Autotask's currencies, once, when a company names one (the Multi-currency module): which
 * currency each company is invoiced in, and which is the internal one.
 */
export const readCurrencies = (companies: ReadonlyArray<AtCompany>) =>
  Effect.gen(function*() {
    if (!companies.some((company) => company.currencyID !== null && company.currencyID !== undefined)) return [] as ReadonlyArray<AtCurrency>
    const autotask = yield* AutotaskReader
    return yield* autotask.query<AtCurrency>("Currencies", [{ op: "exist", field: "id" }])
  })

/** QBO's preferences, with its currency list once multicurrency is on (the list exists only then; else it is not asked for). */
export const readPreferences = Effect.gen(function*() {
  const qbo = yield* QboReader
  const preferences = yield* qbo.preferences
  if (preferences.CurrencyPrefs?.MultiCurrencyEnabled !== true) return { preferences }
  return { preferences, companyCurrencies: yield* qbo.queryAll<QboCompanyCurrency>("CompanyCurrency") }
})

export const observe = Effect.fn("observe")(function*(config: Config, request: WindowRequest, preread?: Preread) {
  const autotask = yield* AutotaskReader
  const qbo = yield* QboReader
  const progress = yield* Progress
  const now = new Date(yield* Clock.currentTimeMillis)
  const window = windowFor(config, request, now)

  yield* progress.step(`Reading Autotask invoices (${window.invoiceIds ? `${window.invoiceIds.length} by id` : `${window.since} … ${window.until}`})`)
  const qboReference = Effect.all({
    currencyPrefs: readPreferences,
    companyInfo: qbo.companyInfo,
    items: qbo.queryAll<QboItem>("Item", ACTIVE_AND_INACTIVE),
    customers: qbo.queryAll<QboCustomer>("Customer", ACTIVE_AND_INACTIVE),
    terms: qbo.queryAll<QboTerm>("Term", ACTIVE_AND_INACTIVE),
    classes: qbo.queryAll<QboClass>("Class", ACTIVE_AND_INACTIVE),
    taxCodes: qbo.queryAll<QboTaxCode>("TaxCode", ACTIVE_AND_INACTIVE),
    // Every account (one page for most companies): items.yaml's income account, or the closest name.
    accounts: qbo.queryAll<QboAccount>("Account", ACTIVE_AND_INACTIVE)
  }, { concurrency: "unbounded" })

  const [invoices, { currencyPrefs, ...reference }, mappingLists] = yield* Effect.all([
    preread ? Effect.succeed(preread.invoices) : readInvoices(config, window),
    qboReference,
    readMappingLists(config)
  ], { concurrency: 3 })
  yield* progress.step(`Read ${invoices.length} Autotask invoices; reading their billing items and companies`)

  const invoiceIds = invoices.map((invoice) => invoice.id)
  const companyIds = unique(invoices.map((invoice) => invoice.companyID))
  const termIds = unique(invoices.map((invoice) => invoice.paymentTerm))
  const [billingItems, companies, paymentTerms, contacts] = yield* Effect.all([
    autotask.queryIn<AtBillingItem>("BillingItems", "invoiceID", invoiceIds),
    preread
      ? Effect.succeed(preread.companies.filter((company) => companyIds.includes(company.id)))
      : autotask.queryIn<AtCompany>("Companies", "id", companyIds),
    // A list the mapping files made us read whole already holds what the invoices need.
    mappingLists.paymentTerms ? Effect.succeed(mappingLists.paymentTerms) : autotask.queryIn<AtPaymentTerm>("PaymentTerms", "id", termIds),
    config.sync.email.onCreate
      ? autotask.queryIn<AtContact>("Contacts", "companyID", companyIds, { filter: [{ op: "eq", field: "primaryContact", value: true }] })
      : Effect.succeed([] as ReadonlyArray<AtContact>)
  ], { concurrency: "unbounded" })

  const codeIds = unique(billingItems.map((item) => item.billingCodeID))
  const needsTaxCategories = config.taxes.region === "global" || config.taxes.us.taxableWhen === "taxCategory"
  const companyNames = unique(companies.filter(hasName).map((company) => company.companyName.replace(/\s+/g, " ").trim()))
  // QBO documents of the window, plus any an Autotask invoice names by number outside it.
  const dates = invoices.map((invoice) => autotaskDate(invoice.invoiceDateTime, window.timeZone)).sort()
  const txnRange = window.invoiceIds
    ? dates.length > 0 ? `TxnDate >= ${qboString(dates[0]!)} AND TxnDate <= ${qboString(dates[dates.length - 1]!)}` : undefined
    : `TxnDate >= ${qboString(window.since)} AND TxnDate <= ${qboString(window.until)}`
  const numbers = unique(invoices.flatMap((invoice) => {
    const number = invoice.invoiceNumber?.trim()
    const expected = config.sync.numbering.mode === "autotask"
      ? `${config.sync.numbering.prefix}${number && number !== config.sync.errorMarker.value ? number : invoice.id}`
      : undefined
    return [number && number !== config.sync.errorMarker.value ? number : undefined, expected]
  }))
  // Documents dated in the window first; then, by number, only those it did not hold (an
  // invoice synced earlier with a QBO date outside the window, or a vendor-app document).
  const documents = Effect.gen(function*() {
    const [invoicesInRange, memosInRange] = yield* Effect.all([
      txnRange ? qbo.queryAll<QboSalesDocument>("Invoice", txnRange) : Effect.succeed([] as ReadonlyArray<QboSalesDocument>),
      txnRange ? qbo.queryAll<QboSalesDocument>("CreditMemo", txnRange) : Effect.succeed([] as ReadonlyArray<QboSalesDocument>)
    ], { concurrency: 2 })
    const held = new Set([...invoicesInRange, ...memosInRange].flatMap((doc) => (doc.DocNumber ? [doc.DocNumber] : [])))
    const missing = numbers.filter((number) => !held.has(number))
    const [invoicesByNumber, memosByNumber] = yield* Effect.all([
      qbo.queryIn<QboSalesDocument>("Invoice", "DocNumber", missing),
      qbo.queryIn<QboSalesDocument>("CreditMemo", "DocNumber", missing)
    ], { concurrency: 2 })
    const merge = (...lists: ReadonlyArray<ReadonlyArray<QboSalesDocument>>) => [...new Map(lists.flat().map((doc) => [doc.Id, doc])).values()]
    return [merge(invoicesInRange, invoicesByNumber), merge(memosInRange, memosByNumber)] as const
  })

  yield* progress.step(`Reading billing codes and QBO documents for ${invoices.length} invoices`)
  const [billingCodes, taxCategories, vendors, employees, [qboInvoices, creditMemos], currencies] = yield* Effect.all([
    mappingLists.billingCodes ? Effect.succeed(mappingLists.billingCodes) : autotask.queryIn<AtBillingCode>("BillingCodes", "id", codeIds),
    mappingLists.taxCategories
      ? Effect.succeed(mappingLists.taxCategories)
      : needsTaxCategories
      ? autotask.queryIn<AtTaxCategory>("TaxCategories", "id", unique([
        ...billingItems.map((item) => item.taxCategoryID)
      ]))
      : Effect.succeed([] as ReadonlyArray<AtTaxCategory>),
    qbo.queryIn<QboNamedParty>("Vendor", "DisplayName", companyNames, ACTIVE_AND_INACTIVE),
    qbo.queryIn<QboNamedParty>("Employee", "DisplayName", companyNames, ACTIVE_AND_INACTIVE),
    documents,
    readCurrencies(companies)
  ], { concurrency: "unbounded" })

  // Billing codes carry tax categories too; read any the items did not name.
  const missingCategories = needsTaxCategories
    ? unique(billingCodes.map((code) => code.taxCategoryID)).filter((id) => !taxCategories.some((category) => category.id === id))
    : []
  const moreCategories = missingCategories.length > 0
    ? yield* autotask.queryIn<AtTaxCategory>("TaxCategories", "id", missingCategories)
    : []

  const paid = config.payments.sync
    ? yield* readPayments(window, invoices, [...qboInvoices])
    : { payments: [] as ReadonlyArray<QboPayment>, documents: [] as ReadonlyArray<QboSalesDocument>, invoices: [] as ReadonlyArray<AtInvoice> }

  const snapshot: Snapshot = {
    window,
    autotask: {
      invoices,
      billingItems,
      billingCodes,
      companies,
      contacts,
      paymentTerms,
      taxCategories: [...taxCategories, ...moreCategories],
      taxRegions: [],
      ...(currencies.length > 0 ? { currencies } : {}),
      paidInvoices: paid.invoices,
      mappingLists
    },
    qbo: {
      realmId: qbo.realmId,
      ...currencyPrefs,
      ...reference,
      vendors,
      employees,
      invoices: [...qboInvoices, ...paid.documents],
      creditMemos,
      payments: paid.payments
    }
  }
  return snapshot
})
