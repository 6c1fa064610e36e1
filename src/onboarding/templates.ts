/**
 * The configuration `atqbo init` scaffolds: the six mapping files with every setting at its
 * default (so a new directory validates and plans without edits once the credentials are
 * set), the optional ones commented out, and a `$schema` modeline on the first line so the
 * VS Code YAML extension validates and completes while you edit.
 *
 * The modeline is a relative path, so it resolves offline wherever the repository is cloned:
 * in a configuration repository (`atqbo init`) to the schemas of the installed package,
 * `../node_modules/atqbo/schemas/<file>.schema.json`.
 */
import type { ConfigFileName } from "../config/files.ts"

export interface ConfigTemplate {
  readonly name: ConfigFileName
  readonly fileName: string
  readonly text: string
}

/** The modeline every generated mapping file starts with. */
export const schemaModeline = (schemaDir: string, name: ConfigFileName): string =>
  `# yaml-language-server: $schema=${schemaDir.replace(/\\/g, "/").replace(/\/+$/, "")}/${name}.schema.json`

/** Where the schemas are in a repository that installed atqbo. */
export const INSTALLED_SCHEMAS = "node_modules/atqbo/schemas"

/** The schema directory a file's modeline points into, if its first line is one. */
export const modelineSchemaDir = (text: string): string | undefined =>
  /^# yaml-language-server: \$schema=(.*)\/[a-z]+\.schema\.json\s*$/m.exec(text.split("\n", 1)[0] ?? "")?.[1]

const ATQBO = `#
# atqbo.yaml — connection and sync policy; created by \`atqbo init\`. The only required file.
# Every value shown is the default; optional settings are commented out.
# Secrets never go here: settings ending in \`Env\` name environment variables (CI secrets).
# \`atqbo validate\` checks this directory offline; \`atqbo doctor\` checks it against Autotask
# and QBO. Every setting is described in atqbo's docs/configuration.md (in node_modules/atqbo/
# once installed) and in the schema named on the first line.

version: 1                                  # format version (required)

autotask:
  # An Autotask API-only user (security level "API User (system) (API-only)").
  usernameEnv: AUTOTASK_USERNAME            # variable holding its username
  secretEnv: AUTOTASK_SECRET                # variable holding its secret
  integrationCodeEnv: AUTOTASK_INTEGRATION_CODE   # variable holding the API tracking identifier
  # impersonationResourceIdEnv: AUTOTASK_IMPERSONATION_RESOURCE_ID   # write back as this resource
  # zoneUrl: https://webservices5.autotask.net/ATServicesRest/       # skip zone discovery

qbo:
  # The QBO company (realm) id; \`atqbo auth qbo\` prints it. Write it here, quoted…
  # realmId: "9130350000000000"
  # …or keep it in the variable named by realmIdEnv.
  realmIdEnv: QBO_REALM_ID
  environment: production                   # or: sandbox (an Intuit developer sandbox company)
  clientIdEnv: QBO_CLIENT_ID                # OAuth client of your Intuit developer app
  clientSecretEnv: QBO_CLIENT_SECRET
  refreshTokenEnv: QBO_REFRESH_TOKEN        # first refresh token; \`atqbo auth qbo\` gets one
  tokenStore: .atqbo/qbo-token.json         # newest rotated refresh token (mode 0600, git-ignored)
  minorVersion: 75                          # QBO API minor version

sync:
  timeZone: UTC                             # IANA zone of invoice dates, e.g. America/New_York
  lookbackDays: 14                          # invoices dated in the last 14 days, today included
  numbering:
    mode: qbo                               # qbo: QBO numbers, written back to Autotask invoiceNumber
                                            # autotask: Autotask's number becomes the QBO DocNumber
    prefix: ""                              # autotask mode only, e.g. "AT-"
  negativeInvoices: reject                  # reject (vendor behaviour) or credit-memo
  voids:
    sync: false                             # void the QBO invoice when voided in Autotask
    lookbackDays: 14
  errorMarker:
    write: false                            # the vendor app writes ERROR into Autotask; atqbo reports
    value: ERROR
  customerMemo:
    parts: [orderNumber, comments]          # also: taxGroup, invoiceDate; [] for no memo
    separator: "\\n"
  email:
    onCreate: false                         # let QBO e-mail each new invoice to the customer

limits:                                     # \`atqbo apply\` refuses bigger runs unless --force
  maxNewCustomers: 25
  maxNewItems: 50
  maxInvoices: 500
  maxVoids: 10
  maxEmails: 100                            # invoices QBO e-mails to customers
  maxAutotaskUpdates: 1000                  # write-backs, paid dates, error markers

journal:
  dir: .atqbo/journal                       # one JSON-lines file per apply (git-ignored)

# notifications:                            # tell someone when apply fails (both optional)
#   webhook:
#     urlEnv: ATQBO_WEBHOOK_URL             # the URL embeds a secret, so it lives in a variable
#     format: slack                         # slack, teams or json
#   email:
#     host: smtp.example.com
#     port: 587
#     usernameEnv: ATQBO_SMTP_USERNAME
#     passwordEnv: ATQBO_SMTP_PASSWORD
#     from: atqbo@example.com
#     to: [finance@example.com]

payments:
  sync: true                                # QBO payments set the Autotask paid date
  lookbackDays: 60
  partialMarksPaid: false                   # only when the QBO balance reaches zero
  existingPaidDate: keep                    # keep (vendor behaviour) or correct
`

const ITEMS = `#
# items.yaml — Autotask billing codes → QBO items (products and services). Optional file.
# Lookup for a line's billing code: \`map\`, then a QBO item whose name equals the billing
# code's \`matchField\` (case-insensitively), then the \`missing\` policy.
# \`atqbo import\` proposes this file from your live data, with a match report.

matchField: name                            # name or externalNumber

map: []
  # - billingCode: Remote Support           # by billing code name…
  #   item: Managed Services
  # - billingCodeId: 29682801               # …or by id, which survives renames
  #   item: Hardware

missing:
  policy: create                            # create, fallback or fail
  # fallbackItem: Miscellaneous Services    # required by policy: fallback
  create:                                   # how policy: create makes new items
    type: Service                           # Service or NonInventory
    incomeAccount: Services                 # QBO income account (Parent:Child for sub-accounts)
    taxable: false
`

const TERMS = `#
# terms.yaml — Autotask payment terms → QBO terms. Optional file.
# A term whose name exists in QBO needs no alias; QBO term names are at most 31 characters.

aliases: {}
  # "Net 30 Days": Net 30                   # Autotask name: QBO name (aliases are not chained)
  # "Due Upon Receipt": Due on receipt

unmatched: omit                             # omit: no terms plus a warning; fail: an error
`

const CUSTOMERS = `#
# customers.yaml — Autotask companies → QBO customers. Optional file.
# Lookup: \`crossReferences\`, then a QBO customer whose DisplayName equals the company name
# (case-insensitively, after \`normalize\`), then a new customer if \`create\` allows it.

crossReferences: []
  # - companyId: 29683501                   # by company id (survives renames)…
  #   customer: Contoso Ltd
  # - company: "Fabrikam, Inc."             # …or by company name
  #   customer: Fabrikam

create: true                                # false: unmatched companies are errors instead

normalize:
  collapseWhitespace: true                  # "Contoso   Ltd" = "Contoso Ltd"
  ignorePunctuation: false                  # true: "Contoso, Inc." = "Contoso Inc"
  ignoreSuffixes: []                        # e.g. [Inc, LLC, Ltd]: "Contoso LLC" = "Contoso"
`

const CLASSES = `#
# classes.yaml — QBO classes. Optional file; as long as everything below is commented out,
# no class is set. QBO tracks classes per transaction (\`default\` applies) or per line
# (\`lines\` applies); \`atqbo doctor\` tells you which your company uses.

# default: Managed Services                 # class of the whole invoice
#
# lines:
#   default: Services                       # class of lines no rule matches
#   rules:                                  # first matching rule wins
#     - class: Hardware
#       billingCodeIds: [29682801]
#     - class: Labor
#       billingCodes: [After Hours Labor, Remote Support]
`

const TAXES = `#
# taxes.yaml — Autotask taxes → QBO. Optional file. Only the section named by \`region\` is
# used; \`atqbo doctor\` compares it with your QBO sales-tax settings.

region: us                                  # us, or global (UK, CA, AU, …)

us:
  amounts: autotask                         # send Autotask's tax, or let QBO compute it: qbo
  taxableWhen: taxDollars                   # TAX when the line carries tax, or: taxCategory
  taxableCategories: []                     # used by taxableWhen: taxCategory
  # taxCode: State Sales Tax                # QBO tax rate; default: named like the Autotask tax region

# global:
#   calculation: TaxExcluded                # Autotask prices exclude tax, or: TaxInclusive
#   defaultTaxCode: "20.0% S"               # lines no mapping matches
#   codes:                                  # first matching mapping wins
#     - taxCategory: Zero Rated
#       taxCode: "0.0% Z"
`

const BODIES: ReadonlyArray<readonly [ConfigFileName, string]> = [
  ["atqbo", ATQBO],
  ["items", ITEMS],
  ["terms", TERMS],
  ["customers", CUSTOMERS],
  ["classes", CLASSES],
  ["taxes", TAXES]
]

/** The six files, each starting with its modeline pointing into `schemaDir` (relative to the config directory). */
export const configTemplates = (schemaDir: string): ReadonlyArray<ConfigTemplate> =>
  BODIES.map(([name, body]) => ({ name, fileName: `${name}.yaml`, text: `${schemaModeline(schemaDir, name)}\n${body}` }))
