/**
 * Builders for the pure-core tests: a Config with the documented defaults and a Snapshot
 * assembled from small partial records.
 */
import type { AtBillingCode, AtBillingItem, AtCompany, AtInvoice, AtPaymentTerm } from "../../src/autotask/model.ts"
import {
  AUTOTASK_DEFAULTS,
  CLASSES_DEFAULTS,
  CUSTOMERS_DEFAULTS,
  ITEMS_DEFAULTS,
  JOURNAL_DEFAULTS,
  LEASE_DEFAULTS,
  LIMITS_DEFAULTS,
  NOTIFICATIONS_DEFAULTS,
  PAYMENTS_DEFAULTS,
  QBO_DEFAULTS,
  SYNC_DEFAULTS,
  TAXES_DEFAULTS,
  TERMS_DEFAULTS
} from "../../src/config/defaults.ts"
import type { Config } from "../../src/config/types.ts"
import type { QboCustomer, QboItem, QboPreferences, QboSalesDocument, QboTerm } from "../../src/qbo/model.ts"
import type { Snapshot } from "../../src/reconcile/snapshot.ts"

type DeepPartial<T> = { [K in keyof T]?: T[K] extends ReadonlyArray<unknown> ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K] }

const merge = <T>(base: T, patch: DeepPartial<T> | undefined): T => {
  if (patch === undefined) return base
  const out: Record<string, unknown> = { ...(base as Record<string, unknown>) }
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key]
    out[key] = value !== null && typeof value === "object" && !Array.isArray(value) && current !== null && typeof current === "object" && !Array.isArray(current)
      ? merge(current, value as never)
      : value
  }
  return out as T
}

/** The documented defaults, in a company with a realm id and a US time zone. */
export const baseConfig: Config = {
  dir: "mappings",
  autotask: AUTOTASK_DEFAULTS,
  qbo: { ...QBO_DEFAULTS, realmId: "9341453129584572" },
  sync: { ...SYNC_DEFAULTS, timeZone: "America/Chicago" },
  limits: LIMITS_DEFAULTS,
  journal: JOURNAL_DEFAULTS,
  lease: LEASE_DEFAULTS,
  notifications: NOTIFICATIONS_DEFAULTS,
  payments: PAYMENTS_DEFAULTS,
  items: ITEMS_DEFAULTS,
  terms: TERMS_DEFAULTS,
  customers: CUSTOMERS_DEFAULTS,
  classes: CLASSES_DEFAULTS,
  taxes: TAXES_DEFAULTS,
  connections: []
}

export const config = (patch?: DeepPartial<Config>): Config => merge(baseConfig, patch)

export const company = (id: number, companyName: string, extra: Partial<AtCompany> = {}): AtCompany => ({
  id,
  companyName,
  isActive: true,
  ...extra
})

export const billingCode = (id: number, name: string, extra: Partial<AtBillingCode> = {}): AtBillingCode => ({
  id,
  name,
  isActive: true,
  externalNumber: null,
  ...extra
})

export const billingItem = (id: number, invoiceID: number, billingCodeID: number | null, quantity: number, rate: number, extra: Partial<AtBillingItem> = {}): AtBillingItem => ({
  id,
  invoiceID,
  billingCodeID,
  billingItemType: 1,
  quantity,
  rate,
  extendedPrice: extra.extendedPrice ?? Number((quantity * rate).toFixed(4)),
  description: `Line ${id}`,
  itemDate: "2026-11-20T15:30:00Z",
  taxDollars: 0,
  ...extra
})

export const invoice = (id: number, companyID: number, invoiceTotal: number, extra: Partial<AtInvoice> = {}): AtInvoice => ({
  id,
  companyID,
  invoiceDateTime: "2026-11-20T00:00:00",
  invoiceNumber: null,
  invoiceTotal,
  totalTaxValue: 0,
  isVoided: false,
  webServiceDate: null,
  paymentTerm: null,
  orderNumber: "",
  comments: null,
  ...extra
})

export const qboItem = (Id: string, Name: string, extra: Partial<QboItem> = {}): QboItem => ({ Id, SyncToken: "0", Name, Type: "Service", Active: true, ...extra })
export const qboCustomer = (Id: string, DisplayName: string, extra: Partial<QboCustomer> = {}): QboCustomer => ({ Id, SyncToken: "0", DisplayName, Active: true, ...extra })
export const qboTerm = (Id: string, Name: string): QboTerm => ({ Id, SyncToken: "0", Name, Active: true })
export const paymentTerm = (id: number, name: string): AtPaymentTerm => ({ id, name, isActive: true })

export const qboDocument = (Id: string, extra: Partial<QboSalesDocument> = {}): QboSalesDocument => ({
  Id,
  SyncToken: "0",
  CustomerRef: { value: "1" },
  Line: [],
  ...extra
})

export const preferences = (extra: Partial<QboPreferences> = {}): QboPreferences => ({
  Id: "1",
  SyncToken: "0",
  AccountingInfoPrefs: { ClassTrackingPerTxn: false, ClassTrackingPerTxnLine: false },
  SalesFormsPrefs: { CustomTxnNumbers: false },
  TaxPrefs: { UsingSalesTax: true, PartnerTaxEnabled: false },
  CurrencyPrefs: { MultiCurrencyEnabled: false, HomeCurrency: { value: "USD" } },
  ...extra
})

export interface World {
  readonly autotask?: Partial<Snapshot["autotask"]>
  readonly qbo?: Partial<Snapshot["qbo"]>
}

export const snapshot = (world: World): Snapshot => ({
  window: { since: "2026-11-12", until: "2026-11-26", timeZone: "America/Chicago", invoiceIds: undefined, voidsSince: "2026-11-12", paymentsSince: "2026-09-27" },
  autotask: {
    invoices: [],
    billingItems: [],
    billingCodes: [],
    companies: [],
    contacts: [],
    paymentTerms: [],
    taxCategories: [],
    taxRegions: [],
    paidInvoices: [],
    ...world.autotask
  },
  qbo: {
    realmId: "9341453129584572",
    preferences: preferences(),
    companyInfo: { Id: "1", SyncToken: "0", CompanyName: "Northwind MSP", Country: "US" },
    items: [],
    customers: [],
    vendors: [],
    employees: [],
    terms: [],
    classes: [],
    taxCodes: [],
    accounts: [{ Id: "79", SyncToken: "0", Name: "Services", AccountType: "Income", Active: true }],
    invoices: [],
    creditMemos: [],
    payments: [],
    ...world.qbo
  }
})
