/**
 * Which QBO item a billing code's lines use (pure): the explicit map in items.yaml (by id, then
 * name), else the item named by the match field, else the missing-item policy — create one,
 * use the fallback, or fail the invoice.
 */
import type { AtBillingCode, AtBillingItem } from "../autotask/model.ts"
import type { Json } from "../domain/plan.ts"
import { fitText } from "../domain/text.ts"
import type { QboItem } from "../qbo/model.ts"
import { isActive, type PlanContext } from "./context.ts"
import { at, blank } from "./labels.ts"
import { closestHint, qboNamed, settingWhere } from "./mappings.ts"
import { nameKey, qboNameProblem } from "./names.ts"

export type ItemTarget =
  | { readonly kind: "existing"; readonly item: QboItem }
  /** `incomeAccount`: the full name of the account the new item posts to. */
  | { readonly kind: "create"; readonly name: string; readonly payload: Json; readonly incomeAccount: string }

/** Item types that are not a product or service (a line cannot use them). */
export const UNUSABLE_ITEM_TYPES = new Set(["Category", "Group"])
/** Item types QBO refuses a quantity on. */
export const NO_QUANTITY_ITEM_TYPES = new Set(["Discount", "Payment", "Subtotal", "Tax", "TaxGroup"])

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
          reason: `items.yaml${at(mapping.source)} maps ${label} to QBO item "${mapping.item}", which does not exist in QBO${closestHint(mapping.item, qboNamed(ctx.snapshot.qbo.items))}; fix the name or create the item`
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
      if (!item) {
        return {
          ok: false,
          reason: `${missing} and the fallback item "${fallbackName}" (${settingWhere(ctx.config, "items.missing.fallbackItem")}) does not exist in QBO${closestHint(fallbackName, qboNamed(ctx.snapshot.qbo.items))}`
        }
      }
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
          reason: `cannot create QBO item "${name}": income account "${items.missing.create.incomeAccount}" (${settingWhere(ctx.config, "items.missing.create.incomeAccount")}) does not exist or is inactive in QBO${closestHint(items.missing.create.incomeAccount, qboNamed(ctx.snapshot.qbo.accounts))}`
        }
      }
      const payload: Record<string, Json> = {
        Name: name,
        Type: items.missing.create.type,
        IncomeAccountRef: { value: account.Id, name: account.Name },
        Taxable: items.missing.create.taxable
      }
      if (!blank(code.description)) payload.Description = fitText(code.description!, 4000).text
      if (ctx.config.items.matchField === "externalNumber") payload.Sku = name.slice(0, 100)
      return { ok: true, target: { kind: "create", name, payload, incomeAccount: account.FullyQualifiedName ?? account.Name } }
    }
  }
}
