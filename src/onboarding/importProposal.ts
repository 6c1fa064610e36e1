/**
 * `atqbo import`, the pure part: live Autotask billing codes, payment terms and companies
 * against QBO items, terms and customers → a match report (matched / differing / missing in
 * QBO, like the vendor's "Compare Billing Codes and Items") and proposed `items.yaml`,
 * `terms.yaml` and `customers.yaml`.
 *
 * Exact matches use the reconciler's own rules (`nameKey`, `customerKey`), so "matched" here
 * means `plan` will find it. Close matches (see `similarity.ts`) become explicit mappings —
 * an item mapping, a term alias, a customer cross-reference — each with a comment naming
 * what it resembles, for a reviewer to confirm. Entries already in the configuration are kept.
 */
import type { AtBillingCode, AtCompany, AtPaymentTerm } from "../autotask/model.ts"
import type { Config } from "../config/types.ts"
import type { QboCustomer, QboItem, QboTerm } from "../qbo/model.ts"
import { hasName, indexNamed, isActive } from "../reconcile/context.ts"
import { NO_QUANTITY_ITEM_TYPES, UNUSABLE_ITEM_TYPES } from "../reconcile/items.ts"
import {
  companyCurrency,
  type CurrencyFacts,
  customerCurrency,
  customerCurrencyMismatch,
  customerInCurrency,
  unbookableCurrency
} from "../reconcile/currency.ts"
import { customerKey, nameKey, qboNameProblem } from "../reconcile/names.ts"
import { closest, companyKey, looseKey, termKey } from "./similarity.ts"
import { commentText, quoted, yamlScalar } from "./yamlText.ts"

export type MatchStatus = "matched" | "differing" | "missing"

export interface MatchRow {
  readonly status: MatchStatus
  /** The Autotask billing code, payment term or company. */
  readonly autotask: string
  readonly autotaskId: number
  /** The QBO item, term or customer it matches or resembles. */
  readonly qbo: string | undefined
  /** A few words: how it matched, or what is wrong. */
  readonly note: string
}

export type SectionKind = "items" | "terms" | "customers"

export interface MatchSection {
  readonly kind: SectionKind
  /** "Billing codes → QBO items" */
  readonly title: string
  readonly rows: ReadonlyArray<MatchRow>
}

export interface ImportInput {
  readonly config: Config
  /** Active billing codes. */
  readonly billingCodes: ReadonlyArray<AtBillingCode>
  /** Active payment terms. */
  readonly paymentTerms: ReadonlyArray<AtPaymentTerm>
  /** The companies to propose customers for. */
  readonly companies: ReadonlyArray<AtCompany>
  /** QBO items, terms and customers, active and inactive. */
  readonly items: ReadonlyArray<QboItem>
  readonly terms: ReadonlyArray<QboTerm>
  readonly customers: ReadonlyArray<QboCustomer>
  /** Currencies on both sides: a customer must be in its company's currency. */
  readonly currencies: CurrencyFacts
}

export interface RenderOptions {
  /** Relative path from the output directory to the schemas, for the modeline. */
  readonly schemaDir: string
  /** `YYYY-MM-DD`, named in the header comment. */
  readonly date: string
  /** Which companies were read, for the customers.yaml header. */
  readonly companiesNote: string
}

export interface ImportProposal {
  readonly sections: ReadonlyArray<MatchSection>
  readonly files: { readonly items: string; readonly terms: string; readonly customers: string }
}

// ---------------------------------------------------------------------------------------------
// Shared



const byName = <A>(rows: ReadonlyArray<A>, name: (row: A) => string, id: (row: A) => number): Array<A> =>
  [...rows].sort((a, b) => name(a).localeCompare(name(b), "en-US") || id(a) - id(b))

/** One proposed or kept YAML list entry / alias, with the comment line above it. */
interface Entry {
  readonly comment: string
  readonly lines: ReadonlyArray<string>
}

const STATUS_HEADINGS: Record<SectionKind, Record<MatchStatus, string>> = {
  items: {
    matched: "Matched — plan finds these items",
    differing: "Differing — close matches mapped below, or items that need a decision",
    missing: "Missing in QBO"
  },
  terms: {
    matched: "Matched — plan finds these terms",
    differing: "Differing — close matches aliased below, or terms that need a decision",
    missing: "Missing in QBO"
  },
  customers: {
    matched: "Matched — plan finds these customers",
    differing: "Differing — close matches cross-referenced below, or customers that need a decision",
    missing: "Missing in QBO"
  }
}

/** The header comment: every row under its status. */
const statusComment = (kind: SectionKind, rows: ReadonlyArray<MatchRow>, missingNote: string): Array<string> => {
  const lines: Array<string> = []
  for (const status of ["matched", "differing", "missing"] as const) {
    const group = rows.filter((row) => row.status === status)
    if (group.length === 0) continue
    const heading = status === "missing" ? `${STATUS_HEADINGS[kind].missing} — ${missingNote}` : STATUS_HEADINGS[kind][status]
    lines.push("#", `# ${heading} (${group.length}):`)
    for (const row of group) {
      const target = row.qbo === undefined ? "" : ` ${status === "matched" ? "=" : "≈"} ${quoted(row.qbo)}`
      lines.push(`#   ${quoted(row.autotask)} (id ${row.autotaskId})${target}: ${commentText(row.note)}`)
    }
  }
  return lines
}

const header = (fileName: string, schemaName: string, options: RenderOptions, what: ReadonlyArray<string>): Array<string> => [
  `# yaml-language-server: $schema=${options.schemaDir.replace(/\\/g, "/").replace(/\/+$/, "")}/${schemaName}.schema.json`,
  "#",
  `# ${fileName} — proposed by \`atqbo import\` on ${options.date}${what.length > 0 ? ` ${what[0]}` : ""}`,
  ...what.slice(1).map((line) => `# ${line}`),
  "# Review every \"close match\" before you commit this file, then run `atqbo validate` and",
  "# `atqbo plan`. Re-running `atqbo import --force` regenerates it and keeps its mappings."
]

const entryBlock = (entries: ReadonlyArray<Entry>): Array<string> =>
  entries.flatMap((entry) => [`  # ${commentText(entry.comment)}`, ...entry.lines.map((line) => `  ${line}`)])

// ---------------------------------------------------------------------------------------------
// Items

/** Items a proposed mapping should not point at: not a product or service, or no quantity. */
const UNPROPOSABLE_ITEM_TYPES = new Set([...UNUSABLE_ITEM_TYPES, ...NO_QUANTITY_ITEM_TYPES])

const itemProblem = (item: QboItem): string | undefined => {
  if (!isActive(item)) return `QBO item ${quoted(item.Name)} is inactive; reactivate it or map the billing code to another item`
  if (UNPROPOSABLE_ITEM_TYPES.has(item.Type)) {
    return `QBO item ${quoted(item.Name)} is of type ${item.Type}, which an invoice line cannot use; map the billing code to a service or product`
  }
  return undefined
}

const matchValue = (code: AtBillingCode, field: Config["items"]["matchField"]): string | undefined => {
  const value = field === "name" ? code.name : code.externalNumber
  if (value === null || value === undefined) return undefined
  const text = String(value).trim()
  return text === "" ? undefined : text
}

const proposeItems = (input: ImportInput) => {
  const { items: settings } = input.config
  const index = indexNamed(input.items)
  const usableItems = input.items.filter((item) => itemProblem(item) === undefined)
  const codes = byName(input.billingCodes, (code) => code.name, (code) => code.id)
  const codesById = new Map(codes.map((code) => [code.id, code]))
  const codesByName = new Map(codes.map((code) => [nameKey(code.name), code]))
  const rows: Array<MatchRow> = []
  const kept: Array<Entry> = []
  const proposed: Array<Entry> = []
  const covered = new Set<number>()

  for (const mapping of settings.map) {
    const code = mapping.billingCodeId !== undefined
      ? codesById.get(mapping.billingCodeId)
      : codesByName.get(nameKey(mapping.billingCode ?? ""))
    const item = index.get(nameKey(mapping.item))
    const problem = item === undefined ? `QBO has no item ${quoted(mapping.item)}` : itemProblem(item)
    const lines = mapping.billingCodeId !== undefined
      ? [`- billingCodeId: ${mapping.billingCodeId}`, `  item: ${yamlScalar(mapping.item)}`]
      : [`- billingCode: ${yamlScalar(mapping.billingCode ?? "")}`, `  item: ${yamlScalar(mapping.item)}`]
    const subject = code === undefined
      ? `kept from items.yaml; no active Autotask billing code ${mapping.billingCodeId ?? quoted(mapping.billingCode ?? "")}`
      : `kept from items.yaml`
    kept.push({ comment: problem === undefined ? subject : `${subject}; ${problem}`, lines })
    if (code === undefined || covered.has(code.id)) continue
    covered.add(code.id)
    rows.push({
      status: problem === undefined ? "matched" : item === undefined ? "missing" : "differing",
      autotask: code.name,
      autotaskId: code.id,
      qbo: mapping.item,
      note: problem ?? "mapped in items.yaml"
    })
  }

  const missingConsequence = settings.missing.policy === "create"
    ? "apply creates it (missing.policy: create)"
    : settings.missing.policy === "fallback"
    ? `lines use ${quoted(settings.missing.fallbackItem ?? "")} (missing.policy: fallback)`
    : "its invoices fail (missing.policy: fail)"

  for (const code of codes) {
    if (covered.has(code.id)) continue
    const value = matchValue(code, settings.matchField)
    if (value === undefined) {
      rows.push({
        status: "missing",
        autotask: code.name,
        autotaskId: code.id,
        qbo: undefined,
        note: `no ${settings.matchField} to match a QBO item; map it in items.yaml`
      })
      continue
    }
    const item = index.get(nameKey(value))
    if (item !== undefined) {
      const problem = itemProblem(item)
      rows.push({
        status: problem === undefined ? "matched" : "differing",
        autotask: code.name,
        autotaskId: code.id,
        qbo: item.Name,
        note: problem ?? `same ${settings.matchField === "name" ? "name" : "external number"}`
      })
      continue
    }
    const near = closest(value, usableItems, (candidate) => candidate.Name, looseKey)
    if (near.kind === "close" && qboNameProblem("item", near.candidate.Name) === undefined) {
      const by = settings.matchField === "name" ? "" : ` (external number ${quoted(value)})`
      proposed.push({
        comment: `close match: billing code ${quoted(code.name)} (id ${code.id})${by} ≈ QBO item ${quoted(near.candidate.Name)}; check it`,
        lines: code.id >= 1
          ? [`- billingCodeId: ${code.id}`, `  item: ${yamlScalar(near.candidate.Name)}`]
          : [`- billingCode: ${yamlScalar(code.name)}`, `  item: ${yamlScalar(near.candidate.Name)}`]
      })
      rows.push({ status: "differing", autotask: code.name, autotaskId: code.id, qbo: near.candidate.Name, note: "close match, mapped in items.yaml" })
      continue
    }
    rows.push({
      status: "missing",
      autotask: code.name,
      autotaskId: code.id,
      qbo: undefined,
      note: near.kind === "ambiguous"
        ? `several QBO items are equally close (${near.candidates.map((candidate) => quoted(candidate.Name)).join(", ")}); map one in items.yaml`
        : missingConsequence
    })
  }
  return { rows, entries: [...kept, ...proposed], missingConsequence }
}

const renderItems = (input: ImportInput, options: RenderOptions, proposal: ReturnType<typeof proposeItems>): string => {
  const { items: settings } = input.config
  const lines = [
    ...header("items.yaml", "items", options, [
      `from ${input.billingCodes.length} active Autotask billing codes`,
      `and ${input.items.length} QBO items. Billing codes are matched by ${settings.matchField}.`
    ]),
    ...statusComment("items", proposal.rows, "missing.policy decides"),
    "",
    `matchField: ${settings.matchField}`,
    "",
    ...(proposal.entries.length === 0 ? ["map: []"] : ["map:", ...entryBlock(proposal.entries)]),
    "",
    "missing:",
    `  policy: ${settings.missing.policy}`,
    ...(settings.missing.fallbackItem === undefined ? [] : [`  fallbackItem: ${yamlScalar(settings.missing.fallbackItem)}`]),
    "  create:",
    `    type: ${settings.missing.create.type}`,
    `    incomeAccount: ${yamlScalar(settings.missing.create.incomeAccount)}`,
    `    taxable: ${settings.missing.create.taxable}`
  ]
  return `${lines.join("\n")}\n`
}

// ---------------------------------------------------------------------------------------------
// Terms

const AUTOTASK_TERM_MAX = 100

const proposeTerms = (input: ImportInput) => {
  const { terms: settings } = input.config
  const index = indexNamed(input.terms)
  const activeTerms = input.terms.filter(isActive)
  const rows: Array<MatchRow> = []
  const kept: Array<Entry> = []
  const proposed: Array<Entry> = []
  const aliasKeys = new Set(settings.aliases.map((alias) => nameKey(alias.autotask)))
  const paymentTerms = byName(input.paymentTerms, (term) => term.name, (term) => term.id)
  const byKey = new Map(paymentTerms.map((term) => [nameKey(term.name), term]))
  const covered = new Set<number>()

  for (const alias of settings.aliases) {
    const term = byKey.get(nameKey(alias.autotask))
    const target = index.get(nameKey(alias.qbo))
    const problem = target === undefined
      ? `QBO has no term ${quoted(alias.qbo)}`
      : isActive(target) ? undefined : `QBO term ${quoted(target.Name)} is inactive`
    const subject = term === undefined ? `kept from terms.yaml; no active Autotask payment term ${quoted(alias.autotask)}` : "kept from terms.yaml"
    kept.push({ comment: problem === undefined ? subject : `${subject}; ${problem}`, lines: [`${yamlScalar(alias.autotask)}: ${yamlScalar(alias.qbo)}`] })
    if (term === undefined || covered.has(term.id)) continue
    covered.add(term.id)
    rows.push({
      status: problem === undefined ? "matched" : target === undefined ? "missing" : "differing",
      autotask: term.name,
      autotaskId: term.id,
      qbo: alias.qbo,
      note: problem ?? "aliased in terms.yaml"
    })
  }

  const missingConsequence = settings.unmatched === "omit"
    ? "invoices get no terms, with a warning (unmatched: omit)"
    : "invoices fail (unmatched: fail)"

  for (const term of paymentTerms) {
    if (covered.has(term.id)) continue
    const exact = index.get(nameKey(term.name))
    if (exact !== undefined) {
      rows.push({
        status: isActive(exact) ? "matched" : "differing",
        autotask: term.name,
        autotaskId: term.id,
        qbo: exact.Name,
        note: isActive(exact) ? "same name" : `QBO term ${quoted(exact.Name)} is inactive; reactivate it or alias another term`
      })
      continue
    }
    let near = closest(term.name, activeTerms, (candidate) => candidate.Name, termKey)
    let reason = "similar name"
    if (near.kind === "none" && typeof term.paymentDueInDays === "number") {
      const sameDays = activeTerms.filter((candidate) => candidate.DueDays === term.paymentDueInDays)
      if (sameDays.length === 1) {
        near = { kind: "close", candidate: sameDays[0]!, distance: 0 }
        reason = `same due days (${term.paymentDueInDays})`
      }
    }
    // An alias must not point at another alias's key (aliases are applied once, not chained).
    const aliasable = near.kind === "close" &&
      !aliasKeys.has(nameKey(near.candidate.Name)) &&
      [...term.name].length <= AUTOTASK_TERM_MAX &&
      qboNameProblem("term", near.candidate.Name) === undefined
    if (near.kind === "close" && aliasable) {
      aliasKeys.add(nameKey(term.name))
      proposed.push({
        comment: `close match (${reason}): Autotask term ${quoted(term.name)} ≈ QBO term ${quoted(near.candidate.Name)}; check it`,
        lines: [`${yamlScalar(term.name)}: ${yamlScalar(near.candidate.Name)}`]
      })
      rows.push({ status: "differing", autotask: term.name, autotaskId: term.id, qbo: near.candidate.Name, note: `close match (${reason}), aliased in terms.yaml` })
      continue
    }
    rows.push({
      status: "missing",
      autotask: term.name,
      autotaskId: term.id,
      qbo: undefined,
      note: near.kind === "ambiguous"
        ? `several QBO terms are equally close (${near.candidates.map((candidate) => quoted(candidate.Name)).join(", ")}); alias one in terms.yaml`
        : near.kind === "close"
        ? `resembles QBO term ${quoted(near.candidate.Name)}, which cannot be aliased (it is itself an alias key); ${missingConsequence}`
        : missingConsequence
    })
  }
  return { rows, entries: [...kept, ...proposed], missingConsequence }
}

const renderTerms = (input: ImportInput, options: RenderOptions, proposal: ReturnType<typeof proposeTerms>): string => {
  const lines = [
    ...header("terms.yaml", "terms", options, [
      `from ${input.paymentTerms.length} active Autotask payment terms`,
      `and ${input.terms.length} QBO terms.`
    ]),
    ...statusComment("terms", proposal.rows, "unmatched decides"),
    "",
    ...(proposal.entries.length === 0 ? ["aliases: {}"] : ["aliases:", ...entryBlock(proposal.entries)]),
    "",
    `unmatched: ${input.config.terms.unmatched}`
  ]
  return `${lines.join("\n")}\n`
}

// ---------------------------------------------------------------------------------------------
// Customers

const proposeCustomers = (input: ImportInput) => {
  const { customers: settings } = input.config
  const normalize = settings.normalize
  const byExactName = new Map<string, QboCustomer>()
  for (const customer of [...input.customers].sort((a, b) => Number(isActive(a)) - Number(isActive(b)))) {
    byExactName.set(nameKey(customer.DisplayName), customer)
  }
  const byKey = new Map<string, Array<QboCustomer>>()
  for (const customer of input.customers) {
    const key = customerKey(customer.DisplayName, normalize)
    byKey.set(key, [...(byKey.get(key) ?? []), customer])
  }
  const activeCustomers = input.customers.filter(isActive)
  const companies = byName(input.companies.filter(hasName), (company) => company.companyName, (company) => company.id)
  const companiesById = new Map(companies.map((company) => [company.id, company]))
  const companiesByName = new Map(companies.map((company) => [nameKey(company.companyName), company]))
  const rows: Array<MatchRow> = []
  const kept: Array<Entry> = []
  const proposed: Array<Entry> = []
  const covered = new Set<number>()
  const facts = input.currencies
  /** The company's currency code (the home one when it cannot be told: plan then names the problem). */
  const invoicedIn = (company: AtCompany): string => {
    const currency = companyCurrency(company, facts)
    return currency.ok ? currency.code : facts.qbo.currency
  }

  for (const reference of settings.crossReferences) {
    const company = reference.companyId !== undefined
      ? companiesById.get(reference.companyId)
      : companiesByName.get(nameKey(reference.company ?? ""))
    const customer = byExactName.get(nameKey(reference.customer))
    const problem = customer === undefined
      ? `QBO has no customer ${quoted(reference.customer)}`
      : !isActive(customer)
      ? `QBO customer ${quoted(customer.DisplayName)} is inactive`
      : reference.currency !== undefined && customerCurrency(customer, facts) !== reference.currency
      ? `QBO customer ${quoted(customer.DisplayName)} is in ${customerCurrency(customer, facts)}, not ${reference.currency}`
      : undefined
    const lines = [
      reference.companyId !== undefined ? `- companyId: ${reference.companyId}` : `- company: ${yamlScalar(reference.company ?? "")}`,
      `  customer: ${yamlScalar(reference.customer)}`,
      ...(reference.currency !== undefined ? [`  currency: ${reference.currency}`] : [])
    ]
    const subject = company === undefined ? "kept from customers.yaml (company not among those read)" : `kept from customers.yaml (${quoted(company.companyName)})`
    kept.push({ comment: problem === undefined ? subject : `${subject}; ${problem}`, lines })
    if (company === undefined || covered.has(company.id)) continue
    // An entry for another currency does not decide this company's current invoices.
    const code = invoicedIn(company)
    if (reference.currency !== undefined && reference.currency !== code) continue
    covered.add(company.id)
    rows.push({
      status: problem === undefined ? "matched" : customer === undefined ? "missing" : "differing",
      autotask: company.companyName,
      autotaskId: company.id,
      qbo: reference.customer,
      note: problem ?? "cross-referenced in customers.yaml"
    })
  }

  const missingConsequence = settings.create
    ? "apply creates the customer (create: true)"
    : "its invoices fail (create: false); cross-reference it"

  for (const company of companies) {
    if (covered.has(company.id)) continue
    const code = invoicedIn(company)
    const problem = currencyProblem(company, facts)
    if (problem !== undefined) {
      rows.push({ status: "differing", autotask: company.companyName, autotaskId: company.id, qbo: undefined, note: problem })
      continue
    }
    const candidates = byKey.get(customerKey(company.companyName, normalize)) ?? []
    const active = candidates.filter(isActive)
    const exact = active.length > 1 ? active.filter((customer) => nameKey(customer.DisplayName) === nameKey(company.companyName)) : active
    if (exact.length === 1 && customerCurrency(exact[0]!, facts) !== code) {
      const mismatch = inOtherCurrency(company, code, exact[0]!, activeCustomers, input)
      if (mismatch.entry) proposed.push(mismatch.entry)
      rows.push(mismatch.row)
      continue
    }
    if (exact.length === 1) {
      const customer = exact[0]!
      const note = nameKey(customer.DisplayName) === nameKey(company.companyName) ? "same name" : "same name after normalize (customers.yaml)"
      rows.push({ status: "matched", autotask: company.companyName, autotaskId: company.id, qbo: customer.DisplayName, note })
      continue
    }
    if (active.length > 1) {
      rows.push({
        status: "differing",
        autotask: company.companyName,
        autotaskId: company.id,
        qbo: undefined,
        note: `several QBO customers match (${active.map((customer) => quoted(customer.DisplayName)).join(", ")}); cross-reference one`
      })
      continue
    }
    if (candidates.length > 0) {
      rows.push({
        status: "differing",
        autotask: company.companyName,
        autotaskId: company.id,
        qbo: candidates[0]!.DisplayName,
        note: "the matching QBO customer is inactive; reactivate it or cross-reference another customer"
      })
      continue
    }
    const sameCurrency = activeCustomers.filter((customer) => customerCurrency(customer, facts) === code)
    const near = closest(company.companyName, sameCurrency, (candidate) => candidate.DisplayName, companyKey)
    if (near.kind === "close" && qboNameProblem("customer", near.candidate.DisplayName) === undefined) {
      proposed.push({
        comment: `close match: company ${quoted(company.companyName)} (id ${company.id}) ≈ QBO customer ${quoted(near.candidate.DisplayName)}; check it`,
        lines: [`- companyId: ${company.id}`, `  customer: ${yamlScalar(near.candidate.DisplayName)}`]
      })
      rows.push({
        status: "differing",
        autotask: company.companyName,
        autotaskId: company.id,
        qbo: near.candidate.DisplayName,
        note: "close match, cross-referenced in customers.yaml"
      })
      continue
    }
    rows.push({
      status: "missing",
      autotask: company.companyName,
      autotaskId: company.id,
      qbo: undefined,
      note: near.kind === "ambiguous"
        ? `several QBO customers are equally close (${near.candidates.map((candidate) => quoted(candidate.DisplayName)).join(", ")}); cross-reference one`
        : code === facts.qbo.currency ? missingConsequence : `${missingConsequence}, in ${code}`
    })
  }
  return { rows, entries: [...kept, ...proposed], missingConsequence }
}

/** Why no customer can take the company's invoices whatever customers.yaml says (its currency); undefined when one can. */
const currencyProblem = (company: AtCompany, facts: CurrencyFacts): string | undefined => {
  const currency = companyCurrency(company, facts)
  return currency.ok ? unbookableCurrency(company, currency.code, facts) : currency.reason
}

/**
 * The company's namesake is in another currency, which a QBO customer can never change: a
 * customer in the right currency whose name contains the company's is proposed (with
 * `currency:`), else the reviewer is told what to create.
 */
const inOtherCurrency = (company: AtCompany, code: string, namesake: QboCustomer, active: ReadonlyArray<QboCustomer>, input: ImportInput): { readonly row: MatchRow; readonly entry?: Entry } => {
  const facts = input.currencies
  const other = customerCurrency(namesake, facts)
  const hint = customerInCurrency(company, code, active, input.config.customers.normalize, facts)
  if (hint === undefined) {
    return { row: { status: "differing", autotask: company.companyName, autotaskId: company.id, qbo: namesake.DisplayName, note: `${customerCurrencyMismatch(company, code, namesake, facts)}; none exists yet: create one in QBO` } }
  }
  return {
    row: { status: "differing", autotask: company.companyName, autotaskId: company.id, qbo: hint.DisplayName, note: `${quoted(namesake.DisplayName)} is in ${other}; cross-referenced to this customer in ${code} in customers.yaml` },
    entry: {
      comment: `currency: company ${quoted(company.companyName)} (id ${company.id}) is invoiced in ${code}; QBO customer ${quoted(namesake.DisplayName)} is in ${other}, ${quoted(hint.DisplayName)} in ${code}; check it`,
      lines: [`- companyId: ${company.id}`, `  customer: ${yamlScalar(hint.DisplayName)}`, `  currency: ${code}`]
    }
  }
}

const renderCustomers = (input: ImportInput, options: RenderOptions, proposal: ReturnType<typeof proposeCustomers>): string => {
  const { customers: settings } = input.config
  const suffixes = settings.normalize.ignoreSuffixes.map((suffix) => yamlScalar(suffix))
  const lines = [
    ...header("customers.yaml", "customers", options, [
      `from ${input.companies.length} Autotask companies`,
      `(${options.companiesNote}) and ${input.customers.length} QBO customers.`
    ]),
    ...statusComment("customers", proposal.rows, "create decides"),
    "",
    ...(proposal.entries.length === 0 ? ["crossReferences: []"] : ["crossReferences:", ...entryBlock(proposal.entries)]),
    "",
    `create: ${settings.create}`,
    "",
    "normalize:",
    `  collapseWhitespace: ${settings.normalize.collapseWhitespace}`,
    `  ignorePunctuation: ${settings.normalize.ignorePunctuation}`,
    suffixes.length === 0 ? "  ignoreSuffixes: []" : `  ignoreSuffixes:\n${suffixes.map((suffix) => `    - ${suffix}`).join("\n")}`
  ]
  return `${lines.join("\n")}\n`
}

// ---------------------------------------------------------------------------------------------

export const proposeImport = (input: ImportInput, options: RenderOptions): ImportProposal => {
  const items = proposeItems(input)
  const terms = proposeTerms(input)
  const customers = proposeCustomers(input)
  return {
    sections: [
      { kind: "items", title: `Billing codes → QBO items (by ${input.config.items.matchField})`, rows: items.rows },
      { kind: "terms", title: "Payment terms → QBO terms", rows: terms.rows },
      { kind: "customers", title: "Companies → QBO customers", rows: customers.rows }
    ],
    files: {
      items: renderItems(input, options, items),
      terms: renderTerms(input, options, terms),
      customers: renderCustomers(input, options, customers)
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The match report

const pad = (text: string, width: number): string => text + " ".repeat(Math.max(0, width - [...text].length))

const truncate = (text: string, width: number): string => ([...text].length <= width ? text : `${[...text].slice(0, width - 1).join("")}…`)

const SYMBOL: Record<MatchStatus, string> = { matched: "=", differing: "≈", missing: "+" }

export const sectionCounts = (section: MatchSection): Record<MatchStatus, number> => ({
  matched: section.rows.filter((row) => row.status === "matched").length,
  differing: section.rows.filter((row) => row.status === "differing").length,
  missing: section.rows.filter((row) => row.status === "missing").length
})

/** "12 matched, 2 differing, 3 missing in QBO" */
export const countsLine = (section: MatchSection): string => {
  const counts = sectionCounts(section)
  return `${counts.matched} matched, ${counts.differing} differing, ${counts.missing} missing in QBO`
}

/** The match report: one table per section (status, Autotask, QBO, note), then a summary. */
export const renderMatchReport = (sections: ReadonlyArray<MatchSection>): string => {
  const out: Array<string> = []
  for (const section of sections) {
    out.push(`${section.title}: ${countsLine(section)}`)
    if (section.rows.length === 0) {
      out.push("  (none read)", "")
      continue
    }
    const order: Record<MatchStatus, number> = { differing: 0, missing: 1, matched: 2 }
    const rows = [...section.rows].sort((a, b) => order[a.status] - order[b.status])
    const left = Math.min(40, Math.max(8, ...rows.map((row) => [...commentText(row.autotask)].length + 1)))
    const right = Math.min(40, Math.max(8, ...rows.map((row) => [...commentText(row.qbo ?? "—")].length + 1)))
    out.push(`  ${pad("status", 12)}${pad("Autotask", left + 2)}${pad("QBO", right + 2)}note`)
    for (const row of rows) {
      out.push(
        `  ${SYMBOL[row.status]} ${pad(row.status, 10)}${pad(truncate(commentText(row.autotask), left), left + 2)}${pad(truncate(commentText(row.qbo ?? "—"), right), right + 2)}${commentText(row.note)}`
      )
    }
    out.push("")
  }
  const summary = sections.map((section) => `${section.kind} ${countsLine(section)}`).join("; ")
  out.push(`Import: ${summary}.`)
  return out.join("\n")
}
