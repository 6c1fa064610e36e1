/**
 * What a fresh QBO sandbox company contains when a dataset leaves something out: default
 * preferences and company info, the five sandbox terms, an income account and the US
 * pseudo tax codes.
 */
import type { JsonObject } from "./json.ts"

export const DEFAULT_REALM_ID = "9341453129584572"

/** One company's data: arrays of entities exactly as QBO returns them. */
export interface QboRealmData {
  readonly Item?: ReadonlyArray<JsonObject>
  readonly Customer?: ReadonlyArray<JsonObject>
  readonly Vendor?: ReadonlyArray<JsonObject>
  readonly Employee?: ReadonlyArray<JsonObject>
  readonly Term?: ReadonlyArray<JsonObject>
  readonly Class?: ReadonlyArray<JsonObject>
  readonly Account?: ReadonlyArray<JsonObject>
  readonly TaxCode?: ReadonlyArray<JsonObject>
  readonly TaxRate?: ReadonlyArray<JsonObject>
  readonly Invoice?: ReadonlyArray<JsonObject>
  readonly CreditMemo?: ReadonlyArray<JsonObject>
  readonly Payment?: ReadonlyArray<JsonObject>
  readonly Attachable?: ReadonlyArray<JsonObject>
  /** The company's currency list (multicurrency on): `{Code, Name, Active}`. */
  readonly CompanyCurrency?: ReadonlyArray<JsonObject>
  /** `{SourceCurrencyCode, TargetCurrencyCode, Rate, AsOfDate}`: rates for documents sent without one. */
  readonly ExchangeRate?: ReadonlyArray<JsonObject>
  readonly Preferences?: JsonObject
  readonly CompanyInfo?: JsonObject
}

export const DEFAULT_PREFERENCES: JsonObject = {
  AccountingInfoPrefs: {
    TrackDepartments: false,
    DepartmentTerminology: "Location",
    ClassTrackingPerTxn: false,
    ClassTrackingPerTxnLine: false,
    CustomerTerminology: "Customers"
  },
  SalesFormsPrefs: {
    CustomTxnNumbers: false,
    AllowDeposit: false,
    AllowDiscount: true,
    AllowEstimates: true,
    AllowServiceDate: true,
    AllowShipping: false,
    ETransactionEnabledStatus: "NotApplicable",
    IPNSupportEnabled: false
  },
  TaxPrefs: { UsingSalesTax: false, PartnerTaxEnabled: false },
  CurrencyPrefs: { MultiCurrencyEnabled: false, HomeCurrency: { value: "USD" } },
  OtherPrefs: { NameValue: [{ Name: "SalesFormsPrefs.DefaultItem", Value: "1" }] }
}

export const DEFAULT_COMPANY_INFO: JsonObject = {
  CompanyName: "Sandbox Company_US_1",
  LegalName: "Sandbox Company_US_1",
  CompanyAddr: { Id: "1", Line1: "123 Sierra Way", City: "San Pablo", CountrySubDivisionCode: "CA", PostalCode: "87999" },
  Country: "US",
  SupportedLanguages: "en",
  FiscalYearStartMonth: "January",
  SubscriptionStatus: "ACTIVE"
}

export const DEFAULT_TERMS: ReadonlyArray<JsonObject> = [
  { Id: "1", Name: "Due on receipt", Active: true, Type: "STANDARD", DueDays: 0, DiscountDays: 0 },
  { Id: "2", Name: "Net 15", Active: true, Type: "STANDARD", DueDays: 15, DiscountDays: 0 },
  { Id: "3", Name: "Net 30", Active: true, Type: "STANDARD", DueDays: 30, DiscountDays: 0 },
  { Id: "4", Name: "Net 60", Active: true, Type: "STANDARD", DueDays: 60, DiscountDays: 0 },
  { Id: "5", Name: "Net 10", Active: true, Type: "STANDARD", DueDays: 10, DiscountDays: 0 }
]

export const DEFAULT_ACCOUNTS: ReadonlyArray<JsonObject> = [
  {
    Id: "1",
    Name: "Services",
    FullyQualifiedName: "Services",
    Active: true,
    SubAccount: false,
    Classification: "Revenue",
    AccountType: "Income",
    AccountSubType: "ServiceFeeIncome",
    CurrentBalance: 0,
    CurrencyRef: { value: "USD", name: "United States Dollar" }
  }
]

export const DEFAULT_TAX_CODES: ReadonlyArray<JsonObject> = [
  { Id: "TAX", Name: "TAX", Description: "TAX", Active: true, Taxable: true, TaxGroup: false },
  { Id: "NON", Name: "NON", Description: "NON", Active: true, Taxable: false, TaxGroup: false }
]
