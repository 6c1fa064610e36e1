/**
 * Desired state (pure): one Autotask invoice + the config → the QBO document we want, or
 * every reason it cannot be created. Lines carry exact decimals so QBO's
 * `Amount = Qty × UnitPrice` rule holds and the total equals Autotask's to the cent.
 */
import type { AtBillingItem, AtCompany, AtInvoice } from "../autotask/model.ts"
import { autotaskDate, datePart } from "../domain/dates.ts"
import * as Money from "../domain/money.ts"
import { fitText } from "../domain/text.ts"
import type { DisplayLine, Json, PlanWarning } from "../domain/plan.ts"
import type { QboTerm } from "../qbo/model.ts"
import { meantKey, type PlanContext } from "./context.ts"
import { companyCurrency, currencyProblems, documentCurrencyFields } from "./currency.ts"
import { type CustomerTarget, resolveCustomer } from "./customers.ts"
import { type DueDate, plannedDueDate } from "./dueDates.ts"
import { type ItemTarget, NO_QUANTITY_ITEM_TYPES, resolveItem } from "./items.ts"
import { autotaskNumberOf, blank, customerAddress, invoiceLabel, invoiceTotal, itemAddress, ref, refTo } from "./labels.ts"
import { findClass, lineAmounts, lineClass } from "./lines.ts"
import { type MeantKind, settingWhere } from "./mappings.ts"
import { privateNoteFor } from "./marker.ts"
import { nameKey } from "./names.ts"
import { decideTax, type TaxDecision } from "./taxes.ts"
import { matchTerm } from "./terms.ts"

export interface DesiredDocument {
  readonly autotaskInvoiceId: number
  readonly autotaskNumber: string | undefined
  readonly entity: "Invoice" | "CreditMemo"
  readonly company: AtCompany
  /** ISO code of the document's currency (its customer's); amounts are in it. */
  readonly currency: string
  readonly customer: CustomerTarget
  /** Items the document needs that do not exist yet (de-duplicated by the planner). */
  readonly newItems: ReadonlyArray<Extract<ItemTarget, { kind: "create" }>>
  readonly body: { readonly [key: string]: Json }
  /** Document total as QBO will compute it (lines + tax sent), positive for credit memos. */
  readonly total: Money.Decimal
  readonly lines: ReadonlyArray<DisplayLine>
  readonly docNumber: string | undefined
  readonly billEmail: string | undefined
  /** Invoices only: the due date QBO will give it, and why. */
  readonly dueDate: DueDate | undefined
  /** The Autotask term no active QBO term matched (terms.yaml unmatched: omit), as tried; reported once per term. */
  readonly omittedTerm: string | undefined
}

export type DesiredOutcome =
  | { readonly kind: "document"; readonly document: DesiredDocument; readonly warnings: ReadonlyArray<PlanWarning> }
  | {
    readonly kind: "rejected"
    readonly reasons: ReadonlyArray<string>
    readonly warnings: ReadonlyArray<PlanWarning>
    readonly company: AtCompany | undefined
  }

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
  const memo = fitText(texts.join(separator), 1000)
  if (memo.cut) warnings.push({ code: "memo-truncated", message: `${invoiceLabel(invoice, ctx)}: the customer memo was cut to QBO's 1,000 characters`, autotaskInvoiceId: invoice.id })
  return memo.text
}

const MEANT_LABEL: Record<MeantKind, string> = { billingCode: "billing code", paymentTerm: "payment term", company: "company" }

/**
 * Mapping entries whose name matches no Autotask record but is close to one this invoice uses:
 * the entry was most likely meant for it, so the invoice is refused rather than booked without it.
 */
const misspeltEntries = (invoice: AtInvoice, company: AtCompany, ctx: PlanContext): ReadonlyArray<string> => {
  const codes = (ctx.billingItemsByInvoice.get(invoice.id) ?? []).flatMap((item) => {
    const code = item.billingCodeID === null || item.billingCodeID === undefined ? undefined : ctx.billingCodes.get(item.billingCodeID)
    return code ? [code.name] : []
  })
  const term = invoice.paymentTerm === null || invoice.paymentTerm === undefined ? undefined : ctx.paymentTerms.get(invoice.paymentTerm)?.name
  const used: ReadonlyArray<[MeantKind, string]> = [
    ["company", company.companyName],
    ...(term === undefined ? [] : [["paymentTerm", term] as [MeantKind, string]]),
    ...codes.map((name): [MeantKind, string] => ["billingCode", name])
  ]
  const findings = new Set(used.flatMap(([kind, name]) => {
    const finding = ctx.meant.get(meantKey(kind, name))
    return finding ? [finding] : []
  }))
  return [...findings].map((finding) =>
    `${finding.message}; it most likely means the ${MEANT_LABEL[finding.meant!.kind]} "${finding.meant!.name}" of this invoice, which it therefore misses — fix the entry (atqbo does not guess)`
  )
}

/** "billing item 7: rate is "abc", not a number" for every amount atqbo reads from the invoice and its lines. */
const unreadableAmounts = (invoice: AtInvoice, billingItems: ReadonlyArray<AtBillingItem>): ReadonlyArray<string> => {
  const fields: Array<[string, unknown]> = [["invoiceTotal", invoice.invoiceTotal], ["totalTaxValue", invoice.totalTaxValue]]
  for (const item of billingItems) {
    for (const field of ["quantity", "rate", "extendedPrice", "taxDollars"] as const) fields.push([`billing item ${item.id} ${field}`, item[field]])
  }
  return fields.flatMap(([field, value]) => {
    const problem = Money.amountProblem(value)
    return problem === undefined ? [] : [`Autotask's ${field} ${problem}; atqbo never books an amount it cannot read exactly — correct it in Autotask`]
  })
}

/** DocNumber for `autotask` numbering: prefix + Autotask number (the invoice id when blank). */
export const expectedDocNumber = (invoice: AtInvoice, ctx: PlanContext): string | undefined => {
  const { numbering, errorMarker } = ctx.config.sync
  if (numbering.mode !== "autotask") return undefined
  return `${numbering.prefix}${autotaskNumberOf(invoice, errorMarker.value) ?? String(invoice.id)}`
}

/** The QBO lines of the invoice's billing items; a line that cannot be booked adds its reason. */
const linesOf = (
  invoice: AtInvoice,
  billingItems: ReadonlyArray<AtBillingItem>,
  sign: 1 | -1,
  tax: TaxDecision,
  ctx: PlanContext,
  reasons: Array<string>,
  warnings: Array<PlanWarning>
) => {
  const { config } = ctx
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
    for (const [field, value] of [["amount", amounts.amount], ["rate", amounts.unitPrice], ["quantity", amounts.qty]] as const) {
      const problem = Money.qboAmountProblem(value)
      if (problem) reasons.push(`billing item ${billingItem.id}: the ${field} ${problem}; amounts are never rounded — split the line in Autotask`)
    }
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
    const fitted = fitText((billingItem.description ?? billingItem.itemName ?? code?.name ?? "").trim(), 4000)
    const description = fitted.text
    if (fitted.cut) {
      warnings.push({
        code: "description-truncated",
        message: `${invoiceLabel(invoice, ctx)}: the description of billing item ${billingItem.id} was cut to QBO's 4,000 characters`,
        autotaskInvoiceId: invoice.id
      })
    }
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
  return { lines, display, newItems, linesTotal }
}

/** The QBO term for the invoice's Autotask payment term: exact name, then alias, then the unmatched policy. */
const termOf = (invoice: AtInvoice, ctx: PlanContext, reasons: Array<string>): { sentTerm: QboTerm | undefined; omittedTerm: string | undefined } => {
  const atTerm = invoice.paymentTerm === null || invoice.paymentTerm === undefined ? undefined : ctx.paymentTerms.get(invoice.paymentTerm)
  if (!atTerm) return { sentTerm: undefined, omittedTerm: undefined }
  const match = matchTerm(atTerm, ctx)
  if (match.ok) return { sentTerm: match.term, omittedTerm: undefined }
  if (ctx.config.terms.unmatched === "fail") {
    reasons.push(`no active QBO term matches Autotask payment term ${match.tried} (terms.yaml unmatched: fail); add an alias in terms.yaml`)
    return { sentTerm: undefined, omittedTerm: undefined }
  }
  return { sentTerm: undefined, omittedTerm: match.tried }
}

export const desiredDocument = (invoice: AtInvoice, ctx: PlanContext): DesiredOutcome => {
  const reasons: Array<string> = []
  const warnings: Array<PlanWarning> = []
  const { config } = ctx
  const company = ctx.companies.get(invoice.companyID)
  if (!company) {
    const reason = ctx.nameless.has(invoice.companyID)
      ? `Autotask company ${invoice.companyID} of this invoice has no name, so no QBO customer can be matched or created for it; name the company in Autotask`
      : `Autotask company ${invoice.companyID} of this invoice could not be read`
    return { kind: "rejected", reasons: [reason], warnings, company }
  }

  reasons.push(...misspeltEntries(invoice, company, ctx))

  // Amounts that cannot be read exactly are never read as something else (0, a rounded value).
  const unreadable = unreadableAmounts(invoice, ctx.billingItemsByInvoice.get(invoice.id) ?? [])
  if (unreadable.length > 0) return { kind: "rejected", reasons: [...reasons, ...unreadable], warnings, company }

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
  const currency = companyCurrency(company, ctx)
  if (!currency.ok) reasons.push(currency.reason)
  else reasons.push(...currencyProblems(company, currency.code, customer.ok && customer.target.kind === "existing" ? customer.target.customer : undefined, ctx))

  if (ctx.config.sync.numbering.mode === "qbo" && ctx.qbo.customTxnNumbers) {
    reasons.push(
      "QBO's \"Custom transaction numbers\" setting is on, so QBO would leave the invoice unnumbered; turn it off in QBO or set sync.numbering.mode: autotask"
    )
  }

  const tax = decideTax(invoice, ctx, reasons, warnings)
  const billingItems = ctx.billingItemsByInvoice.get(invoice.id) ?? []
  if (billingItems.length === 0) reasons.push("the invoice has no billing items in Autotask")
  const currencyFields = currency.ok ? documentCurrencyFields(currency, billingItems, ctx) : { fields: {}, reasons: [] }
  reasons.push(...currencyFields.reasons)

  const { lines, display, newItems, linesTotal } = linesOf(invoice, billingItems, sign, tax, ctx, reasons, warnings)

  // The document must equal Autotask's total to the cent: never a silently different invoice.
  const documentTotal = Money.add(linesTotal, tax.sentTax)
  const expectedTotal = Money.subtract(Money.abs(total), config.taxes.region === "us" && config.taxes.us.amounts === "qbo" ? Money.abs(Money.toCents(Money.fromApi(invoice.totalTaxValue))) : Money.ZERO)
  const totalProblem = Money.qboAmountProblem(total)
  if (totalProblem) reasons.push(`the total ${totalProblem}; amounts are never rounded — split the invoice in Autotask`)
  if (billingItems.length > 0 && reasons.length === 0 && !Money.equalsToCent(documentTotal, expectedTotal)) {
    reasons.push(
      `the lines (${Money.formatMoney(linesTotal)}) plus tax (${Money.formatMoney(tax.sentTax)}) come to ${Money.formatMoney(documentTotal)}, but the Autotask total is ${Money.formatMoney(Money.abs(total))}; check the invoice's billing items in Autotask`
    )
  }

  const body: Record<string, Json> = {}
  const { sentTerm, omittedTerm } = entity === "Invoice" ? termOf(invoice, ctx, reasons) : { sentTerm: undefined, omittedTerm: undefined }
  if (sentTerm) body.SalesTermRef = ref(sentTerm, sentTerm.Name)

  if (ctx.qbo.classPerTxn && config.classes.default !== undefined) {
    const txnClass = findClass(config.classes.default, settingWhere(config, "classes.default"), ctx)
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

  if (reasons.length > 0 || !customer.ok || !currency.ok) return { kind: "rejected", reasons, warnings, company }

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
  const sentDueDate = entity === "Invoice" && !sentTerm && invoice.dueDate ? autotaskDate(invoice.dueDate, config.sync.timeZone) : undefined
  if (sentDueDate) document.DueDate = sentDueDate
  const dueDate = entity === "Invoice"
    ? plannedDueDate(document.TxnDate as string, sentTerm, sentDueDate, customer.target.kind === "existing" ? customer.target.customer : undefined, ctx)
    : undefined
  Object.assign(document, currencyFields.fields, body, tax.header)
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
      currency: currency.code,
      customer: customer.target,
      newItems: [...newItems.values()],
      body: document,
      total: documentTotal,
      lines: display,
      docNumber,
      billEmail,
      dueDate,
      omittedTerm
    }
  }
}
