/**
 * `atqbo import`: bootstraps `items.yaml`, `terms.yaml` and `customers.yaml` from live data
 * (or `--sandbox`) and prints a match report. Reads only, through the reader services.
 *
 * Companies: those billed in the last 12 months (the companies of Autotask invoices dated
 * since then), active or not. That is the set atqbo syncs invoices for, and it avoids
 * guessing which `companyType` picklist value means "customer" (the labels are tenant data,
 * and leads, prospects and vendors are never billed).
 *
 * With atqbo.yaml `connections`, `--connection NAME` (required) picks the QBO company: its
 * items, terms and customers, the billed companies routing sends to it, and its mapping
 * directory as the default output.
 */
import { mkdir, readFile, stat, writeFile } from "node:fs/promises"
import * as path from "node:path"
import { Console, Data, Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { AutotaskReader } from "../autotask/AutotaskClient.ts"
import type { AtBillingCode, AtCompany, AtInvoice, AtPaymentTerm } from "../autotask/model.ts"
import { checkConfig, CONFIG_FILES, type Config, formatProblem } from "../config/index.ts"
import { addDays, autotaskFilterTimestamp, dateInZone } from "../domain/dates.ts"
import { proposeImport, renderMatchReport } from "../onboarding/importProposal.ts"
import { INSTALLED_SCHEMAS, modelineSchemaDir } from "../onboarding/templates.ts"
import type { QboCustomer, QboItem, QboTerm } from "../qbo/model.ts"
import { QboReader } from "../qbo/QboClient.ts"
import { currencyFacts } from "../reconcile/currency.ts"
import { readCurrencies, readPreferences } from "../reconcile/observe.ts"
import { QboReaders } from "../reconcile/companies.ts"
import { Progress } from "../reconcile/progress.ts"
import { companiesRoutedTo } from "../reconcile/routing.ts"
import { type Target, targetsOf } from "../reconcile/targets.ts"
import { companyConnectionFlag, configFlag, dataFlag, loadConfig, oneCompany, sandboxFlag } from "./common.ts"
import { type Target as Connect, withReaders } from "./connect.ts"

export class ImportConflict extends Data.TaggedError("ImportConflict")<{ readonly message: string }> {}
export class ImportError extends Data.TaggedError("ImportError")<{ readonly message: string }> {}

const PROPOSED = ["items", "terms", "customers"] as const
const ALL = "Active IN (true,false)"
const BILLED_WITHIN_DAYS = 365

const exists = (file: string): Promise<boolean> => stat(file).then(() => true, () => false)

/**
 * Everything import reads; companies are those billed in the last 12 months (`routing`: every
 * connection, so that only the companies routed to `name` are kept; none without connections).
 */
const readBothSides = (config: Config, name: string | undefined, routing: Config["connections"]) =>
  Effect.gen(function*() {
    const autotask = yield* AutotaskReader
    const qbo = yield* QboReader
    const since = addDays(dateInZone(new Date(), config.sync.timeZone), -BILLED_WITHIN_DAYS)
    const active = [{ op: "eq" as const, field: "isActive", value: true }]
    const [autotaskSide, qboSide] = yield* Effect.all([
      Effect.gen(function*() {
        const [billingCodes, paymentTerms, invoices] = yield* Effect.all([
          autotask.query<AtBillingCode>("BillingCodes", active),
          autotask.query<AtPaymentTerm>("PaymentTerms", active),
          autotask.query<Pick<AtInvoice, "id" | "companyID">>(
            "Invoices",
            [{ op: "gte", field: "invoiceDateTime", value: autotaskFilterTimestamp(since) }],
            { includeFields: ["companyID"] }
          )
        ], { concurrency: 3 })
        const companyIds = [...new Set(invoices.map((invoice) => invoice.companyID))].filter((id) => typeof id === "number")
        const companies = companiesRoutedTo(name, routing, yield* autotask.queryIn<AtCompany>("Companies", "id", companyIds))
        return { billingCodes, paymentTerms, companies, since, autotaskCurrencies: yield* readCurrencies(companies) }
      }),
      Effect.all({
        items: qbo.queryAll<QboItem>("Item", ALL),
        terms: qbo.queryAll<QboTerm>("Term", ALL),
        customers: qbo.queryAll<QboCustomer>("Customer", ALL),
        prefs: readPreferences
      }, { concurrency: 3 })
    ], { concurrency: 2 })
    const { autotaskCurrencies, ...autotaskRest } = autotaskSide
    const { prefs, ...qboRest } = qboSide
    const currencies = currencyFacts(prefs.preferences, "companyCurrencies" in prefs ? prefs.companyCurrencies : undefined, autotaskCurrencies)
    return { ...autotaskRest, ...qboRest, currencies }
  })

/**
 * The other configuration files as they are, so the proposals can be checked together with
 * them: a connection's own mapping files where it has them, else the configuration directory's.
 */
const readConfigTexts = (configDir: string, mappingDir: string) =>
  Effect.promise(async () => {
    const texts: Record<string, string | undefined> = {}
    const read = (dir: string, fileName: string) => readFile(path.join(dir, fileName), "utf8").catch(() => undefined)
    for (const spec of CONFIG_FILES) {
      texts[spec.name] = (spec.name === "atqbo" ? undefined : await read(mappingDir, spec.fileName)) ?? await read(configDir, spec.fileName)
    }
    return texts
  })

/**
 * The schema directory for the proposals' modelines, as seen from `mappingDir`: where atqbo.yaml's
 * points, else where `atqbo init` points them; a relative one is rebased into a connection's own
 * mapping directory.
 */
const schemaDirFor = (configDir: string, mappingDir: string, atqboText: string): string => {
  const dir = modelineSchemaDir(atqboText) ?? `../${INSTALLED_SCHEMAS}`
  if (path.resolve(mappingDir) === path.resolve(configDir) || /^[a-z][a-z+.-]*:|^[/\\]/i.test(dir)) return dir
  return path.relative(mappingDir, path.join(configDir, dir))
}

/** Reads both sides for the chosen QBO company, with that company's reader and realm id. */
const readFor = (config: Config, target: Target, connect: Connect) => {
  // Only the chosen connection is connected: another's missing credentials must not stop it.
  const scope = { ...config, connections: config.connections.filter((connection) => connection.name === target.name) }
  return withReaders(scope, connect, (connected) =>
    Effect.gen(function*() {
      const readers = yield* QboReaders
      const own = targetsOf(connected).find((candidate) => candidate.name === target.name)!
      return yield* readBothSides(own.config, target.name, config.connections).pipe(Effect.provideContext(readers.get(target.name)))
    }))
}

export const importCommand = Command.make(
  "import",
  {
    config: configFlag,
    connection: companyConnectionFlag,
    sandbox: sandboxFlag,
    data: dataFlag,
    force: Flag.Boolean("force").pipe(
      Flag.withDescription("Overwrite items.yaml, terms.yaml and customers.yaml if they exist (their mappings are carried over)"),
      Flag.withDefault(false)
    ),
    out: Flag.String("out").pipe(
      Flag.withDescription("Write the proposals to DIR instead of the configuration directory (with --connection: that connection's mapping directory)"),
      Flag.withMetavar("DIR"),
      Flag.optional
    )
  },
  Effect.fn("import")(function*(flags) {
    const config = yield* loadConfig(flags.config)
    const target = yield* oneCompany(config, flags.connection)
    const mappingDir = target.name === undefined ? flags.config : target.config.dir
    const outDir = Option.getOrElse(flags.out, () => mappingDir)
    const targets = PROPOSED.map((name) => path.join(outDir, `${name}.yaml`))
    const existing: Array<string> = []
    for (const target of targets) if (yield* Effect.promise(() => exists(target))) existing.push(target)
    if (existing.length > 0 && !flags.force) {
      return yield* new ImportConflict({
        message: `import would overwrite ${existing.join(", ")}, so it read nothing and wrote nothing. ` +
          "Pass --force to replace them (their explicit mappings, aliases and cross-references are kept), or --out DIR to write the proposals elsewhere."
      })
    }

    const progress = yield* Progress
    const routed = target.name === undefined ? "" : ` routed to connection ${target.name}`
    yield* progress.step(`Reading Autotask billing codes, payment terms and the companies billed in the last ${BILLED_WITHIN_DAYS} days${routed}, and QBO items, terms, customers and currencies`)
    const data = yield* readFor(config, target, { sandbox: flags.sandbox, data: flags.data })

    // The proposals end up in the (connection's) mapping directory, their modelines pointing from there.
    const current = yield* readConfigTexts(flags.config, mappingDir)
    const proposal = proposeImport(
      { config: target.config, ...data },
      {
        schemaDir: schemaDirFor(flags.config, mappingDir, current["atqbo"] ?? ""),
        date: dateInZone(new Date(), config.sync.timeZone),
        companiesNote: `the companies with invoices dated since ${data.since}${routed}`
      }
    )

    // The proposals must validate together with the rest of the configuration before any write.
    const proposed: Record<string, string> = { items: proposal.files.items, terms: proposal.files.terms, customers: proposal.files.customers }
    const check = checkConfig({
      dir: outDir,
      files: CONFIG_FILES.map((spec) => ({ name: spec.name, file: path.join(outDir, spec.fileName), text: proposed[spec.name] ?? current[spec.name] }))
    })
    if (check.errors > 0) {
      return yield* new ImportError({
        message: `the proposed files do not validate, so nothing was written (please report this):\n${check.problems.filter((problem) => problem.severity === "error").map(formatProblem).join("\n")}`
      })
    }

    yield* Effect.tryPromise({
      try: async () => {
        await mkdir(outDir, { recursive: true })
        for (const name of PROPOSED) await writeFile(path.join(outDir, `${name}.yaml`), proposal.files[name], "utf8")
      },
      catch: (error) => new ImportError({ message: `cannot write the proposals to ${outDir}: ${error instanceof Error ? error.message : String(error)}.` })
    })

    yield* Console.log(renderMatchReport(proposal.sections))
    const differing = proposal.sections.reduce((sum, section) => sum + section.rows.filter((row) => row.status === "differing").length, 0)
    const elsewhere = path.resolve(outDir) !== path.resolve(mappingDir)
    const review = differing > 0 ? `Review the ${differing} differing entr${differing === 1 ? "y" : "ies"} (close matches are marked in the files), then ` : "Then "
    yield* Console.error(
      `\nWrote ${targets.join(", ")}${existing.length > 0 ? " (replacing the previous files)" : ""}. ${review}` +
        (elsewhere
          ? `copy them into ${mappingDir} and run \`atqbo validate --config ${flags.config}\` and \`atqbo plan --config ${flags.config}\`.`
          : `run \`atqbo validate --config ${flags.config}\` and \`atqbo plan --config ${flags.config}\`.`)
    )
  })
).pipe(
  Command.withDescription(
    "Bootstrap items.yaml, terms.yaml and customers.yaml from live data: every active Autotask billing code and payment " +
      "term, and every company billed in the last 12 months, against the QBO items, terms and customers. Prints a match report " +
      "(matched / differing / missing in QBO); close matches become mappings marked for review. Reads only; never " +
      "overwrites without --force."
  ),
  Command.withExamples([
    { command: "atqbo import --out proposals", description: "Write the proposals to ./proposals and print the match report" },
    { command: "atqbo import --force", description: "Regenerate the three files in ./mappings, keeping their mappings" },
    { command: "atqbo import --sandbox --out /tmp/atqbo-import", description: "Try it against the built-in simulators" },
    { command: "atqbo import --connection ca", description: "With atqbo.yaml connections: proposals for connection ca's QBO company, into its mapping directory" }
  ])
)
