/**
 * Invoice and CreditMemo: line validation, server-filled fields (line ids, SubTotal line,
 * DocNumber, TxnDate, DueDate, defaults from the customer) and the computed amounts
 * (`TotalAmt`, `Balance`, `TxnTaxDetail.TotalTax`), all in decimal arithmetic.
 */
import { Option } from "effect"
import * as Money from "../../domain/money.ts"
import { documentCurrency } from "./currency.ts"
import { Faults } from "./faults.ts"
import { type JsonObject, type JsonValue, type MutableJson, arrayField, isObject, objectField, refValue, stringField } from "./json.ts"
import { paidAmount } from "./payments.ts"
import { type OpContext, asObject, checkEmail, checkLength, findVisible, isActive, namedRef, resolveRef } from "./rules.ts"
import type { SimEntity, StoredRecord } from "./store.ts"
import { addDays, pacificDate } from "./time.ts"

export type SalesEntity = "Invoice" | "CreditMemo"

export const SALES_READ_ONLY = [
  "TotalAmt",
  "Balance",
  "HomeBalance",
  "HomeTotalAmt",
  "RemainingCredit",
  "LinkedTxn",
  "InvoiceLink",
  "DeliveryInfo"
]

const DATE = /^\d{4}-\d{2}-\d{2}$/

const decimalOf = (value: JsonValue | undefined, element: string): Money.Decimal | undefined => {
  if (value === undefined || value === null) return undefined
  const parsed = typeof value === "number" || typeof value === "string" ? Money.parseDecimal(value) : Option.none()
  if (Option.isNone(parsed)) throw Faults.unsupportedProperty(`Property Name:${element} is not a valid number`, element)
  return parsed.value
}

const preferences = (ctx: OpContext, section: string): JsonObject | undefined => objectField(ctx.store.preferences, section)

const isUs = (ctx: OpContext): boolean => {
  const country = stringField(ctx.store.companyInfo, "Country")
  return country === undefined || country === "US" || country === "USA"
}

interface BuiltLines {
  readonly lines: Array<JsonObject>
  readonly subtotal: Money.Decimal
  readonly taxable: Money.Decimal
}

/** Validates and normalises lines; returns them with ids and the amounts they add up to. */
const buildLines = (ctx: OpContext, input: ReadonlyArray<JsonValue>, existing: StoredRecord | undefined): BuiltLines => {
  const accounting = preferences(ctx, "AccountingInfoPrefs")
  const classPerLine = accounting?.["ClassTrackingPerTxnLine"] === true
  const existingIds = new Set(
    (arrayField(existing?.data, "Line") ?? []).flatMap((line) => (isObject(line) && typeof line["Id"] === "string" ? [line["Id"]] : []))
  )
  let nextId = Math.max(0, ...[...existingIds].map(Number).filter(Number.isFinite))
  const used = new Set<string>()
  const lines: Array<JsonObject> = []
  let subtotal = Money.ZERO
  let taxable = Money.ZERO
  let discount = Money.ZERO

  const salesDetail = (line: JsonObject, element: string): { detail: MutableJson; amount: Money.Decimal } => {
    const detail: MutableJson = { ...asObject(line["SalesItemLineDetail"] ?? {}, `${element}.SalesItemLineDetail`) }
    const amount = decimalOf(line["Amount"], `${element}.Amount`)
    if (amount === undefined) throw Faults.required("Amount", "Line.Amount")
    const item = resolveRef(ctx, "Item", detail, "ItemRef", "Line.SalesItemLineDetail.ItemRef")
    if (item !== undefined) {
      if (item.data["Type"] === "Category") {
        throw Faults.invalidReference(
          "Line.SalesItemLineDetail.ItemRef",
          `Invalid Reference Id : ${String(item.data["Name"])} is set up as a category instead of a product or service.`
        )
      }
      detail["ItemRef"] = namedRef(String(item.data["Id"]), item.data["Name"])
      const income = refValue(item.data, "IncomeAccountRef")
      if (income !== undefined && detail["ItemAccountRef"] === undefined) {
        const account = ctx.store.table("Account").get(income)
        detail["ItemAccountRef"] = namedRef(income, account?.data["Name"])
      }
    }
    const qty = decimalOf(detail["Qty"], "Line.SalesItemLineDetail.Qty")
    const unitPrice = decimalOf(detail["UnitPrice"], "Line.SalesItemLineDetail.UnitPrice")
    if (ctx.options.lineAmountCheck.enabled && qty !== undefined && unitPrice !== undefined) {
      const expected = Money.toCents(Money.multiply(qty, unitPrice))
      const tolerance = Money.decimal(ctx.options.lineAmountCheck.tolerance)
      if (Money.compare(Money.abs(Money.subtract(amount, expected)), tolerance) > 0) {
        throw Faults.business(`Amount is not equal to UnitPrice * Qty. Supplied value:${Money.toText(amount)}`, "Line.Amount")
      }
    }
    if (detail["ClassRef"] !== undefined && detail["ClassRef"] !== null) {
      if (!classPerLine) {
        throw Faults.business(
          "Class tracking per line is turned off (Preferences.AccountingInfoPrefs.ClassTrackingPerTxnLine), so a line can't have a ClassRef.",
          "Line.SalesItemLineDetail.ClassRef"
        )
      }
      const klass = resolveRef(ctx, "Class", detail, "ClassRef", "Line.SalesItemLineDetail.ClassRef")
      if (klass !== undefined) detail["ClassRef"] = namedRef(String(klass.data["Id"]), klass.data["FullyQualifiedName"] ?? klass.data["Name"])
    }
    const taxCode = refValue(detail, "TaxCodeRef")
    if (taxCode !== undefined) {
      if (findVisible(ctx, "TaxCode", taxCode) === undefined && taxCode !== "TAX" && taxCode !== "NON") {
        throw Faults.invalidReference("Line.SalesItemLineDetail.TaxCodeRef", "Invalid Reference Id : Line.SalesItemLineDetail.TaxCodeRef")
      }
      detail["TaxCodeRef"] = { value: taxCode }
    } else if (isUs(ctx)) {
      detail["TaxCodeRef"] = { value: "NON" }
    }
    if (refValue(detail, "TaxCodeRef") === "TAX") taxable = Money.add(taxable, amount)
    if (detail["ServiceDate"] !== undefined && (typeof detail["ServiceDate"] !== "string" || !DATE.test(detail["ServiceDate"]))) {
      throw Faults.unsupportedProperty("Property Name:ServiceDate must be a date (YYYY-MM-DD)", "Line.SalesItemLineDetail.ServiceDate")
    }
    return { detail, amount }
  }

  const assignId = (line: JsonObject): string => {
    const given = typeof line["Id"] === "string" ? line["Id"] : undefined
    if (given !== undefined && existingIds.has(given) && !used.has(given)) {
      used.add(given)
      return given
    }
    nextId += 1
    while (existingIds.has(String(nextId)) || used.has(String(nextId))) nextId += 1
    used.add(String(nextId))
    return String(nextId)
  }

  for (const [index, raw] of input.entries()) {
    const line = asObject(raw, `Line[${index}]`)
    const detailType = line["DetailType"]
    if (detailType === "SubTotalLineDetail") continue // server-owned; clients echo it back
    if (detailType === undefined || detailType === null) throw Faults.required("DetailType", "Line.DetailType")
    checkLength(line["Description"], "Line.Description", 4000)
    const base: MutableJson = {}
    if (typeof line["Description"] === "string") base["Description"] = line["Description"]
    switch (detailType) {
      case "SalesItemLineDetail": {
        const { detail, amount } = salesDetail(line, `Line[${index}]`)
        subtotal = Money.add(subtotal, amount)
        lines.push({ Id: assignId(line), LineNum: lines.length + 1, ...base, Amount: Money.toApiNumber(amount), DetailType: detailType, SalesItemLineDetail: detail })
        break
      }
      case "DescriptionOnly": {
        const detail = line["DescriptionLineDetail"]
        const kept: MutableJson = { Id: assignId(line), LineNum: lines.length + 1, ...base, DetailType: detailType }
        if (isObject(detail)) kept["DescriptionLineDetail"] = detail
        lines.push(kept)
        break
      }
      case "DiscountLineDetail": {
        const detail = asObject(line["DiscountLineDetail"] ?? {}, "Line.DiscountLineDetail")
        let amount = decimalOf(line["Amount"], "Line.Amount") ?? Money.ZERO
        if (detail["PercentBased"] === true) {
          const percent = decimalOf(detail["DiscountPercent"], "Line.DiscountLineDetail.DiscountPercent") ?? Money.ZERO
          amount = Option.getOrElse(Money.divideRounded(Money.multiply(subtotal, percent), Money.decimal("100"), 2), () => Money.ZERO)
        }
        discount = Money.add(discount, amount)
        lines.push({ Id: assignId(line), LineNum: lines.length + 1, ...base, Amount: Money.toApiNumber(amount), DetailType: detailType, DiscountLineDetail: detail })
        break
      }
      case "GroupLineDetail": {
        const group = asObject(line["GroupLineDetail"] ?? {}, "Line.GroupLineDetail")
        const inner: Array<JsonObject> = []
        let groupTotal = Money.ZERO
        for (const [innerIndex, innerRaw] of (arrayField(group, "Line") ?? []).entries()) {
          const innerLine = asObject(innerRaw, `Line.GroupLineDetail.Line[${innerIndex}]`)
          const { detail, amount } = salesDetail(innerLine, `Line.GroupLineDetail.Line[${innerIndex}]`)
          groupTotal = Money.add(groupTotal, amount)
          inner.push({ ...innerLine, Amount: Money.toApiNumber(amount), SalesItemLineDetail: detail })
        }
        subtotal = Money.add(subtotal, groupTotal)
        lines.push({
          Id: assignId(line),
          LineNum: lines.length + 1,
          ...base,
          Amount: Money.toApiNumber(groupTotal),
          DetailType: detailType,
          GroupLineDetail: { ...group, Line: inner }
        })
        break
      }
      default:
        throw Faults.invalidEnumeration(String(detailType), "Line.DetailType")
    }
  }
  if (lines.length === 0) throw Faults.required("Line")
  return { lines, subtotal: Money.subtract(subtotal, discount), taxable }
}

/** Sales tax: the amount sent, else the rate of `TxnTaxCodeRef` applied to TAX lines. */
const computeTax = (ctx: OpContext, input: JsonObject, taxable: Money.Decimal): { detail: MutableJson; tax: Money.Decimal } => {
  const given = objectField(input, "TxnTaxDetail")
  const detail: MutableJson = {}
  const usingSalesTax = preferences(ctx, "TaxPrefs")?.["UsingSalesTax"] === true
  const codeId = refValue(given, "TxnTaxCodeRef")
  if (!usingSalesTax) return { detail: { TotalTax: 0 }, tax: Money.ZERO }
  if (codeId !== undefined) {
    const code = findVisible(ctx, "TaxCode", codeId)
    if (code === undefined) throw Faults.notFound("TxnTaxDetail.TxnTaxCodeRef")
    detail["TxnTaxCodeRef"] = { value: codeId }
  }
  const sent = decimalOf(given?.["TotalTax"], "TxnTaxDetail.TotalTax")
  let tax = sent
  if (tax === undefined && codeId !== undefined) {
    const code = ctx.store.table("TaxCode").get(codeId)
    const rates = arrayField(objectField(code?.data, "SalesTaxRateList"), "TaxRateDetail") ?? []
    let percent = Money.ZERO
    for (const rate of rates) {
      const rateId = isObject(rate) ? refValue(rate, "TaxRateRef") : undefined
      const rateValue = rateId === undefined ? undefined : ctx.store.table("TaxRate").get(rateId)?.data["RateValue"]
      percent = Money.add(percent, decimalOf(rateValue ?? 0, "TaxRate.RateValue") ?? Money.ZERO)
    }
    tax = Option.getOrElse(Money.divideRounded(Money.multiply(taxable, percent), Money.decimal("100"), 2), () => Money.ZERO)
  }
  const total = tax ?? Money.ZERO
  detail["TotalTax"] = Money.toApiNumber(total)
  const taxLines = arrayField(given, "TaxLine")
  if (taxLines !== undefined) detail["TaxLine"] = taxLines
  return { detail, tax: total }
}

const dueDateFor = (term: JsonObject | undefined, txnDate: string): string => {
  if (term === undefined) return txnDate
  const dueDays = term["DueDays"]
  if (typeof dueDays === "number") return addDays(txnDate, dueDays)
  const dayOfMonth = term["DayOfMonthDue"]
  if (typeof dayOfMonth === "number") {
    const [year, month, day] = txnDate.split("-").map(Number) as [number, number, number]
    const nextMonthDays = typeof term["DueNextMonthDays"] === "number" ? term["DueNextMonthDays"] : 0
    let due = new Date(Date.UTC(year, month - 1, Math.min(dayOfMonth, 28)))
    if (dayOfMonth < day || dayOfMonth - day < nextMonthDays) due = new Date(Date.UTC(year, month, Math.min(dayOfMonth, 28)))
    return due.toISOString().slice(0, 10)
  }
  return txnDate
}

/** An active term by Id, or nothing (an unknown or inactive default is passed over). */
const defaultTerm = (ctx: OpContext, id: string | undefined): StoredRecord | undefined => {
  const term = id === undefined ? undefined : findVisible(ctx, "Term", id)
  return term !== undefined && isActive(term.data) ? term : undefined
}

/**
 * The stored fields of an Invoice/CreditMemo from the effective input (for a sparse update:
 * the existing writable fields overlaid with the sent ones).
 */
export const buildSalesDocument = (
  ctx: OpContext,
  entity: SalesEntity,
  input: JsonObject,
  existing: StoredRecord | undefined,
  sent: JsonObject
): MutableJson => {
  if (existing !== undefined && ctx.options.rejectReadOnlyDeliveryInfo && sent["sparse"] !== true && sent["DeliveryInfo"] !== undefined) {
    throw Faults.unsupportedProperty("Property Name:DeliveryInfo is read-only and can't be sent in a full update", "DeliveryInfo")
  }
  if (input["CustomerRef"] === undefined || input["CustomerRef"] === null) throw Faults.required("CustomerRef")
  const customer = resolveRef(ctx, "Customer", input, "CustomerRef", "CustomerRef")!
  const lineInput = input["Line"]
  if (!Array.isArray(lineInput) || lineInput.length === 0) throw Faults.required("Line")
  const { lines, subtotal, taxable } = buildLines(ctx, lineInput as ReadonlyArray<JsonValue>, existing)
  const { detail: taxDetail, tax } = computeTax(ctx, input, taxable)
  const total = Money.toCents(Money.add(subtotal, tax))
  if (ctx.options.rejectNegativeTotals && Money.isNegative(total)) {
    throw Faults.business("Transaction amount must be positive.", "TotalAmt")
  }

  const accounting = preferences(ctx, "AccountingInfoPrefs")
  const salesForms = preferences(ctx, "SalesFormsPrefs")
  const output: MutableJson = { ...input }
  for (const key of SALES_READ_ONLY) delete output[key]
  delete output["sparse"]

  output["CustomerRef"] = namedRef(String(customer.data["Id"]), customer.data["DisplayName"])

  if (input["ClassRef"] !== undefined && input["ClassRef"] !== null) {
    if (accounting?.["ClassTrackingPerTxn"] !== true) {
      throw Faults.business(
        "Class tracking per transaction is turned off (Preferences.AccountingInfoPrefs.ClassTrackingPerTxn), so the transaction can't have a ClassRef.",
        "ClassRef"
      )
    }
    const klass = resolveRef(ctx, "Class", input, "ClassRef", "ClassRef")!
    output["ClassRef"] = namedRef(String(klass.data["Id"]), klass.data["FullyQualifiedName"] ?? klass.data["Name"])
  }

  const txnDate = input["TxnDate"] ?? pacificDate(ctx.now)
  if (typeof txnDate !== "string" || !DATE.test(txnDate)) throw Faults.unsupportedProperty("Property Name:TxnDate must be a date (YYYY-MM-DD)", "TxnDate")
  output["TxnDate"] = txnDate

  if (entity === "Invoice") {
    // A sent term is stored and dates the invoice. An omitted one stays omitted: on create
    // only DueDate is derived, from the customer's default term, else the company's
    // (SalesFormsPrefs.DefaultTerms); read back from a live company in
    // intuit/quickbooks-online-mcp-server issue #91.
    let term: StoredRecord | undefined
    if (input["SalesTermRef"] !== undefined && input["SalesTermRef"] !== null) {
      term = resolveRef(ctx, "Term", input, "SalesTermRef", "SalesTermRef")
      if (term !== undefined) output["SalesTermRef"] = namedRef(String(term.data["Id"]), term.data["Name"])
    } else if (existing === undefined) {
      term = defaultTerm(ctx, refValue(customer.data, "SalesTermRef")) ?? defaultTerm(ctx, refValue(salesForms, "DefaultTerms"))
    }
    const dueDate = input["DueDate"]
    if (dueDate !== undefined && dueDate !== null && (typeof dueDate !== "string" || !DATE.test(dueDate))) {
      throw Faults.unsupportedProperty("Property Name:DueDate must be a date (YYYY-MM-DD)", "DueDate")
    }
    output["DueDate"] = typeof dueDate === "string" ? dueDate : dueDateFor(term?.data, txnDate)
  }

  checkLength(input["PrivateNote"], "PrivateNote", 4000)
  checkLength(objectField(input, "CustomerMemo")?.["value"], "CustomerMemo", 1000)
  const customFields = arrayField(input, "CustomField")
  if (customFields !== undefined && customFields.length > 3) throw Faults.business("You can have at most 3 custom fields.", "CustomField")

  if (existing === undefined) {
    if (input["BillEmail"] === undefined && objectField(customer.data, "PrimaryEmailAddr") !== undefined) {
      output["BillEmail"] = { Address: String(objectField(customer.data, "PrimaryEmailAddr")!["Address"]) }
    }
    if (input["BillAddr"] === undefined && isObject(customer.data["BillAddr"])) output["BillAddr"] = customer.data["BillAddr"]
    if (input["ShipAddr"] === undefined && isObject(customer.data["ShipAddr"])) output["ShipAddr"] = customer.data["ShipAddr"]
  }
  checkEmail(output, "BillEmail")
  const emailStatus = input["EmailStatus"] ?? existing?.data["EmailStatus"] ?? "NotSet"
  if (!["NotSet", "NeedToSend", "EmailSent"].includes(String(emailStatus))) throw Faults.invalidEnumeration(String(emailStatus), "EmailStatus")
  if (emailStatus === "NeedToSend" && objectField(output, "BillEmail") === undefined) {
    throw Faults.business("Need to specify a valid email address (BillEmail) when EmailStatus is NeedToSend.", "BillEmail")
  }
  output["EmailStatus"] = emailStatus
  output["PrintStatus"] = input["PrintStatus"] ?? existing?.data["PrintStatus"] ?? "NotSet"
  if (existing?.data["DeliveryInfo"] !== undefined) output["DeliveryInfo"] = existing.data["DeliveryInfo"]
  Object.assign(output, documentCurrency(ctx, input, customer, txnDate, total))

  // DocNumber (§11.9): custom numbers → as sent (or none); automatic → next number.
  const customNumbers = salesForms?.["CustomTxnNumbers"] === true
  const sentNumber = input["DocNumber"]
  if (sentNumber !== undefined && sentNumber !== null && typeof sentNumber !== "string") {
    throw Faults.unsupportedProperty("Property Name:DocNumber must be a string", "DocNumber")
  }
  checkLength(sentNumber, "DocNumber", 21)
  let docNumber = typeof sentNumber === "string" && sentNumber !== "" ? sentNumber : undefined
  if (docNumber === undefined && !customNumbers) {
    docNumber = stringField(existing?.data, "DocNumber") ?? ctx.store.nextDocNumber(entity, ctx.options.salesFormNumbering === "shared")
  }
  if (docNumber !== undefined && customNumbers && ctx.options.warnDuplicateDocNumber && !ctx.include.has("allowduplicatedocnum")) {
    const ownId = existing?.data["Id"]
    for (const other of ctx.store.live(entity)) {
      if (other.data["DocNumber"] === docNumber && other.data["Id"] !== ownId) {
        throw Faults.duplicateDocNumber(docNumber, entity, String(other.data["Id"]))
      }
    }
  }
  if (!customNumbers) ctx.store.noteDocNumber(entity, docNumber)
  if (docNumber === undefined) delete output["DocNumber"]
  else output["DocNumber"] = docNumber

  output["Line"] = [...lines, { Amount: Money.toApiNumber(Money.toCents(subtotal)), DetailType: "SubTotalLineDetail", SubTotalLineDetail: {} }]
  output["TxnTaxDetail"] = taxDetail
  output["TotalAmt"] = Money.toApiNumber(total)
  if (entity === "Invoice") {
    const paid = existing === undefined ? Money.ZERO : paidAmount(ctx.store, String(existing.data["Id"]))
    output["Balance"] = Money.toApiNumber(Money.subtract(total, paid))
    output["LinkedTxn"] = arrayField(existing?.data, "LinkedTxn") ?? []
  } else {
    output["RemainingCredit"] = Money.toApiNumber(total)
    output["Balance"] = Money.toApiNumber(total)
  }
  return output
}

/** Void: amounts and quantities to zero, "Voided" prepended to the private note. */
export const voidSalesDocument = (data: JsonObject): MutableJson => {
  const output: MutableJson = { ...data }
  output["Line"] = (arrayField(data, "Line") ?? []).map((raw) => {
    if (!isObject(raw)) return raw
    const line: MutableJson = { ...raw, Amount: 0 }
    const detail = objectField(raw, "SalesItemLineDetail")
    if (detail !== undefined) line["SalesItemLineDetail"] = { ...detail, ...(detail["Qty"] !== undefined ? { Qty: 0 } : {}) }
    return line
  })
  output["TotalAmt"] = 0
  output["Balance"] = 0
  if (data["RemainingCredit"] !== undefined) output["RemainingCredit"] = 0
  output["TxnTaxDetail"] = { ...(objectField(data, "TxnTaxDetail") ?? {}), TotalTax: 0 }
  const note = stringField(data, "PrivateNote")
  output["PrivateNote"] = note === undefined || note === "" ? "Voided" : `Voided - ${note}`
  return output
}

export const isSalesEntity = (entity: SimEntity): entity is SalesEntity => entity === "Invoice" || entity === "CreditMemo"
