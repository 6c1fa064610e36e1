/**
 * Invoice lines (pure): exact amounts from a billing item, and the line class from the rules in
 * classes.yaml.
 */
import { Option } from "effect"
import type { AtBillingCode, AtBillingItem } from "../autotask/model.ts"
import * as Money from "../domain/money.ts"
import type { QboClass } from "../qbo/model.ts"
import { isActive, type PlanContext } from "./context.ts"
import { closestHint, qboNamed, settingWhere, whereOf } from "./mappings.ts"
import { nameKey } from "./names.ts"

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

export const lineClass = (
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
  return findClass(name, rule ? whereOf("classes.yaml", rule.source) : settingWhere(ctx.config, "classes.lines.default"), ctx)
}

export const findClass = (
  name: string,
  where: string,
  ctx: PlanContext
): { readonly ok: true; readonly value: QboClass } | { readonly ok: false; readonly reason: string } => {
  const found = ctx.classes.get(nameKey(name))
  if (!found) return { ok: false, reason: `class "${name}" (${where}) does not exist in QBO${closestHint(name, qboNamed(ctx.snapshot.qbo.classes))}` }
  if (!isActive(found)) return { ok: false, reason: `class "${name}" (${where}) is inactive in QBO` }
  return { ok: true, value: found }
}
