/**
 * Schema-valid file data → the typed `Config`, defaults applied and map entries carrying
 * their `SourceRef`. Runs only when validation found no errors, so the data has the shapes
 * the schemas promise (every key optional).
 */
import {
  AUTOTASK_DEFAULTS,
  CLASSES_DEFAULTS,
  CUSTOMERS_DEFAULTS,
  EMAIL_NOTIFICATION_DEFAULTS,
  ITEMS_DEFAULTS,
  JOURNAL_DEFAULTS,
  LEASE_DEFAULTS,
  LIMITS_DEFAULTS,
  PAYMENTS_DEFAULTS,
  QBO_DEFAULTS,
  SYNC_DEFAULTS,
  TAXES_DEFAULTS,
  TERMS_DEFAULTS,
  WEBHOOK_FORMAT_DEFAULT
} from "./defaults.ts"
import type { ConfigFileName } from "./files.ts"
import type {
  ClassesConfig,
  Config,
  ConnectionConfig,
  CustomersConfig,
  EmailNotification,
  ItemsConfig,
  LocatedSetting,
  SourceRef,
  SyncPolicy,
  TaxesConfig,
  TermsConfig,
  WebhookNotification
} from "./types.ts"
import type { DataPath, YamlSource } from "./yamlSource.ts"

/** Every key optional, recursively: the YAML as written. Lists keep their element types. */
type Written<T> = T extends ReadonlyArray<infer Element> ? ReadonlyArray<Written<Element>>
  : T extends object ? { readonly [K in keyof T]?: Written<T[K]> }
  : T

interface WrittenAtqbo {
  readonly autotask?: Written<Config["autotask"]>
  readonly qbo?: Written<Config["qbo"]>
  readonly sync?: Written<SyncPolicy>
  readonly limits?: Written<Config["limits"]>
  readonly journal?: Written<Config["journal"]>
  readonly lease?: Written<Config["lease"]>
  readonly notifications?: {
    readonly webhook?: Written<WebhookNotification>
    readonly email?: Written<EmailNotification>
  }
  readonly payments?: Written<Config["payments"]>
  readonly connections?: ReadonlyArray<WrittenConnection>
}

interface WrittenConnection {
  readonly name: string
  readonly qbo?: Written<Config["qbo"]>
  readonly limits?: Written<Config["limits"]>
  readonly mappings?: string
  readonly routes?: ReadonlyArray<{
    readonly companyIds?: ReadonlyArray<number>
    readonly classifications?: ReadonlyArray<number>
    readonly countries?: ReadonlyArray<number>
    readonly udf?: { readonly name: string; readonly values: ReadonlyArray<string> }
  }>
  readonly default?: boolean
}

interface WrittenItems {
  readonly matchField?: ItemsConfig["matchField"]
  readonly map?: ReadonlyArray<{ readonly billingCode?: string; readonly billingCodeId?: number; readonly item: string }>
  readonly missing?: Written<ItemsConfig["missing"]>
}

interface WrittenTerms {
  readonly aliases?: Readonly<Record<string, string>>
  readonly unmatched?: TermsConfig["unmatched"]
}

interface WrittenCustomers {
  readonly crossReferences?: ReadonlyArray<{ readonly companyId?: number; readonly company?: string; readonly customer: string; readonly currency?: string }>
  readonly create?: boolean
  readonly normalize?: Written<CustomersConfig["normalize"]>
}

interface WrittenClasses {
  readonly default?: string
  readonly lines?: {
    readonly default?: string
    readonly rules?: ReadonlyArray<{
      readonly class: string
      readonly billingCodes?: ReadonlyArray<string>
      readonly billingCodeIds?: ReadonlyArray<number>
      readonly billingItemTypes?: ReadonlyArray<number>
    }>
  }
}

interface WrittenTaxes {
  readonly region?: TaxesConfig["region"]
  readonly us?: Written<TaxesConfig["us"]>
  readonly global?: {
    readonly codes?: ReadonlyArray<{ readonly taxCategory?: string; readonly taxRegion?: string; readonly taxCode: string }>
    readonly defaultTaxCode?: string
    readonly calculation?: TaxesConfig["global"]["calculation"]
  }
}

export type ValidSources = Partial<Record<ConfigFileName, YamlSource>>

const written = <T>(source: YamlSource | undefined): T => (source?.data ?? {}) as T

const sourceRef = (source: YamlSource | undefined, path: DataPath, anchor: "key" | "node" = "node"): SourceRef | undefined =>
  source === undefined ? undefined : { file: source.file, ...source.locate(path, anchor) }

export const buildConfig = (dir: string, sources: ValidSources, connectionSources: ReadonlyMap<string, ValidSources> = new Map()): Config => {
  const shared = buildSingle(dir, sources)
  const connections = (written<WrittenAtqbo>(sources.atqbo).connections ?? []).map((connection, index): ConnectionConfig => {
    // A mapping file the connection does not have is the shared one.
    const own = connectionSources.get(connection.name) ?? {}
    const merged: ValidSources = { ...sources, ...Object.fromEntries(Object.entries(own).filter(([name]) => name !== "atqbo")) }
    const mappings = buildSingle(dir, merged)
    const config: Config = {
      ...shared,
      dir: connection.mappings === undefined ? dir : `${dir}/${connection.mappings}`,
      qbo: { ...shared.qbo, ...connection.qbo },
      limits: { ...shared.limits, ...connection.limits },
      items: mappings.items,
      terms: mappings.terms,
      customers: mappings.customers,
      classes: mappings.classes,
      taxes: mappings.taxes,
      ...(mappings.locations ? { locations: mappings.locations } : {})
    }
    return {
      name: connection.name,
      config,
      isDefault: connection.default === true,
      routes: (connection.routes ?? []).map((route, routeIndex) => ({
        companyIds: route.companyIds,
        classifications: route.classifications,
        countries: route.countries,
        udf: route.udf,
        source: sourceRef(sources.atqbo, ["connections", index, "routes", routeIndex])
      })),
      source: sourceRef(sources.atqbo, ["connections", index])
    }
  })
  return { ...shared, connections }
}

const buildSingle = (dir: string, sources: ValidSources): Config => {
  const atqbo = written<WrittenAtqbo>(sources.atqbo)
  const sync = atqbo.sync ?? {}
  const notifications = atqbo.notifications ?? {}
  return {
    dir,
    autotask: { ...AUTOTASK_DEFAULTS, ...atqbo.autotask },
    qbo: { ...QBO_DEFAULTS, ...atqbo.qbo },
    sync: {
      timeZone: sync.timeZone ?? SYNC_DEFAULTS.timeZone,
      lookbackDays: sync.lookbackDays ?? SYNC_DEFAULTS.lookbackDays,
      numbering: { ...SYNC_DEFAULTS.numbering, ...sync.numbering },
      negativeInvoices: sync.negativeInvoices ?? SYNC_DEFAULTS.negativeInvoices,
      voids: { ...SYNC_DEFAULTS.voids, ...sync.voids },
      errorMarker: { ...SYNC_DEFAULTS.errorMarker, ...sync.errorMarker },
      customerMemo: { ...SYNC_DEFAULTS.customerMemo, ...sync.customerMemo },
      email: { ...SYNC_DEFAULTS.email, ...sync.email },
      duplicates: sync.duplicates ?? SYNC_DEFAULTS.duplicates,
      exchangeRate: sync.exchangeRate ?? SYNC_DEFAULTS.exchangeRate
    },
    limits: { ...LIMITS_DEFAULTS, ...atqbo.limits },
    journal: { ...JOURNAL_DEFAULTS, ...atqbo.journal },
    lease: { ...LEASE_DEFAULTS, ...atqbo.lease },
    notifications: {
      webhook: notifications.webhook === undefined ? undefined : {
        urlEnv: notifications.webhook.urlEnv ?? "",
        format: notifications.webhook.format ?? WEBHOOK_FORMAT_DEFAULT
      },
      email: notifications.email === undefined ? undefined : {
        host: notifications.email.host ?? "",
        port: notifications.email.port ?? EMAIL_NOTIFICATION_DEFAULTS.port,
        secure: notifications.email.secure ?? EMAIL_NOTIFICATION_DEFAULTS.secure,
        allowInsecureAuth: notifications.email.allowInsecureAuth ?? EMAIL_NOTIFICATION_DEFAULTS.allowInsecureAuth,
        usernameEnv: notifications.email.usernameEnv,
        passwordEnv: notifications.email.passwordEnv,
        from: notifications.email.from ?? "",
        to: notifications.email.to ?? []
      }
    },
    payments: { ...PAYMENTS_DEFAULTS, ...atqbo.payments },
    items: buildItems(sources.items),
    terms: buildTerms(sources.terms),
    customers: buildCustomers(sources.customers),
    classes: buildClasses(sources.classes),
    taxes: buildTaxes(sources.taxes),
    connections: [],
    ...locationsOf(sources)
  }
}

const LOCATED: ReadonlyArray<LocatedSetting> = [
  "items.missing.fallbackItem",
  "items.missing.create.incomeAccount",
  "classes.default",
  "classes.lines.default",
  "taxes.us.taxCode",
  "taxes.global.defaultTaxCode"
]

/** Where each located setting was written (only those written: a default has no line); nothing when none is. */
const locationsOf = (sources: ValidSources): { locations?: Partial<Record<LocatedSetting, SourceRef>> } => {
  const found: Partial<Record<LocatedSetting, SourceRef>> = {}
  for (const setting of LOCATED) {
    const [file, ...path] = setting.split(".") as [ConfigFileName, ...Array<string>]
    const source = sources[file]
    let value: unknown = source?.data
    for (const key of path) value = typeof value === "object" && value !== null ? (value as Record<string, unknown>)[key] : undefined
    const ref = value === undefined ? undefined : sourceRef(source, path, "key")
    if (ref) found[setting] = ref
  }
  return Object.keys(found).length > 0 ? { locations: found } : {}
}

const buildItems = (source: YamlSource | undefined): ItemsConfig => {
  const items = written<WrittenItems>(source)
  const missing = items.missing ?? {}
  return {
    matchField: items.matchField ?? ITEMS_DEFAULTS.matchField,
    map: (items.map ?? []).map((entry, index) => ({
      billingCodeId: entry.billingCodeId,
      billingCode: entry.billingCode,
      item: entry.item,
      source: sourceRef(source, ["map", index])
    })),
    missing: {
      policy: missing.policy ?? ITEMS_DEFAULTS.missing.policy,
      fallbackItem: missing.fallbackItem,
      create: { ...ITEMS_DEFAULTS.missing.create, ...missing.create }
    }
  }
}

const buildTerms = (source: YamlSource | undefined): TermsConfig => {
  const terms = written<WrittenTerms>(source)
  return {
    aliases: Object.entries(terms.aliases ?? {}).map(([autotask, qbo]) => ({
      autotask,
      qbo,
      source: sourceRef(source, ["aliases", autotask], "key")
    })),
    unmatched: terms.unmatched ?? TERMS_DEFAULTS.unmatched
  }
}

const buildCustomers = (source: YamlSource | undefined): CustomersConfig => {
  const customers = written<WrittenCustomers>(source)
  return {
    crossReferences: (customers.crossReferences ?? []).map((entry, index) => ({
      companyId: entry.companyId,
      company: entry.company,
      customer: entry.customer,
      currency: entry.currency,
      source: sourceRef(source, ["crossReferences", index])
    })),
    create: customers.create ?? CUSTOMERS_DEFAULTS.create,
    normalize: { ...CUSTOMERS_DEFAULTS.normalize, ...customers.normalize }
  }
}

const buildClasses = (source: YamlSource | undefined): ClassesConfig => {
  const classes = written<WrittenClasses>(source)
  const lines = classes.lines ?? {}
  return {
    default: classes.default ?? CLASSES_DEFAULTS.default,
    lines: {
      default: lines.default ?? CLASSES_DEFAULTS.lines.default,
      rules: (lines.rules ?? []).map((rule, index) => ({
        class: rule.class,
        billingCodes: rule.billingCodes,
        billingCodeIds: rule.billingCodeIds,
        billingItemTypes: rule.billingItemTypes,
        source: sourceRef(source, ["lines", "rules", index])
      }))
    }
  }
}

const buildTaxes = (source: YamlSource | undefined): TaxesConfig => {
  const taxes = written<WrittenTaxes>(source)
  const global = taxes.global ?? {}
  return {
    region: taxes.region ?? TAXES_DEFAULTS.region,
    us: { ...TAXES_DEFAULTS.us, ...taxes.us },
    global: {
      codes: (global.codes ?? []).map((code, index) => ({
        taxCategory: code.taxCategory,
        taxRegion: code.taxRegion,
        taxCode: code.taxCode,
        source: sourceRef(source, ["global", "codes", index])
      })),
      defaultTaxCode: global.defaultTaxCode ?? TAXES_DEFAULTS.global.defaultTaxCode,
      calculation: global.calculation ?? TAXES_DEFAULTS.global.calculation
    }
  }
}
