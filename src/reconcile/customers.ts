/**
 * Which QBO customer an Autotask company's invoices go to (pure): a cross-reference from
 * customers.yaml (the one for the company's currency first), else the DisplayName matched
 * case-insensitively after normalisation (a customer in the company's currency first), else a
 * new customer in that currency when allowed and when QBO would accept the name.
 */
import type { AtCompany } from "../autotask/model.ts"
import type { Json } from "../domain/plan.ts"
import type { QboCustomer } from "../qbo/model.ts"
import { isActive, type PlanContext } from "./context.ts"
import { customerCurrency, customerCurrencyFields, displayCurrency } from "./currency.ts"
import { at, blank } from "./labels.ts"
import { closestHint } from "./mappings.ts"
import { customerKey, nameKey, qboNameProblem } from "./names.ts"

export type CustomerTarget =
  | { readonly kind: "existing"; readonly customer: QboCustomer }
  | { readonly kind: "create"; readonly displayName: string; readonly payload: Json; readonly email: string | undefined }

export const resolveCustomer = (
  company: AtCompany,
  ctx: PlanContext
): { readonly ok: true; readonly target: CustomerTarget } | { readonly ok: false; readonly reason: string } => {
  const { customers } = ctx.config
  const currency = displayCurrency(company, ctx)
  const forCompany = customers.crossReferences.filter((ref) => ref.companyId === company.id)
  const byName = customers.crossReferences.filter((ref) => ref.company !== undefined && nameKey(ref.company) === nameKey(company.companyName))
  const xref = [...forCompany, ...byName].find((ref) => ref.currency === currency) ??
    [...forCompany, ...byName].find((ref) => ref.currency === undefined)
  if (xref) {
    const customer = ctx.customersByName.get(nameKey(xref.customer))
    if (!customer) {
      return {
        ok: false,
        reason: `customers.yaml${at(xref.source)} maps company "${company.companyName}" to QBO customer "${xref.customer}", which does not exist in QBO${
          closestHint(xref.customer, ctx.snapshot.qbo.customers.map((customer) => ({ name: customer.DisplayName, active: isActive(customer) })))
        }; fix the name or create the customer`
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
    // A customer in the company's currency first: another one could never take its invoices.
    const inCurrency = active.filter((customer) => customerCurrency(customer, ctx) === currency)
    const pool = inCurrency.length > 0 ? inCurrency : active
    if (pool.length === 1) return { ok: true, target: { kind: "existing", customer: pool[0]! } }
    const exact = pool.filter((customer) => nameKey(customer.DisplayName) === nameKey(company.companyName))
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
  const payload = { ...customerPayload(company, displayName, email), ...customerCurrencyFields(currency, ctx) }
  return { ok: true, target: { kind: "create", displayName, payload, email } }
}

const customerPayload = (company: AtCompany, displayName: string, email: string | undefined): Record<string, Json> => {
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
