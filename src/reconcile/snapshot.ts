/**
 * What `observe` reads from both systems for one run: plain data, the only input (with the
 * config) of the pure `desired` and `plan` steps.
 */
import type {
  AtBillingCode,
  AtBillingItem,
  AtCompany,
  AtContact,
  AtCurrency,
  AtInvoice,
  AtPaymentTerm,
  AtTaxCategory,
  AtTaxRegion
} from "../autotask/model.ts"
import type {
  QboAccount,
  QboClass,
  QboCompanyCurrency,
  QboCompanyInfo,
  QboCustomer,
  QboItem,
  QboNamedParty,
  QboPayment,
  QboPreferences,
  QboSalesDocument,
  QboTaxCode,
  QboTerm
} from "../qbo/model.ts"
import type { AutotaskMappingLists } from "./mappings.ts"

/** The invoice window, as calendar dates in the configured time zone (inclusive). */
export interface Window {
  readonly since: string
  readonly until: string
  readonly timeZone: string
  /** Set with `--invoice`: only these Autotask invoices, whatever their date. */
  readonly invoiceIds: ReadonlyArray<number> | undefined
  /**
   * `--since`/`--until` were given: voids and paid dates then come only from invoices dated
   * inside too (by default they reach back their own look-back windows).
   */
  readonly explicitDates?: boolean
  /** Voided invoices are considered when voided on or after this date. */
  readonly voidsSince: string
  /** Payments dated on or after this date are read (payment sync). */
  readonly paymentsSince: string
}

export interface AutotaskSnapshot {
  /** Invoices in the window, plus voided ones within the void window. */
  readonly invoices: ReadonlyArray<AtInvoice>
  readonly billingItems: ReadonlyArray<AtBillingItem>
  readonly billingCodes: ReadonlyArray<AtBillingCode>
  readonly companies: ReadonlyArray<AtCompany>
  /** Primary contacts of the invoiced companies (read only when e-mail on create is on). */
  readonly contacts: ReadonlyArray<AtContact>
  readonly paymentTerms: ReadonlyArray<AtPaymentTerm>
  readonly taxCategories: ReadonlyArray<AtTaxCategory>
  readonly taxRegions: ReadonlyArray<AtTaxRegion>
  /** Multi-currency module: every currency (none without the module). */
  readonly currencies?: ReadonlyArray<AtCurrency>
  /** Older synced invoices that QBO payments in the payments window refer to (payment sync). */
  readonly paidInvoices: ReadonlyArray<AtInvoice>
  /** The lists the mapping files name, to check their entries (absent: not read, not checked). */
  readonly mappingLists?: AutotaskMappingLists
}

export interface QboSnapshot {
  readonly realmId: string
  readonly preferences: QboPreferences
  readonly companyInfo: QboCompanyInfo
  /** Every item and customer, inactive ones included: matching needs the whole namespace. */
  readonly items: ReadonlyArray<QboItem>
  readonly customers: ReadonlyArray<QboCustomer>
  /** Vendors and employees whose DisplayName equals an invoiced company's (name clashes). */
  readonly vendors: ReadonlyArray<QboNamedParty>
  readonly employees: ReadonlyArray<QboNamedParty>
  readonly terms: ReadonlyArray<QboTerm>
  readonly classes: ReadonlyArray<QboClass>
  readonly taxCodes: ReadonlyArray<QboTaxCode>
  readonly accounts: ReadonlyArray<QboAccount>
  /** The currency list besides the home currency; read only while multicurrency is on. */
  readonly companyCurrencies?: ReadonlyArray<QboCompanyCurrency>
  /** QBO documents dated in the window, plus those whose DocNumber an Autotask invoice names. */
  readonly invoices: ReadonlyArray<QboSalesDocument>
  readonly creditMemos: ReadonlyArray<QboSalesDocument>
  /** Payments dated in the payments window (payment sync); the invoices they apply to are in `invoices`. */
  readonly payments: ReadonlyArray<QboPayment>
}

export interface Snapshot {
  readonly window: Window
  readonly autotask: AutotaskSnapshot
  readonly qbo: QboSnapshot
}
