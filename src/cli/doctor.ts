/**
 * `atqbo doctor`: checks the configuration, the credentials and both systems, and explains
 * every finding as pass / warn / fail with the fix. Reads only (it gets readers, like plan).
 * Exit 1 when any check fails.
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
import { configuredRealmId, ENV_OVERRIDES, envValue, missingVariables, missingVariablesFix, tokenStorePath } from "../onboarding/environment.ts"
import { looseTokenStoreMode, readTokenStore } from "../qbo/auth/tokenStore.ts"
import type { QboAccount, QboClass, QboCustomer, QboItem, QboNamedParty, QboTaxCode, QboTerm } from "../qbo/model.ts"
import { QboReader } from "../qbo/QboClient.ts"
import { readMappingLists } from "../reconcile/mappingLists.ts"
import { configFlag, dataFlag, sandboxFlag } from "./common.ts"
import { withOneCompany } from "./connect.ts"
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

/** Every variable the live connection needs, and whether it is set. */
const credentialsCheck = (config: Config, storeExists: boolean): Check => {
  const { autotask, qbo } = config
  const needed = [autotask.usernameEnv, autotask.secretEnv, autotask.integrationCodeEnv, qbo.clientIdEnv, qbo.clientSecretEnv]
  const missing = missingVariables(config, () => storeExists)
  if (missing.length > 0) {
    return {
      id: "credentials",
      title: "Credentials",
      status: "fail",
      detail: `Not set: ${missing.join(", ")} (the variables atqbo.yaml names). The Autotask and QBO checks need them and were skipped.`,
      fix: missingVariablesFix(missing, config)
    }
  }
  const realm = config.qbo.realmId !== undefined ? "qbo.realmId" : envValue(qbo.realmIdEnv) !== undefined ? qbo.realmIdEnv : "the token store"
  const token = storeExists ? "the token store" : qbo.refreshTokenEnv
  return {
    id: "credentials",
    title: "Credentials",
    status: "pass",
    detail: `Set: ${needed.join(", ")}; QBO company from ${realm}; refresh token from ${token}.`
  }
}

const skipped = (id: string, title: string, why: string): Check => ({ id, title, status: "skip", detail: why })

const failed = (id: string, title: string, error: unknown, fix: string): Check => ({ id, title, status: "fail", detail: messageOf(error), fix })

/** The API checks, run with readers (live or sandbox). */
const apiChecks = (config: Config, pinnedZone: boolean) =>
  Effect.gen(function*() {
    const autotask = yield* AutotaskReader
    const qbo = yield* QboReader
    const active = [{ op: "eq" as const, field: "isActive", value: true }]
    const [autotaskSide, qboSide] = yield* Effect.all([
      Effect.gen(function*() {
        const zone = yield* Effect.result(autotask.zone)
        const lists = Result.isSuccess(zone)
          ? yield* Effect.result(Effect.all({
            codes: autotask.query<AtBillingCode>("BillingCodes", active),
            terms: autotask.query<AtPaymentTerm>("PaymentTerms", active),
            companies: autotask.query<AtCompany>("Companies", active),
            mappingLists: readMappingLists(config)
          }, { concurrency: 3 }))
          : undefined
        // Last, so the usage it reports includes doctor's own requests.
        const threshold = Result.isSuccess(zone) ? yield* Effect.result(autotask.threshold) : undefined
        return { zone, threshold, lists }
      }),
      Effect.gen(function*() {
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
        return { company, lists }
      })
    ], { concurrency: 2 })

    const checks: Array<Check> = []
    const autotaskFix = `Check ${config.autotask.usernameEnv}, ${config.autotask.secretEnv} and ${config.autotask.integrationCodeEnv} (an API-only user and its integration code), and autotask.zoneUrl / discoveryUrl in atqbo.yaml.`
    if (Result.isFailure(autotaskSide.zone)) {
      checks.push(failed("autotask.zone", "Autotask zone", autotaskSide.zone.failure, autotaskFix))
      checks.push(skipped("autotask.threshold", "Autotask API usage", "Needs a working Autotask connection."))
    } else {
      checks.push(zoneCheck(autotaskSide.zone.success, pinnedZone))
      const threshold = autotaskSide.threshold!
      checks.push(Result.isSuccess(threshold) ? thresholdCheck(threshold.success) : failed("autotask.threshold", "Autotask API usage", threshold.failure, autotaskFix))
    }

    const qboFix = "Run `atqbo auth qbo` to (re)connect QuickBooks, and check the QBO client id/secret variables and qbo.realmId."
    const company = qboSide.company
    if (Result.isFailure(company)) {
      checks.push(failed("qbo.company", "QBO company", company.failure, qboFix))
    } else {
      checks.push(companyCheck(company.success, qbo.realmId))
    }
    const qboLists = qboSide.lists
    if (qboLists === undefined || Result.isFailure(qboLists)) {
      if (qboLists !== undefined) checks.push(failed("qbo.settings", "QBO settings", qboLists.failure, qboFix))
      for (const [id, title] of [["qbo.numbering", "Invoice numbering"], ["qbo.classes", "Class tracking"], ["qbo.salesTax", "Sales tax"], ["qbo.multicurrency", "Multicurrency"], ["qbo.incomeAccount", "Income account"], ["qbo.mappedItems", "Mapped items"]] as const) {
        checks.push(skipped(id, title, "Needs a working QBO connection."))
      }
    } else {
      const data = qboLists.success
      checks.push(
        numberingCheck(config, data.preferences),
        classesCheck(config, data.preferences, data.classes),
        salesTaxCheck(config, data.preferences, Result.isSuccess(company) ? company.success : undefined, data.taxCodes),
        multicurrencyCheck(data.preferences),
        incomeAccountCheck(config, data.accounts),
        mappedItemsCheck(config, data.items)
      )
    }

    const atLists = autotaskSide.lists
    const qboReady = qboLists !== undefined && Result.isSuccess(qboLists)
    if (atLists !== undefined && Result.isFailure(atLists)) {
      checks.push(failed("coverage.autotask", "Autotask lists", atLists.failure, autotaskFix))
    }
    if (atLists !== undefined && Result.isSuccess(atLists) && qboReady) {
      const data = qboLists.success
      const ctx = doctorContext(config, {
        realmId: qbo.realmId,
        preferences: data.preferences,
        companyInfo: Result.isSuccess(company) ? company.success : undefined,
        qbo: data,
        billingCodes: atLists.success.codes,
        paymentTerms: atLists.success.terms,
        companies: atLists.success.companies,
        mappingLists: atLists.success.mappingLists
      })
      checks.push(
        mappingReferencesCheck(ctx),
        termCoverageCheck(ctx, atLists.success.terms),
        itemCoverageCheck(ctx, atLists.success.codes),
        customerCoverageCheck(ctx, atLists.success.companies)
      )
    } else {
      for (const [id, title] of [["mappings.references", "Mapping references"], ["coverage.terms", "Payment terms"], ["coverage.items", "Billing codes"], ["coverage.customers", "Customers"]] as const) {
        checks.push(skipped(id, title, "Needs working Autotask and QBO connections."))
      }
    }
    return checks
  })

export const doctorCommand = Command.make(
  "doctor",
  {
    config: configFlag,
    sandbox: sandboxFlag,
    data: dataFlag,
    format: Flag.Literals("format", ["text", "json"]).pipe(
      Flag.withDescription("text for people; json for tools ({ok, checks:[{id, title, status, detail, fix}]})"),
      Flag.withDefault("text")
    )
  },
  Effect.fn("doctor")(function*(flags) {
    const checks: Array<Check> = []
    const report = yield* validateConfigDir(flags.config)
    checks.push(configCheck(flags.config, report))
    const config = report.config
    if (config !== undefined) {
      const storePath = tokenStorePath(config.qbo, configuredRealmId(config))
      // Before the first read, which tightens a store others can read.
      const permissions = flags.sandbox ? undefined : tokenStorePermissionsCheck(storePath, yield* looseTokenStoreMode(storePath))
      const stored = flags.sandbox ? undefined : yield* Effect.result(readTokenStore(storePath))
      const storeExists = stored !== undefined && (Result.isFailure(stored) || Option.isSome(stored.success))
      const credentials = flags.sandbox
        ? { id: "credentials", title: "Credentials", status: "pass", detail: "--sandbox: the built-in simulators and their fixed credentials." } satisfies Check
        : credentialsCheck(config, storeExists)
      checks.push(credentials)
      if (credentials.status === "pass") {
        const pinned = !flags.sandbox && config.autotask.zoneUrl !== undefined && envValue(ENV_OVERRIDES.autotaskDiscoveryUrl) === undefined
        const api = yield* Effect.result(withOneCompany(config, { sandbox: flags.sandbox, data: flags.data }, (connected) => apiChecks(connected, pinned)))
        if (Result.isSuccess(api)) checks.push(...api.success)
        else checks.push(failed("connection", "Connection", api.failure, "Fix the problem named, then run `atqbo doctor` again."))
      }
      if (flags.sandbox) {
        checks.push(skipped("qbo.tokenStore", "QBO token store", "--sandbox uses no token store."))
      } else {
        // Read again: the checks above may have refreshed and rotated the token.
        const after = yield* Effect.result(readTokenStore(storePath))
        checks.push(
          Result.isFailure(after)
            ? failed("qbo.tokenStore", "QBO token store", after.failure, "Delete the file and run `atqbo auth qbo` to reconnect.")
            : tokenStoreCheck(
              storePath,
              Option.getOrUndefined(after.success),
              configuredRealmId(config),
              config.qbo.refreshTokenEnv,
              envValue(config.qbo.refreshTokenEnv) !== undefined,
              Date.now()
            )
        )
        if (permissions) checks.push(permissions)
      }
    }

    const failedAny = checks.some((item) => item.status === "fail")
    if (flags.format === "json") {
      yield* Console.log(JSON.stringify({ ok: !failedAny, summary: doctorSummary(checks), checks }, null, 2))
    } else {
      const mode = flags.sandbox ? "sandbox (built-in simulators)" : "live"
      yield* Console.log(`atqbo doctor · ${flags.config} · ${mode}\n\n${renderChecks(checks)}`)
    }
    yield* setExitCode(failedAny ? 1 : 0)
  })
).pipe(
  Command.withDescription(
    "Check the configuration, the credentials, the Autotask zone and API usage, the QBO company and its settings " +
      "(custom transaction numbers, class tracking, sales tax, multicurrency) against the configuration, the income " +
      "account and mapped items, every record the mapping files name (file:line and the closest existing value when one " +
      "is missing), billing codes, payment terms and companies judged by plan's own checks, and the token store. Each finding is pass, warn or " +
      "fail with the fix; exit 1 if any fails. Reads only."
  ),
  Command.withExamples([
    { command: "atqbo doctor", description: "Check the configuration in ./mappings against the live systems" },
    { command: "atqbo doctor --sandbox", description: "Try the checks against the built-in simulators" },
    { command: "atqbo doctor --format json | jq '.checks[] | select(.status != \"pass\")'", description: "Only the findings, for tools" }
  ])
)
