/**
 * Tax on a document (pure): US — lines `TAX`/`NON` and the invoice's tax code and amount
 * (Autotask's, or left to QBO's automated sales tax); elsewhere — a QBO tax code per line by
 * Autotask tax category and region, per taxes.yaml.
 */
import type { AtBillingCode, AtBillingItem, AtInvoice } from "../autotask/model.ts"
import * as Money from "../domain/money.ts"
import type { Json, PlanWarning } from "../domain/plan.ts"
import { isActive, type PlanContext } from "./context.ts"
import { blank, invoiceLabel, ref } from "./labels.ts"
import { closestHint, qboNamed, settingWhere, whereOf } from "./mappings.ts"
import { nameKey } from "./names.ts"

export interface TaxDecision {
  readonly lineTaxCode: (billingItem: AtBillingItem, code: AtBillingCode | undefined) => string | undefined
  readonly header: { readonly [key: string]: Json }
  /** Tax the document total includes (Autotask's when we send it; zero when QBO computes it). */
  readonly sentTax: Money.Decimal
}

export const decideTax = (
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
        const where = rule ? whereOf("taxes.yaml", rule.source) : settingWhere(ctx.config, "taxes.global.defaultTaxCode")
        reasons.push(`tax code "${name}" (${where}) does not exist or is inactive in QBO${closestHint(name, qboNamed(ctx.snapshot.qbo.taxCodes))}`)
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
        : taxes.us.taxCode !== undefined
        ? `QBO has no active tax rate named "${codeName}" (${settingWhere(ctx.config, "taxes.us.taxCode")})${closestHint(codeName, qboNamed(ctx.snapshot.qbo.taxCodes))}`
        : `QBO has no active tax rate named "${codeName}" (the QBO tax rate must be named like the Autotask tax region, or set taxes.yaml us.taxCode)${closestHint(codeName, qboNamed(ctx.snapshot.qbo.taxCodes))}`
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
