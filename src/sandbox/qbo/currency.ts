/**
 * Multicurrency (Intuit "Manage multiple currencies", developer.intuit.com/app/developer/qbo/docs/
 * workflows/manage-multiple-currencies; reference qbo-api.md §11.1, §11.4, §11.10):
 * - `Preferences.CurrencyPrefs.MultiCurrencyEnabled` (off by default; turned on in the QBO UI
 *   only, never through the API, and never off again) and `HomeCurrency`.
 * - The company's currency list is `CompanyCurrency` (Code, Name, Active); the home currency is
 *   always usable.
 * - A customer has one currency (`CurrencyRef`, the home currency when omitted), fixed once set.
 * - A sales document's amounts are in its `CurrencyRef`, which must be its customer's;
 *   `ExchangeRate` is home units per one foreign unit (1 for the home currency) and
 *   `HomeTotalAmt` = TotalAmt × ExchangeRate, computed by QBO.
 * The texts of the faults are the simulator's own (QBO's exact wording is not in the
 * reference); codes follow the catalogue: 6000 business validation.
 */
import { Option } from "effect"
import * as Money from "../../domain/money.ts"
import { Faults } from "./faults.ts"
import { type JsonObject, type MutableJson, objectField, refValue, stringField } from "./json.ts"
import { type OpContext, asBoolean, requireField } from "./rules.ts"
import type { StoredRecord } from "./store.ts"

const NAMES: Readonly<Record<string, string>> = {
  USD: "United States Dollar",
  CAD: "Canadian Dollar",
  EUR: "Euro",
  GBP: "British Pound Sterling",
  AUD: "Australian Dollar"
}

const currencyPrefs = (ctx: OpContext): JsonObject | undefined => objectField(ctx.store.preferences, "CurrencyPrefs")

export const homeCurrency = (ctx: OpContext): string => refValue(currencyPrefs(ctx), "HomeCurrency") ?? "USD"

export const multiCurrencyOn = (ctx: OpContext): boolean => currencyPrefs(ctx)?.["MultiCurrencyEnabled"] === true

export const currencyRef = (code: string): JsonObject => ({ value: code, name: NAMES[code] ?? code })

/** A currency a customer or document may use: the home one, or an active one of the list when multicurrency is on. */
const checkUsable = (ctx: OpContext, code: string, element: string): void => {
  const home = homeCurrency(ctx)
  if (code === home) return
  if (!multiCurrencyOn(ctx)) {
    throw Faults.business(
      `Multicurrency is turned off (Preferences.CurrencyPrefs.MultiCurrencyEnabled), so ${element} must be the home currency ${home}, not ${code}.`,
      element
    )
  }
  const listed = ctx.store.live("CompanyCurrency").some((row) => row.data["Code"] === code && row.data["Active"] !== false)
  if (!listed) throw Faults.business(`Currency ${code} is not in the company's currency list; add it in QuickBooks (Settings → Currencies).`, element)
}

/** A customer's `CurrencyRef`: the home currency unless given; it never changes once set. */
export const customerCurrency = (ctx: OpContext, input: JsonObject, existing: StoredRecord | undefined): JsonObject => {
  const before = refValue(existing?.data, "CurrencyRef")
  const code = refValue(input, "CurrencyRef") ?? before ?? homeCurrency(ctx)
  if (before !== undefined && code !== before) {
    throw Faults.business(`You can't change the currency of a customer once it is set (${before}); create another customer for ${code}.`, "CurrencyRef")
  }
  if (before === undefined) checkUsable(ctx, code, "CurrencyRef")
  return currencyRef(code)
}

const positiveDecimal = (value: unknown): Money.Decimal | undefined => {
  const parsed = typeof value === "number" || typeof value === "string" ? Money.parseDecimal(value) : Option.none()
  return Option.isSome(parsed) && Money.compare(parsed.value, Money.ZERO) > 0 ? parsed.value : undefined
}

/** The company's rate for a currency on a date: the latest `ExchangeRate` row on or before it (1 when there is none). */
const rateForDate = (ctx: OpContext, code: string, date: string): Money.Decimal => {
  const home = homeCurrency(ctx)
  let best: { asOf: string; rate: Money.Decimal } | undefined
  for (const row of ctx.store.live("ExchangeRate")) {
    const asOf = stringField(row.data, "AsOfDate") ?? ""
    if (row.data["SourceCurrencyCode"] !== code || (row.data["TargetCurrencyCode"] ?? home) !== home || asOf > date) continue
    const rate = positiveDecimal(row.data["Rate"])
    if (rate !== undefined && (best === undefined || asOf > best.asOf)) best = { asOf, rate }
  }
  return best?.rate ?? Money.decimal("1")
}

/**
 * The currency fields of an Invoice/CreditMemo: `CurrencyRef` (must be the customer's),
 * `ExchangeRate` and `HomeTotalAmt`. With multicurrency off only `CurrencyRef` (the home currency).
 */
export const documentCurrency = (
  ctx: OpContext,
  input: JsonObject,
  customer: StoredRecord,
  txnDate: string,
  total: Money.Decimal
): MutableJson => {
  const home = homeCurrency(ctx)
  const customerCode = refValue(customer.data, "CurrencyRef") ?? home
  const omitted = ctx.options.currency.omittedDocumentCurrency === "home" ? home : customerCode
  const code = refValue(input, "CurrencyRef") ?? omitted
  checkUsable(ctx, code, "CurrencyRef")
  if (code !== customerCode) {
    throw Faults.business(
      `The transaction's currency (${code}) must be the currency of its customer ${String(customer.data["DisplayName"])} (${customerCode}).`,
      "CurrencyRef"
    )
  }
  if (!multiCurrencyOn(ctx)) return { CurrencyRef: currencyRef(code) }
  const sent = input["ExchangeRate"]
  let rate: Money.Decimal
  if (sent === undefined || sent === null) {
    rate = code === home || ctx.options.currency.omittedExchangeRate === "one" ? Money.decimal("1") : rateForDate(ctx, code, txnDate)
  } else {
    const given = positiveDecimal(sent)
    if (given === undefined) throw Faults.unsupportedProperty("Property Name:ExchangeRate must be a positive number", "ExchangeRate")
    if (code === home && Money.compare(given, Money.decimal("1")) !== 0) {
      throw Faults.business(`A transaction in the home currency (${home}) has an exchange rate of 1, not ${Money.toText(given)}.`, "ExchangeRate")
    }
    rate = given
  }
  return {
    CurrencyRef: currencyRef(code),
    ExchangeRate: Money.toApiNumber(rate),
    HomeTotalAmt: Money.toApiNumber(Money.toCents(Money.multiply(total, rate)))
  }
}

/** `CompanyCurrency` create: an ISO code the company can then use (multicurrency on only). */
export const buildCompanyCurrency = (ctx: OpContext, input: JsonObject, existing: StoredRecord | undefined): MutableJson => {
  const code = requireField(input, "Code")
  if (typeof code !== "string" || !/^[A-Z]{3}$/.test(code)) throw Faults.unsupportedProperty("Property Name:Code must be an ISO 4217 code", "Code")
  if (!multiCurrencyOn(ctx)) throw Faults.business("Multicurrency is turned off, so the company has no currency list.", "Code")
  if (existing === undefined && ctx.store.live("CompanyCurrency").some((row) => row.data["Code"] === code)) {
    throw Faults.duplicateName("Another currency is already using this code.")
  }
  return { ...input, Code: code, Name: input["Name"] ?? NAMES[code] ?? code, Active: asBoolean(input["Active"]) ?? true }
}

/** Multicurrency and the home currency are set in the QBO UI only; a preferences update may not change them. */
export const checkCurrencyPrefsUnchanged = (ctx: OpContext, body: JsonObject): void => {
  const sent = objectField(body, "CurrencyPrefs")
  if (sent === undefined) return
  const on = sent["MultiCurrencyEnabled"]
  const home = refValue(sent, "HomeCurrency")
  if ((on !== undefined && on !== multiCurrencyOn(ctx)) || (home !== undefined && home !== homeCurrency(ctx))) {
    throw Faults.business("Multicurrency and the home currency can only be changed in QuickBooks, and multicurrency cannot be turned off once on.", "CurrencyPrefs")
  }
}
