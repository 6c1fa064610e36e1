/**
 * Mapping entries that point at nothing (pure): every name or id the mapping files give for an
 * Autotask or QBO record, checked against the live lists. Each finding names the YAML
 * file:line and the closest existing value. `plan` turns a finding into an error on the
 * invoices it concerns this run, else a warning; `doctor` fails on any.
 *
 * The QBO side needs the whole lists (plan reads them anyway). The Autotask side is checked
 * only for the lists given (`undefined` = not read): plan and doctor read exactly the ones the
 * configuration names (reconcile/mappingLists.ts).
 */
import type { AtBillingCode, AtCompany, AtPaymentTerm, AtTaxCategory, AtTaxRegion } from "../autotask/model.ts"
import type { Config, LocatedSetting, SourceRef } from "../config/types.ts"
import { closestMatch } from "../config/suggest.ts"
import type { QboAccount, QboClass, QboCustomer, QboItem, QboTaxCode, QboTerm } from "../qbo/model.ts"
import { hasName, isActive } from "./context.ts"
import { nameKey } from "./names.ts"

/** The Autotask lists the configuration names, each read whole (or, for companies, those named). */
export interface AutotaskMappingLists {
  readonly billingCodes?: ReadonlyArray<AtBillingCode>
  readonly paymentTerms?: ReadonlyArray<AtPaymentTerm>
  readonly companies?: ReadonlyArray<AtCompany>
  readonly taxCategories?: ReadonlyArray<AtTaxCategory>
  readonly taxRegions?: ReadonlyArray<AtTaxRegion>
}

export interface QboMappingLists {
  readonly items: ReadonlyArray<QboItem>
  readonly terms: ReadonlyArray<QboTerm>
  readonly customers: ReadonlyArray<QboCustomer>
  readonly classes: ReadonlyArray<QboClass>
  readonly taxCodes: ReadonlyArray<QboTaxCode>
  readonly accounts: ReadonlyArray<QboAccount>
}

export type MeantKind = "billingCode" | "paymentTerm" | "company"

export interface MappingFinding {
  /** `mappings/items.yaml:7`, or `items.yaml missing.create.incomeAccount` for a default; every message about the entry contains it. */
  readonly where: string
  /** One sentence: where, what it names, that it does not exist (or is inactive), the closest existing value. */
  readonly message: string
  readonly system: "autotask" | "qbo"
  readonly state: "missing" | "inactive"
  /** A missing Autotask name: the existing record it most likely meant (its invoices would silently miss the entry). */
  readonly meant?: { readonly kind: MeantKind; readonly name: string }
}

/** `mappings/items.yaml:7`, or the setting itself when it was not written (a default). */
export const whereOf = (file: string, source: SourceRef | undefined, setting?: string): string =>
  source ? `${source.file}:${source.line}` : `${file}${setting ? ` ${setting}` : ""}`

/** Where a single-value setting is: its line when written, else `file setting` (the default). */
export const settingWhere = (config: Config, setting: LocatedSetting): string => {
  const [file, ...path] = setting.split(".")
  return whereOf(`${file}.yaml`, config.locations?.[setting], path.join("."))
}

interface Named {
  readonly name: string
  readonly active: boolean
}

const closestText = (name: string, candidates: ReadonlyArray<Named>): { readonly text: string; readonly closest: string | undefined } => {
  const closest = closestMatch(name, candidates.filter((candidate) => candidate.active).map((candidate) => candidate.name))
  return { text: closest === undefined ? "" : ` (closest: "${closest}")`, closest }
}

/**
 * The sentence for a name that resolves to nothing usable; the resolvers use it too, so a
 * rejection and a finding about the same entry read the same.
 */
export const unresolvedName = (
  where: string,
  what: string,
  name: string,
  candidates: ReadonlyArray<Named>
): { readonly message: string; readonly state: "missing" | "inactive"; readonly closest: string | undefined } | undefined => {
  const found = candidates.filter((candidate) => nameKey(candidate.name) === nameKey(name))
  if (found.some((candidate) => candidate.active)) return undefined
  const state = found.length > 0 ? "inactive" : "missing"
  const system = what.startsWith("QBO") ? "QBO" : "Autotask"
  const { text, closest } = state === "missing" ? closestText(name, candidates) : { text: "", closest: undefined }
  return {
    message: `${where}: ${what} "${name}" ${state === "missing" ? `does not exist in ${system}${text}` : `is inactive in ${system}`}`,
    state,
    closest
  }
}

/** ` (closest: "Net 30")` when an active candidate is close enough to be a typo, else "". */
export const closestHint = (name: string, candidates: ReadonlyArray<Named>): string => closestText(name, candidates).text

/** QBO records by Name and FullyQualifiedName (both resolve, as in matching). */
export const qboNamed = (rows: ReadonlyArray<{ readonly Name: string; readonly FullyQualifiedName?: string; readonly Active?: boolean }>): ReadonlyArray<Named> =>
  rows.flatMap((row) => {
    const active = isActive(row)
    return row.FullyQualifiedName && row.FullyQualifiedName !== row.Name
      ? [{ name: row.Name, active }, { name: row.FullyQualifiedName, active }]
      : [{ name: row.Name, active }]
  })

const customersNamed = (rows: ReadonlyArray<QboCustomer>): ReadonlyArray<Named> => rows.map((row) => ({ name: row.DisplayName, active: isActive(row) }))

const autotaskNamed = (rows: ReadonlyArray<{ readonly name: string; readonly isActive: boolean | number }>): ReadonlyArray<Named> =>
  rows.map((row) => ({ name: row.name, active: row.isActive === true || row.isActive === 1 }))

const companiesNamed = (rows: ReadonlyArray<AtCompany>): ReadonlyArray<Named> =>
  rows.filter(hasName).map((row) => ({ name: row.companyName, active: row.isActive }))

/** Every entry of the mapping files that names a record the lists do not hold as active. */
export const mappingFindings = (config: Config, qbo: QboMappingLists, autotask: AutotaskMappingLists): ReadonlyArray<MappingFinding> => {
  const findings: Array<MappingFinding> = []
  /** `meant`: the kind of record a typo may have meant, and whether another entry of the file already covers that record. */
  const check = (
    system: "autotask" | "qbo",
    where: string,
    what: string,
    name: string,
    candidates: ReadonlyArray<Named>,
    meant?: { readonly kind: MeantKind; readonly covered: (name: string) => boolean }
  ) => {
    const problem = unresolvedName(where, what, name, candidates)
    if (problem === undefined) return
    const closest = problem.closest
    findings.push({
      where,
      message: problem.message,
      system,
      state: problem.state,
      ...(meant && closest !== undefined && !meant.covered(closest) ? { meant: { kind: meant.kind, name: closest } } : {})
    })
  }
  const codeId = (name: string) => autotask.billingCodes?.find((code) => nameKey(code.name) === nameKey(name))?.id
  const companyId = (name: string) => autotask.companies?.find((company) => hasName(company) && nameKey(company.companyName) === nameKey(name))?.id
  const byId = (where: string, what: string, id: number, rows: ReadonlyArray<{ readonly id: number; readonly isActive: boolean | number }> | undefined) => {
    const row = rows?.find((candidate) => candidate.id === id)
    if (rows === undefined || (row && (row.isActive === true || row.isActive === 1))) return
    findings.push({ where, message: `${where}: ${what} id ${id} ${row ? "is inactive" : "does not exist"} in Autotask`, system: "autotask", state: row ? "inactive" : "missing" })
  }
  const { items, terms, customers, classes, taxes } = config
  const qboItems = qboNamed(qbo.items)
  const codes = autotask.billingCodes && autotaskNamed(autotask.billingCodes)

  for (const entry of items.map) {
    const where = whereOf("items.yaml", entry.source)
    if (entry.billingCodeId !== undefined) byId(where, "billing code", entry.billingCodeId, autotask.billingCodes)
    if (entry.billingCode !== undefined && codes) {
      check("autotask", where, "billing code", entry.billingCode, codes, {
        kind: "billingCode",
        covered: (name) => items.map.some((other) => (other.billingCode !== undefined && nameKey(other.billingCode) === nameKey(name)) || other.billingCodeId === codeId(name))
      })
    }
    check("qbo", where, "QBO item", entry.item, qboItems)
  }
  if (items.missing.policy === "fallback" && items.missing.fallbackItem !== undefined) {
    check("qbo", settingWhere(config, "items.missing.fallbackItem"), "QBO item", items.missing.fallbackItem, qboItems)
  }
  if (items.missing.policy === "create") {
    check("qbo", settingWhere(config, "items.missing.create.incomeAccount"), "QBO account", items.missing.create.incomeAccount, qboNamed(qbo.accounts))
  }

  const atTerms = autotask.paymentTerms && autotaskNamed(autotask.paymentTerms)
  for (const alias of terms.aliases) {
    const where = whereOf("terms.yaml", alias.source)
    if (atTerms) {
      check("autotask", where, "payment term", alias.autotask, atTerms, {
        kind: "paymentTerm",
        covered: (name) => terms.aliases.some((other) => nameKey(other.autotask) === nameKey(name))
      })
    }
    check("qbo", where, "QBO term", alias.qbo, qboNamed(qbo.terms))
  }

  for (const xref of customers.crossReferences) {
    const where = whereOf("customers.yaml", xref.source)
    if (xref.companyId !== undefined) byId(where, "company", xref.companyId, autotask.companies)
    if (xref.company !== undefined && autotask.companies) {
      check("autotask", where, "company", xref.company, companiesNamed(autotask.companies), {
        kind: "company",
        covered: (name) => customers.crossReferences.some((other) => (other.company !== undefined && nameKey(other.company) === nameKey(name)) || other.companyId === companyId(name))
      })
    }
    check("qbo", where, "QBO customer", xref.customer, customersNamed(qbo.customers))
  }

  const qboClasses = qboNamed(qbo.classes)
  if (classes.default !== undefined) check("qbo", settingWhere(config, "classes.default"), "QBO class", classes.default, qboClasses)
  if (classes.lines.default !== undefined) check("qbo", settingWhere(config, "classes.lines.default"), "QBO class", classes.lines.default, qboClasses)
  for (const rule of classes.lines.rules) {
    const where = whereOf("classes.yaml", rule.source)
    check("qbo", where, "QBO class", rule.class, qboClasses)
    const ruled = (name: string) =>
      classes.lines.rules.some((other) => other.billingCodes?.some((code) => nameKey(code) === nameKey(name)) || other.billingCodeIds?.includes(codeId(name) ?? -1))
    for (const name of rule.billingCodes ?? []) if (codes) check("autotask", where, "billing code", name, codes, { kind: "billingCode", covered: ruled })
    for (const id of rule.billingCodeIds ?? []) byId(where, "billing code", id, autotask.billingCodes)
  }

  const qboTaxCodes = qboNamed(qbo.taxCodes)
  const categories = autotask.taxCategories && autotaskNamed(autotask.taxCategories)
  if (taxes.region === "us") {
    if (taxes.us.taxCode !== undefined) check("qbo", settingWhere(config, "taxes.us.taxCode"), "QBO tax rate", taxes.us.taxCode, qboTaxCodes)
    if (taxes.us.taxableWhen === "taxCategory" && categories) {
      for (const name of taxes.us.taxableCategories) check("autotask", "taxes.yaml us.taxableCategories", "tax category", name, categories)
    }
  } else {
    for (const code of taxes.global.codes) {
      const where = whereOf("taxes.yaml", code.source)
      check("qbo", where, "QBO tax code", code.taxCode, qboTaxCodes)
      if (code.taxCategory !== undefined && categories) check("autotask", where, "tax category", code.taxCategory, categories)
      if (code.taxRegion !== undefined && autotask.taxRegions) check("autotask", where, "tax region", code.taxRegion, autotaskNamed(autotask.taxRegions))
    }
    if (taxes.global.defaultTaxCode !== undefined) check("qbo", settingWhere(config, "taxes.global.defaultTaxCode"), "QBO tax code", taxes.global.defaultTaxCode, qboTaxCodes)
  }
  return findings
}
