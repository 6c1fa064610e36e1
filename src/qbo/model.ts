/**
 * QuickBooks Online v3 entities as the API returns them (PascalCase, string `Id` and
 * `SyncToken`, money as JSON numbers, unset fields absent). Only what atqbo reads is typed.
 */

export type QboEntityName =
  | "Item"
  | "Customer"
  | "Vendor"
  | "Employee"
  | "Term"
  | "Class"
  | "Account"
  | "TaxCode"
  | "TaxRate"
  | "Invoice"
  | "CreditMemo"
  | "Payment"
  | "Attachable"
  | "CompanyCurrency"
  | "Preferences"
  | "CompanyInfo"

export interface QboRef {
  readonly value: string
  readonly name?: string
}

export interface QboMetaData {
  readonly CreateTime: string
  readonly LastUpdatedTime: string
}

export interface QboEntityBase {
  readonly Id: string
  readonly SyncToken: string
  readonly domain?: string
  readonly sparse?: boolean
  readonly MetaData?: QboMetaData
}

export type QboItemType = "Service" | "NonInventory" | "Inventory" | "Category" | "Group" | "Discount" | string

export interface QboItem extends QboEntityBase {
  readonly Name: string
  readonly FullyQualifiedName?: string
  readonly Type: QboItemType
  readonly Active?: boolean
  readonly Sku?: string
  readonly Description?: string
  readonly UnitPrice?: number
  readonly Taxable?: boolean
  readonly IncomeAccountRef?: QboRef
  readonly ExpenseAccountRef?: QboRef
  readonly ClassRef?: QboRef
}

export interface QboEmailAddress {
  readonly Address: string
}

export interface QboCustomer extends QboEntityBase {
  readonly DisplayName: string
  readonly CompanyName?: string
  readonly FullyQualifiedName?: string
  readonly Active?: boolean
  readonly PrimaryEmailAddr?: QboEmailAddress
  readonly SalesTermRef?: QboRef
  readonly Balance?: number
  readonly Job?: boolean
  readonly ParentRef?: QboRef
  readonly CurrencyRef?: QboRef
}

/** Vendor and Employee matter only because they share the DisplayName namespace. */
export interface QboNamedParty extends QboEntityBase {
  readonly DisplayName: string
  readonly Active?: boolean
}

export interface QboTerm extends QboEntityBase {
  readonly Name: string
  readonly Active?: boolean
  readonly Type?: string
  readonly DueDays?: number
  readonly DayOfMonthDue?: number
  readonly DueNextMonthDays?: number
}

export interface QboClass extends QboEntityBase {
  readonly Name: string
  readonly FullyQualifiedName?: string
  readonly Active?: boolean
  readonly SubClass?: boolean
  readonly ParentRef?: QboRef
}

export interface QboAccount extends QboEntityBase {
  readonly Name: string
  readonly FullyQualifiedName?: string
  readonly Active?: boolean
  readonly AccountType?: string
  readonly AccountSubType?: string
  readonly Classification?: string
}

export interface QboTaxCode extends QboEntityBase {
  readonly Name: string
  readonly Active?: boolean
  readonly Taxable?: boolean
  readonly TaxGroup?: boolean
  readonly Description?: string
}

export interface QboSalesItemLineDetail {
  readonly ItemRef: QboRef
  readonly Qty?: number
  readonly UnitPrice?: number
  readonly ClassRef?: QboRef
  readonly TaxCodeRef?: QboRef
  readonly ServiceDate?: string
  readonly ItemAccountRef?: QboRef
}

export interface QboLine {
  readonly Id?: string
  readonly LineNum?: number
  readonly Description?: string
  readonly Amount: number
  readonly DetailType: "SalesItemLineDetail" | "SubTotalLineDetail" | "DescriptionOnly" | "DiscountLineDetail" | "GroupLineDetail"
  readonly SalesItemLineDetail?: QboSalesItemLineDetail
  readonly SubTotalLineDetail?: Record<string, never>
  readonly DescriptionLineDetail?: { readonly ServiceDate?: string; readonly TaxCodeRef?: QboRef }
}

export interface QboTxnTaxDetail {
  readonly TxnTaxCodeRef?: QboRef
  readonly TotalTax?: number
  readonly TaxLine?: ReadonlyArray<unknown>
}

export interface QboLinkedTxn {
  readonly TxnId: string
  readonly TxnType: string
  readonly TxnLineId?: string
}

/** Invoice and CreditMemo share this shape. */
export interface QboSalesDocument extends QboEntityBase {
  readonly DocNumber?: string
  readonly TxnDate?: string
  readonly DueDate?: string
  readonly CustomerRef: QboRef
  readonly SalesTermRef?: QboRef
  readonly ClassRef?: QboRef
  readonly Line: ReadonlyArray<QboLine>
  readonly TxnTaxDetail?: QboTxnTaxDetail
  readonly GlobalTaxCalculation?: "TaxExcluded" | "TaxInclusive" | "NotApplicable"
  readonly CustomerMemo?: { readonly value: string }
  /** Carries the ownership marker (see reconcile/marker.ts). Not filterable in queries. */
  readonly PrivateNote?: string
  readonly BillEmail?: QboEmailAddress
  readonly EmailStatus?: "NotSet" | "NeedToSend" | "EmailSent"
  readonly DeliveryInfo?: { readonly DeliveryType?: string; readonly DeliveryTime?: string }
  readonly TotalAmt?: number
  readonly Balance?: number
  readonly RemainingCredit?: number
  readonly LinkedTxn?: ReadonlyArray<QboLinkedTxn>
  readonly CurrencyRef?: QboRef
  /** Home units per one unit of `CurrencyRef` (multicurrency on). */
  readonly ExchangeRate?: number
  readonly HomeTotalAmt?: number
}

export type QboInvoice = QboSalesDocument
export type QboCreditMemo = QboSalesDocument

export interface QboPaymentLine {
  readonly Amount: number
  readonly LinkedTxn: ReadonlyArray<QboLinkedTxn>
}

export interface QboPayment extends QboEntityBase {
  readonly TxnDate: string
  readonly TotalAmt: number
  readonly UnappliedAmt?: number
  readonly CustomerRef: QboRef
  readonly Line?: ReadonlyArray<QboPaymentLine>
  readonly PaymentRefNum?: string
  readonly CurrencyRef?: QboRef
}

export interface QboPreferences extends QboEntityBase {
  readonly AccountingInfoPrefs?: {
    readonly ClassTrackingPerTxn?: boolean
    readonly ClassTrackingPerTxnLine?: boolean
    readonly TrackDepartments?: boolean
    readonly BookCloseDate?: string
  }
  readonly SalesFormsPrefs?: {
    readonly CustomTxnNumbers?: boolean
    readonly AllowServiceDate?: boolean
    readonly DefaultTerms?: QboRef
    readonly [key: string]: unknown
  }
  readonly TaxPrefs?: {
    readonly UsingSalesTax?: boolean
    readonly PartnerTaxEnabled?: boolean
    readonly TaxGroupCodeRef?: QboRef
  }
  readonly CurrencyPrefs?: {
    readonly MultiCurrencyEnabled?: boolean
    readonly HomeCurrency?: QboRef
  }
  readonly [key: string]: unknown
}

export interface QboCompanyInfo extends QboEntityBase {
  readonly CompanyName: string
  readonly LegalName?: string
  readonly Country?: string
  readonly SubscriptionStatus?: string
  readonly [key: string]: unknown
}

/** One entry of a QBO Fault (`Fault.Error[]`). */
export interface QboFaultError {
  readonly Message: string
  readonly Detail?: string
  readonly code: string
  readonly element?: string
}

export interface QboFault {
  readonly type: string
  readonly Error: ReadonlyArray<QboFaultError>
}

/** A currency of the company's list besides the home one (multicurrency on). */
export interface QboCompanyCurrency extends QboEntityBase {
  readonly Code: string
  readonly Name?: string
  readonly Active?: boolean
}
