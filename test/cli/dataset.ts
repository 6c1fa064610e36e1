/**
 * A small sandbox dataset for the CLI tests, written to a temporary directory with invoice
 * dates a few days before today (so they sit inside the default 14-day window). It has one
 * of each kind of match `import` and `doctor` tell apart:
 *
 * | Autotask                         | QBO                         | expected            |
 * |----------------------------------|-----------------------------|---------------------|
 * | billing code Remote Support      | item Remote Support         | matched             |
 * | billing code After-Hours Labor   | item After Hours Labor      | close match         |
 * | billing code Onsite Labour       | item Onsite Labor           | close match (typo)  |
 * | billing code Hardware            | item Hardware (Category)    | differing           |
 * | billing code Backup Monitoring   | —                           | missing             |
 * | term Net 30                      | term Net 30                 | matched             |
 * | term Net 30 Days                 | term Net 30                 | close match (alias) |
 * | term Due Upon Receipt            | term Due on receipt         | close match (alias) |
 * | term Net 45                      | —                           | missing             |
 * | company Northwind Traders        | customer Northwind Traders  | matched             |
 * | company Contoso Ltd              | customer Contoso            | close match (xref)  |
 * | company Fabrikam, Inc.           | customer Fabrikam Inc       | close match (xref)  |
 * | company Adventure Works          | —                           | missing             |
 * | company Litware (inactive, billed) | —                          | missing             |
 * | company Tailspin Toys (no invoices) | —                        | not read            |
 */
import { mkdir, writeFile } from "node:fs/promises"
import * as path from "node:path"

const daysAgo = (days: number): string => {
  const date = new Date(Date.now() - days * 86_400_000)
  return `${date.toISOString().slice(0, 10)}T00:00:00`
}

export const BILLING_CODES = [
  { id: 1, name: "Remote Support", externalNumber: "RS", isActive: true, billingCodeType: 0, useType: 1 },
  { id: 2, name: "After-Hours Labor", externalNumber: "AH", isActive: true, billingCodeType: 0, useType: 1 },
  { id: 3, name: "Onsite Labour", externalNumber: "OL", isActive: true, billingCodeType: 0, useType: 1 },
  { id: 4, name: "Hardware", externalNumber: "HW", isActive: true, billingCodeType: 0, useType: 1 },
  { id: 5, name: "Backup Monitoring", externalNumber: "BM", isActive: true, billingCodeType: 0, useType: 1 },
  { id: 6, name: "Retired Code", externalNumber: "RC", isActive: false, billingCodeType: 0, useType: 1 }
]

export const PAYMENT_TERMS = [
  { id: 1, name: "Net 30", isActive: true, paymentDueInDays: 30 },
  { id: 2, name: "Net 30 Days", isActive: true, paymentDueInDays: 30 },
  { id: 3, name: "Due Upon Receipt", isActive: true, paymentDueInDays: 0 },
  { id: 4, name: "Net 45", isActive: true, paymentDueInDays: 45 },
  { id: 5, name: "Thirty", isActive: false, paymentDueInDays: 30 }
]

export const COMPANIES = [
  { id: 10, companyName: "Northwind Traders", isActive: true, companyType: 1 },
  { id: 11, companyName: "Contoso Ltd", isActive: true, companyType: 1 },
  { id: 12, companyName: "Fabrikam, Inc.", isActive: true, companyType: 1 },
  { id: 13, companyName: "Adventure Works", isActive: true, companyType: 1 },
  { id: 14, companyName: "Litware", isActive: false, companyType: 1 },
  { id: 15, companyName: "Tailspin Toys", isActive: true, companyType: 1 }
]

const invoice = (id: number, companyID: number, paymentTerm: number, total: number) => ({
  id,
  companyID,
  batchID: 1,
  createDateTime: `${daysAgo(3).slice(0, 10)}T09:00:00Z`,
  invoiceDateTime: daysAgo(3),
  invoiceNumber: null,
  invoiceTotal: total,
  totalTaxValue: 0,
  isVoided: false,
  orderNumber: "",
  comments: null,
  paymentTerm,
  paidDate: null,
  webServiceDate: null,
  taxRegionName: "",
  dueDate: daysAgo(-27)
})

const billingItem = (id: number, invoiceID: number, companyID: number, billingCodeID: number, amount: number) => ({
  id,
  invoiceID,
  billingCodeID,
  billingItemType: 1,
  companyID,
  itemName: "Support",
  description: "Support hours",
  itemDate: daysAgo(5),
  quantity: 1,
  rate: amount,
  extendedPrice: amount,
  taxDollars: 0,
  totalAmount: amount,
  sortOrderID: 1,
  webServiceDate: null
})

export const INVOICES = [
  invoice(100, 10, 1, 150),
  invoice(101, 11, 2, 200),
  invoice(102, 12, 3, 250),
  invoice(103, 13, 4, 300),
  invoice(104, 14, 1, 50)
]

export const BILLING_ITEMS = INVOICES.map((row, index) => billingItem(1000 + index, row.id, row.companyID, 1, row.invoiceTotal))

export const QBO_ITEMS = [
  { Id: "1", Name: "Remote Support", Type: "Service", Active: true, IncomeAccountRef: { value: "1", name: "Services" } },
  { Id: "2", Name: "After Hours Labor", Type: "Service", Active: true, IncomeAccountRef: { value: "1", name: "Services" } },
  { Id: "3", Name: "Onsite Labor", Type: "Service", Active: true, IncomeAccountRef: { value: "1", name: "Services" } },
  { Id: "4", Name: "Hardware", Type: "Category", Active: true }
]

export const QBO_CUSTOMERS = [
  { Id: "1", DisplayName: "Northwind Traders", Active: true },
  { Id: "2", DisplayName: "Contoso", Active: true },
  { Id: "3", DisplayName: "Fabrikam Inc", Active: true }
]

export interface DatasetVariant {
  /** Merged over the default QBO preferences. */
  readonly preferences?: Record<string, unknown>
  /** Written as DIR/sandbox.yaml. */
  readonly sandboxYaml?: string
}

/** Writes the dataset into `dir` (created) and returns it. */
export const writeDataset = async (dir: string, variant: DatasetVariant = {}): Promise<string> => {
  await mkdir(path.join(dir, "autotask"), { recursive: true })
  await mkdir(path.join(dir, "qbo"), { recursive: true })
  const json = (file: string, value: unknown) => writeFile(path.join(dir, file), `${JSON.stringify(value, null, 2)}\n`, "utf8")
  await json("autotask/BillingCodes.json", BILLING_CODES)
  await json("autotask/PaymentTerms.json", PAYMENT_TERMS)
  await json("autotask/Companies.json", COMPANIES)
  await json("autotask/Invoices.json", INVOICES)
  await json("autotask/BillingItems.json", BILLING_ITEMS)
  await json("qbo/Item.json", QBO_ITEMS)
  await json("qbo/Customer.json", QBO_CUSTOMERS)
  if (variant.preferences !== undefined) {
    await json("qbo/Preferences.json", {
      AccountingInfoPrefs: { ClassTrackingPerTxn: false, ClassTrackingPerTxnLine: false },
      SalesFormsPrefs: { CustomTxnNumbers: false, AllowServiceDate: true },
      TaxPrefs: { UsingSalesTax: false, PartnerTaxEnabled: false },
      CurrencyPrefs: { MultiCurrencyEnabled: false, HomeCurrency: { value: "USD" } },
      ...variant.preferences
    })
  }
  if (variant.sandboxYaml !== undefined) await writeFile(path.join(dir, "sandbox.yaml"), variant.sandboxYaml, "utf8")
  return dir
}
