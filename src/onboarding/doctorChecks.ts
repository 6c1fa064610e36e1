/**
 * `atqbo doctor`, the pure part: each check turns what was read (configuration, Autotask,
 * QBO, the token store) into pass / warn / fail with an explanation and, unless it passed,
 * the fix. The command gathers the data and renders the result.
 */
import type { AtBillingCode, AtBillingItem, AtCompany, AtPaymentTerm, AtThresholdInfo, AtZoneInfo } from "../autotask/model.ts"
import type { Config } from "../config/types.ts"
import type { QboAccount, QboClass, QboCompanyInfo, QboItem, QboNamedParty, QboPreferences, QboTaxCode } from "../qbo/model.ts"
import type { QboTokenRecord } from "../qbo/auth/tokenStore.ts"
import { buildContext, hasName, indexNamed, isActive, type PlanContext } from "../reconcile/context.ts"
import { resolveCustomer } from "../reconcile/customers.ts"
import { NO_QUANTITY_ITEM_TYPES, resolveItem, UNUSABLE_ITEM_TYPES } from "../reconcile/items.ts"
import type { AutotaskMappingLists, QboMappingLists } from "../reconcile/mappings.ts"
import { nameKey } from "../reconcile/names.ts"
import type { Snapshot } from "../reconcile/snapshot.ts"
import { matchTerm } from "../reconcile/terms.ts"
import { closest, looseKey } from "./similarity.ts"

export type CheckStatus = "pass" | "warn" | "fail" | "skip"

export interface Check {
  /** Stable id, e.g. `qbo.numbering`. */
  readonly id: string
  /** Short label shown in the table. */
  readonly title: string
  readonly status: CheckStatus
  /** What was found, as a sentence. */
  readonly detail: string
  /** What to do about it (absent when it passed). */
  readonly fix?: string
  /** With atqbo.yaml `connections`: the connection (QBO company) the check is about; absent for shared ones. */
  readonly connection?: string
}

const check = (id: string, title: string, status: CheckStatus, detail: string, fix?: string): Check =>
  fix === undefined ? { id, title, status, detail } : { id, title, status, detail, fix }


/** `"a", "b" and 3 more`; `quote: false` for entries that are already phrases. */
const list = (names: ReadonlyArray<string>, max = 5, quote = true): string => {
  const shown = names.slice(0, max).map((name) => (quote ? `"${name}"` : name)).join(", ")
  return names.length > max ? `${shown} and ${names.length - max} more` : shown
}

const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? "" : "s"}`


// ---------------------------------------------------------------------------------------------
// Autotask

export const zoneCheck = (zone: AtZoneInfo, pinned: boolean): Check =>
  pinned
    ? check(
      "autotask.zone",
      "Autotask zone",
      "pass",
      `atqbo.yaml pins the zone to ${zone.url} (zone discovery is skipped); the API answered there.`
    )
    : check("autotask.zone", "Autotask zone", "pass", `Discovered ${zone.zoneName || "the zone"} at ${zone.url}.`)

/** Autotask slows every call by 0.5 s from 50 % of the hourly threshold, 1 s from 75 %, and blocks at 100 %. */
export const thresholdCheck = (info: AtThresholdInfo): Check => {
  const { currentTimeframeRequestCount: used, externalRequestThreshold: limit, requestThresholdTimeframe: minutes } = info
  const share = limit > 0 ? used / limit : 1
  const percent = `${Math.round(share * 1000) / 10} %`
  const detail = `${used} of ${limit} requests used in the current ${minutes}-minute window (${percent}); the budget is shared by every integration of the Autotask database.`
  if (share >= 1) {
    return check("autotask.threshold", "Autotask API usage", "fail", `${detail} Autotask blocks all API calls until the window clears.`, "Wait for the window to roll over, and find the integration using the budget in Autotask (Admin › API Activity by Hour).")
  }
  if (share >= 0.5) {
    return check(
      "autotask.threshold",
      "Autotask API usage",
      "warn",
      `${detail} From 50 % Autotask adds 0.5 s to every call (1 s from 75 %), so syncs slow down.`,
      "Find the integration using the budget in Autotask (Admin › API Activity by Hour), or schedule atqbo when usage is lower."
    )
  }
  return check("autotask.threshold", "Autotask API usage", "pass", detail)
}

// ---------------------------------------------------------------------------------------------
// QBO company and preferences

const BAD_SUBSCRIPTION = /cancel|suspend|expire|inactive|closed|lapsed/i

export const companyCheck = (info: QboCompanyInfo, realmId: string): Check => {
  const status = typeof info.SubscriptionStatus === "string" ? info.SubscriptionStatus : undefined
  const where = `"${info.CompanyName}" (realm ${realmId}${info.Country ? `, ${info.Country}` : ""})`
  if (status !== undefined && BAD_SUBSCRIPTION.test(status)) {
    return check("qbo.company", "QBO company", "fail", `Connected to ${where}, but its subscription status is ${status}: QBO refuses new transactions.`, "Renew the QuickBooks Online subscription of this company, or connect another company with `atqbo auth qbo`.")
  }
  return check("qbo.company", "QBO company", "pass", `Connected to ${where}${status ? `; subscription ${status}` : ""}.`)
}

export const numberingCheck = (config: Config, prefs: QboPreferences): Check => {
  const custom = prefs.SalesFormsPrefs?.CustomTxnNumbers === true
  const mode = config.sync.numbering.mode
  if (mode === "autotask" && !custom) {
    return check(
      "qbo.numbering",
      "Invoice numbering",
      "fail",
      "sync.numbering.mode is autotask (Autotask's invoice number becomes the QBO DocNumber), but QBO's \"Custom transaction numbers\" is off, so QBO would number the invoices itself.",
      "Turn on Custom transaction numbers in QBO (Settings › Account and settings › Sales › Sales form content), or set sync.numbering.mode: qbo in atqbo.yaml."
    )
  }
  if (mode === "qbo" && custom) {
    return check(
      "qbo.numbering",
      "Invoice numbering",
      "fail",
      "sync.numbering.mode is qbo (QBO numbers invoices, atqbo writes the number back to Autotask), but QBO's \"Custom transaction numbers\" is on: QBO leaves invoices created through the API without a number.",
      "Turn off Custom transaction numbers in QBO (Settings › Account and settings › Sales › Sales form content), or set sync.numbering.mode: autotask in atqbo.yaml."
    )
  }
  return check(
    "qbo.numbering",
    "Invoice numbering",
    "pass",
    mode === "qbo"
      ? "QBO numbers invoices (Custom transaction numbers off), as sync.numbering.mode: qbo expects."
      : "Autotask's invoice numbers become QBO DocNumbers (Custom transaction numbers on), as sync.numbering.mode: autotask expects."
  )
}

export const classesCheck = (config: Config, prefs: QboPreferences, classes: ReadonlyArray<QboClass>): Check => {
  const perTxn = prefs.AccountingInfoPrefs?.ClassTrackingPerTxn === true
  const perLine = prefs.AccountingInfoPrefs?.ClassTrackingPerTxnLine === true
  const tracking = perLine ? "per line" : perTxn ? "per transaction" : "off"
  const { default: txnClass, lines } = config.classes
  const lineConfigured = lines.default !== undefined || lines.rules.length > 0
  const index = indexNamed(classes)
  const named = [
    ...(txnClass === undefined ? [] : [txnClass]),
    ...(lines.default === undefined ? [] : [lines.default]),
    ...lines.rules.map((rule) => rule.class)
  ]
  const unknown = [...new Set(named.filter((name) => {
    const found = index.get(nameKey(name))
    return found === undefined || !isActive(found)
  }))]
  const used = perLine ? lines.default !== undefined || lines.rules.length > 0 : perTxn ? txnClass !== undefined : false
  if (unknown.length > 0 && used) {
    return check(
      "qbo.classes",
      "Class tracking",
      "fail",
      `QBO tracks classes ${tracking}; classes.yaml names ${list(unknown)}, which ${unknown.length === 1 ? "is" : "are"} not an active QBO class.`,
      "Create or reactivate the class in QBO, or fix the name in classes.yaml."
    )
  }
  const warnings: Array<string> = []
  if (txnClass !== undefined && !perTxn) warnings.push(`the default class "${txnClass}" is ignored because QBO tracks classes ${tracking}`)
  if (lineConfigured && !perLine) warnings.push(`the line class rules are ignored because QBO tracks classes ${tracking}`)
  if ((perTxn || perLine) && !used) warnings.push(`QBO tracks classes ${tracking} but classes.yaml sets none for that level, so invoices get no class`)
  if (unknown.length > 0) warnings.push(`classes.yaml names ${list(unknown)}, not an active QBO class`)
  if (warnings.length > 0) {
    return check(
      "qbo.classes",
      "Class tracking",
      "warn",
      `QBO tracks classes ${tracking}: ${warnings.join("; ")}.`,
      perLine
        ? "Use `lines:` (default and rules) in classes.yaml, or switch QBO to one class per transaction (Settings › Account and settings › Advanced › Categories)."
        : perTxn
        ? "Use `default:` in classes.yaml, or switch QBO to a class per line (Settings › Account and settings › Advanced › Categories)."
        : "Turn on class tracking in QBO (Settings › Account and settings › Advanced › Categories), or remove the classes from classes.yaml."
    )
  }
  return check("qbo.classes", "Class tracking", "pass", perTxn || perLine ? `QBO tracks classes ${tracking}, and classes.yaml sets them at that level.` : "Class tracking is off in QBO and classes.yaml sets no class.")
}

export const salesTaxCheck = (config: Config, prefs: QboPreferences, company: QboCompanyInfo | undefined, taxCodes: ReadonlyArray<QboTaxCode>): Check => {
  const using = prefs.TaxPrefs?.UsingSalesTax === true
  const ast = prefs.TaxPrefs?.PartnerTaxEnabled === true
  const mode = ast ? "automated sales tax (AST)" : using ? "manual sales tax" : "no sales tax"
  const country = company?.Country
  const { region, us, global } = config.taxes
  const index = indexNamed(taxCodes)
  const missingCode = (name: string) => {
    const found = index.get(nameKey(name))
    return found === undefined || !isActive(found)
  }
  if (region === "global") {
    if (country === "US") {
      return check("qbo.salesTax", "Sales tax", "fail", "taxes.yaml uses region: global (tax codes per line), but the QBO company is in the US, which uses TAX/NON line codes.", "Set region: us in taxes.yaml.")
    }
    const named = [...new Set([...global.codes.map((code) => code.taxCode), ...(global.defaultTaxCode === undefined ? [] : [global.defaultTaxCode])])]
    const unknown = named.filter(missingCode)
    if (unknown.length > 0) {
      return check("qbo.salesTax", "Sales tax", "fail", `taxes.yaml names tax codes ${list(unknown)}, which QBO does not have (or are inactive).`, "Fix the names in taxes.yaml to match QBO's tax codes (Taxes › Sales tax settings).")
    }
    return check("qbo.salesTax", "Sales tax", "pass", `Non-US tax codes: ${plural(named.length, "code")} named in taxes.yaml, all found in QBO.`)
  }
  if (country !== undefined && country !== "" && country !== "US") {
    return check("qbo.salesTax", "Sales tax", "fail", `taxes.yaml uses region: us, but the QBO company is in ${country}, which needs a tax code on every line.`, "Set region: global in taxes.yaml and map Autotask tax categories to QBO tax codes under global.codes.")
  }
  if (us.amounts === "qbo" && !ast) {
    return check("qbo.salesTax", "Sales tax", "warn", `taxes.yaml lets QBO compute tax (us.amounts: qbo), but QBO uses ${mode}: QBO will not compute it, so invoices carry no tax.`, "Turn on automated sales tax in QBO, or set us.amounts: autotask in taxes.yaml.")
  }
  if (!using && !ast) {
    return check("qbo.salesTax", "Sales tax", "warn", "Sales tax is off in QBO, so tax amounts from Autotask are not recorded on QBO invoices and totals with tax will not match.", "Set up sales tax in QBO (Taxes › Set up sales tax) if you charge it; ignore this if you never do.")
  }
  if (us.taxCode !== undefined && !ast && missingCode(us.taxCode)) {
    return check("qbo.salesTax", "Sales tax", "fail", `taxes.yaml names the QBO tax rate "${us.taxCode}" (us.taxCode), which QBO does not have.`, "Fix us.taxCode in taxes.yaml to a QBO tax rate or group name.")
  }
  const amounts = us.amounts === "autotask" ? "Autotask's tax amounts are sent" : "QBO computes the tax"
  return check("qbo.salesTax", "Sales tax", "pass", `QBO uses ${mode}; ${amounts}${ast && us.amounts === "autotask" ? " and AST keeps them" : ""}.`)
}

export const multicurrencyCheck = (prefs: QboPreferences): Check => {
  const on = prefs.CurrencyPrefs?.MultiCurrencyEnabled === true
  const home = prefs.CurrencyPrefs?.HomeCurrency?.value ?? "USD"
  return on
    ? check(
      "qbo.multicurrency",
      "Multicurrency",
      "pass",
      `Multicurrency is on in QBO (home currency ${home}). Each Autotask company's invoices are booked in its Autotask currency, amounts as Autotask has them; sync.exchangeRate decides the rate.`
    )
    : check(
      "qbo.multicurrency",
      "Multicurrency",
      "pass",
      `Multicurrency is off; everything is in ${home}. An invoice of a company billed in another currency is refused with the reason.`
    )
}

// ---------------------------------------------------------------------------------------------
// Items, accounts, coverage

const INCOME_TYPES = new Set(["Income", "Other Income"])

export const incomeAccountCheck = (config: Config, accounts: ReadonlyArray<QboAccount>): Check => {
  const { policy, create } = config.items.missing
  const name = create.incomeAccount
  if (policy !== "create") return check("qbo.incomeAccount", "Income account", "pass", `Not needed: missing.policy is ${policy}, so atqbo creates no items.`)
  const account = indexNamed(accounts).get(nameKey(name))
  if (account === undefined || !isActive(account)) {
    const incomes = accounts.filter((row) => isActive(row) && INCOME_TYPES.has(row.AccountType ?? "")).map((row) => row.FullyQualifiedName ?? row.Name)
    return check(
      "qbo.incomeAccount",
      "Income account",
      "fail",
      `items.yaml creates missing items in the income account "${name}" (missing.create.incomeAccount), which ${account === undefined ? "does not exist" : "is inactive"} in QBO.`,
      incomes.length > 0 ? `Set missing.create.incomeAccount to one of ${list(incomes)}.` : "Create an income account in QBO and name it in missing.create.incomeAccount."
    )
  }
  if (!INCOME_TYPES.has(account.AccountType ?? "")) {
    return check("qbo.incomeAccount", "Income account", "fail", `The account "${name}" is of type ${account.AccountType ?? "unknown"}, not Income; QBO rejects service items posting to it.`, "Name an income account in missing.create.incomeAccount.")
  }
  return check("qbo.incomeAccount", "Income account", "pass", `Items atqbo creates post to "${account.FullyQualifiedName ?? account.Name}" (${account.AccountType}).`)
}


/** Items named in items.yaml (mappings and the fallback) exist, are active and can take a quantity. */
export const mappedItemsCheck = (config: Config, items: ReadonlyArray<QboItem>): Check => {
  const index = indexNamed(items)
  const named = [
    ...config.items.map.map((mapping) => mapping.item),
    ...(config.items.missing.policy === "fallback" && config.items.missing.fallbackItem !== undefined ? [config.items.missing.fallbackItem] : [])
  ]
  const problems: Array<string> = []
  for (const name of [...new Set(named.map(nameKey))].map((key) => named.find((candidate) => nameKey(candidate) === key)!)) {
    const item = index.get(nameKey(name))
    if (item === undefined) problems.push(`"${name}" does not exist`)
    else if (!isActive(item)) problems.push(`"${name}" is inactive`)
    else if (UNUSABLE_ITEM_TYPES.has(item.Type)) problems.push(`"${name}" is a ${item.Type.toLowerCase()}, not a product or service`)
    else if (NO_QUANTITY_ITEM_TYPES.has(item.Type)) problems.push(`"${name}" is a ${item.Type} item, which cannot take a quantity and rate`)
  }
  if (named.length === 0) return check("qbo.mappedItems", "Mapped items", "pass", "items.yaml maps no billing code explicitly.")
  if (problems.length > 0) {
    return check("qbo.mappedItems", "Mapped items", "fail", `items.yaml names QBO items that invoice lines cannot use: ${problems.join("; ")}.`, "Map those billing codes to active Service or NonInventory items (create them in QBO first if needed).")
  }
  return check("qbo.mappedItems", "Mapped items", "pass", `All ${plural(new Set(named.map(nameKey)).size, "item")} named in items.yaml exist and can take a quantity.`)
}

/**
 * The planner's lookups over the lists doctor read, so each check below asks exactly what plan
 * asks of an invoice (the same resolveItem, matchTerm, resolveCustomer and mapping checks).
 */
export interface DoctorLists {
  readonly realmId: string
  readonly preferences: QboPreferences
  readonly companyInfo: QboCompanyInfo | undefined
  readonly qbo: QboMappingLists & { readonly vendors: ReadonlyArray<QboNamedParty>; readonly employees: ReadonlyArray<QboNamedParty> }
  /** Active billing codes, payment terms and companies. */
  readonly billingCodes: ReadonlyArray<AtBillingCode>
  readonly paymentTerms: ReadonlyArray<AtPaymentTerm>
  readonly companies: ReadonlyArray<AtCompany>
  readonly mappingLists: AutotaskMappingLists
}

export const doctorContext = (config: Config, lists: DoctorLists): PlanContext => {
  const byId = <A extends { readonly id: number }>(...rows: ReadonlyArray<ReadonlyArray<A> | undefined>) => [...new Map(rows.flatMap((list) => list ?? []).map((row) => [row.id, row])).values()]
  const snapshot: Snapshot = {
    window: { since: "", until: "", timeZone: config.sync.timeZone, invoiceIds: undefined, voidsSince: "", paymentsSince: "" },
    autotask: {
      invoices: [],
      billingItems: [],
      billingCodes: byId(lists.billingCodes, lists.mappingLists.billingCodes),
      companies: byId(lists.companies, lists.mappingLists.companies),
      contacts: [],
      paymentTerms: byId(lists.paymentTerms, lists.mappingLists.paymentTerms),
      taxCategories: lists.mappingLists.taxCategories ?? [],
      taxRegions: lists.mappingLists.taxRegions ?? [],
      paidInvoices: [],
      mappingLists: lists.mappingLists
    },
    qbo: {
      ...lists.qbo,
      realmId: lists.realmId,
      preferences: lists.preferences,
      companyInfo: lists.companyInfo ?? { Id: "1", SyncToken: "0", CompanyName: "" },
      invoices: [],
      creditMemos: [],
      payments: []
    }
  }
  return buildContext(snapshot, config)
}

/** Entries of the mapping files that name a record that does not exist or is inactive (plan refuses or warns about each). */
export const mappingReferencesCheck = (ctx: PlanContext): Check => {
  const findings = ctx.mappingFindings
  const id = "mappings.references"
  const title = "Mapping references"
  if (findings.length === 0) return check(id, title, "pass", "Every Autotask and QBO record the mapping files name exists and is active.")
  const failing = findings.filter((finding) => finding.system === "qbo" || finding.state === "missing")
  const detail = `${findings.length} mapping ${findings.length === 1 ? "entry names" : "entries name"} a record that does not exist or is inactive: ${list(findings.map((finding) => finding.message), 8, false)}.`
  return check(
    id,
    title,
    failing.length > 0 ? "fail" : "warn",
    detail,
    "Fix each name at its file:line (the closest existing value is given), or create or reactivate the record; plan refuses the invoices such an entry was meant for."
  )
}

/** Active Autotask terms no QBO term matches (by name or alias), as plan matches them. */
export const termCoverageCheck = (ctx: PlanContext, paymentTerms: ReadonlyArray<AtPaymentTerm>): Check => {
  const unmatched = paymentTerms.filter((term) => !matchTerm(term, ctx).ok).map((term) => term.name)
  if (unmatched.length === 0) {
    return check("coverage.terms", "Payment terms", "pass", `All ${plural(paymentTerms.length, "active Autotask payment term")} match a QBO term (by name or alias).`)
  }
  const detail = `${plural(unmatched.length, "active Autotask payment term")} ${unmatched.length === 1 ? "matches" : "match"} no QBO term: ${list(unmatched)}.`
  const fix = "Alias them in terms.yaml (`atqbo import` proposes aliases) or create the terms in QBO."
  return ctx.config.terms.unmatched === "fail"
    ? check("coverage.terms", "Payment terms", "fail", `${detail} With unmatched: fail, their invoices fail.`, fix)
    : check("coverage.terms", "Payment terms", "warn", `${detail} Their invoices get no terms (unmatched: omit); QBO dates them by the customer's or company's default term.`, fix)
}

/** A line of `code` as plan would see it (resolveItem looks at the code, the line only for its label). */
const sampleLine = (code: AtBillingCode): AtBillingItem => ({
  id: 0,
  invoiceID: null,
  billingCodeID: code.id,
  billingItemType: 1,
  quantity: 1,
  rate: 0,
  extendedPrice: 0
})

/**
 * Active billing codes against QBO items, resolved as plan resolves a line: codes whose
 * invoices plan refuses (an item that cannot be used, a name QBO refuses, policy fail…), codes
 * on the fallback item, and, with policy `create`, codes that would get a near-duplicate of an
 * existing item ("After-Hours Labor" next to "After Hours Labor").
 */
export const itemCoverageCheck = (ctx: PlanContext, codes: ReadonlyArray<AtBillingCode>): Check => {
  const { matchField, missing } = ctx.config.items
  const usable = ctx.snapshot.qbo.items.filter((item) => isActive(item) && !UNUSABLE_ITEM_TYPES.has(item.Type) && !NO_QUANTITY_ITEM_TYPES.has(item.Type))
  const refused: Array<string> = []
  const created: Array<string> = []
  const fallback: Array<string> = []
  const nearDuplicates: Array<string> = []
  for (const code of codes) {
    const resolved = resolveItem(code, sampleLine(code), ctx)
    if (!resolved.ok) {
      refused.push(`"${code.name}" (${resolved.reason})`)
    } else if (resolved.target.kind === "create") {
      created.push(code.name)
      const near = closest(resolved.target.name, usable, (candidate) => candidate.Name, looseKey)
      if (near?.kind === "close") nearDuplicates.push(`"${code.name}" ≈ "${near.candidate.Name}"`)
    } else if (NO_QUANTITY_ITEM_TYPES.has(resolved.target.item.Type)) {
      refused.push(`"${code.name}" (QBO item "${resolved.target.item.Name}" is a ${resolved.target.item.Type} item, which cannot take a quantity and rate)`)
    } else if (missing.policy === "fallback" && nameKey(resolved.target.item.Name) === nameKey(missing.fallbackItem ?? "")) {
      fallback.push(code.name)
    }
  }
  if (refused.length > 0) {
    return check(
      "coverage.items",
      "Billing codes",
      "fail",
      `${plural(refused.length, "active billing code")} cannot be booked, so plan refuses their invoices: ${list(refused, 5, false)}.`,
      "Map those billing codes in items.yaml to active Service or NonInventory items (or rename them in Autotask)."
    )
  }
  const fix = "Map them in items.yaml (`atqbo import` proposes mappings and shows close matches) or create the items in QBO."
  if (fallback.length > 0) {
    return check("coverage.items", "Billing codes", "warn", `${plural(fallback.length, "active billing code")} ${fallback.length === 1 ? "has" : "have"} no QBO item: ${list(fallback)}. Their lines use the fallback item "${missing.fallbackItem ?? ""}".`, fix)
  }
  if (created.length === 0) {
    return check("coverage.items", "Billing codes", "pass", `All ${plural(codes.length, "active billing code")} have a usable QBO item (by ${matchField} or mapping).`)
  }
  const detail = `${plural(created.length, "active billing code")} ${created.length === 1 ? "has" : "have"} no QBO item: ${list(created)}.`
  return nearDuplicates.length > 0
    ? check(
      "coverage.items",
      "Billing codes",
      "warn",
      `${detail} apply would create them (missing.policy: create), including near-duplicates of existing items: ${list(nearDuplicates, 5, false)}.`,
      "Map the near-duplicates to the existing items in items.yaml (`atqbo import` proposes exactly that)."
    )
    : check("coverage.items", "Billing codes", "pass", `${detail} apply creates ${created.length === 1 ? "it" : "them"} when an invoice uses ${created.length === 1 ? "it" : "them"} (missing.policy: create).`)
}

/** Active companies resolved to QBO customers as plan resolves an invoice's company: those plan would refuse. */
export const customerCoverageCheck = (ctx: PlanContext, companies: ReadonlyArray<AtCompany>): Check => {
  const refused: Array<string> = []
  let created = 0
  for (const company of companies) {
    if (!hasName(company)) {
      refused.push(`company ${company.id} (it has no name)`)
      continue
    }
    const resolved = resolveCustomer(company, ctx)
    if (!resolved.ok) refused.push(`"${company.companyName}" (${resolved.reason})`)
    else if (resolved.target.kind === "create") created += 1
  }
  if (refused.length > 0) {
    return check(
      "coverage.customers",
      "Customers",
      "fail",
      `${refused.length} active Autotask ${refused.length === 1 ? "company" : "companies"} cannot be matched to a QBO customer, so plan refuses their invoices: ${list(refused, 5, false)}.`,
      "Cross-reference them in customers.yaml (`atqbo import` proposes cross-references), or fix the names in Autotask or QBO."
    )
  }
  return check(
    "coverage.customers",
    "Customers",
    "pass",
    `All ${companies.length} active Autotask ${companies.length === 1 ? "company" : "companies"} match a QBO customer${created > 0 ? ` or can be created (${created})` : ""}.`
  )
}

// ---------------------------------------------------------------------------------------------
// Token store

const DAY_MS = 86_400_000

/** A token store others could read: doctor reports it (reading it tightens it to 0600). */
export const tokenStorePermissionsCheck = (path: string, looseMode: number | undefined): Check | undefined =>
  looseMode === undefined ? undefined : check(
    "qbo.tokenStore.permissions",
    "QBO token store permissions",
    "warn",
    `${path} was readable by others (mode 0${looseMode.toString(8)}); atqbo set it to 0600 now, but whoever could read it may hold your QBO refresh token.`,
    "Reconnect with `atqbo auth qbo` to replace the refresh token, and keep the file (and .atqbo/) private to the user that runs atqbo."
  )

export const tokenStoreCheck = (
  path: string,
  record: QboTokenRecord | undefined,
  realmId: string | undefined,
  refreshTokenEnv: string,
  refreshTokenEnvSet: boolean,
  nowMs: number
): Check => {
  const id = "qbo.tokenStore"
  const title = "QBO token store"
  if (record === undefined) {
    return refreshTokenEnvSet
      ? check(id, title, "pass", `${path} does not exist yet; the first run refreshes with ${refreshTokenEnv} and stores the rotated token there.`)
      : check(id, title, "fail", `${path} does not exist and ${refreshTokenEnv} is not set, so atqbo cannot get a QBO access token.`, "Run `atqbo auth qbo` to connect QuickBooks (or set the refresh token in the environment variable).")
  }
  if (realmId !== undefined && record.realmId !== realmId) {
    return check(id, title, "fail", `${path} holds a token for QBO company ${record.realmId}, but the configuration uses company ${realmId}.`, "Run `atqbo auth qbo` for this company, or point qbo.tokenStore at another file.")
  }
  if (record.refreshTokenExpiresAt === undefined) {
    return check(id, title, "pass", `${path} holds a refresh token for company ${record.realmId} (stored ${record.updatedAt}; no expiry recorded).`)
  }
  const expires = Date.parse(record.refreshTokenExpiresAt)
  const days = Math.floor((expires - nowMs) / DAY_MS)
  const when = record.refreshTokenExpiresAt.slice(0, 10)
  if (expires <= nowMs) {
    return check(id, title, "fail", `The refresh token in ${path} expired on ${when}.`, "Run `atqbo auth qbo` to reconnect QuickBooks.")
  }
  if (days < 14) {
    return check(id, title, "warn", `The refresh token in ${path} expires on ${when} (in ${plural(days, "day")}); each run extends it, so it only lapses if atqbo stops running.`, "Run atqbo (plan or apply) before then, or reconnect with `atqbo auth qbo`.")
  }
  return check(id, title, "pass", `${path} holds a refresh token for company ${record.realmId}, valid until ${when} (${plural(days, "day")}; extended on each run).`)
}

// ---------------------------------------------------------------------------------------------
// Rendering

const LABEL: Record<CheckStatus, string> = { pass: "pass", warn: "warn", fail: "FAIL", skip: "skip" }

export const doctorSummary = (checks: ReadonlyArray<Check>): string => {
  const count = (status: CheckStatus) => checks.filter((item) => item.status === status).length
  const parts = [`${count("pass")} passed`, `${plural(count("warn"), "warning")}`, `${count("fail")} failed`]
  if (count("skip") > 0) parts.push(`${count("skip")} skipped`)
  return `Doctor: ${parts.join(", ")}.`
}

/**
 * The checks as lines; a connection's checks (consecutive) under a heading naming it and,
 * from `realms`, its QBO company, so two companies' findings are never read as one's.
 */
export const renderChecks = (checks: ReadonlyArray<Check>, realms: ReadonlyMap<string, string | undefined> = new Map()): string => {
  const width = Math.max(...checks.map((item) => item.title.length), 8)
  const lines: Array<string> = []
  let group: string | undefined
  for (const item of checks) {
    if (item.connection !== undefined && item.connection !== group) {
      const realm = realms.get(item.connection)
      lines.push("", `── connection ${item.connection}${realm === undefined ? "" : ` · QBO company ${realm}`} ──`)
    }
    group = item.connection
    lines.push(`[${LABEL[item.status]}] ${item.title.padEnd(width)}  ${item.detail}`)
    if (item.fix !== undefined) lines.push(`       ${" ".repeat(width)}  fix: ${item.fix}`)
  }
  lines.push("", doctorSummary(checks))
  return lines.join("\n")
}
