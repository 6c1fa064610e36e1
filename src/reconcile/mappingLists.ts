/**
 * Reads the Autotask lists the mapping files name, so `plan` and `doctor` can check every entry
 * (reconcile/mappings.ts). Only what the configuration names is read: billing codes, payment
 * terms, tax categories and regions whole (short lists; the closest name needs them all),
 * companies by the ids and names customers.yaml gives. Nothing named, nothing read.
 */
import { Effect } from "effect"
import { AutotaskReader } from "../autotask/AutotaskClient.ts"
import type { AtBillingCode, AtCompany, AtPaymentTerm, AtTaxCategory, AtTaxRegion } from "../autotask/model.ts"
import type { Config } from "../config/types.ts"
import type { AutotaskMappingLists } from "./mappings.ts"

const EVERY = [{ op: "exist" as const, field: "id" }]

/** What the mapping files name on the Autotask side. */
export const namedByMappings = (config: Config) => {
  const { items, terms, customers, classes, taxes } = config
  return {
    billingCodes: items.map.length > 0 || classes.lines.rules.some((rule) => rule.billingCodes !== undefined || rule.billingCodeIds !== undefined),
    paymentTerms: terms.aliases.length > 0,
    companyIds: customers.crossReferences.flatMap((xref) => (xref.companyId === undefined ? [] : [xref.companyId])),
    companyNames: customers.crossReferences.flatMap((xref) => (xref.company === undefined ? [] : [xref.company])),
    taxCategories: taxes.region === "global"
      ? taxes.global.codes.some((code) => code.taxCategory !== undefined)
      : taxes.us.taxableWhen === "taxCategory" && taxes.us.taxableCategories.length > 0,
    taxRegions: taxes.region === "global" && taxes.global.codes.some((code) => code.taxRegion !== undefined)
  }
}

export const readMappingLists = Effect.fn("readMappingLists")(function*(config: Config) {
  const autotask = yield* AutotaskReader
  const named = namedByMappings(config)
  const all = <A>(wanted: boolean, entity: "BillingCodes" | "PaymentTerms" | "TaxCategories" | "TaxRegions") =>
    wanted ? autotask.query<A>(entity, EVERY) : Effect.succeed(undefined)
  const companies = named.companyIds.length + named.companyNames.length === 0
    ? Effect.succeed(undefined)
    : Effect.all([
      autotask.queryIn<AtCompany>("Companies", "id", named.companyIds),
      autotask.queryIn<AtCompany>("Companies", "companyName", named.companyNames)
    ], { concurrency: 2 }).pipe(Effect.map(([byId, byName]) => [...new Map([...byId, ...byName].map((company) => [company.id, company])).values()]))
  const lists = yield* Effect.all({
    billingCodes: all<AtBillingCode>(named.billingCodes, "BillingCodes"),
    paymentTerms: all<AtPaymentTerm>(named.paymentTerms, "PaymentTerms"),
    companies,
    taxCategories: all<AtTaxCategory>(named.taxCategories, "TaxCategories"),
    taxRegions: all<AtTaxRegion>(named.taxRegions, "TaxRegions")
  }, { concurrency: "unbounded" })
  return Object.fromEntries(Object.entries(lists).filter(([, rows]) => rows !== undefined)) as AutotaskMappingLists
})
