/**
 * Broken configurations and exactly what `atqbo validate` must say about each: every problem
 * as `file:line:column severity: message`, in order, and nothing else.
 */
import type { ConfigFileName } from "../../src/config/files.ts"
import { yaml } from "./helpers.ts"

export interface BrokenCase {
  readonly name: string
  readonly files: Partial<Record<ConfigFileName, string | null>>
  readonly strayFiles?: ReadonlyArray<string>
  readonly expected: ReadonlyArray<string>
  /** Substring expected in the first problem's hint. */
  readonly hint?: string
}

const LONG_ITEM = "I".repeat(101)
const LONG_CUSTOMER = "C".repeat(501)

export const BROKEN_CASES: ReadonlyArray<BrokenCase> = [
  // --- YAML itself ---------------------------------------------------------------------------
  {
    name: "YAML syntax error (unclosed flow sequence)",
    files: { items: yaml("matchField: name", "map: [", "  {billingCode: A, item: B}", "missing: {}") },
    expected: [
      "cfg/items.yaml:4:1 error: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]."
    ]
  },
  {
    name: "tab indentation",
    files: { atqbo: yaml("version: 1", "sync:", "\tlookbackDays: 7") },
    expected: [
      "cfg/atqbo.yaml:3:1 error: Tabs are not allowed for indentation in YAML."
    ],
    hint: "Indent with spaces"
  },
  {
    name: "duplicate key",
    files: { terms: yaml("aliases:", "  Net 30 Days: Net 30", "  Net 15 Days: Net 15", "  Net 30 Days: Net 45") },
    expected: [
      "cfg/terms.yaml:4:3 error: Duplicate key `Net 30 Days`: it is already set on line 2."
    ]
  },
  {
    name: "anchors and aliases are refused",
    files: { classes: yaml("default: &main Managed Services", "lines:", "  default: *main") },
    expected: [
      "cfg/classes.yaml:1:10 error: YAML anchors (`&main`) are not allowed: reviewers cannot see where they are reused.",
      "cfg/classes.yaml:3:12 error: YAML aliases (`*main`) are not allowed: reviewers cannot see what they expand to."
    ]
  },
  {
    name: "two YAML documents in one file",
    files: { atqbo: yaml("version: 1", "---", "sync: {}") },
    expected: [
      "cfg/atqbo.yaml:2:1 error: A configuration file holds a single YAML document."
    ]
  },
  // --- schema: keys ----------------------------------------------------------------------------
  {
    name: "misspelt top-level key, with suggestion",
    files: { atqbo: yaml("version: 1", "sycn:", "  lookbackDays: 7") },
    expected: [
      "cfg/atqbo.yaml:2:1 error: Unknown key `sycn`; did you mean `sync`?"
    ],
    hint: "Valid keys at the top of atqbo.yaml"
  },
  {
    name: "misspelt key at depth 2, with suggestion",
    files: { atqbo: yaml("version: 1", "sync:", "  lookbakDays: 7") },
    expected: [
      "cfg/atqbo.yaml:3:3 error: Unknown key `lookbakDays` in `sync`; did you mean `lookbackDays`?"
    ]
  },
  {
    name: "misspelt key at depth 3, with suggestion",
    files: { atqbo: yaml("version: 1", "sync:", "  voids:", "    synk: true") },
    expected: [
      "cfg/atqbo.yaml:4:5 error: Unknown key `synk` in `sync.voids`; did you mean `sync`?"
    ]
  },
  {
    name: "misspelt key inside a list entry",
    files: { items: yaml("map:", "  - billingCode: Remote Support", "    itme: Managed Services") },
    expected: [
      "cfg/items.yaml:3:5 error: Unknown key `itme` in `map[0]`; did you mean `item`?"
    ]
  },
  {
    name: "unknown key without a close match",
    files: { customers: yaml("create: true", "autoMerge: true") },
    expected: [
      "cfg/customers.yaml:2:1 error: Unknown key `autoMerge`."
    ]
  },
  {
    name: "known key in the wrong place",
    files: { atqbo: yaml("version: 1", "lookbackDays: 7") },
    expected: [
      "cfg/atqbo.yaml:2:1 error: Unknown key `lookbackDays`; `lookbackDays` belongs under `sync`."
    ]
  },
  // --- schema: types, enums, required ----------------------------------------------------------
  {
    name: "quoted number where a number is expected",
    files: { atqbo: yaml("version: 1", "sync:", "  lookbackDays: \"14\"") },
    expected: [
      "cfg/atqbo.yaml:3:17 error: `sync.lookbackDays` must be a whole number; found the text \"14\"."
    ],
    hint: "Remove the quotes: 14."
  },
  {
    name: "unquoted realm id (a number where text is expected)",
    files: { atqbo: yaml("version: 1", "qbo:", "  realmId: 9130350000000000") },
    expected: [
      "cfg/atqbo.yaml:3:12 error: `qbo.realmId` must be text; found the number 9130350000000000."
    ],
    hint: "Quote it"
  },
  {
    name: "yes instead of true",
    files: { customers: yaml("create: yes") },
    expected: [
      "cfg/customers.yaml:1:9 error: `create` must be `true` or `false`; found the text \"yes\"."
    ],
    hint: "Write `true` or `false`"
  },
  {
    name: "empty section",
    files: { atqbo: yaml("version: 1", "sync:", "limits:", "  maxInvoices: 10") },
    expected: [
      "cfg/atqbo.yaml:2:1 error: `sync` is empty; expected a mapping (`key: value` lines)."
    ]
  },
  {
    name: "mapping where a list is expected",
    files: { items: yaml("map:", "  Remote Support: Managed Services") },
    expected: [
      "cfg/items.yaml:2:3 error: `map` must be a list; found a mapping."
    ]
  },
  {
    name: "bad enum value, with suggestion",
    files: { atqbo: yaml("version: 1", "sync:", "  negativeInvoices: credit_memo") },
    expected: [
      "cfg/atqbo.yaml:3:21 error: Unknown value `credit_memo` for `sync.negativeInvoices`; did you mean `credit-memo`?"
    ],
    hint: "Allowed values: `reject` or `credit-memo`."
  },
  {
    name: "bad enum value without a close match",
    files: { items: yaml("matchField: sku") },
    expected: [
      "cfg/items.yaml:1:13 error: `matchField` must be one of `name` or `externalNumber`; found the text \"sku\"."
    ]
  },
  {
    name: "unsupported version",
    files: { atqbo: yaml("version: 2") },
    expected: [
      "cfg/atqbo.yaml:1:10 error: `version` must be `1`; found the number 2."
    ]
  },
  {
    name: "missing required key at the top (points at the document)",
    files: { atqbo: yaml("# no version here", "sync:", "  lookbackDays: 7") },
    expected: [
      "cfg/atqbo.yaml:2:1 error: Missing required key `version`."
    ],
    hint: "Add `version: 1` at the top of the file."
  },
  {
    name: "missing required key in a list entry (points at the entry)",
    files: { classes: yaml("lines:", "  rules:", "    - billingCodes: [Hardware]") },
    expected: [
      "cfg/classes.yaml:3:7 error: Missing required key `class` in `lines.rules[0]`."
    ]
  },
  {
    name: "missing required key in a nested mapping (points at its key)",
    files: { atqbo: yaml("version: 1", "notifications:", "  webhook:", "    format: slack") },
    expected: [
      "cfg/atqbo.yaml:3:3 error: Missing required key `urlEnv` in `notifications.webhook`."
    ]
  },
  {
    name: "cross-reference naming no company",
    files: { customers: yaml("crossReferences:", "  - customer: Contoso") },
    expected: [
      "cfg/customers.yaml:2:5 error: `crossReferences[0]` needs one of `companyId` or `company`."
    ]
  },
  {
    name: "item mapping naming the billing code twice",
    files: { items: yaml("map:", "  - billingCode: Hardware", "    billingCodeId: 29682801", "    item: Hardware") },
    expected: [
      "cfg/items.yaml:2:5 error: `map[0]` has both `billingCode` and `billingCodeId`; give only one."
    ]
  },
  {
    name: "tax code mapping without a condition",
    files: { taxes: yaml("region: global", "global:", "  codes:", "    - taxCode: \"20.0% S\"") },
    expected: [
      "cfg/taxes.yaml:4:7 error: `global.codes[0]` needs at least one of `taxCategory` or `taxRegion`."
    ]
  },
  // --- environment variables ---------------------------------------------------------------------
  {
    name: "lower-case environment variable name",
    files: { atqbo: yaml("version: 1", "autotask:", "  secretEnv: autotask_secret") },
    expected: [
      "cfg/atqbo.yaml:3:14 error: `autotask.secretEnv` must name an environment variable (upper-case letters, digits and `_`, not starting with a digit); `autotask_secret` is not a valid name."
    ],
    hint: "Did you mean `AUTOTASK_SECRET`?"
  },
  {
    name: "environment variable written with $",
    files: { atqbo: yaml("version: 1", "autotask:", "  usernameEnv: $AUTOTASK_USERNAME") },
    expected: [
      "cfg/atqbo.yaml:3:16 error: `autotask.usernameEnv` must name an environment variable (upper-case letters, digits and `_`, not starting with a digit); `$AUTOTASK_USERNAME` is not a valid name."
    ],
    hint: "without `$`"
  },
  {
    name: "a secret pasted where the variable name belongs",
    files: { atqbo: yaml("version: 1", "qbo:", "  clientSecretEnv: \"kX9aB3cD4eF5gH6iJ7kL8mN9\"") },
    expected: [
      "cfg/atqbo.yaml:3:20 error: `qbo.clientSecretEnv` looks like a credential or secret value, not the name of an environment variable; secrets never belong in mapping files."
    ],
    hint: "rotate it"
  },
  {
    name: "an Autotask integration code pasted (valid name syntax, still a secret)",
    files: { atqbo: yaml("version: 1", "autotask:", "  integrationCodeEnv: HUCXSL3M6RDQ7I2ARAWMKAGUJ42") },
    expected: [
      "cfg/atqbo.yaml:3:23 error: `autotask.integrationCodeEnv` looks like a credential or secret value, not the name of an environment variable; secrets never belong in mapping files."
    ]
  },
  {
    name: "one variable for two credentials",
    files: { atqbo: yaml("version: 1", "qbo:", "  clientIdEnv: QBO_CLIENT", "  clientSecretEnv: QBO_CLIENT") },
    expected: [
      "cfg/atqbo.yaml:4:20 error: `qbo.clientSecretEnv` names `QBO_CLIENT`, which `qbo.clientIdEnv` on line 3 already uses; each setting needs its own variable."
    ]
  },
  // --- values -------------------------------------------------------------------------------------
  {
    name: "look-back window below 1 and above 365",
    files: { atqbo: yaml("version: 1", "sync:", "  lookbackDays: 0", "  voids:", "    lookbackDays: 400") },
    expected: [
      "cfg/atqbo.yaml:3:17 error: `sync.lookbackDays` must be between 1 and 365; found 0.",
      "cfg/atqbo.yaml:5:19 error: `sync.voids.lookbackDays` must be between 1 and 365; found 400."
    ]
  },
  {
    name: "QBO minor version below 75",
    files: { atqbo: yaml("version: 1", "qbo:", "  minorVersion: 65") },
    expected: [
      "cfg/atqbo.yaml:3:17 error: `qbo.minorVersion` must be at least 75; found 65."
    ]
  },
  {
    name: "invalid IANA time zone, with suggestion",
    files: { atqbo: yaml("version: 1", "sync:", "  timeZone: America/NewYork") },
    expected: [
      "cfg/atqbo.yaml:3:13 error: Unknown time zone `America/NewYork`; did you mean `America/New_York`?"
    ]
  },
  {
    name: "Autotask zone URL without /ATServicesRest/",
    files: { atqbo: yaml("version: 1", "autotask:", "  zoneUrl: https://webservices5.autotask.net/ATServicesRest/V1.0/") },
    expected: [
      "cfg/atqbo.yaml:3:12 error: Invalid value \"https://webservices5.autotask.net/ATServicesRest/V1.0/\" for `autotask.zoneUrl`: Expected an Autotask REST root such as `https://webservices5.autotask.net/ATServicesRest/` (ending in `/ATServicesRest/`, without `V1.0`)."
    ]
  },
  {
    name: "notification recipient that is not an e-mail address",
    files: { atqbo: yaml("version: 1", "notifications:", "  email:", "    host: smtp.example.com", "    from: atqbo@example.com", "    to: [finance]") },
    expected: [
      "cfg/atqbo.yaml:6:10 error: `notifications.email.to[0]` must be an e-mail address; found \"finance\"."
    ]
  },
  {
    name: "memo part listed twice",
    files: { atqbo: yaml("version: 1", "sync:", "  customerMemo:", "    parts: [comments, orderNumber, comments]") },
    expected: [
      "cfg/atqbo.yaml:4:36 error: `sync.customerMemo.parts` lists \"comments\" twice (entries 1 and 3)."
    ]
  },
  // --- names QBO rejects ----------------------------------------------------------------------------
  {
    name: "item name with a colon",
    files: { items: yaml("map:", "  - billingCode: Hardware", "    item: \"Products:Hardware\"") },
    expected: [
      "cfg/items.yaml:3:11 error: Invalid value \"Products:Hardware\" for `map[0].item`: QBO item names cannot contain `:` (QBO uses it to join sub-items), tabs or line breaks."
    ]
  },
  {
    name: "item name over 100 characters",
    files: { items: yaml("missing:", "  policy: fallback", `  fallbackItem: ${LONG_ITEM}`) },
    expected: [
      "cfg/items.yaml:3:17 error: `missing.fallbackItem` is too long for a QBO item name: 101 characters, at most 100 allowed."
    ]
  },
  {
    name: "term name over 31 characters",
    files: { terms: yaml("aliases:", "  Net 30 Days: Net 30 days from the invoice date, no discount") },
    expected: [
      "cfg/terms.yaml:2:16 error: `aliases[\"Net 30 Days\"]` is too long for a QBO term name: 46 characters, at most 31 allowed."
    ]
  },
  {
    name: "customer name over 500 characters",
    files: { customers: yaml("crossReferences:", "  - companyId: 174", `    customer: ${LONG_CUSTOMER}`) },
    expected: [
      "cfg/customers.yaml:3:15 error: `crossReferences[0].customer` is too long for a QBO customer DisplayName: 501 characters, at most 500 allowed."
    ]
  },
  {
    name: "class name with a tab and customer name with a line break",
    files: {
      classes: yaml("default: \"Managed\\tServices\""),
      customers: yaml("crossReferences:", "  - company: Contoso", "    customer: \"Contoso\\nLtd\"")
    },
    expected: [
      "cfg/classes.yaml:1:10 error: Invalid value \"Managed\\tServices\" for `default`: QBO class names cannot contain `:` (QBO uses it to join sub-classes), tabs or line breaks.",
      "cfg/customers.yaml:3:15 error: Invalid value \"Contoso\\nLtd\" for `crossReferences[0].customer`: QBO customer names cannot contain `:` (QBO uses it to join sub-customers), tabs or line breaks."
    ]
  },
  // --- semantic rules ---------------------------------------------------------------------------------
  {
    name: "same billing code mapped twice to the same item",
    files: { items: yaml("map:", "  - billingCode: Remote Support", "    item: Managed Services", "  - billingCode: Remote Support", "    item: Managed Services") },
    expected: [
      "cfg/items.yaml:4:18 error: Billing code `Remote Support` is mapped twice (also on line 2)."
    ]
  },
  {
    name: "same billing code id mapped to two items",
    files: { items: yaml("map:", "  - billingCodeId: 29682801", "    item: Hardware", "  - billingCodeId: 29682801", "    item: Parts") },
    expected: [
      "cfg/items.yaml:4:20 error: Billing code id 29682801 is mapped to `Parts` here but to `Hardware` on line 2; a billing code maps to one item."
    ]
  },
  {
    name: "billing code names compare case-insensitively",
    files: { items: yaml("map:", "  - billingCode: Remote Support", "    item: Managed Services", "  - billingCode: REMOTE SUPPORT", "    item: Support") },
    expected: [
      "cfg/items.yaml:4:18 error: Billing code `REMOTE SUPPORT` is mapped to `Support` here but to `Managed Services` on line 2 (as `Remote Support`; names compare case-insensitively); a billing code maps to one item."
    ]
  },
  {
    name: "the same Autotask term aliased twice in different case",
    files: { terms: yaml("aliases:", "  Net 30 Days: Net 30", "  NET 30 DAYS: Net 45") },
    expected: [
      "cfg/terms.yaml:3:3 error: The Autotask term `NET 30 DAYS` is aliased to `Net 45` here but to `Net 30` on line 2 (as `Net 30 Days`; names compare case-insensitively)."
    ]
  },
  {
    name: "fallback policy without a fallback item",
    files: { items: yaml("missing:", "  policy: fallback") },
    expected: [
      "cfg/items.yaml:2:11 error: `missing.policy` is `fallback`, but no `missing.fallbackItem` names the item to fall back to."
    ]
  },
  {
    name: "alias chain",
    files: { terms: yaml("aliases:", "  Net 30 Days: Net 30", "  Net 30: Net 30 (new)") },
    expected: [
      "cfg/terms.yaml:2:16 error: The alias `Net 30 Days` → `Net 30` chains into `Net 30` → `Net 30 (new)` (line 3); aliases are applied once, not followed."
    ],
    hint: "Map `Net 30 Days` straight to `Net 30 (new)`"
  },
  {
    name: "alias cycle",
    files: { terms: yaml("aliases:", "  Net 30 Days: Net 30", "  Net 30: Net 30 Days") },
    expected: [
      "cfg/terms.yaml:2:3 error: Term aliases form a cycle: `Net 30 Days` → `Net 30` → `Net 30 Days`."
    ]
  },
  {
    name: "alias to itself (warning)",
    files: { terms: yaml("aliases:", "  Net 30: Net 30") },
    expected: [
      "cfg/terms.yaml:2:11 warning: The alias `Net 30` maps the term to itself, which changes nothing."
    ]
  },
  {
    name: "company cross-referenced to two customers",
    files: { customers: yaml("crossReferences:", "  - companyId: 174", "    customer: Contoso", "  - companyId: 174", "    customer: Contoso Ltd") },
    expected: [
      "cfg/customers.yaml:4:16 error: Company id 174 is cross-referenced to `Contoso Ltd` here but to `Contoso` on line 2; a company's invoices go to one customer."
    ]
  },
  {
    name: "company cross-referenced twice for one currency (one entry per currency is fine)",
    files: {
      customers: yaml(
        "crossReferences:",
        "  - companyId: 174",
        "    customer: Contoso",
        "  - companyId: 174",
        "    currency: CAD",
        "    customer: Contoso (CAD)",
        "  - companyId: 174",
        "    currency: CAD",
        "    customer: Contoso Canada",
        "  - companyId: 175",
        "    currency: cad",
        "    customer: Fabrikam"
      )
    },
    expected: [
      "cfg/customers.yaml:7:16 error: Company id 174 (CAD) is cross-referenced to `Contoso Canada` here but to `Contoso (CAD)` on line 4; a company's invoices in CAD go to one customer.",
      "cfg/customers.yaml:11:15 error: Invalid value \"cad\" for `crossReferences[3].currency`: A currency is a three-letter ISO 4217 code in capitals, such as `USD` or `CAD`."
    ]
  },
  {
    name: "exchange rate policy misspelt",
    files: { atqbo: yaml("version: 1", "sync:", "  exchangeRate: autotsk") },
    expected: ["cfg/atqbo.yaml:3:17 error: Unknown value `autotsk` for `sync.exchangeRate`; did you mean `autotask`?"]
  },
  {
    name: "two companies onto one customer (warning only)",
    files: { customers: yaml("crossReferences:", "  - companyId: 174", "    customer: Contoso", "  - company: Contoso West", "    customer: contoso") },
    expected: [
      "cfg/customers.yaml:5:15 warning: Customer `contoso` is also the target of company id 174 on line 2; invoices of both companies will go to this one customer."
    ]
  },
  {
    name: "line class rule referencing nothing",
    files: { classes: yaml("lines:", "  rules:", "    - class: Hardware") },
    expected: [
      "cfg/classes.yaml:3:7 error: This line class rule has no condition, so it refers to no billing code, billing code id or billing item type."
    ]
  },
  {
    name: "line class rule shadowed by an earlier one (warning)",
    files: { classes: yaml("lines:", "  rules:", "    - class: Hardware", "      billingCodes: [A, B]", "    - class: Parts", "      billingCodes: [B, A]") },
    expected: [
      "cfg/classes.yaml:5:7 warning: This line class rule never applies: the rule on line 3 has the same conditions and comes first."
    ]
  },
  {
    name: "taxable categories missing",
    files: { taxes: yaml("us:", "  taxableWhen: taxCategory") },
    expected: [
      "cfg/taxes.yaml:2:16 error: `us.taxableWhen` is `taxCategory`, but `us.taxableCategories` lists no tax category, so no line would be taxable."
    ]
  },
  {
    name: "global taxes without any tax code",
    files: { taxes: yaml("region: global") },
    expected: [
      "cfg/taxes.yaml:1:9 error: `region` is `global`, but neither `global.codes` nor `global.defaultTaxCode` gives a QBO tax code; every non-US invoice line needs one."
    ]
  },
  {
    name: "conflicting tax code mappings",
    files: { taxes: yaml("region: global", "global:", "  codes:", "    - taxCategory: Standard", "      taxCode: \"20.0% S\"", "    - taxCategory: Standard", "      taxCode: \"5.0% R\"") },
    expected: [
      "cfg/taxes.yaml:6:7 error: The mapping of tax category `Standard` conflicts with line 4, which maps it to `20.0% S`; the first mapping always wins."
    ]
  },
  {
    name: "error marker with Autotask numbering",
    files: { atqbo: yaml("version: 1", "sync:", "  numbering:", "    mode: autotask", "  errorMarker:", "    write: true") },
    expected: [
      "cfg/atqbo.yaml:6:12 error: `sync.errorMarker.write` cannot be used with `sync.numbering.mode: autotask`: the marker would overwrite the Autotask invoice number."
    ]
  },
  {
    name: "DocNumber prefix ignored in qbo numbering (warning)",
    files: { atqbo: yaml("version: 1", "sync:", "  numbering:", "    prefix: AT-") },
    expected: [
      "cfg/atqbo.yaml:4:13 warning: `sync.numbering.prefix` is ignored: a prefix is only added when `numbering.mode` is `autotask`."
    ]
  },
  {
    name: "SMTP username without password",
    files: { atqbo: yaml("version: 1", "notifications:", "  email:", "    host: smtp.example.com", "    usernameEnv: SMTP_USER", "    from: a@example.com", "    to: [b@example.com]") },
    expected: [
      "cfg/atqbo.yaml:5:5 error: `notifications.email.usernameEnv` is set without `passwordEnv`; SMTP authentication needs both."
    ]
  },
  // --- the directory ------------------------------------------------------------------------------------
  {
    name: "atqbo.yaml missing",
    files: { atqbo: null },
    expected: [
      "cfg/atqbo.yaml:1:1 error: cfg/atqbo.yaml is missing; every configuration directory needs an atqbo.yaml with at least `version: 1`."
    ],
    hint: "atqbo init --config cfg"
  },
  {
    name: "empty atqbo.yaml",
    files: { atqbo: "" },
    expected: [
      "cfg/atqbo.yaml:1:1 error: Missing required key `version`."
    ]
  },
  {
    name: "atqbo.yaml holding a list",
    files: { atqbo: yaml("- version: 1") },
    expected: [
      "cfg/atqbo.yaml:1:1 error: The file must be a mapping (`key: value` lines); found a list."
    ]
  },
  {
    name: "a misnamed file is reported, not silently ignored",
    files: {},
    strayFiles: ["cfg/items.yml", "cfg/README.yaml"],
    expected: [
      "cfg/items.yml:1:1 warning: atqbo does not read items.yml, so its settings are ignored; did you mean items.yaml?"
    ]
  }
]
