/**
 * Desired state (pure): one Autotask invoice + the config → the QBO document we want, or
 * every reason it cannot be created. Lines carry exact decimals so QBO's
 * `Amount = Qty × UnitPrice` rule holds and the total equals Autotask's to the cent.
 */
import { Option } from "effect"
import type { AtBillingCode, AtBillingItem, AtCompany, AtInvoice } from "../autotask/model.ts"
import type { SourceRef } from "../config/types.ts"
import { autotaskDate, datePart } from "../domain/dates.ts"
import * as Money from "../domain/money.ts"
import type { DisplayLine, Json, PayloadRef, PlanWarning } from "../domain/plan.ts"
import type { QboClass, QboCustomer, QboItem } from "../qbo/model.ts"
import { isActive, type PlanContext } from "./context.ts"
import { privateNoteFor } from "./marker.ts"
import { customerKey, nameKey, qboNameProblem } from "./names.ts"

export type CustomerTarget =
  | { readonly kind: "existing"; readonly customer: QboCustomer }
  | { readonly kind: "create"; readonly displayName: string; readonly payload: Json; readonly email: string | undefined }

export type ItemTarget =
  | { readonly kind: "existing"; readonly item: QboItem }
  | { readonly kind: "create"; readonly name: string; readonly payload: Json }

export interface DesiredDocument {
  readonly autotaskInvoiceId: number
  readonly autotaskNumber: string | undefined
  readonly entity: "Invoice" | "CreditMemo"
  readonly company: AtCompany
  readonly customer: CustomerTarget
  /** Items the document needs that do not exist yet (de-duplicated by the planner). */
  readonly newItems: ReadonlyArray<Extract<ItemTarget, { kind: "create" }>>
  readonly body: { readonly [key: string]: Json }
  /** Document total as QBO will compute it (lines + tax sent), positive for credit memos. */
  readonly total: Money.Decimal
  readonly lines: ReadonlyArray<DisplayLine>
  readonly docNumber: string | undefined
  readonly billEmail: string | undefined
}

export type DesiredOutcome =
  | { readonly kind: "document"; readonly document: DesiredDocument; readonly warnings: ReadonlyArray<PlanWarning> }
  | {
    readonly kind: "rejected"
    readonly reasons: ReadonlyArray<string>
    readonly warnings: ReadonlyArray<PlanWarning>
    readonly company: AtCompany | undefined
  }

/** Placeholder for the Id of a record another action of the plan creates. */
export const refTo = (address: string, field = "Id"): PayloadRef => ({ $ref: address, field })

export const itemAddress = (name: string): string => `item:${name}`
export const customerAddress = (name: string): string => `customer:${name}`

const at = (source: SourceRef | undefined): string => (source ? ` (${source.file}:${source.line})` : "")

const blank = (value: string | null | undefined): value is null | undefined | "" =>
  value === null || value === undefined || value.trim() === ""

/** The Autotask invoice total, the document kind it becomes and the sign applied to lines. */
export const invoiceTotal = (invoice: AtInvoice): Money.Decimal => Money.fromApi(invoice.invoiceTotal)

/** Autotask's invoice number, unless it is blank or the error marker. */
export const autotaskNumberOf = (invoice: AtInvoice, errorMarker: string): string | undefined =>
  blank(invoice.invoiceNumber) || invoice.invoiceNumber === errorMarker ? undefined : invoice.invoiceNumber!

/** "Autotask invoice T2026.0042 (id 29684133)", or "Autotask invoice id 29684133" when unnumbered. */
export const invoiceLabel = (invoice: AtInvoice, ctx: PlanContext): string => {
  const number = autotaskNumberOf(invoice, ctx.config.sync.errorMarker.value)
  return number ? `Autotask invoice ${number} (id ${invoice.id})` : `Autotask invoice id ${invoice.id}`
}

// ---------------------------------------------------------------------------------------------
// Customers

export const resolveCustomer = (
  company: AtCompany,
  ctx: PlanContext
): { readonly ok: true; readonly target: CustomerTarget } | { readonly ok: false; readonly reason: string } => {
  const { customers } = ctx.config
  const xref = customers.crossReferences.find((ref) => ref.companyId === company.id) ??
    customers.crossReferences.find((ref) => ref.company !== undefined && nameKey(ref.company) === nameKey(company.companyName))
  if (xref) {
    const customer = ctx.customersByName.get(nameKey(xref.customer))
    if (!customer) {
      return {
        ok: false,
        reason: `customers.yaml${at(xref.source)} maps company "${company.companyName}" to QBO customer "${xref.customer}", which does not exist in QBO; fix the name or create the customer`
      }
    }
    if (!isActive(customer)) {
      return { ok: false, reason: `QBO customer "${customer.DisplayName}" (cross-referenced${at(xref.source)}) is inactive; reactivate it in QBO or cross-reference another customer` }
    }
    return { ok: true, target: { kind: "existing", customer } }
  }

  const key = customerKey(company.companyName, customers.normalize)
  const candidates = ctx.customersByKey.get(key) ?? []
  const active = candidates.filter(isActive)
  if (active.length === 1) return { ok: true, target: { kind: "existing", customer: active[0]! } }
  if (active.length > 1) {
    const exact = active.filter((customer) => nameKey(customer.DisplayName) === nameKey(company.companyName))
    if (exact.length === 1) return { ok: true, target: { kind: "existing", customer: exact[0]! } }
    const names = active.map((customer) => `"${customer.DisplayName}"`).join(", ")
    return { ok: false, reason: `company "${company.companyName}" matches several QBO customers (${names}); add a cross-reference in customers.yaml` }
  }
  if (candidates.length > 0) {
    return {
      ok: false,
      reason: `the matching QBO customer "${candidates[0]!.DisplayName}" is inactive; reactivate it in QBO or add a cross-reference in customers.yaml`
    }
  }

  const displayName = company.companyName.replace(/\s+/g, " ").trim()
  if (!customers.create) {
    return {
      ok: false,
      reason: `no QBO customer matches company "${company.companyName}" and customer creation is off; add a cross-reference in customers.yaml or set create: true`
    }
  }
  const nameProblem = qboNameProblem("customer", displayName)
  if (nameProblem) return { ok: false, reason: `cannot create the customer: ${nameProblem}; add a cross-reference in customers.yaml` }
  const clash = ctx.otherNames.get(nameKey(displayName))
  if (clash) {
    return {
      ok: false,
      reason: `cannot create customer "${displayName}": a QBO ${clash} already uses that name (names are unique across customers, vendors and employees, inactive ones included); cross-reference the company to a customer in customers.yaml`
    }
  }
  const email = ctx.primaryContacts.get(company.id)?.emailAddress ?? undefined
  return { ok: true, target: { kind: "create", displayName, payload: customerPayload(company, displayName, email), email } }
}

const customerPayload = (company: AtCompany, displayName: string, email: string | undefined): Json => {
  const payload: Record<string, Json> = { DisplayName: displayName }
  if ([...displayName].length <= 100) payload.CompanyName = displayName
  if (email) payload.PrimaryEmailAddr = { Address: email }
  if (!blank(company.phone)) payload.PrimaryPhone = { FreeFormNumber: company.phone!.slice(0, 30) }
  const address: Record<string, Json> = {}
  if (!blank(company.address1)) address.Line1 = company.address1!
  if (!blank(company.address2)) address.Line2 = company.address2!
  if (!blank(company.city)) address.City = company.city!
  if (!blank(company.state)) address.CountrySubDivisionCode = company.state!
  if (!blank(company.postalCode)) address.PostalCode = company.postalCode!
  if (Object.keys(address).length > 0) payload.BillAddr = address
  payload.Notes = `Autotask company id ${company.id}`
  return payload
}

// ---------------------------------------------------------------------------------------------
// Items

const UNUSABLE_ITEM_TYPES = new Set(["Category", "Group"])
const NO_QUANTITY_ITEM_TYPES = new Set(["Discount", "Payment", "Subtotal", "Tax", "TaxGroup"])

const usableItem = (item: QboItem, how: string): { ok: true; item: QboItem } | { ok: false; reason: string } => {
  if (!isActive(item)) return { ok: false, reason: `QBO item "${item.Name}" (${how}) is inactive; reactivate it in QBO or map the billing code to another item` }
  if (UNUSABLE_ITEM_TYPES.has(item.Type)) {
    return { ok: false, reason: `QBO item "${item.Name}" (${how}) is a ${item.Type.toLowerCase()}, not a product or service; map the billing code to a product or service item` }
  }
  return { ok: true, item }
}

export const itemMatchValue = (code: AtBillingCode, ctx: PlanContext): string | undefined => {
  const value = ctx.config.items.matchField === "name" ? code.name : code.externalNumber
  if (value === null || value === undefined) return undefined
  const text = String(value).trim()
  return text === "" ? undefined : text
}

export const resolveItem = (
  code: AtBillingCode | undefined,
  billingItem: AtBillingItem,
  ctx: PlanContext
): { readonly ok: true; readonly target: ItemTarget } | { readonly ok: false; readonly reason: string } => {
  const { items } = ctx.config
  const label = code ? `billing code "${code.name}"` : `line "${billingItem.description ?? billingItem.itemName ?? billingItem.id}" (no billing code)`
  if (code) {
    const mapping = items.map.find((entry) => entry.billingCodeId === code.id) ??
      items.map.find((entry) => entry.billingCode !== undefined && nameKey(entry.billingCode) === nameKey(code.name))
    if (mapping) {
      const item = ctx.items.get(nameKey(mapping.item))
      if (!item) {
        return {
          ok: false,
          reason: `items.yaml${at(mapping.source)} maps ${label} to QBO item "${mapping.item}", which does not exist in QBO; fix the name or create the item`
        }
      }
      const usable = usableItem(item, `mapped in items.yaml${at(mapping.source)}`)
      return usable.ok ? { ok: true, target: { kind: "existing", item: usable.item } } : usable
    }
    const value = itemMatchValue(code, ctx)
    if (value !== undefined) {
      const item = ctx.items.get(nameKey(value))
      if (item) {
        const usable = usableItem(item, `matched by ${items.matchField}`)
        return usable.ok ? { ok: true, target: { kind: "existing", item: usable.item } } : usable
      }
    }
  }

  const missing = code === undefined
    ? `${label} has no QBO item`
    : itemMatchValue(code, ctx) === undefined
    ? `${label} has no ${items.matchField} to match a QBO item`
    : `${label} has no QBO item named "${itemMatchValue(code, ctx)}"`
  switch (items.missing.policy) {
    case "fail":
      return { ok: false, reason: `${missing} (missing-item policy: fail); map it in items.yaml or create the item in QBO` }
    case "fallback": {
      const fallbackName = items.missing.fallbackItem ?? ""
      const item = ctx.items.get(nameKey(fallbackName))
      if (!item) return { ok: false, reason: `${missing} and the fallback item "${fallbackName}" does not exist in QBO` }
      const usable = usableItem(item, "the fallback item")
      return usable.ok ? { ok: true, target: { kind: "existing", item: usable.item } } : usable
    }
    case "create": {
      const name = code ? itemMatchValue(code, ctx) : undefined
      if (!code || name === undefined) return { ok: false, reason: `${missing}, so no item can be created for it; map it in items.yaml` }
      const problem = qboNameProblem("item", name)
      if (problem) return { ok: false, reason: `cannot create an item for ${label}: ${problem}; map it in items.yaml` }
      const account = ctx.accounts.get(nameKey(items.missing.create.incomeAccount))
      if (!account || !isActive(account)) {
        return {
          ok: false,
          reason: `cannot create QBO item "${name}": income account "${items.missing.create.incomeAccount}" (items.yaml missing.create.incomeAccount) does not exist or is inactive in QBO`
        }
      }
      const payload: Record<string, Json> = {
        Name: name,
        Type: items.missing.create.type,
        IncomeAccountRef: { value: account.Id, name: account.Name },
        Taxable: items.missing.create.taxable
      }
      if (!blank(code.description)) payload.Description = code.description!.slice(0, 4000)
      if (ctx.config.items.matchField === "externalNumber") payload.Sku = name.slice(0, 100)
      return { ok: true, target: { kind: "create", name, payload } }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Lines

export interface LineAmounts {
  readonly qty: Money.Decimal
  readonly unitPrice: Money.Decimal
  readonly amount: Money.Decimal
}

/**
 * Quantity, unit price and amount for one billing item such that
 * `round₂(qty × unitPrice) = amount` and `amount = round₂(extendedPrice)`:
 * keep Autotask's rate when it works, else a 5-decimal rate, else quantity 1.
 */
export const lineAmounts = (item: AtBillingItem, sign: 1 | -1): LineAmounts => {
  const qty = item.quantity === null || item.quantity === undefined ? Money.decimal("1") : Money.fromApi(item.quantity)
  const rate = Money.fromApi(item.rate)
  const extended = item.extendedPrice === null || item.extendedPrice === undefined
    ? Money.multiply(qty, rate)
    : Money.fromApi(item.extendedPrice)
  const signed = (value: Money.Decimal) => (sign === 1 ? value : Money.negate(value))
  const amount = signed(Money.toCents(extended))
  const signedRate = signed(rate)
  if (Money.isZero(qty)) return { qty: Money.decimal("1"), unitPrice: amount, amount }
  if (Money.equals(Money.toCents(Money.multiply(qty, signedRate)), amount)) return { qty, unitPrice: signedRate, amount }
  const derived = Money.divideRounded(amount, qty, 5)
  if (Option.isSome(derived) && Money.equals(Money.toCents(Money.multiply(qty, derived.value)), amount)) {
    return { qty, unitPrice: derived.value, amount }
  }
  return { qty: Money.decimal("1"), unitPrice: amount, amount }
}

const lineClass = (
  billingItem: AtBillingItem,
  code: AtBillingCode | undefined,
  ctx: PlanContext
): { readonly ok: true; readonly value: QboClass | undefined } | { readonly ok: false; readonly reason: string } => {
  const { lines } = ctx.config.classes
  const rule = lines.rules.find((candidate) =>
    (candidate.billingCodes === undefined || (code !== undefined && candidate.billingCodes.some((name) => nameKey(name) === nameKey(code.name)))) &&
    (candidate.billingCodeIds === undefined || (code !== undefined && candidate.billingCodeIds.includes(code.id))) &&
    (candidate.billingItemTypes === undefined || candidate.billingItemTypes.includes(billingItem.billingItemType))
  )
  const name = rule?.class ?? lines.default
  if (name === undefined) return { ok: true, value: undefined }
  return findClass(name, rule ? `classes.yaml${at(rule.source)}` : "classes.yaml lines.default", ctx)
}

const findClass = (
  name: string,
  where: string,
  ctx: PlanContext
): { readonly ok: true; readonly value: QboClass } | { readonly ok: false; readonly reason: string } => {
  const found = ctx.classes.get(nameKey(name))
  if (!found) return { ok: false, reason: `class "${name}" (${where}) does not exist in QBO` }
  if (!isActive(found)) return { ok: false, reason: `class "${name}" (${where}) is inactive in QBO` }
  return { ok: true, value: found }
}

const ref = (record: { readonly Id: string }, name: string): Json => ({ value: record.Id, name })

// ---------------------------------------------------------------------------------------------
// Taxes

interface TaxDecision {
  readonly lineTaxCode: (billingItem: AtBillingItem, code: AtBillingCode | undefined) => string | undefined
  readonly header: { readonly [key: string]: Json }
  /** Tax the document total includes (Autotask's when we send it; zero when QBO computes it). */
  readonly sentTax: Money.Decimal
}

const decideTax = (
  invoice: AtInvoice,
  ctx: PlanContext,
  reasons: Array<string>,
  warnings: Array<PlanWarning>
): TaxDecision => {
  const { taxes } = ctx.config
  // Tax is money on the document: cents, like every amount QBO stores.
  const tax = Money.toCents(Money.fromApi(invoice.totalTaxValue))
  const absTax = Money.abs(tax)
  const categoryName = (billingItem: AtBillingItem, code: AtBillingCode | undefined) => {
    const id = billingItem.taxCategoryID ?? code?.taxCategoryID
    return id === null || id === undefined ? undefined : ctx.taxCategories.get(id)?.name
  }

  if (taxes.region === "global") {
    const codeFor = (billingItem: AtBillingItem, code: AtBillingCode | undefined): string | undefined => {
      const category = categoryName(billingItem, code)
      const rule = taxes.global.codes.find((entry) =>
        (entry.taxCategory === undefined || (category !== undefined && nameKey(entry.taxCategory) === nameKey(category))) &&
        (entry.taxRegion === undefined || (!blank(invoice.taxRegionName) && nameKey(entry.taxRegion) === nameKey(invoice.taxRegionName!)))
      )
      const name = rule?.taxCode ?? taxes.global.defaultTaxCode
      if (name === undefined) {
        reasons.push(`no tax code in taxes.yaml matches tax category "${category ?? "(none)"}" and region "${invoice.taxRegionName ?? "(none)"}"; add a rule or a defaultTaxCode`)
        return undefined
      }
      const found = ctx.taxCodes.get(nameKey(name))
      if (!found || !isActive(found)) {
        reasons.push(`tax code "${name}" (taxes.yaml${at(rule?.source)}) does not exist or is inactive in QBO`)
        return undefined
      }
      return found.Id
    }
    const header: Record<string, Json> = { GlobalTaxCalculation: taxes.global.calculation }
    if (!Money.isZero(tax)) header.TxnTaxDetail = { TotalTax: Money.toApiNumber(absTax) }
    return { lineTaxCode: codeFor, header, sentTax: absTax }
  }

  // US: lines are TAX or NON; the invoice names the tax code (rate or group).
  const lineTaxCode = (billingItem: AtBillingItem, code: AtBillingCode | undefined): string | undefined => {
    if (!ctx.qbo.usingSalesTax) return undefined
    const taxable = taxes.us.taxableWhen === "taxDollars"
      ? !Money.isZero(Money.fromApi(billingItem.taxDollars))
      : (() => {
        const category = categoryName(billingItem, code)
        return category !== undefined && taxes.us.taxableCategories.some((name) => nameKey(name) === nameKey(category))
      })()
    return taxable ? "TAX" : "NON"
  }
  if (Money.isZero(tax)) return { lineTaxCode, header: {}, sentTax: Money.ZERO }
  if (!ctx.qbo.usingSalesTax) {
    reasons.push(`Autotask charged ${Money.formatMoney(tax)} tax but sales tax is off in QBO; turn on sales tax in QBO or correct the invoice`)
    return { lineTaxCode, header: {}, sentTax: absTax }
  }
  const codeName = taxes.us.taxCode ?? invoice.taxRegionName ?? undefined
  const taxCode = codeName === undefined ? undefined : ctx.taxCodes.get(nameKey(codeName))
  const detail: Record<string, Json> = {}
  if (taxCode && isActive(taxCode)) detail.TxnTaxCodeRef = ref(taxCode, taxCode.Name)
  else if (!ctx.qbo.automatedSalesTax) {
    reasons.push(
      codeName === undefined
        ? "the invoice has tax but no tax region; set taxes.yaml us.taxCode"
        : `QBO has no active tax rate named "${codeName}" (the QBO tax rate must be named like the Autotask tax region, or set taxes.yaml us.taxCode)`
    )
  }
  if (ctx.config.taxes.us.amounts === "autotask") {
    detail.TotalTax = Money.toApiNumber(absTax)
    return { lineTaxCode, header: { TxnTaxDetail: detail }, sentTax: absTax }
  }
  warnings.push({
    code: "tax-mode",
    message: `${invoiceLabel(invoice, ctx)}: QBO computes the tax (taxes.yaml us.amounts: qbo); Autotask charged ${Money.formatMoney(tax)}, QBO's total may differ`,
    autotaskInvoiceId: invoice.id
  })
  return { lineTaxCode, header: Object.keys(detail).length > 0 ? { TxnTaxDetail: detail } : {}, sentTax: Money.ZERO }
}

// ---------------------------------------------------------------------------------------------
// The document

const memoFor = (invoice: AtInvoice, ctx: PlanContext, warnings: Array<PlanWarning>): string | undefined => {
  const { parts, separator } = ctx.config.sync.customerMemo
  const texts: Array<string> = []
  for (const part of parts) {
    switch (part) {
      case "orderNumber":
        if (!blank(invoice.orderNumber)) texts.push(`PO: ${invoice.orderNumber!.trim()}`)
        break
      case "taxGroup":
        if (invoice.taxGroup !== null && invoice.taxGroup !== undefined) texts.push(`Tax group: ${invoice.taxGroup}`)
        break
      case "invoiceDate":
        texts.push(`Invoice date: ${autotaskDate(invoice.invoiceDateTime, ctx.config.sync.timeZone)}`)
        break
      case "comments":
        if (!blank(invoice.comments)) texts.push(invoice.comments!.trim())
        break
    }
  }
  if (texts.length === 0) return undefined
  const memo = texts.join(separator)
  if ([...memo].length <= 1000) return memo
  warnings.push({ code: "memo-truncated", message: `${invoiceLabel(invoice, ctx)}: the customer memo was cut to QBO's 1,000 characters`, autotaskInvoiceId: invoice.id })
  return [...memo].slice(0, 1000).join("")
}

/** DocNumber for `autotask` numbering: prefix + Autotask number (the invoice id when blank). */
export const expectedDocNumber = (invoice: AtInvoice, ctx: PlanContext): string | undefined => {
  const { numbering, errorMarker } = ctx.config.sync
  if (numbering.mode !== "autotask") return undefined
  return `${numbering.prefix}${autotaskNumberOf(invoice, errorMarker.value) ?? String(invoice.id)}`
}

export const desiredDocument = (invoice: AtInvoice, ctx: PlanContext): DesiredOutcome => {
  const reasons: Array<string> = []
  const warnings: Array<PlanWarning> = []
  const { config } = ctx
  const company = ctx.companies.get(invoice.companyID)
  if (!company) {
    return { kind: "rejected", reasons: [`Autotask company ${invoice.companyID} of this invoice could not be read`], warnings, company }
  }

  const total = invoiceTotal(invoice)
  const negative = Money.isNegative(total)
  if (negative && config.sync.negativeInvoices === "reject") {
    reasons.push(
      `the total is negative (${Money.formatMoney(total)}); QBO cannot accept a negative invoice. Set sync.negativeInvoices: credit-memo in atqbo.yaml to book it as a credit memo`
    )
  }
  const entity = negative ? "CreditMemo" : "Invoice"
  const sign: 1 | -1 = negative ? -1 : 1

  const customer = resolveCustomer(company, ctx)
  if (!customer.ok) reasons.push(customer.reason)

  if (ctx.config.sync.numbering.mode === "qbo" && ctx.qbo.customTxnNumbers) {
    reasons.push(
      "QBO's \"Custom transaction numbers\" setting is on, so QBO would leave the invoice unnumbered; turn it off in QBO or set sync.numbering.mode: autotask"
    )
  }

  const tax = decideTax(invoice, ctx, reasons, warnings)
  const billingItems = ctx.billingItemsByInvoice.get(invoice.id) ?? []
  if (billingItems.length === 0) reasons.push("the invoice has no billing items in Autotask")

  const lines: Array<Json> = []
  const display: Array<DisplayLine> = []
  const newItems = new Map<string, Extract<ItemTarget, { kind: "create" }>>()
  let linesTotal = Money.ZERO
  for (const billingItem of billingItems) {
    const code = billingItem.billingCodeID === null || billingItem.billingCodeID === undefined
      ? undefined
      : ctx.billingCodes.get(billingItem.billingCodeID)
    const item = resolveItem(code, billingItem, ctx)
    if (!item.ok) {
      if (!reasons.includes(item.reason)) reasons.push(item.reason)
      continue
    }
    const amounts = lineAmounts(billingItem, sign)
    linesTotal = Money.add(linesTotal, amounts.amount)
    const itemName = item.target.kind === "existing" ? item.target.item.Name : item.target.name
    const itemRef: Json = item.target.kind === "existing"
      ? ref(item.target.item, item.target.item.Name)
      : { value: refTo(itemAddress(item.target.name)), name: item.target.name }
    if (item.target.kind === "create") newItems.set(nameKey(item.target.name), item.target)

    const detail: Record<string, Json> = { ItemRef: itemRef }
    const noQuantity = item.target.kind === "existing" && NO_QUANTITY_ITEM_TYPES.has(item.target.item.Type)
    if (noQuantity) {
      warnings.push({
        code: "item-no-quantity",
        message: `${invoiceLabel(invoice, ctx)}: QBO item "${itemName}" is a ${item.target.kind === "existing" ? item.target.item.Type : ""} item, which cannot take a quantity; the line is sent with its amount only`,
        autotaskInvoiceId: invoice.id
      })
    } else {
      detail.Qty = Money.toApiNumber(amounts.qty)
      detail.UnitPrice = Money.toApiNumber(amounts.unitPrice)
    }
    const serviceDate = datePart(billingItem.itemDate)
    if (serviceDate) detail.ServiceDate = autotaskDate(billingItem.itemDate!, config.sync.timeZone)
    const taxCode = tax.lineTaxCode(billingItem, code)
    if (taxCode) detail.TaxCodeRef = { value: taxCode }
    let className: string | undefined
    if (ctx.qbo.classPerLine) {
      const lineClassResult = lineClass(billingItem, code, ctx)
      if (!lineClassResult.ok) {
        if (!reasons.includes(lineClassResult.reason)) reasons.push(lineClassResult.reason)
      } else if (lineClassResult.value) {
        detail.ClassRef = ref(lineClassResult.value, lineClassResult.value.FullyQualifiedName ?? lineClassResult.value.Name)
        className = lineClassResult.value.FullyQualifiedName ?? lineClassResult.value.Name
      }
    }
    const description = (billingItem.description ?? billingItem.itemName ?? code?.name ?? "").trim().slice(0, 4000)
    const line: Record<string, Json> = {
      DetailType: "SalesItemLineDetail",
      Amount: Money.toApiNumber(amounts.amount),
      SalesItemLineDetail: detail
    }
    if (description !== "") line.Description = description
    lines.push(line)
    display.push({
      item: itemName,
      description,
      qty: Money.toText(amounts.qty),
      rate: Money.toText(amounts.unitPrice),
      amount: Money.formatMoney(amounts.amount),
      ...(className ? { class: className } : {}),
      ...(taxCode ? { taxCode } : {}),
      ...(detail.ServiceDate ? { serviceDate: detail.ServiceDate as string } : {})
    })
  }

  // The document must equal Autotask's total to the cent: never a silently different invoice.
  const documentTotal = Money.add(linesTotal, tax.sentTax)
  const expectedTotal = Money.subtract(Money.abs(total), config.taxes.region === "us" && config.taxes.us.amounts === "qbo" ? Money.abs(Money.toCents(Money.fromApi(invoice.totalTaxValue))) : Money.ZERO)
  if (billingItems.length > 0 && reasons.length === 0 && !Money.equalsToCent(documentTotal, expectedTotal)) {
    reasons.push(
      `the lines (${Money.formatMoney(linesTotal)}) plus tax (${Money.formatMoney(tax.sentTax)}) come to ${Money.formatMoney(documentTotal)}, but the Autotask total is ${Money.formatMoney(Money.abs(total))}; check the invoice's billing items in Autotask`
    )
  }

  // Terms: exact name, then alias, then the unmatched policy.
  const body: Record<string, Json> = {}
  if (entity === "Invoice" && invoice.paymentTerm !== null && invoice.paymentTerm !== undefined) {
    const atTerm = ctx.paymentTerms.get(invoice.paymentTerm)
    if (atTerm) {
      const alias = config.terms.aliases.find((entry) => nameKey(entry.autotask) === nameKey(atTerm.name))
      const term = ctx.terms.get(nameKey(atTerm.name)) ?? (alias ? ctx.terms.get(nameKey(alias.qbo)) : undefined)
      if (term && isActive(term)) body.SalesTermRef = ref(term, term.Name)
      else {
        const tried = alias ? `"${atTerm.name}" or its alias "${alias.qbo}"${at(alias.source)}` : `"${atTerm.name}"`
        if (config.terms.unmatched === "fail") {
          reasons.push(`no active QBO term matches Autotask payment term ${tried} (terms.yaml unmatched: fail); add an alias in terms.yaml`)
        } else {
          warnings.push({
            code: "term-omitted",
            message: `${invoiceLabel(invoice, ctx)}: no active QBO term matches Autotask payment term ${tried}; the invoice is created without terms (add an alias in terms.yaml)`,
            autotaskInvoiceId: invoice.id
          })
        }
      }
    }
  }

  if (ctx.qbo.classPerTxn && config.classes.default !== undefined) {
    const txnClass = findClass(config.classes.default, "classes.yaml default", ctx)
    if (txnClass.ok) body.ClassRef = ref(txnClass.value, txnClass.value.FullyQualifiedName ?? txnClass.value.Name)
    else reasons.push(txnClass.reason)
  }

  const docNumber = expectedDocNumber(invoice, ctx)
  if (docNumber !== undefined && [...docNumber].length > 21) {
    reasons.push(`the DocNumber "${docNumber}" is ${[...docNumber].length} characters long; QBO allows at most 21 (shorten sync.numbering.prefix)`)
  }

  let billEmail: string | undefined
  if (config.sync.email.onCreate && entity === "Invoice" && customer.ok) {
    billEmail = customer.target.kind === "existing"
      ? customer.target.customer.PrimaryEmailAddr?.Address ?? ctx.primaryContacts.get(company.id)?.emailAddress ?? undefined
      : customer.target.email
    if (!billEmail) {
      warnings.push({
        code: "no-email",
        message: `no e-mail address for "${company.companyName}" (QBO customer or Autotask primary contact); the invoice is created but not sent`,
        autotaskInvoiceId: invoice.id
      })
    }
  }

  if (reasons.length > 0 || !customer.ok) return { kind: "rejected", reasons, warnings, company }

  const autotaskNumber = autotaskNumberOf(invoice, config.sync.errorMarker.value)
  const customerRef: Json = customer.target.kind === "existing"
    ? ref(customer.target.customer, customer.target.customer.DisplayName)
    : { value: refTo(customerAddress(customer.target.displayName)), name: customer.target.displayName }
  const document: Record<string, Json> = {
    CustomerRef: customerRef,
    TxnDate: autotaskDate(invoice.invoiceDateTime, config.sync.timeZone),
    Line: lines,
    PrivateNote: privateNoteFor(invoice.id, autotaskNumber)
  }
  if (docNumber !== undefined) document.DocNumber = docNumber
  const dueDate = entity === "Invoice" && !body.SalesTermRef && invoice.dueDate ? autotaskDate(invoice.dueDate, config.sync.timeZone) : undefined
  if (dueDate) document.DueDate = dueDate
  Object.assign(document, body, tax.header)
  const memo = memoFor(invoice, ctx, warnings)
  if (memo !== undefined) document.CustomerMemo = { value: memo }
  if (billEmail) document.BillEmail = { Address: billEmail }

  return {
    kind: "document",
    warnings,
    document: {
      autotaskInvoiceId: invoice.id,
      autotaskNumber,
      entity,
      company,
      customer: customer.target,
      newItems: [...newItems.values()],
      body: document,
      total: documentTotal,
      lines: display,
      docNumber,
      billEmail
    }
  }
}
