import { assert, describe, it } from "@effect/vitest"
import { CONFIG_FILES } from "../../src/config/files.ts"
import type { Config } from "../../src/config/types.ts"
import { checkTexts, yaml } from "./helpers.ts"
import { schemaSettings } from "./schemaTree.ts"

/** The defaults the product promises (SPEC §3, the vendor app's where it has one), spelt out. */
const EXPECTED_DEFAULTS: Config = {
  dir: "cfg",
  autotask: {
    usernameEnv: "AUTOTASK_USERNAME",
    secretEnv: "AUTOTASK_SECRET",
    integrationCodeEnv: "AUTOTASK_INTEGRATION_CODE",
    impersonationResourceIdEnv: undefined,
    zoneUrl: undefined,
    discoveryUrl: "https://webservices.autotask.net/atservicesrest/"
  },
  qbo: {
    realmId: undefined,
    realmIdEnv: "QBO_REALM_ID",
    environment: "production",
    clientIdEnv: "QBO_CLIENT_ID",
    clientSecretEnv: "QBO_CLIENT_SECRET",
    refreshTokenEnv: "QBO_REFRESH_TOKEN",
    tokenStore: ".atqbo/qbo-token.json",
    minorVersion: 75
  },
  sync: {
    timeZone: "UTC",
    lookbackDays: 14,
    numbering: { mode: "qbo", prefix: "" },
    negativeInvoices: "reject",
    voids: { sync: false, lookbackDays: 14 },
    errorMarker: { write: false, value: "ERROR" },
    customerMemo: { parts: ["orderNumber", "comments"], separator: "\n" },
    email: { onCreate: false },
    duplicates: "void",
    exchangeRate: "qbo"
  },
  limits: { maxNewCustomers: 25, maxNewItems: 50, maxInvoices: 500, maxVoids: 10, maxEmails: 100, maxAutotaskUpdates: 1000 },
  journal: { dir: ".atqbo/journal" },
  lease: { expirySeconds: 300, waitSeconds: 0 },
  notifications: { webhook: undefined, email: undefined },
  payments: { sync: true, lookbackDays: 60, partialMarksPaid: false, existingPaidDate: "keep" },
  items: {
    matchField: "name",
    map: [],
    missing: { policy: "create", fallbackItem: undefined, create: { type: "Service", incomeAccount: "Services", taxable: false } }
  },
  terms: { aliases: [], unmatched: "omit" },
  customers: {
    crossReferences: [],
    create: true,
    normalize: { collapseWhitespace: true, ignorePunctuation: false, ignoreSuffixes: [] }
  },
  classes: { default: undefined, lines: { default: undefined, rules: [] } },
  taxes: {
    region: "us",
    us: { amounts: "autotask", taxableWhen: "taxDollars", taxableCategories: [], taxCode: undefined },
    global: { codes: [], defaultTaxCode: undefined, calculation: "TaxExcluded" }
  },
  connections: []
}

const valueAt = (root: unknown, path: ReadonlyArray<string>): unknown =>
  path.reduce<unknown>((node, key) => (typeof node === "object" && node !== null ? (node as Record<string, unknown>)[key] : undefined), root)

describe("defaults", () => {
  it("apply in full when only `version: 1` is given and every optional file is absent", () => {
    const check = checkTexts({})
    assert.deepStrictEqual(check.problems, [])
    assert.deepStrictEqual(check.config, EXPECTED_DEFAULTS)
  })

  it("apply to what a file leaves out, section by section", () => {
    const check = checkTexts({
      atqbo: yaml("version: 1", "sync:", "  voids:", "    sync: true", "notifications:", "  webhook:", "    urlEnv: HOOK_URL",
        "  email:", "    host: smtp.example.com", "    from: a@example.com", "    to: [b@example.com]"),
      items: yaml("missing:", "  create:", "    taxable: true")
    })
    const config = check.config
    assert.isDefined(config)
    assert.deepStrictEqual(config?.sync.voids, { sync: true, lookbackDays: 14 })
    assert.deepStrictEqual(config?.notifications.webhook, { urlEnv: "HOOK_URL", format: "json" })
    assert.deepStrictEqual(config?.notifications.email, {
      host: "smtp.example.com", port: 587, secure: false, allowInsecureAuth: false, usernameEnv: undefined, passwordEnv: undefined,
      from: "a@example.com", to: ["b@example.com"]
    })
    assert.deepStrictEqual(config?.items.missing.create, { type: "Service", incomeAccount: "Services", taxable: true })
  })

  it("in the schemas (`default` keywords, shown by editors) equal the ones applied", () => {
    // Sections whose defaults only apply once the section exists.
    const notifications = checkTexts({
      atqbo: yaml("version: 1", "notifications:", "  webhook: {urlEnv: HOOK_URL}", "  email: {host: h, from: a@b.co, to: [c@d.co]}")
    }).config
    for (const spec of CONFIG_FILES) {
      for (const setting of schemaSettings(spec.schema)) {
        if (!("default" in setting.written) || setting.path.includes("[]")) continue
        const root = spec.name === "atqbo" ? (setting.path[0] === "notifications" ? notifications : EXPECTED_DEFAULTS) : EXPECTED_DEFAULTS[spec.name]
        const applied = valueAt(root, setting.path)
        const expected = setting.written["default"]
        // `terms.aliases` is written as a mapping and typed as a list of pairs.
        if (spec.name === "terms" && setting.path[0] === "aliases") assert.deepStrictEqual(applied, [])
        else assert.deepStrictEqual(applied, expected, `${spec.fileName}: ${setting.path.join(".")}`)
      }
    }
  })

  it("fill a source position on every map entry", () => {
    const check = checkTexts({
      items: yaml("map:", "  - billingCode: A", "    item: B", "  - billingCodeId: 7", "    item: C"),
      terms: yaml("# aliases", "aliases:", "  Net 30 Days: Net 30"),
      customers: yaml("crossReferences:", "  - companyId: 1", "    customer: Acme"),
      classes: yaml("lines:", "  rules:", "    - class: Hardware", "      billingItemTypes: [1]"),
      taxes: yaml("global:", "  codes:", "    - taxRegion: UK", "      taxCode: Standard")
    })
    const config = check.config
    assert.isDefined(config)
    assert.deepStrictEqual(config?.items.map.map((entry) => entry.source), [
      { file: "cfg/items.yaml", line: 2, column: 5 },
      { file: "cfg/items.yaml", line: 4, column: 5 }
    ])
    assert.deepStrictEqual(config?.items.map[1], {
      billingCodeId: 7, billingCode: undefined, item: "C", source: { file: "cfg/items.yaml", line: 4, column: 5 }
    })
    assert.deepStrictEqual(config?.terms.aliases, [
      { autotask: "Net 30 Days", qbo: "Net 30", source: { file: "cfg/terms.yaml", line: 3, column: 3 } }
    ])
    assert.deepStrictEqual(config?.customers.crossReferences[0]?.source, { file: "cfg/customers.yaml", line: 2, column: 5 })
    assert.deepStrictEqual(config?.classes.lines.rules[0], {
      class: "Hardware", billingCodes: undefined, billingCodeIds: undefined, billingItemTypes: [1],
      source: { file: "cfg/classes.yaml", line: 3, column: 7 }
    })
    assert.deepStrictEqual(config?.taxes.global.codes[0], {
      taxCategory: undefined, taxRegion: "UK", taxCode: "Standard", source: { file: "cfg/taxes.yaml", line: 3, column: 7 }
    })
  })

  it("locate the single-value settings that name a record, when written", () => {
    const config = checkTexts({
      items: yaml("missing:", "  policy: create", "  create:", "    incomeAccount: Sales"),
      classes: yaml("# classes", "default: Managed")
    }).config
    assert.deepStrictEqual(config?.locations, {
      "items.missing.create.incomeAccount": { file: "cfg/items.yaml", line: 4, column: 5 },
      "classes.default": { file: "cfg/classes.yaml", line: 2, column: 1 }
    })
  })
})
