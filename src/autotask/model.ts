/**
 * Autotask REST entities as the API returns them (camelCase, ids as numbers, money as JSON
 * numbers, `""` and `null` both meaning empty). Only the fields atqbo reads are typed; the
 * API returns more, which pass through untouched.
 */

export type AtEntityName =
  | "Invoices"
  | "BillingItems"
  | "BillingCodes"
  | "Companies"
  | "Contacts"
  | "PaymentTerms"
  | "TaxCategories"
  | "TaxRegions"
  | "Taxes"
  | "InvoiceTemplates"
  | "Currencies"

export interface AtUdf {
  readonly name: string
  readonly value: string | null
}

export interface AtInvoice {
  readonly id: number
  readonly companyID: number
  readonly batchID?: number | null
  readonly createDateTime?: string | null
  /** ISO timestamp, with or without `Z`; Autotask stores UTC. */
  readonly invoiceDateTime: string
  readonly fromDate?: string | null
  readonly toDate?: string | null
  readonly dueDate?: string | null
  /** Blank (`null` or `""`) until synced in `qbo` numbering; may hold the vendor's `ERROR`. */
  readonly invoiceNumber: string | null
  readonly invoiceTotal: number | null
  readonly totalTaxValue: number | null
  readonly isVoided: boolean
  readonly voidedDate?: string | null
  readonly orderNumber?: string | null
  readonly comments?: string | null
  readonly paymentTerm?: number | null
  readonly paidDate?: string | null
  readonly webServiceDate?: string | null
  readonly taxGroup?: number | null
  readonly taxRegionName?: string | null
  readonly invoiceEditorTemplateID?: number | null
}

export interface AtBillingItem {
  readonly id: number
  /** 0 or null when posted but not invoiced. */
  readonly invoiceID: number | null
  readonly billingCodeID: number | null
  readonly billingItemType: number
  readonly subType?: number | null
  readonly companyID?: number | null
  readonly itemName?: string | null
  readonly description?: string | null
  readonly itemDate?: string | null
  readonly quantity: number | null
  readonly rate: number | null
  readonly extendedPrice: number | null
  /** extendedPrice in Autotask's internal currency (Multi-currency module). */
  readonly internalCurrencyExtendedPrice?: number | null
  readonly taxDollars?: number | null
  readonly totalAmount?: number | null
  readonly taxCategoryID?: number | null
  readonly lineItemID?: number | null
  readonly sortOrderID?: number | null
  readonly nonBillable?: number | null
  readonly webServiceDate?: string | null
  readonly userDefinedFields?: ReadonlyArray<AtUdf>
}

export interface AtBillingCode {
  readonly id: number
  readonly name: string
  readonly externalNumber?: string | number | null
  readonly description?: string | null
  readonly isActive: boolean
  readonly taxCategoryID?: number | null
  readonly unitPrice?: number | null
  readonly billingCodeType?: number | null
  readonly useType?: number | null
  readonly userDefinedFields?: ReadonlyArray<AtUdf>
}

export interface AtCompany {
  readonly id: number
  readonly companyName: string
  readonly companyNumber?: string | null
  readonly isActive: boolean
  readonly companyType?: number | null
  readonly classification?: number | null
  readonly parentCompanyID?: number | null
  readonly phone?: string | null
  readonly address1?: string | null
  readonly address2?: string | null
  readonly city?: string | null
  readonly state?: string | null
  readonly postalCode?: string | null
  readonly countryID?: number | null
  readonly taxRegionID?: number | null
  readonly isTaxExempt?: boolean | null
  readonly webAddress?: string | null
  /** → Currencies (Multi-currency module): the currency the company is invoiced in; null → the internal currency. */
  readonly currencyID?: number | null
  readonly userDefinedFields?: ReadonlyArray<AtUdf>
}

/**
 * Multi-currency module (reference autotask-api.md §11: invoice and billing item amounts are in
 * the customer's currency). `name` is the ISO 4217 code; `exchangeRate` is relative to the
 * internal currency, in a direction the reference does not settle [uncertain] (reconcile/currency.ts).
 */
export interface AtCurrency {
  readonly id: number
  readonly name: string
  readonly description?: string | null
  readonly exchangeRate?: number | string | null
  readonly isActive: boolean
  readonly isInternalCurrency: boolean
}

export interface AtContact {
  readonly id: number
  readonly companyID: number
  readonly firstName?: string | null
  readonly lastName?: string | null
  readonly emailAddress?: string | null
  /** Autotask marks one contact per company as primary. */
  readonly primaryContact?: boolean | null
  readonly isActive: number | boolean
}

export interface AtPaymentTerm {
  readonly id: number
  readonly name: string
  readonly description?: string | null
  readonly isActive: boolean
  readonly paymentDueInDays?: number | null
}

export interface AtTaxCategory {
  readonly id: number
  readonly name: string
  readonly description?: string | null
  readonly isActive: boolean
}

export interface AtTaxRegion {
  readonly id: number
  readonly name: string
  readonly isActive: boolean
}

export interface AtTax {
  readonly id: number
  readonly taxCategoryID: number
  readonly taxRegionID: number
  readonly taxName: string
  readonly taxRate: number
  readonly isCompounded?: boolean | null
}

export interface AtInvoiceTemplate {
  readonly id: number
  readonly name: string
  readonly [field: string]: unknown
}

/** `GET /ThresholdInformation`. */
export interface AtThresholdInfo {
  readonly externalRequestThreshold: number
  readonly requestThresholdTimeframe: number
  readonly currentTimeframeRequestCount: number
}

/** `GET zoneInformation?user=`. */
export interface AtZoneInfo {
  readonly zoneName: string
  /** REST root ending in `/ATServicesRest/`. */
  readonly url: string
  readonly webUrl: string
  readonly ci: number
}

/** Autotask query filter grammar (top-level array items are AND-ed). */
export type AtFilter = AtGroupFilter | AtLeafFilter

export interface AtGroupFilter {
  readonly op: "and" | "or"
  readonly items: ReadonlyArray<AtFilter>
}

export type AtLeafOp =
  | "eq"
  | "noteq"
  | "gt"
  | "gte"
  | "lt"
  | "lte"
  | "beginsWith"
  | "endsWith"
  | "contains"
  | "exist"
  | "notExist"
  | "in"
  | "notIn"

export interface AtLeafFilter {
  readonly op: AtLeafOp
  readonly field: string
  readonly value?: unknown
  readonly udf?: boolean
}

/** Fields atqbo may write on an invoice (the only writable ones). */
export interface AtInvoiceWrite {
  readonly invoiceNumber?: string | null
  readonly webServiceDate?: string | null
  readonly paidDate?: string | null
}
