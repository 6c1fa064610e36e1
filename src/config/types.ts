/**
 * The typed configuration: what the mapping files mean after schema validation, semantic
 * checks and defaults. The reconciler only ever sees this shape, never raw YAML.
 * Defaults follow the vendor app where it has one (see schemas/*.schema.json descriptions).
 */

/** Where a setting came from, so later errors (at plan time) can point at the YAML line. */
export interface SourceRef {
  readonly file: string
  readonly line: number
  readonly column: number
}

export interface Config {
  /** The configuration directory; relative paths in the files resolve against it. */
  readonly dir: string
  readonly autotask: AutotaskConnection
  readonly qbo: QboConnection
  readonly sync: SyncPolicy
  readonly limits: SafetyLimits
  readonly journal: JournalConfig
  readonly lease: LeaseConfig
  readonly notifications: NotificationsConfig
  readonly payments: PaymentsConfig
  readonly items: ItemsConfig
  readonly terms: TermsConfig
  readonly customers: CustomersConfig
  readonly classes: ClassesConfig
  readonly taxes: TaxesConfig
  /**
   * Several QBO companies from one Autotask database (empty: the single company in `qbo`).
   * Each connection is a complete single-company Config (its own QBO realm, credentials,
   * token store, limits and mapping files, shared settings inherited) plus its routes.
   */
  readonly connections: ReadonlyArray<ConnectionConfig>
  /** Where the single-value settings that name a QBO or Autotask record were written; absent: the default. */
  readonly locations?: Partial<Record<LocatedSetting, SourceRef>>
}

/** Settings (`file` then path) that name a record by a single value; list entries carry their own `source`. */
export type LocatedSetting =
  | "items.missing.fallbackItem"
  | "items.missing.create.incomeAccount"
  | "classes.default"
  | "classes.lines.default"
  | "taxes.us.taxCode"
  | "taxes.global.defaultTaxCode"

export interface ConnectionConfig {
  /** Short name used in plans, addresses (`us/invoice:123`) and `--connection`. */
  readonly name: string
  readonly config: Config
  /** Any one matching route sends an invoice here. */
  readonly routes: ReadonlyArray<ConnectionRoute>
  /** Takes the invoices no route matches. */
  readonly isDefault: boolean
  readonly source: SourceRef | undefined
}

/** All listed conditions must hold for an invoice's company. */
export interface ConnectionRoute {
  readonly companyIds: ReadonlyArray<number> | undefined
  /** Autotask company classification picklist values. */
  readonly classifications: ReadonlyArray<number> | undefined
  /** Autotask `countryID` values. */
  readonly countries: ReadonlyArray<number> | undefined
  /** A company user-defined field and the values that route here (case-insensitive). */
  readonly udf: { readonly name: string; readonly values: ReadonlyArray<string> } | undefined
  readonly source: SourceRef | undefined
}

/** Credentials are environment-variable names, never values. */
export interface AutotaskConnection {
  readonly usernameEnv: string
  readonly secretEnv: string
  readonly integrationCodeEnv: string
  readonly impersonationResourceIdEnv: string | undefined
  /** Skip zone discovery and use this REST root (ending in `/ATServicesRest/`). */
  readonly zoneUrl: string | undefined
  /** Host asked for zone discovery. */
  readonly discoveryUrl: string
}

export interface QboConnection {
  /** Realm (company) id, or undefined to read it from `realmIdEnv`. */
  readonly realmId: string | undefined
  readonly realmIdEnv: string
  readonly environment: "production" | "sandbox"
  readonly clientIdEnv: string
  readonly clientSecretEnv: string
  /** Used only until the token store holds a newer, rotated refresh token. */
  readonly refreshTokenEnv: string
  /** Path of the token file (0600), relative to the working directory. */
  readonly tokenStore: string
  readonly minorVersion: number
}

export type NumberingMode = "qbo" | "autotask"
export type NegativeInvoicePolicy = "reject" | "credit-memo"
export type CustomerMemoPart = "orderNumber" | "taxGroup" | "invoiceDate" | "comments"

export interface SyncPolicy {
  /** IANA zone in which invoice dates and the look-back window are evaluated. */
  readonly timeZone: string
  /** Invoices dated within the last N days, inclusive (vendor default 14). */
  readonly lookbackDays: number
  readonly numbering: {
    /** `qbo`: QBO numbers the invoice, atqbo writes the number back to Autotask `invoiceNumber`.
     *  `autotask`: the Autotask invoice number becomes the QBO DocNumber; sync marked by `webServiceDate`. */
    readonly mode: NumberingMode
    /** Prepended to the DocNumber in `autotask` mode (Intuit advises an app prefix). */
    readonly prefix: string
  }
  readonly negativeInvoices: NegativeInvoicePolicy
  readonly voids: {
    readonly sync: boolean
    readonly lookbackDays: number
  }
  /** The vendor app writes `ERROR` into `invoiceNumber` on failure; off by default here. */
  readonly errorMarker: {
    readonly write: boolean
    readonly value: string
  }
  readonly customerMemo: {
    readonly parts: ReadonlyArray<CustomerMemoPart>
    readonly separator: string
  }
  readonly email: {
    /** Ask QBO to e-mail each invoice right after it is created. */
    readonly onCreate: boolean
  }
  /** How plan removes the extra QBO documents atqbo created for one Autotask invoice. */
  readonly duplicates: DuplicateRemoval
  /** Foreign-currency documents: `qbo` lets QBO use its rate for the date; `autotask` sends Autotask's rate. */
  readonly exchangeRate: ExchangeRatePolicy
}

export type ExchangeRatePolicy = "qbo" | "autotask"

export type DuplicateRemoval = "void" | "delete"

/** Maxima per run; exceeding one refuses the apply before any write unless `--force`. */
export interface SafetyLimits {
  readonly maxNewCustomers: number
  readonly maxNewItems: number
  readonly maxInvoices: number
  readonly maxVoids: number
  /** Invoices QBO e-mails to customers (sync.email.onCreate): what a customer sees cannot be undone. */
  readonly maxEmails: number
  /** Autotask invoice updates: write-backs, paid dates and error markers. */
  readonly maxAutotaskUpdates: number
}

export interface JournalConfig {
  readonly dir: string
}

/** One `atqbo apply` at a time per QBO company (README: safety model). */
export interface LeaseConfig {
  /** A holder whose heartbeat QBO has not seen for this long (killed, offline) may be taken over. */
  readonly expirySeconds: number
  /** How long a second apply waits for the lease before it exits 1 naming the holder. */
  readonly waitSeconds: number
}

export interface NotificationsConfig {
  readonly webhook: WebhookNotification | undefined
  readonly email: EmailNotification | undefined
}

export interface WebhookNotification {
  /** Env var holding the URL (webhook URLs embed secrets). */
  readonly urlEnv: string
  readonly format: "slack" | "teams" | "json"
}

export interface EmailNotification {
  readonly host: string
  readonly port: number
  readonly secure: boolean
  /** Send the SMTP credentials even when the connection is not encrypted (no TLS, no STARTTLS). */
  readonly allowInsecureAuth: boolean
  readonly usernameEnv: string | undefined
  readonly passwordEnv: string | undefined
  readonly from: string
  readonly to: ReadonlyArray<string>
}

export interface PaymentsConfig {
  readonly sync: boolean
  readonly lookbackDays: number
  /** Mark paid when a payment leaves a balance (default: only when Balance reaches 0). */
  readonly partialMarksPaid: boolean
  /** `keep` never overwrites a paidDate set in Autotask (vendor behaviour); `correct` fixes it. */
  readonly existingPaidDate: "keep" | "correct"
}

export type ItemMatchField = "name" | "externalNumber"
export type MissingItemPolicy = "create" | "fallback" | "fail"

export interface ItemsConfig {
  readonly matchField: ItemMatchField
  /** Explicit billing code → QBO item name; checked before the match field. */
  readonly map: ReadonlyArray<ItemMapping>
  readonly missing: {
    readonly policy: MissingItemPolicy
    /** Required when the policy is `fallback`. */
    readonly fallbackItem: string | undefined
    /** Defaults for items atqbo creates (policy `create`). */
    readonly create: {
      readonly type: "Service" | "NonInventory"
      readonly incomeAccount: string
      readonly taxable: boolean
    }
  }
}

export interface ItemMapping {
  /** Exactly one of billingCodeId / billingCode is set. */
  readonly billingCodeId: number | undefined
  readonly billingCode: string | undefined
  readonly item: string
  readonly source: SourceRef | undefined
}

export interface TermsConfig {
  /** Autotask payment-term name → QBO term name. */
  readonly aliases: ReadonlyArray<{ readonly autotask: string; readonly qbo: string; readonly source: SourceRef | undefined }>
  /** `omit`: invoice without terms plus a warning (vendor behaviour, but visible). */
  readonly unmatched: "omit" | "fail"
}

export interface CustomersConfig {
  readonly crossReferences: ReadonlyArray<CustomerCrossReference>
  /** Whether companies without a customer may be created in QBO. */
  readonly create: boolean
  readonly normalize: CustomerNameNormalization
}

export interface CustomerCrossReference {
  /** Exactly one of companyId / company is set. */
  readonly companyId: number | undefined
  readonly company: string | undefined
  readonly customer: string
  /** Only for the company's invoices in this currency (ISO code); unset: any currency. */
  readonly currency?: string | undefined
  readonly source: SourceRef | undefined
}

export interface CustomerNameNormalization {
  /** Collapse runs of whitespace and trim (always case-insensitive). */
  readonly collapseWhitespace: boolean
  /** Ignore `. , ' "` and similar when comparing names. */
  readonly ignorePunctuation: boolean
  /** Legal suffixes ignored when comparing ("Inc", "LLC"…). */
  readonly ignoreSuffixes: ReadonlyArray<string>
}

export interface ClassesConfig {
  /** Transaction-level class (used when QBO tracks classes per transaction). */
  readonly default: string | undefined
  readonly lines: {
    /** Line class when no rule matches (QBO tracking per line). */
    readonly default: string | undefined
    /** First matching rule wins. */
    readonly rules: ReadonlyArray<LineClassRule>
  }
}

export interface LineClassRule {
  readonly class: string
  /** All given conditions must hold; each list matches any of its values. */
  readonly billingCodes: ReadonlyArray<string> | undefined
  readonly billingCodeIds: ReadonlyArray<number> | undefined
  readonly billingItemTypes: ReadonlyArray<number> | undefined
  readonly source: SourceRef | undefined
}

export interface TaxesConfig {
  readonly region: "us" | "global"
  readonly us: {
    /** `autotask`: send Autotask's tax amount; `qbo`: let QBO (AST) compute it. */
    readonly amounts: "autotask" | "qbo"
    /** A line is `TAX` when its billing item carries tax (taxDollars ≠ 0), else `NON`. */
    readonly taxableWhen: "taxDollars" | "taxCategory"
    /** With `taxCategory`: the Autotask tax categories that make a line taxable. */
    readonly taxableCategories: ReadonlyArray<string>
    /** QBO TaxCode name for the invoice; default: the Autotask tax region name (vendor rule). */
    readonly taxCode: string | undefined
  }
  readonly global: {
    readonly codes: ReadonlyArray<{
      readonly taxCategory: string | undefined
      readonly taxRegion: string | undefined
      readonly taxCode: string
      readonly source: SourceRef | undefined
    }>
    readonly defaultTaxCode: string | undefined
    readonly calculation: "TaxExcluded" | "TaxInclusive"
  }
}
