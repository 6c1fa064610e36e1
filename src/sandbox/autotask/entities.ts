/**
 * What the simulator knows about each Autotask entity: field names and types, which fields
 * can be queried and written, which carry user-defined fields, and the picklists that
 * `entityInformation/fields` serves. Field lists follow reference/autotask-api.md §10;
 * fields present in a dataset but unknown here are still served and queryable (their type
 * is inferred from the data), so fixtures with newer fields keep working.
 */
import type { AtEntityName } from "../../autotask/model.ts"

export const ENTITY_NAMES: ReadonlyArray<AtEntityName> = [
  "Invoices",
  "BillingItems",
  "BillingCodes",
  "Companies",
  "Contacts",
  "PaymentTerms",
  "TaxCategories",
  "TaxRegions",
  "Taxes",
  "InvoiceTemplates",
  "Currencies"
]

const entityByLowerName = new Map(ENTITY_NAMES.map((name) => [name.toLowerCase(), name]))

/** Route segments are case-insensitive (ASP.NET routing). */
export const entityFromPath = (segment: string): AtEntityName | undefined =>
  entityByLowerName.get(segment.toLowerCase())

export type FieldType = "long" | "integer" | "decimal" | "boolean" | "string" | "datetime"

export interface FieldSpec {
  readonly name: string
  readonly type: FieldType
  readonly length: number | undefined
  readonly readOnly: boolean
  readonly queryable: boolean
  readonly required: boolean
  readonly reference: AtEntityName | undefined
}

/**
 * Compact field lists: `name:type[(length)]`, with markers `!` writable via the API,
 * `~` not queryable, `*` required, `>Entity` a reference. Types: l long, i integer,
 * d decimal, b boolean, s string, t datetime.
 */
const FIELD_LISTS: Record<AtEntityName, string> = {
  Invoices: `id:l* batchID:i comments:s(4000) companyID:i*>Companies createDateTime:t creatorResourceID:i
    dueDate:t~ fromDate:t invoiceDateTime:t* invoiceEditorTemplateID:i>InvoiceTemplates invoiceNumber:s(100)!
    invoiceTotal:d isVoided:b orderNumber:s(20) paidDate:t! paymentTerm:i taxGroup:i taxRegionID:i~
    taxRegionName:s(200) toDate:t totalTaxValue:d voidedByResourceID:i voidedDate:t webServiceDate:t!
    invoiceStatus:i invoiceTaxMethodExternalCode:s(100)`,
  BillingItems: `id:l* accountManagerWhenApprovedID:i billingCodeID:i>BillingCodes billingItemType:i*
    companyID:i>Companies configurationItemID:i contractBlockID:i contractChargeID:i contractID:i
    contractServiceAdjustmentID:i contractServiceBundleAdjustmentID:i contractServiceBundleID:i
    contractServiceBundlePeriodID:i contractServiceID:i contractServicePeriodID:i description:s(2000)
    expenseItemID:i extendedPrice:d internalCurrencyExtendedPrice:d internalCurrencyRate:d
    internalCurrencyTaxDollars:d internalCurrencyTotalAmount:d invoiceID:i>Invoices itemApproverID:i itemDate:t
    itemName:s(255) lineItemFullDescription:s(8000)~ lineItemGroupDescription:s(8000)~ lineItemID:i milestoneID:i
    nonBillable:i* organizationalLevelAssociationID:i ourCost:d postedDate:t postedOnTime:t projectChargeID:i
    projectID:i purchaseOrderNumber:s(50) quantity:d rate:d roleID:i serviceBundleID:i serviceID:i sortOrderID:i
    subType:i* taskID:i taxCategoryID:i>TaxCategories taxDollars:d ticketChargeID:i ticketID:i timeEntryID:i
    totalAmount:d vendorID:i webServiceDate:t!`,
  BillingCodes: `id:l* afterHoursWorkType:i billingCodeType:i department:i description:s(500) externalNumber:s(100)
    generalLedgerAccount:i isActive:b* isExcludedFromNewContracts:b markupRate:d name:s(200)*
    taxCategoryID:i>TaxCategories unitCost:d unitPrice:d useType:i`,
  Companies: `id:l* address1:s(150) address2:s(150) city:s(50) classification:i companyName:s(100)*
    companyNumber:s(50) companyType:i* countryID:i createDate:t currencyID:i invoiceTemplateID:i>InvoiceTemplates
    isActive:b isTaxExempt:b lastActivityDate:t lastTrackedModifiedDateTime:t ownerResourceID:i
    parentCompanyID:i>Companies phone:s(25) postalCode:s(10) state:s(25) taxRegionID:i>TaxRegions webAddress:s(255)`,
  Contacts: `id:l* companyID:i*>Companies emailAddress:s(254) firstName:s(50)* isActive:i* lastModifiedDate:t
    lastName:s(50)* phone:s(25) primaryContact:b title:s(50)`,
  PaymentTerms: `id:l* description:s(200) isActive:b* name:s(50)* paymentDueInDays:i`,
  TaxCategories: `id:l* description:s(500) isActive:b* name:s(200)*`,
  TaxRegions: `id:l* isActive:b* name:s(200)*`,
  Taxes: `id:l* isCompounded:b taxCategoryID:i*>TaxCategories taxName:s(100)* taxRate:d* taxRegionID:i*>TaxRegions`,
  InvoiceTemplates: `id:l* name:s(100)*`,
  // Multi-currency module only; query and update, never create or delete. Fields: the REST
  // CurrencyModel (aenichols/ATREST-CSharp-Client docs/CurrencyModel.md); name is the 3-letter
  // ISO code, description/displaySymbol required (moldypenguins/AutotaskNET Entities/Currency.cs).
  Currencies: `id:l* currencyNegativeFormat:s(50) currencyPositiveFormat:s(50) description:s(100)* displaySymbol:i*
    exchangeRate:d isActive:b* isInternalCurrency:b* lastModifiedDateTime:t name:s(3)* updateResourceID:i`
}

const TYPE_CODES: Record<string, FieldType> = {
  l: "long",
  i: "integer",
  d: "decimal",
  b: "boolean",
  s: "string",
  t: "datetime"
}

const FIELD_PATTERN = /^(\w+):([lidbst])(?:\((\d+)\))?([!~*]*)(?:>(\w+))?$/

const parseFieldList = (entity: AtEntityName, list: string): ReadonlyArray<FieldSpec> =>
  list.split(/\s+/).filter((token) => token !== "").map((token) => {
    const match = FIELD_PATTERN.exec(token)
    if (match === null) throw new Error(`bad field spec ${entity}.${token}`)
    const [, name = "", code = "s", length, markers = "", reference] = match
    return {
      name,
      type: TYPE_CODES[code] ?? "string",
      length: length === undefined ? undefined : Number(length),
      readOnly: !markers.includes("!"),
      queryable: !markers.includes("~"),
      required: markers.includes("*"),
      reference: reference === undefined ? undefined : entityFromPath(reference)
    }
  })

export const KNOWN_FIELDS: Record<AtEntityName, ReadonlyArray<FieldSpec>> = Object.fromEntries(
  ENTITY_NAMES.map((entity) => [entity, parseFieldList(entity, FIELD_LISTS[entity])])
) as Record<AtEntityName, ReadonlyArray<FieldSpec>>

/** Entities whose rows always carry `userDefinedFields` (reference §3). */
export const UDF_ENTITIES: ReadonlySet<AtEntityName> = new Set([
  "BillingItems",
  "BillingCodes",
  "Companies",
  "Contacts"
])

/** Entities the simulator accepts PATCH/PUT on (reference §3: Invoices and BillingItems). */
export const UPDATABLE_ENTITIES: ReadonlySet<AtEntityName> = new Set(["Invoices", "BillingItems"])

/** value → label. Values are strings, as `entityInformation/fields` serves them. */
export type Picklist = Readonly<Record<string, string>>
export type PicklistOverrides = Readonly<Partial<Record<AtEntityName, Readonly<Record<string, Picklist>>>>>

/**
 * Static picklists. Labels for billingItemType and useType are [uncertain] in the
 * reference; datasets override them in sandbox.yaml (`autotask.picklists`).
 * Invoices.paymentTerm and Invoices.taxGroup are derived from the PaymentTerms and
 * TaxRegions data instead, so they always agree with the dataset.
 */
export const DEFAULT_PICKLISTS: PicklistOverrides = {
  BillingItems: {
    billingItemType: {
      "1": "Labor",
      "2": "Project Cost",
      "3": "Cost",
      "4": "Expense",
      "5": "Subscription",
      "6": "Recurring Service",
      "7": "Recurring Services",
      "8": "Milestone"
    }
  },
  BillingCodes: {
    billingCodeType: { "0": "Normal", "1": "System", "2": "Non-Billable" },
    useType: {
      "1": "Work Type",
      "2": "General Billing Code",
      "3": "Internal Billing Code",
      "4": "Expense Billing Code",
      "5": "Recurring Contract Service",
      "6": "Milestone"
    }
  },
  Companies: {
    companyType: {
      "1": "Customer",
      "2": "Lead",
      "3": "Prospect",
      "4": "Dead",
      "6": "Cancellation",
      "7": "Vendor",
      "8": "Partner"
    }
  }
}

/** Picklists whose values come from another entity's rows: field → source entity. */
export const DATA_PICKLISTS: Partial<Record<AtEntityName, Readonly<Record<string, AtEntityName>>>> = {
  Invoices: { paymentTerm: "PaymentTerms", taxGroup: "TaxRegions" }
}

/** Autotask's singular entity name (`Companies` → `Company`), used in entity information. */
export const singularName = (entity: AtEntityName): string =>
  entity === "Taxes" ? "Tax" : entity.replace(/ies$/, "y").replace(/s$/, "")
