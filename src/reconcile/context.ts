/**
 * Lookup tables built once per plan from the snapshot and the config, so that deciding each
 * invoice is a handful of map reads. Pure.
 */
import type {
  AtBillingCode,
  AtBillingItem,
  AtCompany,
  AtContact,
  AtPaymentTerm,
  AtTaxCategory
} from "../autotask/model.ts"
import type { Config } from "../config/types.ts"
import type { QboAccount, QboClass, QboCustomer, QboItem, QboSalesDocument, QboTaxCode, QboTerm } from "../qbo/model.ts"
import { currencyFacts, type CurrencyFacts, type QboCurrencies } from "./currency.ts"
import { type MappingFinding, mappingFindings, type MeantKind } from "./mappings.ts"
import { ownerOf } from "./marker.ts"
import { customerKey, nameKey } from "./names.ts"
import type { Snapshot } from "./snapshot.ts"

export interface QboSettings extends QboCurrencies {
  readonly classPerTxn: boolean
  readonly classPerLine: boolean
  readonly customTxnNumbers: boolean
  readonly usingSalesTax: boolean
  readonly automatedSalesTax: boolean
}

export interface OwnedDocument {
  readonly entity: "Invoice" | "CreditMemo"
  readonly doc: QboSalesDocument
}

export interface PlanContext extends CurrencyFacts {
  readonly config: Config
  readonly snapshot: Snapshot
  readonly qbo: QboSettings
  readonly billingItemsByInvoice: ReadonlyMap<number, ReadonlyArray<AtBillingItem>>
  readonly billingCodes: ReadonlyMap<number, AtBillingCode>
  /** Companies with a name; `nameless` holds those Autotask sent without one (their invoices are rejected). */
  readonly companies: ReadonlyMap<number, AtCompany>
  readonly nameless: ReadonlySet<number>
  readonly primaryContacts: ReadonlyMap<number, AtContact>
  readonly paymentTerms: ReadonlyMap<number, AtPaymentTerm>
  readonly taxCategories: ReadonlyMap<number, AtTaxCategory>
  /** QBO items by `nameKey` of Name and of FullyQualifiedName. */
  readonly items: ReadonlyMap<string, QboItem>
  /** QBO customers by `customerKey` (several can share a normalised key). */
  readonly customersByKey: ReadonlyMap<string, ReadonlyArray<QboCustomer>>
  /** QBO customers by exact-name key. */
  readonly customersByName: ReadonlyMap<string, QboCustomer>
  /** Vendor/employee DisplayNames by `nameKey` → which kind holds it. */
  readonly otherNames: ReadonlyMap<string, "vendor" | "employee">
  readonly terms: ReadonlyMap<string, QboTerm>
  readonly classes: ReadonlyMap<string, QboClass>
  readonly taxCodes: ReadonlyMap<string, QboTaxCode>
  readonly accounts: ReadonlyMap<string, QboAccount>
  /** Documents carrying atqbo's marker, by Autotask invoice id. */
  readonly owned: ReadonlyMap<number, ReadonlyArray<OwnedDocument>>
  /** Every observed document by DocNumber key. */
  readonly byDocNumber: ReadonlyMap<string, ReadonlyArray<OwnedDocument>>
  /** Mapping entries that point at nothing (reconcile/mappings.ts). */
  readonly mappingFindings: ReadonlyArray<MappingFinding>
  /** Autotask records a misspelt entry most likely meant, by `kind:nameKey`: their invoices are refused, not guessed. */
  readonly meant: ReadonlyMap<string, MappingFinding>
}

const indexBy = <A, K>(rows: ReadonlyArray<A>, key: (row: A) => K): Map<K, A> => {
  const map = new Map<K, A>()
  for (const row of rows) map.set(key(row), row)
  return map
}

const groupBy = <A, K>(rows: Iterable<A>, key: (row: A) => K | undefined): Map<K, Array<A>> => {
  const map = new Map<K, Array<A>>()
  for (const row of rows) {
    const k = key(row)
    if (k === undefined) continue
    const group = map.get(k)
    if (group) group.push(row)
    else map.set(k, [row])
  }
  return map
}

/** Names and fully qualified names both resolve; an exact Name wins over an FQN. */
export const indexNamed = <A extends { readonly Name: string; readonly FullyQualifiedName?: string; readonly Active?: boolean }>(
  rows: ReadonlyArray<A>
): Map<string, A> => {
  const map = new Map<string, A>()
  for (const row of rows) if (row.FullyQualifiedName) map.set(nameKey(row.FullyQualifiedName), row)
  // Active records win over inactive ones with the same name.
  const ordered = [...rows].sort((a, b) => Number(isActive(a)) - Number(isActive(b)))
  for (const row of ordered) map.set(nameKey(row.Name), row)
  return map
}

/** Autotask can send a company whose name is null or blank; nothing can be matched or created for it. */
export const hasName = (company: AtCompany): boolean => typeof company.companyName === "string" && company.companyName.trim() !== ""

export const isActive = (row: { readonly Active?: boolean }): boolean => row.Active !== false

export const buildContext = (snapshot: Snapshot, config: Config): PlanContext => {
  const prefs = snapshot.qbo.preferences
  const documents: Array<OwnedDocument> = [
    ...snapshot.qbo.invoices.map((doc) => ({ entity: "Invoice" as const, doc })),
    ...snapshot.qbo.creditMemos.map((doc) => ({ entity: "CreditMemo" as const, doc }))
  ]
  const otherNames = new Map<string, "vendor" | "employee">()
  for (const vendor of snapshot.qbo.vendors) otherNames.set(nameKey(vendor.DisplayName), "vendor")
  for (const employee of snapshot.qbo.employees) otherNames.set(nameKey(employee.DisplayName), "employee")
  const billingItems = [...snapshot.autotask.billingItems].sort(
    (a, b) => (a.sortOrderID ?? Number.MAX_SAFE_INTEGER) - (b.sortOrderID ?? Number.MAX_SAFE_INTEGER) || a.id - b.id
  )
  const primaryContacts = new Map<number, AtContact>()
  for (const contact of [...snapshot.autotask.contacts].sort((a, b) => a.id - b.id)) {
    const active = contact.isActive === true || contact.isActive === 1
    if (active && contact.primaryContact && contact.emailAddress && !primaryContacts.has(contact.companyID)) {
      primaryContacts.set(contact.companyID, contact)
    }
  }
  const customersByName = new Map<string, QboCustomer>()
  for (const customer of [...snapshot.qbo.customers].sort((a, b) => Number(isActive(a)) - Number(isActive(b)))) {
    customersByName.set(nameKey(customer.DisplayName), customer)
  }
  const mappingFindings = findingsOf(snapshot, config)
  const currencies = currencyFacts(prefs, snapshot.qbo.companyCurrencies, snapshot.autotask.currencies)
  return {
    mappingFindings,
    meant: new Map(mappingFindings.flatMap((finding) => (finding.meant ? [[meantKey(finding.meant.kind, finding.meant.name), finding] as const] : []))),
    config,
    snapshot,
    qbo: {
      classPerTxn: prefs.AccountingInfoPrefs?.ClassTrackingPerTxn === true,
      classPerLine: prefs.AccountingInfoPrefs?.ClassTrackingPerTxnLine === true,
      customTxnNumbers: prefs.SalesFormsPrefs?.CustomTxnNumbers === true,
      usingSalesTax: prefs.TaxPrefs?.UsingSalesTax === true,
      automatedSalesTax: prefs.TaxPrefs?.PartnerTaxEnabled === true,
      ...currencies.qbo
    },
    billingItemsByInvoice: groupBy(billingItems, (item) => item.invoiceID ?? undefined),
    billingCodes: indexBy(snapshot.autotask.billingCodes, (code) => code.id),
    companies: indexBy(snapshot.autotask.companies.filter(hasName), (company) => company.id),
    nameless: new Set(snapshot.autotask.companies.filter((company) => !hasName(company)).map((company) => company.id)),
    primaryContacts,
    paymentTerms: indexBy(snapshot.autotask.paymentTerms, (term) => term.id),
    taxCategories: indexBy(snapshot.autotask.taxCategories, (category) => category.id),
    currencies: currencies.currencies,
    internalCurrency: currencies.internalCurrency,
    items: indexNamed(snapshot.qbo.items),
    customersByKey: groupBy(snapshot.qbo.customers, (customer) => customerKey(customer.DisplayName, config.customers.normalize)),
    customersByName,
    otherNames,
    terms: indexNamed(snapshot.qbo.terms),
    classes: indexNamed(snapshot.qbo.classes),
    taxCodes: indexNamed(snapshot.qbo.taxCodes),
    accounts: indexNamed(snapshot.qbo.accounts),
    owned: groupBy(documents, (document) => ownerOf(document.doc.PrivateNote)),
    byDocNumber: groupBy(documents, (document) => (document.doc.DocNumber ? nameKey(document.doc.DocNumber) : undefined))
  }
}

export const meantKey = (kind: MeantKind, name: string): string => `${kind}:${nameKey(name)}`

const findingsOf = (snapshot: Snapshot, config: Config): ReadonlyArray<MappingFinding> =>
  mappingFindings(config, snapshot.qbo, snapshot.autotask.mappingLists ?? {})
