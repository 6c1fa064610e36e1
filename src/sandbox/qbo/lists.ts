/**
 * Name-list entities: Customer (and Vendor/Employee, which share its DisplayName
 * namespace), Item, Term, Class, Account. Each builder validates names, lengths, required
 * fields, references and uniqueness, and fills the fields QBO fills.
 */
import { customerCurrency } from "./currency.ts"
import { Faults } from "./faults.ts"
import { DUPLICATE_PARTY_NAME } from "./faults.ts"
import { type JsonObject, type MutableJson, objectField, refValue } from "./json.ts"
import { type OpContext, asBoolean, checkEmail, checkLength, checkName, namedRef, requireField, resolveRef, sameName } from "./rules.ts"
import type { SimEntity, StoredRecord } from "./store.ts"

const PARTY_ENTITIES: ReadonlyArray<SimEntity> = ["Customer", "Vendor", "Employee"]

const PERSON_NAME_FIELDS: ReadonlyArray<readonly [string, number]> = [
  ["Title", 16],
  ["GivenName", 100],
  ["MiddleName", 100],
  ["FamilyName", 100],
  ["Suffix", 16]
]

const isSelf = (record: StoredRecord, entity: SimEntity, selfEntity: SimEntity, existing: StoredRecord | undefined) =>
  existing !== undefined && entity === selfEntity && record.data["Id"] === existing.data["Id"]

/** DisplayName is unique across customers, vendors and employees, inactive ones included. */
const checkPartyNameFree = (ctx: OpContext, name: string, selfEntity: SimEntity, existing: StoredRecord | undefined): void => {
  for (const entity of PARTY_ENTITIES) {
    for (const record of ctx.store.live(entity)) {
      if (isSelf(record, entity, selfEntity, existing)) continue
      const other = record.data["DisplayName"]
      if (typeof other === "string" && sameName(ctx, other, name)) throw Faults.duplicateName(DUPLICATE_PARTY_NAME)
    }
  }
}

/** Unique `FullyQualifiedName` within one list (items, classes, accounts, terms). */
const checkListNameFree = (ctx: OpContext, entity: SimEntity, fullName: string, existing: StoredRecord | undefined, what: string): void => {
  for (const record of ctx.store.live(entity)) {
    if (isSelf(record, entity, entity, existing)) continue
    const other = record.data["FullyQualifiedName"] ?? record.data["Name"]
    if (typeof other === "string" && sameName(ctx, other, fullName)) {
      throw Faults.duplicateName(`Another ${what} is already using this name. Please use a different name.`)
    }
  }
}

const withActive = (output: MutableJson, input: JsonObject): void => {
  output["Active"] = asBoolean(input["Active"]) ?? true
}

export const buildParty = (ctx: OpContext, entity: SimEntity, input: JsonObject, existing: StoredRecord | undefined): MutableJson => {
  for (const [field, max] of PERSON_NAME_FIELDS) checkName(input[field], field, max)
  checkName(input["PrintOnCheckName"], "PrintOnCheckName", 100)
  checkLength(input["CompanyName"], "CompanyName", 100)
  checkEmail(input, "PrimaryEmailAddr")
  for (const phone of ["PrimaryPhone", "AlternatePhone", "Mobile", "Fax"]) {
    checkLength(objectField(input, phone)?.["FreeFormNumber"], `${phone}.FreeFormNumber`, 30)
  }
  const composed = PERSON_NAME_FIELDS.map(([field]) => input[field])
    .filter((part): part is string => typeof part === "string" && part.trim() !== "")
    .join(" ")
  const given = input["DisplayName"]
  if (given !== undefined && given !== null && typeof given !== "string") throw Faults.unsupportedProperty("Property Name:DisplayName must be a string", "DisplayName")
  const displayName = typeof given === "string" && given.trim() !== "" ? given : composed
  if (displayName === "") throw Faults.required("DisplayName")
  checkName(displayName, "DisplayName", 500)
  checkPartyNameFree(ctx, displayName, entity, existing)

  const output: MutableJson = { ...input, DisplayName: displayName }
  delete output["sparse"]
  withActive(output, input)
  if (entity !== "Customer") return output

  let fullName = displayName
  if (asBoolean(input["Job"]) === true || input["ParentRef"] !== undefined) {
    const parent = resolveRef(ctx, "Customer", input, "ParentRef", "ParentRef")
    if (parent === undefined) throw Faults.required("ParentRef")
    if (existing !== undefined && parent.data["Id"] === existing.data["Id"]) throw Faults.business("A customer can't be its own parent.", "ParentRef")
    const level = (typeof parent.data["Level"] === "number" ? parent.data["Level"] : 0) + 1
    if (level > 4) throw Faults.business("Sub-customers can be nested at most 4 levels deep.", "ParentRef")
    fullName = `${String(parent.data["FullyQualifiedName"] ?? parent.data["DisplayName"])}:${displayName}`
    output["ParentRef"] = namedRef(String(parent.data["Id"]), parent.data["DisplayName"])
    output["Job"] = true
    output["Level"] = level
    output["BillWithParent"] = asBoolean(input["BillWithParent"]) ?? false
  } else {
    output["Job"] = false
    output["BillWithParent"] = false
  }
  output["FullyQualifiedName"] = fullName
  if (input["SalesTermRef"] !== undefined && input["SalesTermRef"] !== null) {
    const term = resolveRef(ctx, "Term", input, "SalesTermRef", "SalesTermRef")!
    output["SalesTermRef"] = namedRef(String(term.data["Id"]), term.data["Name"])
  }
  output["Balance"] = existing?.data["Balance"] ?? 0
  output["BalanceWithJobs"] = existing?.data["BalanceWithJobs"] ?? 0
  output["Taxable"] = asBoolean(input["Taxable"]) ?? false
  output["CurrencyRef"] = customerCurrency(ctx, input, existing)
  output["PreferredDeliveryMethod"] = input["PreferredDeliveryMethod"] ?? "Print"
  output["PrintOnCheckName"] = input["PrintOnCheckName"] ?? displayName
  return output
}

const ITEM_TYPES = new Set(["Service", "NonInventory", "Inventory", "Category"])

export const buildItem = (ctx: OpContext, input: JsonObject, existing: StoredRecord | undefined): MutableJson => {
  const name = requireField(input, "Name")
  checkName(name, "Name", 100)
  const type = requireField(input, "Type")
  if (typeof type !== "string" || !ITEM_TYPES.has(type)) throw Faults.invalidEnumeration(String(type), "Type")
  if (existing !== undefined && existing.data["Type"] === "Inventory" && type !== "Inventory") {
    throw Faults.business("You can't change the type of an inventory item.", "Type")
  }
  checkLength(input["Sku"], "Sku", 100)
  checkLength(input["Description"], "Description", 4000)
  checkLength(input["PurchaseDesc"], "PurchaseDesc", 1000)
  for (const field of ["UnitPrice", "PurchaseCost"]) {
    const value = input[field]
    if (value !== undefined && value !== null && (typeof value !== "number" || Math.abs(value) > 99_999_999_999)) {
      throw Faults.unsupportedProperty(`Property Name:${field} must be a number no larger than 99999999999`, field)
    }
  }
  const output: MutableJson = { ...input, Name: name as string, Type: type }
  delete output["sparse"]
  withActive(output, input)

  let fullName = name as string
  if (asBoolean(input["SubItem"]) === true || input["ParentRef"] !== undefined) {
    const parent = resolveRef(ctx, "Item", input, "ParentRef", "ParentRef")
    if (parent === undefined) throw Faults.required("ParentRef")
    const level = (typeof parent.data["Level"] === "number" ? parent.data["Level"] : 0) + 1
    if (level > 4) throw Faults.business("Sub-items can be nested at most 5 levels deep.", "ParentRef")
    fullName = `${String(parent.data["FullyQualifiedName"] ?? parent.data["Name"])}:${fullName}`
    output["ParentRef"] = namedRef(String(parent.data["Id"]), parent.data["Name"])
    output["SubItem"] = true
    output["Level"] = level
  }
  output["FullyQualifiedName"] = fullName
  checkListNameFree(ctx, "Item", fullName, existing, "product or service")

  if (type === "Service" || type === "Inventory") {
    if (input["IncomeAccountRef"] === undefined || input["IncomeAccountRef"] === null) throw Faults.required("IncomeAccountRef")
  }
  for (const field of ["IncomeAccountRef", "ExpenseAccountRef", "AssetAccountRef"]) {
    if (input[field] === undefined || input[field] === null) continue
    const account = resolveRef(ctx, "Account", input, field, field)!
    output[field] = namedRef(String(account.data["Id"]), account.data["Name"])
  }
  if (type === "Inventory") {
    for (const field of ["AssetAccountRef", "InvStartDate", "QtyOnHand"]) requireField(input, field)
    if (asBoolean(input["TrackQtyOnHand"]) !== true) throw Faults.required("TrackQtyOnHand")
  } else {
    output["TrackQtyOnHand"] = false
  }
  if (existing !== undefined && existing.data["TrackQtyOnHand"] === true && asBoolean(input["TrackQtyOnHand"]) === false) {
    throw Faults.business("Quantity tracking can't be turned off once it is on.", "TrackQtyOnHand")
  }
  if (input["ClassRef"] !== undefined && input["ClassRef"] !== null) {
    const klass = resolveRef(ctx, "Class", input, "ClassRef", "ClassRef")!
    output["ClassRef"] = namedRef(String(klass.data["Id"]), klass.data["Name"])
  }
  output["Taxable"] = asBoolean(input["Taxable"]) ?? false
  output["UnitPrice"] = input["UnitPrice"] ?? 0
  return output
}

export const buildTerm = (ctx: OpContext, input: JsonObject, existing: StoredRecord | undefined): MutableJson => {
  const name = requireField(input, "Name")
  checkName(name, "Name", 31)
  checkListNameFree(ctx, "Term", name as string, existing, "term")
  const output: MutableJson = { ...input, Name: name as string }
  delete output["sparse"]
  withActive(output, input)
  const integer = (field: string, min: number, max: number): number | undefined => {
    const raw = input[field]
    if (raw === undefined || raw === null) return undefined
    const value = typeof raw === "string" && /^\d+$/.test(raw) ? Number(raw) : raw
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
      throw Faults.business(`${field} must be a whole number from ${min} to ${max}.`, field)
    }
    output[field] = value
    return value
  }
  const dueDays = integer("DueDays", 0, 999)
  const dayOfMonth = integer("DayOfMonthDue", 1, 31)
  integer("DueNextMonthDays", 0, 999)
  integer("DiscountDays", 0, 999)
  integer("DiscountDayOfMonth", 1, 31)
  const percent = input["DiscountPercent"]
  if (percent !== undefined && percent !== null && (typeof percent !== "number" || percent < 0 || percent > 100)) {
    throw Faults.business("DiscountPercent must be from 0 to 100.", "DiscountPercent")
  }
  if (dueDays === undefined && dayOfMonth === undefined) throw Faults.required("DueDays")
  output["Type"] = dueDays !== undefined ? "STANDARD" : "DATE_DRIVEN"
  return output
}

export const buildClass = (ctx: OpContext, input: JsonObject, existing: StoredRecord | undefined): MutableJson => {
  const name = requireField(input, "Name")
  checkName(name, "Name", 100)
  const output: MutableJson = { ...input, Name: name as string }
  delete output["sparse"]
  withActive(output, input)
  let fullName = name as string
  if (asBoolean(input["SubClass"]) === true || input["ParentRef"] !== undefined) {
    const parent = resolveRef(ctx, "Class", input, "ParentRef", "ParentRef")
    if (parent === undefined) throw Faults.required("ParentRef")
    fullName = `${String(parent.data["FullyQualifiedName"] ?? parent.data["Name"])}:${fullName}`
    if (fullName.split(":").length > 5) throw Faults.business("Classes can be nested at most 5 levels deep.", "ParentRef")
    output["ParentRef"] = namedRef(String(parent.data["Id"]), parent.data["Name"])
    output["SubClass"] = true
  } else {
    output["SubClass"] = false
  }
  output["FullyQualifiedName"] = fullName
  checkListNameFree(ctx, "Class", fullName, existing, "class")
  return output
}

const ACCOUNT_CLASSIFICATION: Record<string, string> = {
  Bank: "Asset",
  "Accounts Receivable": "Asset",
  "Other Current Asset": "Asset",
  "Fixed Asset": "Asset",
  "Other Asset": "Asset",
  "Accounts Payable": "Liability",
  "Credit Card": "Liability",
  "Other Current Liability": "Liability",
  "Long Term Liability": "Liability",
  Equity: "Equity",
  Income: "Revenue",
  "Other Income": "Revenue",
  "Cost of Goods Sold": "Expense",
  Expense: "Expense",
  "Other Expense": "Expense",
  "Non-Posting": "Asset"
}

const SUBTYPE_TYPES: Record<string, string> = {
  SalesOfProductIncome: "Income",
  ServiceFeeIncome: "Income",
  OtherPrimaryIncome: "Income",
  DiscountsRefundsGiven: "Income",
  NonProfitIncome: "Income",
  UnappliedCashPaymentIncome: "Income"
}

export const buildAccount = (ctx: OpContext, input: JsonObject, existing: StoredRecord | undefined): MutableJson => {
  const name = requireField(input, "Name")
  checkName(name, "Name", 100, true)
  const subType = typeof input["AccountSubType"] === "string" ? input["AccountSubType"] : undefined
  const type = typeof input["AccountType"] === "string" ? input["AccountType"] : subType === undefined ? undefined : SUBTYPE_TYPES[subType]
  if (type === undefined) throw Faults.required("AccountType")
  const classification = ACCOUNT_CLASSIFICATION[type]
  if (classification === undefined) throw Faults.invalidEnumeration(type, "AccountType")
  const country = String(ctx.store.companyInfo["Country"] ?? "US")
  checkLength(input["AcctNum"], "AcctNum", country === "AU" || country === "CA" ? 20 : 7)
  checkLength(input["Description"], "Description", 100)
  const output: MutableJson = { ...input, Name: name as string, AccountType: type, Classification: classification }
  delete output["sparse"]
  withActive(output, input)
  let fullName = name as string
  if (asBoolean(input["SubAccount"]) === true || input["ParentRef"] !== undefined) {
    const parent = resolveRef(ctx, "Account", input, "ParentRef", "ParentRef")
    if (parent === undefined) throw Faults.required("ParentRef")
    fullName = `${String(parent.data["FullyQualifiedName"] ?? parent.data["Name"])}:${fullName}`
    output["ParentRef"] = namedRef(String(parent.data["Id"]), parent.data["Name"])
    output["SubAccount"] = true
  } else {
    output["SubAccount"] = false
  }
  output["FullyQualifiedName"] = fullName
  checkListNameFree(ctx, "Account", fullName, existing, "account")
  output["CurrentBalance"] = existing?.data["CurrentBalance"] ?? 0
  output["CurrentBalanceWithSubAccounts"] = existing?.data["CurrentBalanceWithSubAccounts"] ?? 0
  output["CurrencyRef"] = input["CurrencyRef"] ?? { value: "USD", name: "United States Dollar" }
  return output
}

/** Fields QBO computes for list entities; ignored on input. */
export const LIST_READ_ONLY: Partial<Record<SimEntity, ReadonlyArray<string>>> = {
  Customer: ["Balance", "BalanceWithJobs", "FullyQualifiedName", "Level"],
  Vendor: ["Balance"],
  Item: ["FullyQualifiedName", "Level"],
  Class: ["FullyQualifiedName"],
  Account: ["FullyQualifiedName", "CurrentBalance", "CurrentBalanceWithSubAccounts", "Classification"]
}

export { refValue }
