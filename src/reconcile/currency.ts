/**
 * Currencies (pure): the currency an Autotask company is invoiced in, whether QBO can book its
 * invoices in it, and the `CurrencyRef`/`ExchangeRate` its documents carry.
 *
 * Autotask: a company's `currencyID` → `Currencies` (ISO `name`, `exchangeRate`,
 * `isInternalCurrency`); invoice and billing-item amounts are in the customer's currency, with
 * `internalCurrency*` beside them (reference autotask-api.md §10.2, §11). Without the
 * Multi-currency module there are no Currencies: everything is QBO's home currency, as before.
 * QBO: `Preferences.CurrencyPrefs` (on/off, home), the `CompanyCurrency` list, a customer's fixed
 * `CurrencyRef`, and `ExchangeRate` = home units per foreign unit (Intuit "Manage multiple
 * currencies"; reference qbo-api.md §11).
 */
import { Option } from "effect"
import type { AtBillingItem, AtCompany, AtCurrency } from "../autotask/model.ts"
import type { CustomerNameNormalization } from "../config/types.ts"
import * as Money from "../domain/money.ts"
import type { Json } from "../domain/plan.ts"
import type { QboCompanyCurrency, QboCustomer, QboPreferences, QboSalesDocument } from "../qbo/model.ts"
import type { PlanContext } from "./context.ts"
import { customerKey } from "./names.ts"

export interface QboCurrencies {
  /** The home currency. */
  readonly currency: string
  readonly multiCurrency: boolean
  /** Currencies documents may be in: the home one, plus the active list while multicurrency is on. */
  readonly currencies: ReadonlySet<string>
}

/** What both systems say about currencies: all `plan` and `import` need to tell a company's currency and whether QBO can book it. */
export interface CurrencyFacts {
  readonly qbo: QboCurrencies
  /** Autotask currencies by id (empty without the Multi-currency module) and the internal one. */
  readonly currencies: ReadonlyMap<number, AtCurrency>
  readonly internalCurrency: AtCurrency | undefined
}

export const currencyFacts = (
  prefs: QboPreferences,
  companyCurrencies: ReadonlyArray<QboCompanyCurrency> | undefined,
  autotaskCurrencies: ReadonlyArray<AtCurrency> | undefined
): CurrencyFacts => {
  const home = prefs.CurrencyPrefs?.HomeCurrency?.value ?? "USD"
  const multiCurrency = prefs.CurrencyPrefs?.MultiCurrencyEnabled === true
  const active = (companyCurrencies ?? []).filter((row) => row.Active !== false).map((row) => row.Code)
  return {
    qbo: { currency: home, multiCurrency, currencies: new Set([home, ...(multiCurrency ? active : [])]) },
    ...autotaskCurrencyFacts(autotaskCurrencies)
  }
}

/** Autotask's side of the facts: its currencies by id and the internal one. */
export const autotaskCurrencyFacts = (autotaskCurrencies: ReadonlyArray<AtCurrency> | undefined): Pick<CurrencyFacts, "currencies" | "internalCurrency"> => ({
  currencies: new Map((autotaskCurrencies ?? []).map((currency) => [currency.id, currency])),
  internalCurrency: (autotaskCurrencies ?? []).find((currency) => currency.isInternalCurrency)
})

export type CompanyCurrency =
  | { readonly ok: true; readonly code: string; readonly currency: AtCurrency | undefined }
  | { readonly ok: false; readonly reason: string }

/** A QBO customer's currency: its `CurrencyRef`, else the home currency. */
export const customerCurrency = (customer: QboCustomer, ctx: Pick<CurrencyFacts, "qbo">): string => customer.CurrencyRef?.value ?? ctx.qbo.currency

/** What telling a company's currency takes: Autotask's currencies and QBO's home currency. */
export type CompanyCurrencyFacts = Pick<CurrencyFacts, "currencies" | "internalCurrency"> & { readonly qbo: Pick<QboCurrencies, "currency"> }

/** The ISO code a company is invoiced in: its Autotask currency, else Autotask's internal one, else QBO's home currency. */
export const companyCurrency = (company: AtCompany, ctx: CompanyCurrencyFacts): CompanyCurrency => {
  const id = company.currencyID
  const currency = id === null || id === undefined ? ctx.internalCurrency : ctx.currencies.get(id)
  if (currency === undefined) {
    if (id === null || id === undefined || ctx.currencies.size === 0) return { ok: true, code: ctx.qbo.currency, currency: undefined }
    return { ok: false, reason: `Autotask company "${company.companyName}" has currency id ${id}, which is not among Autotask's currencies; check the company in Autotask` }
  }
  const code = currency.name.trim().toUpperCase()
  if (!/^[A-Z]{3}$/.test(code)) {
    return { ok: false, reason: `Autotask currency id ${currency.id} of company "${company.companyName}" is named "${currency.name}", not an ISO 4217 code QBO knows; check Autotask's currencies` }
  }
  return { ok: true, code, currency }
}

/** The currency shown beside a company's amounts (the home currency when it cannot be told). */
export const displayCurrency = (company: AtCompany | undefined, ctx: CompanyCurrencyFacts): string => {
  if (company === undefined) return ctx.qbo.currency
  const currency = companyCurrency(company, ctx)
  return currency.ok ? currency.code : ctx.qbo.currency
}

/** A QBO document's currency: its `CurrencyRef`, else the home currency. */
export const documentCurrency = (doc: QboSalesDocument, ctx: PlanContext): string => doc.CurrencyRef?.value ?? ctx.qbo.currency

/** Why QBO cannot book a company's invoices in `code` for `customer` (nothing when it can). */
export const currencyProblems = (company: AtCompany, code: string, customer: QboCustomer | undefined, ctx: PlanContext): ReadonlyArray<string> => {
  const unavailable = unbookableCurrency(company, code, ctx)
  if (unavailable !== undefined) return [unavailable]
  if (customer !== undefined && customerCurrency(customer, ctx) !== code) {
    const hint = customerInCurrency(company, code, ctx.snapshot.qbo.customers, ctx.config.customers.normalize, ctx)
    return [customerCurrencyMismatch(company, code, customer, ctx) + (hint ? `, such as "${hint.DisplayName}"` : "")]
  }
  return []
}

/** Why QBO cannot book anything in `code` (multicurrency off, or not in its list); undefined when it can. */
export const unbookableCurrency = (company: AtCompany, code: string, ctx: Pick<CurrencyFacts, "qbo">): string | undefined => {
  const home = ctx.qbo.currency
  if (code !== home && !ctx.qbo.multiCurrency) {
    return `Autotask company "${company.companyName}" is invoiced in ${code}, but multicurrency is off in QBO (home currency ${home}); turn it on in QBO (Settings → Account and settings → Advanced → Currency) — QBO can never turn it off again — or keep this company out of the sync`
  }
  if (code !== home && !ctx.qbo.currencies.has(code)) {
    return `${code}, the currency of Autotask company "${company.companyName}", is not in QBO's currency list; add it in QBO (Settings → Currencies)`
  }
  return undefined
}

export const customerCurrencyMismatch = (company: AtCompany, code: string, customer: QboCustomer, ctx: Pick<CurrencyFacts, "qbo">): string =>
  `QBO customer "${customer.DisplayName}" is in ${customerCurrency(customer, ctx)} but Autotask company "${company.companyName}" is invoiced in ${code}; a QBO customer's currency can never change — cross-reference the company in customers.yaml (with currency: ${code}) to a QBO customer in ${code}`

/** An active customer in `code` whose name contains the company's ("Acme (CAD)" for "Acme"). */
export const customerInCurrency = (
  company: AtCompany,
  code: string,
  customers: ReadonlyArray<QboCustomer>,
  normalize: CustomerNameNormalization,
  ctx: Pick<CurrencyFacts, "qbo">
): QboCustomer | undefined => {
  const key = customerKey(company.companyName, normalize)
  return customers.find((customer) => customer.Active !== false && customerCurrency(customer, ctx) === code && customerKey(customer.DisplayName, normalize).includes(key))
}

/** What a new customer for the company sends: its currency, only while multicurrency is on. */
export const customerCurrencyFields = (code: string, ctx: PlanContext): Record<string, Json> =>
  ctx.qbo.multiCurrency ? { CurrencyRef: { value: code } } : {}

/**
 * `CurrencyRef` and (policy `autotask`, foreign currency) `ExchangeRate` of a document; nothing
 * while multicurrency is off, so single-currency plans stay as they were.
 */
export const documentCurrencyFields = (
  currency: Extract<CompanyCurrency, { ok: true }>,
  billingItems: ReadonlyArray<AtBillingItem>,
  ctx: PlanContext
): { readonly fields: Record<string, Json>; readonly reasons: ReadonlyArray<string> } => {
  if (!ctx.qbo.multiCurrency) return { fields: {}, reasons: [] }
  const fields: Record<string, Json> = { CurrencyRef: { value: currency.code } }
  if (currency.code === ctx.qbo.currency || ctx.config.sync.exchangeRate === "qbo" || currency.currency === undefined) return { fields, reasons: [] }
  const rate = autotaskRate(currency.currency, billingItems, ctx)
  if (!rate.ok) return { fields, reasons: [rate.reason] }
  return { fields: { ...fields, ExchangeRate: Money.toApiNumber(rate.rate) }, reasons: [] }
}

const RATE_SCALE = 6

/**
 * Autotask's rate as QBO's (home units per one foreign unit). Which way Autotask's
 * `exchangeRate` points is not settled by the reference [uncertain]: read as foreign units per
 * internal unit (so QBO's rate is its inverse), unless the invoice's own billing items
 * (`internalCurrencyExtendedPrice` / `extendedPrice`) show the other reading is the one used.
 */
export const autotaskRate = (
  currency: AtCurrency,
  billingItems: ReadonlyArray<AtBillingItem>,
  ctx: PlanContext
): { readonly ok: true; readonly rate: Money.Decimal } | { readonly ok: false; readonly reason: string } => {
  const internal = ctx.internalCurrency?.name.trim().toUpperCase()
  if (internal !== ctx.qbo.currency) {
    return {
      ok: false,
      reason: `sync.exchangeRate: autotask needs Autotask's internal currency (${internal ?? "none"}) to be QBO's home currency (${ctx.qbo.currency}); set sync.exchangeRate: qbo in atqbo.yaml`
    }
  }
  const given = Money.parseDecimal(currency.exchangeRate ?? null)
  if (Option.isNone(given) || Money.compare(given.value, Money.ZERO) <= 0) {
    return { ok: false, reason: `Autotask currency ${currency.name} has no usable exchange rate (${String(currency.exchangeRate)}); set it in Autotask or use sync.exchangeRate: qbo` }
  }
  const direct = Money.roundTo(given.value, RATE_SCALE)
  const inverse = Money.divideRounded(Money.decimal("1"), given.value, RATE_SCALE)
  if (Option.isNone(inverse)) return { ok: true, rate: direct }
  const observed = observedRate(billingItems)
  if (observed === undefined) return { ok: true, rate: inverse.value }
  const distance = (rate: Money.Decimal) => Money.abs(Money.subtract(rate, observed))
  return { ok: true, rate: Money.compare(distance(direct), distance(inverse.value)) < 0 ? direct : inverse.value }
}

/** Internal per customer currency, as the invoice's billing items were converted (undefined without them). */
const observedRate = (billingItems: ReadonlyArray<AtBillingItem>): Money.Decimal | undefined => {
  let internal = Money.ZERO
  let foreign = Money.ZERO
  for (const item of billingItems) {
    if (item.internalCurrencyExtendedPrice === null || item.internalCurrencyExtendedPrice === undefined) return undefined
    internal = Money.add(internal, Money.fromApi(item.internalCurrencyExtendedPrice))
    foreign = Money.add(foreign, Money.fromApi(item.extendedPrice))
  }
  if (Money.isZero(foreign) || Money.isZero(internal)) return undefined
  const ratio = Money.divideRounded(internal, foreign, RATE_SCALE)
  return Option.getOrUndefined(ratio)
}
