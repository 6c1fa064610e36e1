/**
 * The fewest requests the APIs allow (SPEC §8) for a plan or an apply of a given world, per
 * request family, computed from the simulators' stores — independently of how `observe` and
 * `apply` are written. The formulas are documented in bench/README.md.
 *
 * Autotask: ≤ 500 rows per page, ≤ 500 values per `in` list. QBO: ≤ 1,000 rows per page
 * (a full last page needs one more, empty, page to know it was the last), ≤ 30 operations
 * per batch. Autotask updates: one PATCH each (the API has no batch update), read back
 * (SPEC §6) in `id in (…)` queries of ≤ 500, after one look at the shared hourly budget.
 */
import type { Sandbox } from "../src/sandbox/sandbox.ts"

export type Counts = Readonly<Record<string, number>>

/** What the formulas need to know about the world at the start of a phase. */
export interface WorldFacts {
  /** Autotask invoices in the window (not voided). */
  readonly invoices: number
  /** Their billing items. */
  readonly billingItems: number
  /** Distinct companies, billing codes and payment terms those use. */
  readonly companies: number
  readonly codes: number
  readonly terms: number
  /** QBO rows read whole: items, customers (inactive included), terms, classes, tax codes. */
  readonly qboItems: number
  readonly qboCustomers: number
  readonly qboTerms: number
  readonly qboClasses: number
  readonly qboTaxCodes: number
  /** QBO documents dated in the window. */
  readonly invoicesInRange: number
  readonly creditMemosInRange: number
  /**
   * DocNumbers to look up per entity because the date-range read did not return them: an
   * Autotask invoice's own number in the entity its sign maps to (`qbo` numbering); in
   * `autotask` numbering also the number it will get, in both entities (collision check).
   */
  readonly invoiceNumbersOutsideRange: number
  readonly creditMemoNumbersOutsideRange: number
  /** QBO payments dated in the payment window. */
  readonly payments: number
  /** Whether a company of the window names a currency (Autotask Currencies read once) and QBO multicurrency is on (CompanyCurrency read once). */
  readonly companyCurrencies: boolean
  readonly multiCurrency: boolean
}

const DAY_MS = 86_400_000
const date = (days: number, now: number) => new Date(now - days * DAY_MS).toISOString().slice(0, 10)
const blank = (value: unknown) => value === null || value === undefined || String(value).trim() === "" || value === "ERROR"

export interface Numbering {
  readonly mode: "qbo" | "autotask"
  readonly prefix: string
}

/** Reads the facts from the simulators' stores (window: the default 14 days, UTC). */
export const worldFacts = (
  sandbox: Pick<Sandbox, "autotask" | "qbo" | "realmId">,
  numbering: Numbering = { mode: "qbo", prefix: "" },
  now = Date.now(),
  lookbackDays = 14,
  paymentDays = 60
): WorldFacts => {
  const since = date(lookbackDays, now)
  const until = date(0, now)
  const inWindow = (day: string) => day >= since && day <= until
  const invoices = sandbox.autotask.store.all("Invoices").filter((invoice) => !invoice["isVoided"] && inWindow(String(invoice["invoiceDateTime"]).slice(0, 10)))
  const ids = new Set(invoices.map((invoice) => invoice.id))
  const items = sandbox.autotask.store.all("BillingItems").filter((item) => ids.has(Number(item["invoiceID"])))
  const realm = sandbox.qbo.store(sandbox.realmId)
  const docsInRange = (entity: "Invoice" | "CreditMemo") => realm.list(entity).filter((doc) => inWindow(String(doc["TxnDate"])))
  const outsideRange = (entity: "Invoice" | "CreditMemo") => {
    const inRange = new Set(docsInRange(entity).map((doc) => String(doc["DocNumber"] ?? "").toLowerCase()))
    const wanted = new Set(invoices.flatMap((invoice) => {
      const own = blank(invoice["invoiceNumber"]) ? undefined : String(invoice["invoiceNumber"]).trim().toLowerCase()
      if (numbering.mode === "autotask") return [own, `${numbering.prefix}${own ?? invoice.id}`.toLowerCase()]
      return (entity === "CreditMemo") === Number(invoice["invoiceTotal"]) < 0 ? [own] : []
    }).filter((number): number is string => number !== undefined))
    return [...wanted].filter((number) => !inRange.has(number)).length
  }
  const distinct = (values: Iterable<unknown>) => new Set([...values].filter((value) => value !== null && value !== undefined)).size
  return {
    invoices: invoices.length,
    billingItems: items.length,
    companies: distinct(invoices.map((invoice) => invoice["companyID"])),
    codes: distinct(items.map((item) => item["billingCodeID"])),
    terms: distinct(invoices.map((invoice) => invoice["paymentTerm"])),
    qboItems: realm.list("Item").length,
    qboCustomers: realm.list("Customer").length,
    qboTerms: realm.list("Term").length,
    qboClasses: realm.list("Class").length,
    qboTaxCodes: realm.list("TaxCode").length,
    invoicesInRange: docsInRange("Invoice").length,
    creditMemosInRange: docsInRange("CreditMemo").length,
    invoiceNumbersOutsideRange: outsideRange("Invoice"),
    creditMemoNumbersOutsideRange: outsideRange("CreditMemo"),
    payments: realm.list("Payment").filter((payment) => String(payment["TxnDate"]) >= date(paymentDays, now)).length,
    companyCurrencies: sandbox.autotask.store.all("Companies").some((company) =>
      ids.size > 0 && invoices.some((invoice) => invoice["companyID"] === company.id) && company["currencyID"] !== null && company["currencyID"] !== undefined
    ),
    multiCurrency: (realm.preferences["CurrencyPrefs"] as { MultiCurrencyEnabled?: boolean } | undefined)?.MultiCurrencyEnabled === true
  }
}

const ceil = (n: number, size: number) => Math.ceil(n / size)
/** Pages to read n rows of a QBO list: a full last page needs one more (empty) page. */
const qboPages = (n: number) => Math.floor(n / 1000) + 1
/** Requests to look up `values` distinct values (0 when there are none). */
const lookups = (values: number, size: number) => (values === 0 ? 0 : ceil(values, size))

/** Request families: a family groups the simulators' endpoint keys (see `family`). */
export type Minimum = Readonly<Record<string, number>>

export const planMinimum = (facts: WorldFacts, options: { readonly payments: boolean } = { payments: true }): Minimum => ({
  "autotask zoneInformation": 1,
  // The window's invoices: pages of 500.
  "autotask Invoices query": Math.max(1, ceil(facts.invoices, 500)),
  // Their billing items: ≥ one query per 500 invoice ids (`in` limit), ≥ one page per 500 rows.
  "autotask BillingItems query": lookups(facts.invoices, 500) === 0 ? 0 : Math.max(ceil(facts.invoices, 500), ceil(facts.billingItems, 500)),
  "autotask Companies query": lookups(facts.companies, 500),
  "autotask BillingCodes query": lookups(facts.codes, 500),
  "autotask PaymentTerms query": lookups(facts.terms, 500),
  "autotask Currencies query": facts.companyCurrencies ? 1 : 0,
  "qbo preferences": 1,
  "qbo companyinfo": 1,
  "qbo query CompanyCurrency": facts.multiCurrency ? 1 : 0,
  "qbo query Item": qboPages(facts.qboItems),
  "qbo query Customer": qboPages(facts.qboCustomers),
  "qbo query Term": qboPages(facts.qboTerms),
  "qbo query Class": qboPages(facts.qboClasses),
  "qbo query TaxCode": qboPages(facts.qboTaxCodes),
  // The income account for new items, by name; vendors and employees named like the companies
  // (customer names are unique across the three lists).
  "qbo query Account": 1,
  "qbo query Vendor": lookups(facts.companies, 1000),
  "qbo query Employee": lookups(facts.companies, 1000),
  // Documents dated in the window, plus those an Autotask number names that the range missed.
  "qbo query Invoice": qboPages(facts.invoicesInRange) + lookups(facts.invoiceNumbersOutsideRange, 1000),
  "qbo query CreditMemo": qboPages(facts.creditMemosInRange) + lookups(facts.creditMemoNumbersOutsideRange, 1000),
  ...(options.payments ? { "qbo query Payment": qboPages(facts.payments) } : {})
})

/** Planned action counts (from `plan.summary.counts`). */
export type ActionCounts = Readonly<Record<string, number>>

/**
 * `autotaskUpdates`: planned actions that write to Autotask (write-backs, paid dates, error
 * markers); pass it when rejections write the error marker, else write-backs + paid are used.
 */
export const writeMinimum = (actions: ActionCounts, autotaskUpdates?: number): Minimum => {
  const n = (type: string) => actions[type] ?? 0
  const updates = autotaskUpdates ?? n("autotask.writeback") + n("autotask.paid")
  return {
    // Phase 1 (items and customers) and phase 2 (documents and voids) are separate batches.
    "qbo batch": ceil(n("item.create") + n("customer.create"), 30) + ceil(n("invoice.create") + n("creditmemo.create") + n("invoice.void"), 30),
    "qbo send": n("invoice.send"),
    // The last-moment re-check: one query per batch of document creates (per entity in it).
    "qbo query Invoice": ceil(n("invoice.create"), 30),
    "qbo query CreditMemo": ceil(n("creditmemo.create"), 30),
    "autotask ThresholdInformation": updates > 0 ? 1 : 0,
    "autotask Invoices PATCH": updates,
    // Read-backs share the family of the plan's invoice query (`POST Invoices/query`).
    "autotask Invoices query": lookups(updates, 500)
  }
}

export const addMinimums = (...minimums: ReadonlyArray<Minimum>): Minimum => {
  const total: Record<string, number> = {}
  for (const minimum of minimums) for (const [key, value] of Object.entries(minimum)) total[key] = (total[key] ?? 0) + value
  return total
}

/** The family of a simulator endpoint key (`"POST BillingItems/query/next"` → `"autotask BillingItems query"`). */
export const family = (api: "autotask" | "qbo", key: string): string => {
  if (api === "autotask") {
    if (key.endsWith("zoneInformation")) return "autotask zoneInformation"
    if (key === "GET ThresholdInformation") return "autotask ThresholdInformation"
    const query = /^POST (\w+)\/query(\/next)?$/.exec(key)
    if (query) return `autotask ${query[1]} query`
    if (key === "PATCH Invoices") return "autotask Invoices PATCH"
    if (key === "GET Invoices/{id}") return "autotask Invoices GET"
    return `autotask ${key}`
  }
  const query = /^POST \/query (\w+)$/.exec(key)
  if (query) return `qbo query ${query[1]}`
  if (key === "GET /preferences") return "qbo preferences"
  if (key === "GET /companyinfo") return "qbo companyinfo"
  if (key === "POST /batch") return "qbo batch"
  if (/^POST \/invoice\/\{id\}\/send$/.test(key)) return "qbo send"
  return `qbo ${key}`
}

export const byFamily = (autotask: Counts, qbo: Counts): Record<string, number> => {
  const result: Record<string, number> = {}
  for (const [key, value] of Object.entries(autotask)) result[family("autotask", key)] = (result[family("autotask", key)] ?? 0) + value
  for (const [key, value] of Object.entries(qbo)) {
    if (key.startsWith("POST /oauth2")) continue
    result[family("qbo", key)] = (result[family("qbo", key)] ?? 0) + value
  }
  return result
}

export const total = (counts: Readonly<Record<string, number>>, prefix?: string): number =>
  Object.entries(counts).filter(([key]) => prefix === undefined || key.startsWith(prefix)).reduce((sum, [, value]) => sum + value, 0)

/**
 * Lower bound on an apply's wall time from the published limits alone: batch k (0-based)
 * cannot start before ⌊k/40⌋ minutes (40 batches per minute), and the Autotask writes go at
 * most 3 at a time (thread limit per entity) at `latencyMs` each — plus Autotask's own
 * slow-down once the hour's budget is half used (+0.5 s per call from 50 %, +1 s from 75 %),
 * counted from `usedBefore` requests of the hour.
 */
export const applyTimeFloorMs = (
  writes: Minimum,
  latencyMs: number,
  usedBefore = 0,
  hourlyBudget = 10_000
): { readonly batchesMs: number; readonly autotaskMs: number } => {
  const batches = writes["qbo batch"] ?? 0
  const autotask = (writes["autotask Invoices PATCH"] ?? 0) + (writes["autotask Invoices GET"] ?? 0)
  let serialMs = 0
  for (let request = 0; request < autotask; request++) {
    const share = (usedBefore + request + 1) / hourlyBudget
    serialMs += latencyMs + (share >= 0.75 ? 1000 : share >= 0.5 ? 500 : 0)
  }
  return {
    batchesMs: batches === 0 ? 0 : Math.floor((batches - 1) / 40) * 60_000 + latencyMs,
    autotaskMs: Math.ceil(serialMs / 3)
  }
}
