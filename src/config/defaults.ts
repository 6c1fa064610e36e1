/**
 * Every default of the configuration in one place. They equal the vendor app's where it has
 * one; a test checks that each `default` keyword in schemas/*.schema.json says the same.
 */
import type {
  AutotaskConnection,
  ClassesConfig,
  CustomersConfig,
  ItemsConfig,
  JournalConfig,
  LeaseConfig,
  NotificationsConfig,
  PaymentsConfig,
  QboConnection,
  SafetyLimits,
  SyncPolicy,
  TaxesConfig,
  TermsConfig
} from "./types.ts"

export const DEFAULT_CONFIG_DIR = "mappings"

export const AUTOTASK_DEFAULTS: AutotaskConnection = {
  usernameEnv: "AUTOTASK_USERNAME",
  secretEnv: "AUTOTASK_SECRET",
  integrationCodeEnv: "AUTOTASK_INTEGRATION_CODE",
  impersonationResourceIdEnv: undefined,
  zoneUrl: undefined,
  discoveryUrl: "https://webservices.autotask.net/atservicesrest/"
}

export const QBO_DEFAULTS: QboConnection = {
  realmId: undefined,
  realmIdEnv: "QBO_REALM_ID",
  environment: "production",
  clientIdEnv: "QBO_CLIENT_ID",
  clientSecretEnv: "QBO_CLIENT_SECRET",
  refreshTokenEnv: "QBO_REFRESH_TOKEN",
  tokenStore: ".atqbo/qbo-token.json",
  minorVersion: 75
}

export const SYNC_DEFAULTS: SyncPolicy = {
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
}

export const LIMITS_DEFAULTS: SafetyLimits = {
  maxNewCustomers: 25,
  maxNewItems: 50,
  maxInvoices: 500,
  maxVoids: 10,
  maxEmails: 100,
  maxAutotaskUpdates: 1000
}

export const JOURNAL_DEFAULTS: JournalConfig = { dir: ".atqbo/journal" }

export const LEASE_DEFAULTS: LeaseConfig = { expirySeconds: 300, waitSeconds: 0 }

export const NOTIFICATIONS_DEFAULTS: NotificationsConfig = { webhook: undefined, email: undefined }

export const WEBHOOK_FORMAT_DEFAULT = "json"
export const EMAIL_NOTIFICATION_DEFAULTS = { port: 587, secure: false, allowInsecureAuth: false } as const

export const PAYMENTS_DEFAULTS: PaymentsConfig = {
  sync: true,
  lookbackDays: 60,
  partialMarksPaid: false,
  existingPaidDate: "keep"
}

export const ITEMS_DEFAULTS: ItemsConfig = {
  matchField: "name",
  map: [],
  missing: {
    policy: "create",
    fallbackItem: undefined,
    create: { type: "Service", incomeAccount: "Services", taxable: false }
  }
}

export const TERMS_DEFAULTS: TermsConfig = { aliases: [], unmatched: "omit" }

export const CUSTOMERS_DEFAULTS: CustomersConfig = {
  crossReferences: [],
  create: true,
  normalize: { collapseWhitespace: true, ignorePunctuation: false, ignoreSuffixes: [] }
}

export const CLASSES_DEFAULTS: ClassesConfig = {
  default: undefined,
  lines: { default: undefined, rules: [] }
}

export const TAXES_DEFAULTS: TaxesConfig = {
  region: "us",
  us: { amounts: "autotask", taxableWhen: "taxDollars", taxableCategories: [], taxCode: undefined },
  global: { codes: [], defaultTaxCode: undefined, calculation: "TaxExcluded" }
}
