/**
 * The pure parts of the onboarding commands: close-match rules, the import proposal (its
 * files validate with the rest of a configuration) and the doctor's judgements.
 */
import { assert, describe, it } from "@effect/vitest"
import type { AtBillingCode, AtCompany, AtPaymentTerm } from "../../src/autotask/model.ts"
import { checkConfig } from "../../src/config/checkConfig.ts"
import { CONFIG_FILES } from "../../src/config/files.ts"
import {
  type Check,
  classesCheck,
  customerCoverageCheck,
  doctorContext,
  type DoctorLists,
  itemCoverageCheck,
  mappingReferencesCheck,
  termCoverageCheck,
  numberingCheck,
  renderChecks,
  thresholdCheck,
  tokenStoreCheck
} from "../../src/onboarding/doctorChecks.ts"
import { proposeImport, renderMatchReport } from "../../src/onboarding/importProposal.ts"
import { closest, companyKey, keysAreClose, levenshtein, looseKey, termKey } from "../../src/onboarding/similarity.ts"
import { configTemplates } from "../../src/onboarding/templates.ts"
import type { QboCustomer, QboItem, QboTerm } from "../../src/qbo/model.ts"
import type { Config } from "../../src/config/types.ts"
import { missingVariables, missingVariablesFix } from "../../src/onboarding/environment.ts"
import { currencyFacts } from "../../src/reconcile/currency.ts"
import type { AutotaskMappingLists } from "../../src/reconcile/mappings.ts"
import { config } from "../support/fixtures.ts"

describe("close matches", () => {
  it("measures edit distance by code point", () => {
    assert.strictEqual(levenshtein("kitten", "sitting"), 3)
    assert.strictEqual(levenshtein("", "abc"), 3)
    assert.strictEqual(levenshtein("Zoë", "Zoe"), 1)
  })

  it("ignores case, punctuation, accents, legal suffixes and 'days'", () => {
    assert.strictEqual(looseKey("After-Hours  Labor"), looseKey("after hours labor"))
    assert.strictEqual(companyKey("The Contoso, Inc."), "contoso")
    assert.strictEqual(companyKey("Contoso Ltd"), companyKey("Contoso"))
    assert.strictEqual(termKey("Net 30 Days"), "net 30")
    assert.strictEqual(termKey("Due Upon Receipt"), termKey("Due on receipt"))
  })

  it("never calls names with different numbers close", () => {
    assert.isFalse(keysAreClose("net 10", "net 15").close)
    assert.isFalse(keysAreClose("microsoft 365 e3", "microsoft 365 e5").close)
    assert.isTrue(keysAreClose("onsite labour", "onsite labor").close)
    assert.isTrue(keysAreClose("labor", "labour").close)
    assert.isFalse(keysAreClose("fax", "fix").close, "names under five characters allow no typo")
  })

  it("refuses to choose between equally close candidates", () => {
    const result = closest("Contoso", ["Contoso LLC", "Contoso Ltd"], (name) => name, companyKey)
    assert.strictEqual(result.kind, "ambiguous")
    assert.strictEqual(closest("Globex", ["Contoso"], (name) => name, companyKey).kind, "none")
  })
})

const code = (id: number, name: string): AtBillingCode => ({ id, name, isActive: true })
const term = (id: number, name: string, paymentDueInDays: number): AtPaymentTerm => ({ id, name, isActive: true, paymentDueInDays })
const company = (id: number, companyName: string): AtCompany => ({ id, companyName, isActive: true })
const item = (Id: string, Name: string, Type = "Service", Active = true): QboItem => ({ Id, SyncToken: "0", Name, Type, Active })
const qboTerm = (Id: string, Name: string, DueDays: number): QboTerm => ({ Id, SyncToken: "0", Name, DueDays, Active: true })
const customer = (Id: string, DisplayName: string, Active = true): QboCustomer => ({ Id, SyncToken: "0", DisplayName, Active })

/** Checks proposal texts together with the scaffold's other files, as `validate` would. */
/** What doctor read, with nothing in it unless given. */
const lists = (extra: {
  items?: ReadonlyArray<QboItem>
  terms?: ReadonlyArray<QboTerm>
  customers?: ReadonlyArray<QboCustomer>
  vendors?: ReadonlyArray<{ Id: string; SyncToken: string; DisplayName: string }>
  billingCodes?: ReadonlyArray<AtBillingCode>
  companies?: ReadonlyArray<AtCompany>
  mappingLists?: AutotaskMappingLists
}): DoctorLists => ({
  realmId: "1",
  preferences: { Id: "1", SyncToken: "0" },
  companyInfo: undefined,
  qbo: {
    items: extra.items ?? [],
    terms: extra.terms ?? [],
    customers: extra.customers ?? [],
    classes: [],
    taxCodes: [],
    accounts: [{ Id: "79", SyncToken: "0", Name: "Services", AccountType: "Income", Active: true }],
    vendors: extra.vendors ?? [],
    employees: []
  },
  billingCodes: extra.billingCodes ?? [],
  paymentTerms: [],
  companies: extra.companies ?? [],
  mappingLists: extra.mappingLists ?? {}
})

const validate = (files: Record<string, string>) => {
  const templates = configTemplates("../schemas")
  return checkConfig({
    dir: "cfg",
    files: CONFIG_FILES.map((spec) => ({
      name: spec.name,
      file: `cfg/${spec.fileName}`,
      text: files[spec.name] ?? templates.find((template) => template.name === spec.name)!.text
    }))
  })
}

describe("import proposal", () => {
  const input = {
    config: config({
      items: { map: [{ billingCodeId: 9, billingCode: undefined, item: "Gone Item", source: undefined }] },
      terms: { aliases: [{ autotask: "Net 10 Days", qbo: "Net 10", source: undefined }] },
      customers: { crossReferences: [{ companyId: 3, company: undefined, customer: "Globex Corporation", source: undefined }] }
    }),
    billingCodes: [code(1, "Remote Support"), code(2, "After-Hours Labor"), code(3, "Firewall: Rental"), code(4, "Hardware"), code(9, "Legacy")],
    paymentTerms: [term(1, "Net 30 Days", 30), term(2, "Thirty", 30), term(3, "Net 10 Days", 10), term(4, "Net 45", 45)],
    companies: [company(1, "Contoso Ltd"), company(2, "O'Brien & Sons"), company(3, "Globex"), company(4, "Initech")],
    items: [item("1", "Remote Support"), item("2", "After Hours Labor"), item("3", "Hardware", "Category"), item("4", "Old", "Service", false)],
    terms: [qboTerm("1", "Net 30", 30), qboTerm("2", "Net 10", 10)],
    customers: [customer("1", "Contoso"), customer("2", "O'Brien and Sons"), customer("3", "Globex Corporation")],
    currencies: currencyFacts({ Id: "1", SyncToken: "0" }, undefined, undefined)
  }
  const proposal = proposeImport(input, { schemaDir: "../schemas", date: "2026-11-26", companiesNote: "test" })
  const rows = (kind: string) => proposal.sections.find((section) => section.kind === kind)!.rows
  const statusOf = (kind: string, name: string) => rows(kind).find((row) => row.autotask === name)?.status

  it("sorts every Autotask record into matched, differing or missing", () => {
    assert.strictEqual(statusOf("items", "Remote Support"), "matched")
    assert.strictEqual(statusOf("items", "After-Hours Labor"), "differing")
    assert.strictEqual(statusOf("items", "Hardware"), "differing", "a category cannot be invoiced")
    assert.strictEqual(statusOf("items", "Firewall: Rental"), "missing")
    assert.strictEqual(statusOf("items", "Legacy"), "missing", "kept mapping to an item QBO lacks")
    assert.strictEqual(statusOf("terms", "Net 30 Days"), "differing")
    assert.strictEqual(statusOf("terms", "Thirty"), "differing", "no similar name, but the only QBO term due in 30 days")
    assert.strictEqual(statusOf("terms", "Net 10 Days"), "matched", "kept alias")
    assert.strictEqual(statusOf("terms", "Net 45"), "missing")
    assert.strictEqual(statusOf("customers", "Contoso Ltd"), "differing")
    assert.strictEqual(statusOf("customers", "O'Brien & Sons"), "differing")
    assert.strictEqual(statusOf("customers", "Globex"), "matched", "kept cross-reference")
    assert.strictEqual(statusOf("customers", "Initech"), "missing")
  })

  it("writes close matches as mappings with the candidate in a comment, keeping existing ones", () => {
    assert.include(proposal.files.items, "# close match: billing code \"After-Hours Labor\" (id 2) ≈ QBO item \"After Hours Labor\"; check it\n  - billingCodeId: 2\n    item: After Hours Labor")
    assert.include(proposal.files.items, "- billingCodeId: 9\n    item: Gone Item")
    assert.include(proposal.files.terms, "Net 30 Days: Net 30")
    assert.include(proposal.files.terms, "Net 10 Days: Net 10")
    assert.include(proposal.files.customers, "- companyId: 1\n    customer: Contoso")
    assert.include(proposal.files.customers, "- companyId: 2\n    customer: O'Brien and Sons")
    assert.match(proposal.files.items, /^# yaml-language-server: \$schema=\.\.\/schemas\/items\.schema\.json\n/)
  })

  it("produces files that validate with the rest of the configuration", () => {
    const check = validate({ items: proposal.files.items, terms: proposal.files.terms, customers: proposal.files.customers })
    assert.deepStrictEqual(check.problems.filter((problem) => problem.severity === "error"), [])
    assert.isDefined(check.config)
    assert.strictEqual(check.config!.items.map.length, 2)
    assert.deepStrictEqual(check.config!.terms.aliases.map((alias) => alias.autotask).sort(), ["Net 10 Days", "Net 30 Days", "Thirty"])
  })

  it("offers a term with the same due days when no name is close", () => {
    const only = proposeImport(
      { ...input, config: config(), paymentTerms: [term(7, "Thirty", 30)] },
      { schemaDir: "../schemas", date: "2026-11-26", companiesNote: "test" }
    )
    assert.include(only.files.terms, "close match (same due days (30)): Autotask term \"Thirty\" ≈ QBO term \"Net 30\"")
    assert.include(only.files.terms, "Thirty: Net 30")
  })

  it("renders the match report like the vendor's comparison", () => {
    const report = renderMatchReport(proposal.sections)
    assert.match(report, /^Billing codes → QBO items \(by name\): 1 matched, 2 differing, 2 missing in QBO$/m)
    assert.match(report, /≈ differing After-Hours Labor\s+After Hours Labor\s+close match/)
    assert.match(report, /^Import: items 1 matched/m)
  })
})

describe("import proposal with several currencies", () => {
  // A CAD-home QBO company with USD in its currency list (not EUR); Autotask bills in CAD (internal), USD and EUR.
  const currencies = currencyFacts(
    { Id: "1", SyncToken: "0", CurrencyPrefs: { MultiCurrencyEnabled: true, HomeCurrency: { value: "CAD" } } },
    [{ Id: "1", SyncToken: "0", Code: "USD", Active: true }],
    [
      { id: 1, name: "CAD", isInternalCurrency: true, isActive: true },
      { id: 2, name: "USD", isInternalCurrency: false, isActive: true },
      { id: 3, name: "EUR", isInternalCurrency: false, isActive: true }
    ]
  )
  const inCurrency = (id: number, name: string, currencyID: number): AtCompany => ({ ...company(id, name), currencyID })
  const customerIn = (Id: string, name: string, code: string): QboCustomer => ({ ...customer(Id, name), CurrencyRef: { value: code } })
  const input = {
    config: config({
      customers: {
        crossReferences: [
          { companyId: 5, company: undefined, customer: "Acme Billing USD", currency: "USD", source: undefined },
          { companyId: 5, company: undefined, customer: "Acme Billing", currency: "CAD", source: undefined }
        ]
      }
    }),
    billingCodes: [],
    paymentTerms: [],
    companies: [inCurrency(1, "Yukon Outfitters", 2), inCurrency(2, "Maple Leaf Dental", 1), inCurrency(3, "Rhine Precision", 3), inCurrency(4, "Fjord Fishing", 2), inCurrency(5, "Acme", 2)],
    items: [],
    terms: [],
    customers: [
      customerIn("1", "Yukon Outfitters", "CAD"),
      customerIn("2", "Yukon Outfitters USD", "USD"),
      customerIn("4", "Fjord Fishing", "CAD"),
      customerIn("5", "Acme Billing USD", "USD"),
      customerIn("6", "Acme Billing", "CAD")
    ],
    currencies
  }
  const proposal = proposeImport(input, { schemaDir: "../schemas", date: "2026-12-05", companiesNote: "test" })
  const row = (name: string) => proposal.sections.find((section) => section.kind === "customers")!.rows.find((candidate) => candidate.autotask === name)

  it("never matches a customer in another currency: proposes one in the company's currency, else says what to create", () => {
    assert.deepInclude(row("Yukon Outfitters"), { status: "differing", qbo: "Yukon Outfitters USD" })
    assert.include(proposal.files.customers, "- companyId: 1\n    customer: Yukon Outfitters USD\n    currency: USD")
    assert.deepInclude(row("Fjord Fishing"), { status: "differing", qbo: "Fjord Fishing" })
    assert.include(row("Fjord Fishing")!.note, "is in CAD but Autotask company \"Fjord Fishing\" is invoiced in USD")
    assert.include(row("Fjord Fishing")!.note, "create one in QBO")
  })

  it("names a currency QBO cannot book instead of promising to create the customer", () => {
    assert.deepInclude(row("Rhine Precision"), { status: "differing" })
    assert.include(row("Rhine Precision")!.note, "EUR, the currency of Autotask company \"Rhine Precision\", is not in QBO's currency list")
    assert.deepInclude(row("Maple Leaf Dental"), { status: "missing", note: "apply creates the customer (create: true)" })
  })

  it("keeps every cross-reference with its currency, and judges the company by the one for its currency", () => {
    assert.include(proposal.files.customers, "- companyId: 5\n    customer: Acme Billing USD\n    currency: USD")
    assert.include(proposal.files.customers, "- companyId: 5\n    customer: Acme Billing\n    currency: CAD")
    assert.deepInclude(row("Acme"), { status: "matched", qbo: "Acme Billing USD" })
    const check = validate({ customers: proposal.files.customers })
    assert.deepStrictEqual(check.problems.filter((problem) => problem.severity === "error"), [])
    assert.deepStrictEqual(check.config!.customers.crossReferences.map((reference) => [reference.customer, reference.currency]), [
      ["Acme Billing USD", "USD"],
      ["Acme Billing", "CAD"],
      ["Yukon Outfitters USD", "USD"]
    ])
  })
})

describe("doctor checks", () => {
  const prefs = (customTxnNumbers: boolean, perTxn = false, perLine = false) => ({
    Id: "1",
    SyncToken: "0",
    SalesFormsPrefs: { CustomTxnNumbers: customTxnNumbers },
    AccountingInfoPrefs: { ClassTrackingPerTxn: perTxn, ClassTrackingPerTxnLine: perLine }
  })

  it("fails numbering that QBO's custom transaction numbers contradict", () => {
    assert.strictEqual(numberingCheck(config(), prefs(false)).status, "pass")
    assert.strictEqual(numberingCheck(config(), prefs(true)).status, "fail")
    assert.strictEqual(numberingCheck(config({ sync: { numbering: { mode: "autotask" } } }), prefs(false)).status, "fail")
    assert.strictEqual(numberingCheck(config({ sync: { numbering: { mode: "autotask" } } }), prefs(true)).status, "pass")
  })

  it("compares class tracking with classes.yaml", () => {
    const classes = [{ Id: "1", SyncToken: "0", Name: "Managed Services", Active: true }]
    assert.strictEqual(classesCheck(config(), prefs(false), classes).status, "pass")
    assert.strictEqual(classesCheck(config({ classes: { default: "Managed Services" } }), prefs(false, true), classes).status, "pass")
    assert.strictEqual(classesCheck(config({ classes: { default: "Managed Services" } }), prefs(false, false, true), classes).status, "warn")
    assert.strictEqual(classesCheck(config({ classes: { default: "Nope" } }), prefs(false, true), classes).status, "fail")
  })

  it("warns from half the Autotask threshold and fails at all of it", () => {
    const at = (used: number) => thresholdCheck({ externalRequestThreshold: 10_000, requestThresholdTimeframe: 60, currentTimeframeRequestCount: used }).status
    assert.strictEqual(at(4_999), "pass")
    assert.strictEqual(at(5_000), "warn")
    assert.strictEqual(at(10_000), "fail")
  })

  it("fails billing codes whose same-named item is a category, warns near-duplicates", () => {
    const items = [item("1", "Hardware", "Category"), item("2", "After Hours Labor")]
    const coverage = (cfg: Config, codes: ReadonlyArray<AtBillingCode>) => itemCoverageCheck(doctorContext(cfg, lists({ items, billingCodes: codes })), codes)
    assert.strictEqual(coverage(config(), [code(1, "Hardware")]).status, "fail")
    const near = coverage(config(), [code(2, "After-Hours Labor")])
    assert.strictEqual(near.status, "warn")
    assert.include(near.detail, "\"After-Hours Labor\" ≈ \"After Hours Labor\"")
    assert.strictEqual(coverage(config({ items: { missing: { policy: "fail" } } }), [code(3, "Other")]).status, "fail")
  })

  // Doctor runs plan's own resolvers: whatever plan refuses for an invoice, doctor fails before it.
  it("fails what plan would refuse: a billing code, term or company QBO cannot take, with plan's reason", () => {
    const cases: ReadonlyArray<[string, Check, RegExp]> = [
      ["a colon in a billing code name (policy create)", itemCoverageCheck(doctorContext(config(), lists({ billingCodes: [code(1, "Labor: Remote")] })), [code(1, "Labor: Remote")]),
        /"Labor: Remote" \(cannot create an item for billing code "Labor: Remote": the item name "Labor: Remote" contains a colon/],
      ["a company whose name a QBO vendor holds", customerCoverageCheck(doctorContext(config(), lists({ companies: [company(1, "Books by Bessie")], vendors: [{ Id: "50", SyncToken: "0", DisplayName: "Books by Bessie" }] })), [company(1, "Books by Bessie")]),
        /"Books by Bessie" \(cannot create customer "Books by Bessie": a QBO vendor already uses that name/],
      ["a company matching two customers", customerCoverageCheck(doctorContext(config({ customers: { normalize: { ignoreSuffixes: ["LLC", "Inc"] } } }), lists({ customers: [customer("1", "Acme"), customer("2", "Acme LLC")] })), [company(1, "Acme Inc")]),
        /matches several QBO customers/],
      ["a nameless company", customerCoverageCheck(doctorContext(config(), lists({})), [{ id: 9, companyName: null as never, isActive: true }]), /company 9 \(it has no name\)/],
      ["an unmatched term under unmatched: fail", termCoverageCheck(doctorContext(config({ terms: { unmatched: "fail" } }), lists({ terms: [qboTerm("3", "Net 30", 30)] })), [term(4, "Net 45", 45)]),
        /matches no QBO term: "Net 45"\. With unmatched: fail/]
    ]
    for (const [name, result, detail] of cases) {
      assert.strictEqual(result.status, "fail", name)
      assert.match(result.detail, detail, name)
    }
    const aliased = termCoverageCheck(doctorContext(config({ terms: { aliases: [{ autotask: "Net 30 Days", qbo: "Net 30", source: undefined }] } }), lists({ terms: [qboTerm("3", "Net 30", 30)] })), [term(1, "Net 30 Days", 30)])
    assert.strictEqual(aliased.status, "pass")
  })

  it("fails mapping entries that point at nothing, with file:line and the closest existing value", () => {
    const source = { file: "mappings/items.yaml", line: 7, column: 5 }
    const cfg = config({ items: { map: [{ billingCode: "Managed Servics", billingCodeId: undefined, item: "Managed Service", source }] } })
    const result = mappingReferencesCheck(doctorContext(cfg, lists({ items: [item("1", "Managed Services")], mappingLists: { billingCodes: [code(10, "Managed Services")] } })))
    assert.strictEqual(result.status, "fail")
    assert.include(result.detail, `mappings/items.yaml:7: billing code "Managed Servics" does not exist in Autotask (closest: "Managed Services")`)
    assert.include(result.detail, `mappings/items.yaml:7: QBO item "Managed Service" does not exist in QBO (closest: "Managed Services")`)
    assert.strictEqual(mappingReferencesCheck(doctorContext(config(), lists({}))).status, "pass")
  })

  it("reads the refresh token's expiry from the token store", () => {
    const now = Date.parse("2026-11-26T00:00:00Z")
    const record = (expires: string) => ({ realmId: "1", refreshToken: "RT", updatedAt: "2026-11-01T00:00:00Z", refreshTokenExpiresAt: expires })
    assert.strictEqual(tokenStoreCheck("t.json", record("2027-03-01T00:00:00Z"), "1", "QBO_REFRESH_TOKEN", false, now).status, "pass")
    assert.strictEqual(tokenStoreCheck("t.json", record("2026-12-01T00:00:00Z"), "1", "QBO_REFRESH_TOKEN", false, now).status, "warn")
    assert.strictEqual(tokenStoreCheck("t.json", record("2026-11-01T00:00:00Z"), "1", "QBO_REFRESH_TOKEN", false, now).status, "fail")
    assert.strictEqual(tokenStoreCheck("t.json", record("2027-03-01T00:00:00Z"), "2", "QBO_REFRESH_TOKEN", false, now).status, "fail")
    assert.strictEqual(tokenStoreCheck("t.json", undefined, "1", "QBO_REFRESH_TOKEN", true, now).status, "pass")
    const missing = tokenStoreCheck("t.json", undefined, "1", "QBO_REFRESH_TOKEN", false, now)
    assert.strictEqual(missing.status, "fail")
    assert.include(renderChecks([missing]), "fix: Run `atqbo auth qbo`")
  })
})

describe("credential variables", () => {
  const names = ["T_AT_USER", "T_AT_SECRET", "T_AT_CODE", "T_QBO_ID", "T_QBO_SECRET", "T_US_TOKEN", "T_CA_TOKEN", "T_CA_REALM"]
  const base = config({ autotask: { usernameEnv: "T_AT_USER", secretEnv: "T_AT_SECRET", integrationCodeEnv: "T_AT_CODE" } })
  const company = (refreshTokenEnv: string, realm: { realmId?: string; realmIdEnv?: string }): Config =>
    config({ ...base, qbo: { ...base.qbo, clientIdEnv: "T_QBO_ID", clientSecretEnv: "T_QBO_SECRET", refreshTokenEnv, realmId: realm.realmId, ...(realm.realmIdEnv ? { realmIdEnv: realm.realmIdEnv } : {}) } })
  const connection = (name: string, cfg: Config) => ({ name, config: cfg, routes: [], isDefault: name === "us", source: undefined })
  const us = company("T_US_TOKEN", { realmId: "1" })
  const ca = company("T_CA_TOKEN", { realmIdEnv: "T_CA_REALM" })
  const both = { ...base, connections: [connection("us", us), connection("ca", ca)] }

  it("names every unset variable of every company once, and a stored token stands in for the refresh token and realm", () => {
    const saved = names.map((name) => [name, process.env[name]] as const)
    try {
      for (const name of names) delete process.env[name]
      process.env["T_AT_USER"] = "api@example.com"
      process.env["T_QBO_SECRET"] = "  "
      assert.deepStrictEqual(missingVariables(both, () => false), ["T_AT_SECRET", "T_AT_CODE", "T_QBO_ID", "T_QBO_SECRET", "T_US_TOKEN", "T_CA_REALM", "T_CA_TOKEN"])
      assert.deepStrictEqual(missingVariables(both, (qbo) => qbo.refreshTokenEnv === "T_CA_TOKEN"), ["T_AT_SECRET", "T_AT_CODE", "T_QBO_ID", "T_QBO_SECRET", "T_US_TOKEN"])
      assert.include(missingVariablesFix(["T_CA_REALM"], both), "`atqbo auth qbo` gets the QBO refresh token and prints the realm id")
      assert.notInclude(missingVariablesFix(["T_AT_SECRET"], both), "atqbo auth qbo")
    } finally {
      for (const [name, value] of saved) value === undefined ? delete process.env[name] : (process.env[name] = value)
    }
  })
})
