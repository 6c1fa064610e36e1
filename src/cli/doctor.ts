/**
 * `atqbo doctor`: checks the configuration, the credentials and both systems, and explains
 * every finding as pass / warn / fail with the fix. Reads only (it gets readers, like plan).
 * Exit 1 when any check fails. With atqbo.yaml `connections`, the configuration, credentials and
 * Autotask are checked once and each QBO company (its settings, coverage and token store) in a
 * group of its own, with the same check functions as one company.
 */
import { Console, Effect, Option, Result } from "effect"
import { Command, Flag } from "effect/cli"
import { AutotaskReader } from "../autotask/AutotaskClient.ts"
import type { AtBillingCode, AtCompany, AtPaymentTerm } from "../autotask/model.ts"
import { type Config, formatProblem, validateConfigDir } from "../config/index.ts"
import {
  type Check,
  classesCheck,
  companyCheck,
  customerCoverageCheck,
  doctorContext,
  doctorSummary,
  incomeAccountCheck,
  itemCoverageCheck,
  mappedItemsCheck,
  mappingReferencesCheck,
  multicurrencyCheck,
  numberingCheck,
  renderChecks,
  salesTaxCheck,
  termCoverageCheck,
  thresholdCheck,
  tokenStoreCheck,
  tokenStorePermissionsCheck,
  zoneCheck
} from "../onboarding/doctorChecks.ts"
import type { QboConnection } from "../config/types.ts"
import { companiesOf, configuredRealmId, ENV_OVERRIDES, envValue, missingVariables, missingVariablesFix, tokenStorePath } from "../onboarding/environment.ts"
import { looseTokenStoreMode, readTokenStore } from "../qbo/auth/tokenStore.ts"
import type { QboAccount, QboClass, QboCustomer, QboItem, QboNamedParty, QboTaxCode, QboTerm } from "../qbo/model.ts"
import { QboReader } from "../qbo/QboClient.ts"
import { QboReaders } from "../reconcile/companies.ts"
import { readMappingLists } from "../reconcile/mappingLists.ts"
import { companiesRoutedTo, type RoutedConnection } from "../reconcile/routing.ts"
import { type Target, targetsOf } from "../reconcile/targets.ts"
import { companyConnectionFlag, configFlag, dataFlag, sandboxFlag, someCompanies } from "./common.ts"
import { withReaders } from "./connect.ts"
import { setExitCode } from "./exitCode.ts"

const ALL = "Active IN (true,false)"

const messageOf = (error: unknown): string =>
  typeof error === "object" && error !== null && "message" in error && typeof error.message === "string" ? error.message : String(error)

const configCheck = (dir: string, report: Effect.Success<ReturnType<typeof validateConfigDir>>): Check => {
  if (!report.valid) {
    const shown = report.problems.filter((problem) => problem.severity === "error").slice(0, 3).map(formatProblem)
    return {
      id: "config",
      title: "Configuration",
      status: "fail",
      detail: `${dir} has ${report.errors} error${report.errors === 1 ? "" : "s"}: ${shown.join("; ")}${report.errors > 3 ? "; …" : ""}`,
      fix: `Run \`atqbo validate --config ${dir}\` for every problem with its file:line:column, and fix them; the other checks need a valid configuration.`
    }
  }
  return report.warnings > 0
    ? {
      id: "config",
      title: "Configuration",
      status: "warn",
      detail: `${dir} is valid (${report.files.length} files) with ${report.warnings} warning${report.warnings === 1 ? "" : "s"}.`,
      fix: `Run \`atqbo validate --config ${dir}\` to see them.`
    }
    : { id: "config", title: "Configuration", status: "pass", detail: `${dir} is valid (${report.files.length} files, no problems).` }
}

/** Where each QBO company's refresh token and realm id come from (`hasStore`: its token store exists). */
const credentialSources = (config: Config, hasStore: (qbo: QboConnection) => boolean): ReadonlyArray<string> =>
  targetsOf(config).map(({ name, config: { qbo } }) => {
    const realm = qbo.realmId !== undefined ? "qbo.realmId" : envValue(qbo.realmIdEnv) !== undefined ? qbo.realmIdEnv : "the token store"
    const token = hasStore(qbo) ? "the token store" : qbo.refreshTokenEnv
    return name === undefined ? `QBO company from ${realm}; refresh token from ${token}` : `connection ${name}: QBO company from ${realm}, refresh token from ${token}`
  })

/** Every variable the live connection needs (every company's), and whether it is set. */
const credentialsCheck = (config: Config, hasStore: (qbo: QboConnection) => boolean): Check => {
  const missing = missingVariables(config, hasStore)
  if (missing.length > 0) {
    return {
      id: "credentials",
      title: "Credentials",
      status: "fail",
      detail: `Not set: ${missing.join(", ")} (the variables atqbo.yaml names). The Autotask and QBO checks need them and were skipped.`,
      fix: missingVariablesFix(missing, config)
    }
  }
  const { autotask } = config
  const needed = new Set([autotask.usernameEnv, autotask.secretEnv, autotask.integrationCodeEnv, ...companiesOf(config).flatMap((qbo) => [qbo.clientIdEnv, qbo.clientSecretEnv])])
  return {
    id: "credentials",
    title: "Credentials",
    status: "pass",
    detail: `Set: ${[...needed].join(", ")}; ${credentialSources(config, hasStore).join("; ")}.`
  }
}

const skipped = (id: string, title: string, why: string): Check => ({ id, title, status: "skip", detail: why })

const failed = (id: string, title: string, error: unknown, fix: string): Check => ({ id, title, status: "fail", detail: messageOf(error), fix })

/**
 * A company's check, said of its connection: tagged with the name, and a fix that reconnects
 * points at that company (a bare `atqbo auth qbo` is refused with connections).
 */
const ofConnection = (name: string | undefined) => (check: Check): Check =>
  name === undefined ? check : {
    ...check,
    connection: name,
    ...(check.fix === undefined ? {} : { fix: check.fix.replaceAll("`atqbo auth qbo`", `\`atqbo auth qbo --connection ${name}\``) })
  }

/**
 * Autotask, read once for every QBO company: the zone, the active lists, and each company's
 * mapping lists (in `targets` order; a connection may have its own mapping files).
 */
const readAutotask = (targets: ReadonlyArray<Target>) =>
  Effect.gen(function*() {
    const autotask = yield* AutotaskReader
    const active = [{ op: "eq" as const, field: "isActive", value: true }]
    const zone = yield* Effect.result(autotask.zone)
    const lists = Result.isSuccess(zone)
      ? yield* Effect.result(Effect.all({
        codes: autotask.query<AtBillingCode>("BillingCodes", active),
        terms: autotask.query<AtPaymentTerm>("PaymentTerms", active),
        companies: autotask.query<AtCompany>("Companies", active),
        mappingLists: Effect.forEach(targets, (target) => readMappingLists(target.config))
      }, { concurrency: 3 }))
      : undefined
    // Last, so the usage it reports includes doctor's own requests.
    const threshold = Result.isSuccess(zone) ? yield* Effect.result(autotask.threshold) : undefined
    return { zone, threshold, lists }
  })

type AutotaskSide = Effect.Success<ReturnType<typeof readAutotask>>

/** One QBO company, with its reader: CompanyInfo, then its settings and lists. */
const readQbo = Effect.gen(function*() {
  const qbo = yield* QboReader
  const company = yield* Effect.result(qbo.companyInfo)
  const lists = Result.isSuccess(company)
    ? yield* Effect.result(Effect.all({
      preferences: qbo.preferences,
      items: qbo.queryAll<QboItem>("Item", ALL),
      terms: qbo.queryAll<QboTerm>("Term", ALL),
      classes: qbo.queryAll<QboClass>("Class", ALL),
      accounts: qbo.queryAll<QboAccount>("Account", ALL),
      taxCodes: qbo.queryAll<QboTaxCode>("TaxCode", ALL),
      // Customers, vendors and employees share one namespace of names (customer matching and creation).
      customers: qbo.queryAll<QboCustomer>("Customer", ALL),
      vendors: qbo.queryAll<QboNamedParty>("Vendor", ALL),
      employees: qbo.queryAll<QboNamedParty>("Employee", ALL)
    }, { concurrency: 3 }))
    : undefined
  return { realmId: qbo.realmId, company, lists }
})

type QboSide = Effect.Success<typeof readQbo>

const autotaskFixOf = (config: Config): string =>
  `Check ${config.autotask.usernameEnv}, ${config.autotask.secretEnv} and ${config.autotask.integrationCodeEnv} (an API-only user and its integration code), and autotask.zoneUrl / discoveryUrl in atqbo.yaml.`

/** Zone and API usage: once, whatever the number of QBO companies. */
const autotaskChecks = (config: Config, side: AutotaskSide, pinnedZone: boolean): Array<Check> => {
  if (Result.isFailure(side.zone)) {
    return [failed("autotask.zone", "Autotask zone", side.zone.failure, autotaskFixOf(config)), skipped("autotask.threshold", "Autotask API usage", "Needs a working Autotask connection.")]
  }
  const threshold = side.threshold!
  return [
    zoneCheck(side.zone.success, pinnedZone),
    Result.isSuccess(threshold) ? thresholdCheck(threshold.success) : failed("autotask.threshold", "Autotask API usage", threshold.failure, autotaskFixOf(config))
  ]
}

/** The QBO company's settings against its configuration. */
const qboChecks = (config: Config, side: QboSide): Array<Check> => {
  const qboFix = "Run `atqbo auth qbo` to (re)connect QuickBooks, and check the QBO client id/secret variables and qbo.realmId."
  const { company, lists } = side
  const checks = [Result.isFailure(company) ? failed("qbo.company", "QBO company", company.failure, qboFix) : companyCheck(company.success, side.realmId)]
  if (lists === undefined || Result.isFailure(lists)) {
    if (lists !== undefined) checks.push(failed("qbo.settings", "QBO settings", lists.failure, qboFix))
    for (const [id, title] of [["qbo.numbering", "Invoice numbering"], ["qbo.classes", "Class tracking"], ["qbo.salesTax", "Sales tax"], ["qbo.multicurrency", "Multicurrency"], ["qbo.incomeAccount", "Income account"], ["qbo.mappedItems", "Mapped items"]] as const) {
      checks.push(skipped(id, title, "Needs a working QBO connection."))
    }
    return checks
  }
  const data = lists.success
  checks.push(
    numberingCheck(config, data.preferences),
    classesCheck(config, data.preferences, data.classes),
    salesTaxCheck(config, data.preferences, Result.isSuccess(company) ? company.success : undefined, data.taxCodes),
    multicurrencyCheck(data.preferences),
    incomeAccountCheck(config, data.accounts),
    mappedItemsCheck(config, data.items)
  )
  return checks
}

/** What plan would make of Autotask's lists in this QBO company (index: the target's place in `readAutotask`). */
const coverageChecks = (target: Target, index: number, routing: ReadonlyArray<RoutedConnection>, autotask: AutotaskSide, qbo: QboSide): Array<Check> => {
  const atLists = autotask.lists
  const { company, lists } = qbo
  if (atLists !== undefined && Result.isFailure(atLists)) return [failed("coverage.autotask", "Autotask lists", atLists.failure, autotaskFixOf(target.config))]
  if (atLists === undefined || lists === undefined || Result.isFailure(lists)) {
    return ([["mappings.references", "Mapping references"], ["coverage.terms", "Payment terms"], ["coverage.items", "Billing codes"], ["coverage.customers", "Customers"]] as const)
      .map(([id, title]) => skipped(id, title, "Needs working Autotask and QBO connections."))
  }
  // With connections, a company's customers are judged only in the QBO company routing sends its invoices to.
  const companies = companiesRoutedTo(target.name, routing, atLists.success.companies)
  const ctx = doctorContext(target.config, {
    realmId: qbo.realmId,
    preferences: lists.success.preferences,
    companyInfo: Result.isSuccess(company) ? company.success : undefined,
    qbo: lists.success,
    billingCodes: atLists.success.codes,
    paymentTerms: atLists.success.terms,
    companies,
    mappingLists: atLists.success.mappingLists[index]!
  })
  return [
    mappingReferencesCheck(ctx),
    termCoverageCheck(ctx, atLists.success.terms),
    itemCoverageCheck(ctx, atLists.success.codes),
    customerCoverageCheck(ctx, companies)
  ]
}

interface CompanyReport {
  readonly name: string | undefined
  readonly realmId: string
  readonly checks: ReadonlyArray<Check>
}

/**
 * The API checks, run with readers (live or sandbox): Autotask once, then each QBO company of
 * `config` with its own reader. `routing` is every connection, so a company routed to one left
 * out by --connection is not judged here.
 */
const apiChecks = (config: Config, routing: ReadonlyArray<RoutedConnection>, pinnedZone: boolean) =>
  Effect.gen(function*() {
    const readers = yield* QboReaders
    const targets = targetsOf(config)
    const [autotask, qbo] = yield* Effect.all([
      readAutotask(targets),
      Effect.forEach(targets, (target) => readQbo.pipe(Effect.provideContext(readers.get(target.name))), { concurrency: 2 })
    ], { concurrency: 2 })
    const companies = targets.map((target, index): CompanyReport => ({
      name: target.name,
      realmId: qbo[index]!.realmId,
      checks: [...qboChecks(target.config, qbo[index]!), ...coverageChecks(target, index, routing, autotask, qbo[index]!)]
    }))
    return { shared: autotaskChecks(config, autotask, pinnedZone), companies }
  })

/** A company's token store before anything reads it. */
interface StoreBefore {
  readonly target: Target
  readonly path: string
  readonly exists: boolean
  readonly permissions: Check | undefined
}

const storeBefore = (target: Target) =>
  Effect.gen(function*() {
    const path = tokenStorePath(target.config.qbo, configuredRealmId(target.config))
    // Before the first read, which tightens a store others can read.
    const permissions = tokenStorePermissionsCheck(path, yield* looseTokenStoreMode(path))
    const stored = yield* Effect.result(readTokenStore(path))
    return { target, path, exists: Result.isFailure(stored) || Option.isSome(stored.success), permissions } satisfies StoreBefore
  })

/** The token store after the API checks, which may have refreshed and rotated the token. */
const storeChecks = (store: StoreBefore) =>
  Effect.gen(function*() {
    const { config } = store.target
    const after = yield* Effect.result(readTokenStore(store.path))
    const check = Result.isFailure(after)
      ? failed("qbo.tokenStore", "QBO token store", after.failure, "Delete the file and run `atqbo auth qbo` to reconnect.")
      : tokenStoreCheck(store.path, Option.getOrUndefined(after.success), configuredRealmId(config), config.qbo.refreshTokenEnv, envValue(config.qbo.refreshTokenEnv) !== undefined, Date.now())
    return store.permissions === undefined ? [check] : [check, store.permissions]
  })

/** The configuration narrowed to the companies doctor checks (`--connection`). */
const narrowed = (config: Config, targets: ReadonlyArray<Target>): Config =>
  ({ ...config, connections: config.connections.filter((connection) => targets.some((target) => target.name === connection.name)) })

/** Every check that needs a valid configuration: credentials, Autotask once, then each QBO company's group. */
const configuredChecks = (config: Config, flags: { readonly sandbox: boolean; readonly data: Option.Option<string>; readonly connection: Option.Option<string> }) =>
  Effect.gen(function*() {
    const targets = yield* someCompanies(config, flags.connection)
    const scope = narrowed(config, targets)
    const stores = flags.sandbox ? undefined : yield* Effect.forEach(targets, storeBefore)
    const hasStore = (qbo: QboConnection) => stores?.some((store) => store.target.config.qbo === qbo && store.exists) ?? false
    const credentials: Check = flags.sandbox
      ? { id: "credentials", title: "Credentials", status: "pass", detail: "--sandbox: the built-in simulators and their fixed credentials." }
      : credentialsCheck(scope, hasStore)
    const checks: Array<Check> = [credentials]
    const realms = new Map(targets.map((target) => [target.name, configuredRealmId(target.config)]))
    let companies: ReadonlyArray<CompanyReport> = []
    if (credentials.status === "pass") {
      const pinned = !flags.sandbox && config.autotask.zoneUrl !== undefined && envValue(ENV_OVERRIDES.autotaskDiscoveryUrl) === undefined
      const api = yield* Effect.result(withReaders(scope, { sandbox: flags.sandbox, data: flags.data }, (connected) => apiChecks(connected, config.connections, pinned)))
      if (Result.isSuccess(api)) {
        checks.push(...api.success.shared)
        companies = api.success.companies
        for (const company of companies) realms.set(company.name, company.realmId)
      } else {
        checks.push(failed("connection", "Connection", api.failure, "Fix the problem named, then run `atqbo doctor` again."))
      }
    }
    for (const [index, target] of targets.entries()) {
      const own = companies.find((company) => company.name === target.name)?.checks ?? []
      const tokens = stores === undefined ? [skipped("qbo.tokenStore", "QBO token store", "--sandbox uses no token store.")] : yield* storeChecks(stores[index]!)
      checks.push(...[...own, ...tokens].map(ofConnection(target.name)))
    }
    const headings = new Map([...realms].flatMap(([name, realm]) => (name === undefined ? [] : [[name, realm] as const])))
    return { checks, headings }
  })

export const doctorCommand = Command.make(
  "doctor",
  {
    config: configFlag,
    connection: companyConnectionFlag,
    sandbox: sandboxFlag,
    data: dataFlag,
    format: Flag.Literals("format", ["text", "json"]).pipe(
      Flag.withDescription("text for people; json for tools ({ok, summary, checks:[{id, title, status, detail, fix, connection}]}; connection only with atqbo.yaml connections)"),
      Flag.withDefault("text")
    )
  },
  Effect.fn("doctor")(function*(flags) {
    const report = yield* validateConfigDir(flags.config)
    const checks: Array<Check> = [configCheck(flags.config, report)]
    const configured = report.config === undefined ? undefined : yield* configuredChecks(report.config, flags)
    if (configured !== undefined) checks.push(...configured.checks)

    const failedAny = checks.some((item) => item.status === "fail")
    if (flags.format === "json") {
      yield* Console.log(JSON.stringify({ ok: !failedAny, summary: doctorSummary(checks), checks }, null, 2))
    } else {
      const mode = flags.sandbox ? "sandbox (built-in simulators)" : "live"
      yield* Console.log(`atqbo doctor · ${flags.config} · ${mode}\n\n${renderChecks(checks, configured?.headings)}`)
    }
    yield* setExitCode(failedAny ? 1 : 0)
  })
).pipe(
  Command.withDescription(
    "Check the configuration, the credentials, the Autotask zone and API usage, the QBO company and its settings " +
      "(custom transaction numbers, class tracking, sales tax, multicurrency) against the configuration, the income " +
      "account and mapped items, every record the mapping files name (file:line and the closest existing value when one " +
      "is missing), billing codes, payment terms and companies judged by plan's own checks, and the token store. Each finding is pass, warn or " +
      "fail with the fix; exit 1 if any fails. Reads only. With atqbo.yaml connections the QBO checks and the token store are checked " +
      "for every connection (each under a heading naming it and its QBO company; the customers routed to it), Autotask once; " +
      "--connection NAME checks one."
  ),
  Command.withExamples([
    { command: "atqbo doctor", description: "Check the configuration in ./mappings against the live systems" },
    { command: "atqbo doctor --sandbox", description: "Try the checks against the built-in simulators" },
    { command: "atqbo doctor --connection ca", description: "With atqbo.yaml connections: check only connection ca's QBO company" },
    { command: "atqbo doctor --format json | jq '.checks[] | select(.status != \"pass\")'", description: "Only the findings, for tools" }
  ])
)
