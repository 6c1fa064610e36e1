/**
 * `npm run chaos`: SPEC §8 chaos bar. For each round: a generated dataset, both simulators
 * started here with faults injected in both (5xx, 429, dropped connections, slow responses,
 * QBO responses lost after the commit, QBO transient 6000s, silent Autotask no-op writes),
 * and a seeded variant (bench/chaosVariant.ts: requestid retention down to 0, credit memos,
 * Autotask numbering, e-mail, voids, payments, truncated or garbled bodies and hangs, one or two
 * QBO companies with `connections:` routing part of the Autotask companies to the second). Then
 * `atqbo apply --auto-approve` is started as child processes again and again — `--writers N`
 * of them at once, staggered — each maybe SIGKILLed at a random (seeded) moment (a time after
 * its first request, or after its k-th write), until every apply of an attempt exits 0. A
 * killed apply that held the lease is followed by the simulated clock passing its expiry, as
 * the next scheduled run would find it. Then the invariants (bench/invariants.ts) are checked
 * against both simulators' stores: zero duplicate, zero missing documents, every line's item,
 * quantity, rate and description, totals to the cent, write-backs equal to the DocNumbers,
 * voids and paid dates, no duplicate customers or items, nothing for rejected invoices — with two
 * QBO companies, each invoice in the company it routes to and in no other.
 *
 * Flags: --rounds N (50) --invoices N (300) --writers N (1) --seed N (1) --max-attempts N (20)
 * --two-companies SHARE (0.3: the share of rounds with two QBO companies) --out FILE
 */
import { spawn } from "node:child_process"
import { mkdir, rm, writeFile } from "node:fs/promises"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import { sandboxEnvironment } from "../src/cli/sandbox.ts"
import { loadConfig } from "../src/config/loadConfig.ts"
import { ENV_OVERRIDES } from "../src/onboarding/environment.ts"
import { parseLeaseNote } from "../src/reconcile/leaseNote.ts"
import { ownerOf } from "../src/reconcile/marker.ts"
import type { AutotaskSimOptionsInput } from "../src/sandbox/autotask/index.ts"
import { DEFAULT_QBO_SIM_OPTIONS, type QboSimOptionsInput } from "../src/sandbox/qbo/index.ts"
import { type Sandbox, startSandbox } from "../src/sandbox/sandbox.ts"
import { applyVariant, describeVariant, expectationOf, pickVariant, qboOptionsOf, syncLines, TWO_COMPANY_SHARE } from "./chaosVariant.ts"
import { type BenchConfig, GENEROUS_LIMITS, writeBenchConfig } from "./config.ts"
import { type DatasetMeta, generateDataset, numberFlag, parseFlags } from "./generate.ts"
import { checkInvariants, countViolations, type Violation } from "./invariants.ts"
import { seededRandom } from "./random.ts"

const REPO_ROOT = fileURLToPath(new URL("..", import.meta.url))
const CLI = join(REPO_ROOT, "src/cli/main.ts")

/** Moderate rates: most runs meet several faults, and a run can still finish. */
export const CHAOS_AUTOTASK_FAULTS: AutotaskSimOptionsInput = {
  latency: { fixedMs: 0, jitterMs: 40 },
  faults: {
    dropConnectionRate: 0.02,
    serverErrorRate: 0.02,
    unavailableRate: 0.01,
    rateLimitRate: 0.02,
    noopWriteRate: 0.02,
    // Without Retry-After the client backs off exponentially (0.5 s base); with it, it waits this long.
    retryAfterSeconds: 0.2
  }
}

export const CHAOS_QBO_FAULTS: QboSimOptionsInput = {
  // The client waits 60 s after a 429 unless QBO says otherwise (reference: Intuit says "wait 60 s").
  throttle: { retryAfterSeconds: 0.2 },
  faults: {
    seed: 1,
    serverErrorRate: 0.02,
    badGatewayRate: 0.01,
    unavailableRate: 0.01,
    throttleRate: 0.02,
    transientErrorRate: 0.02,
    dropConnectionRate: 0.02,
    loseResponseRate: 0.05,
    latencyMs: 0,
    latencyJitterMs: 40
  }
}

const NO_AUTOTASK_FAULTS: AutotaskSimOptionsInput = {
  faults: { dropConnectionRate: 0, serverErrorRate: 0, unavailableRate: 0, rateLimitRate: 0, noopWriteRate: 0 }
}
/** QBO's defaults inject nothing (and add no latency). */
const NO_QBO_FAULTS: QboSimOptionsInput = { faults: DEFAULT_QBO_SIM_OPTIONS.faults }

export interface ChaosOptions {
  readonly rounds: number
  readonly invoices: number
  /** Applies started together (staggered) in each attempt. */
  readonly writers: number
  readonly seed: number
  /** Runs per round before faults are turned off for a final convergence run. */
  readonly maxAttempts: number
  /** Share of rounds with two QBO companies (seeded per round). */
  readonly twoCompanies: number
  /** Kills per round at most; the first run of a round is always killed. */
  readonly maxKillsPerRound: number
  /** Chance that a later run of a round is killed too. */
  readonly killChance: number
  readonly autotaskFaults: AutotaskSimOptionsInput
  readonly qboFaults: QboSimOptionsInput
  /** Per CLI run. */
  readonly runTimeoutMs: number
  /** The Node arguments that start atqbo (the tests run the bundle: test/support/cliCommand.ts). */
  readonly cli: ReadonlyArray<string>
  readonly log: (line: string) => void
}

export const DEFAULT_CHAOS_OPTIONS: ChaosOptions = {
  rounds: 50,
  invoices: 300,
  writers: 1,
  seed: 1,
  maxAttempts: 20,
  twoCompanies: TWO_COMPANY_SHARE,
  maxKillsPerRound: 4,
  killChance: 0.5,
  autotaskFaults: CHAOS_AUTOTASK_FAULTS,
  qboFaults: CHAOS_QBO_FAULTS,
  runTimeoutMs: 300_000,
  cli: ["--experimental-strip-types", "--no-warnings=ExperimentalWarning", CLI],
  log: (line) => process.stderr.write(`${line}\n`)
}

export type KillTrigger = { readonly kind: "time"; readonly afterFirstRequestMs: number } | { readonly kind: "writes"; readonly afterWrites: number }

export interface RunRecord {
  /** Exit code, or "killed" when we SIGKILLed it. */
  readonly exit: number | "killed" | "timeout"
  readonly trigger: KillTrigger | undefined
  readonly writes: number
  readonly durationMs: number
  readonly faultsOff: boolean
  /** It waited for another apply's lease / took over a killed one's. */
  readonly waitedForLease?: boolean
  readonly tookOverLease?: boolean
  /** Last stderr line of a failed run (never holds a secret: the CLI's own message). */
  readonly error?: string
}

export interface RoundResult {
  readonly round: number
  readonly seed: number
  readonly variant: string
  /** QBO companies (realms) the round booked to: 1 or 2. */
  readonly qboCompanies: number
  readonly eligible: number
  readonly rejected: number
  readonly runs: ReadonlyArray<RunRecord>
  readonly kills: number
  readonly converged: boolean
  /** Faults had to be turned off for the final run to finish. */
  readonly faultsOffForFinalRun: boolean
  readonly violations: ReadonlyArray<Violation>
  readonly faults: Readonly<Record<string, number>>
}

export interface ChaosSummary {
  readonly options: Omit<ChaosOptions, "log">
  readonly rounds: ReadonlyArray<RoundResult>
  readonly totals: {
    readonly rounds: number
    readonly runs: number
    readonly kills: number
    readonly exits: Readonly<Record<string, number>>
    /** Runs that waited for another apply's lease, and that took over a killed one's. */
    readonly waitedForLease: number
    readonly tookOverLease: number
    readonly converged: number
    /** Rounds with two QBO companies. */
    readonly twoCompanyRounds: number
    readonly faultsOffRounds: number
    readonly faults: Readonly<Record<string, number>>
    readonly violations: number
    readonly violationsByKind: Readonly<Record<string, number>>
    /** Why runs that were not killed exited 1 (first failure, numbers elided), with counts. */
    readonly failureReasons: Readonly<Record<string, number>>
    readonly durationMs: number
  }
}

/**
 * The environment of a CLI run: what `atqbo sandbox` prints for the round's configuration (the
 * endpoint overrides and every company's own credentials under the variable names its
 * connections use), with the token stores in the round's state directory: one store per company
 * under ATQBO_QBO_TOKEN_STORE, as the sandbox keeps them. Nothing else of this process's.
 */
export const cliEnv = async (sandbox: Sandbox, config: BenchConfig): Promise<Record<string, string>> => {
  const loaded = await Effect.runPromise(loadConfig(config.dir))
  return {
    PATH: process.env.PATH ?? "",
    HOME: process.env.HOME ?? "",
    CI: "1",
    ...Object.fromEntries(sandboxEnvironment(sandbox, loaded).map((variable) => [variable.name, variable.value])),
    [ENV_OVERRIDES.qboTokenStore]: `${join(config.stateDir, "qbo-tokens")}/`
  }
}

const requestCount = (sandbox: Sandbox) => sandbox.autotask.requests.length + sandbox.qbo.requests.length
const writeCount = (sandbox: Sandbox) => sandbox.autotask.writeCount() + sandbox.qbo.writeCount()

/** CLI runs in flight, so an interrupted chaos run does not leave them behind. */
const liveChildren = new Set<ReturnType<typeof spawn>>()

/** Process ids of the applies that have ended. */
const endedPids = new Set<number>()

/**
 * An apply that ended holding its lease (SIGKILLed, or its release failed) leaves it held: the
 * simulated clock then passes its expiry, as the next scheduled run would find it. Never while
 * the holder lives (that would let two writers write at once, which no real clock does).
 * Checked again and again, not only when a process closes: the simulator may still carry out
 * a request the dead apply had sent. Every QBO company of the round has its own lease note;
 * they share the simulator's one clock. Applies take the leases in connection-name order and
 * release them in reverse, so a dead apply holding one also holds the earlier ones, and a live
 * apply holds none of them while it waits: moving the clock ages only dead applies' leases. (A
 * dead apply's take that lands late is the exception: a live apply's earlier lease then ages
 * too, and a third apply taking it over makes that one stop before its next write.)
 */
const expireDeadLeases = (sandbox: Sandbox, aged: Set<string>): void => {
  for (const realmId of sandbox.qbo.realmIds) {
    const note = sandbox.qbo.store(realmId).list("Attachable")[0]
    const state = parseLeaseNote(note?.["Note"])
    const version = `${realmId}/${String(note?.["Id"])}/${String(note?.["SyncToken"])}`
    if (state?.held !== true || !endedPids.has(state.holder.pid) || aged.has(version)) continue
    aged.add(version)
    sandbox.qbo.advanceTime(state.expirySeconds * 1000 + 1000)
  }
}

/** Runs `atqbo apply --auto-approve` once; kills it when the trigger fires. */
const runApply = (sandbox: Sandbox, configDir: string, env: Record<string, string>, trigger: KillTrigger | undefined, options: ChaosOptions): Promise<Omit<RunRecord, "faultsOff">> =>
  new Promise((resolve, reject) => {
    const started = Date.now()
    const writesBefore = writeCount(sandbox)
    const requestsBefore = requestCount(sandbox)
    const child = spawn(process.execPath, [...options.cli, "apply", "--auto-approve", "--config", configDir], {
      cwd: REPO_ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"]
    })
    liveChildren.add(child)
    let stderr = ""
    let stdout = ""
    child.stdout.on("data", (chunk) => (stdout += chunk))
    child.stderr.on("data", (chunk) => (stderr += chunk))
    let killed: "killed" | "timeout" | undefined
    let firstRequestAt: number | undefined
    const kill = (reason: "killed" | "timeout") => {
      if (killed !== undefined || child.exitCode !== null) return
      killed = reason
      child.kill("SIGKILL")
    }
    // The simulators run in this process: watching their logs tells when the child works.
    const poll = setInterval(() => {
      if (firstRequestAt === undefined && requestCount(sandbox) > requestsBefore) firstRequestAt = Date.now()
      if (trigger?.kind === "writes" && writeCount(sandbox) - writesBefore >= trigger.afterWrites) kill("killed")
      if (trigger?.kind === "time" && firstRequestAt !== undefined && Date.now() - firstRequestAt >= trigger.afterFirstRequestMs) kill("killed")
    }, 2)
    const timer = setTimeout(() => kill("timeout"), options.runTimeoutMs)
    child.on("error", (error) => {
      clearInterval(poll)
      clearTimeout(timer)
      reject(error)
    })
    child.on("close", (code) => {
      liveChildren.delete(child)
      clearInterval(poll)
      clearTimeout(timer)
      if (child.pid !== undefined) endedPids.add(child.pid)
      // Why a run that was not killed exited 1: the CLI's error line, or its first failed action.
      const errorLine = stderr.trim().split("\n").find((line) => line.startsWith("error:"))
      const failedLine = stdout.split("\n").find((line) => line.trimStart().startsWith("failed "))?.trim().replace(/\s+/g, " ")
      // Neither: Node itself failed (e.g. a module that does not load); keep its last words.
      const lastWords = stderr.trim().split("\n").filter((line) => line.trim() !== "").pop()?.trim()
      const lastError = errorLine ?? failedLine ?? (lastWords ? `stderr: ${lastWords}` : undefined)
      resolve({
        exit: killed ?? code ?? 1,
        trigger: killed === "killed" ? trigger : undefined,
        writes: writeCount(sandbox) - writesBefore,
        durationMs: Date.now() - started,
        ...(stderr.includes("waiting up to") ? { waitedForLease: true } : {}),
        ...(stderr.includes("took over the expired lease") ? { tookOverLease: true } : {}),
        ...(killed === undefined && code !== 0 && lastError ? { error: lastError.slice(0, 300) } : {})
      })
    })
  })

/**
 * Write requests the remaining work takes at most, for kill triggers: batches (QBO counts
 * every non-query POST) and one PATCH per write-back (the read-back GET is not a write).
 */
const remainingWrites = (sandbox: Sandbox, meta: DatasetMeta): number => {
  const owned = new Set<number>()
  for (const realmId of sandbox.qbo.realmIds) {
    for (const entity of ["Invoice", "CreditMemo"] as const) {
      for (const doc of sandbox.qbo.store(realmId).list(entity)) {
        const owner = ownerOf(doc["PrivateNote"] as string | undefined)
        if (owner !== undefined) owned.add(owner)
      }
    }
  }
  const missing = meta.eligibleIds.filter((id) => !owned.has(id)).length
  const notWrittenBack = meta.eligibleIds.filter((id) => !sandbox.autotask.store.get("Invoices", id)?.["invoiceNumber"]).length
  return Math.ceil(missing / 30) + notWrittenBack
}

/** Faults the simulators injected so far, per kind, from their request logs. */
export const injectedFaults = (sandbox: Sandbox): Record<string, number> => {
  const faults: Record<string, number> = {}
  const add = (key: string) => (faults[key] = (faults[key] ?? 0) + 1)
  for (const request of sandbox.autotask.requests) {
    if (request.fault !== undefined) add(`autotask ${request.fault}`)
    else if (request.status === 429) add("autotask 429 thread limit")
  }
  for (const request of sandbox.qbo.requests) {
    switch (request.outcome) {
      case "injected":
        add(`qbo ${request.status === 400 ? "transient 6000" : String(request.status)}`)
        break
      case "dropped":
        add("qbo dropped connection")
        break
      case "lost":
        add("qbo response lost after commit")
        break
      case "truncated":
        add("qbo body truncated")
        break
      case "garbled":
        add("qbo body not JSON")
        break
      case "hung":
        add("qbo answer hung")
        break
      case "throttled":
        add("qbo 429")
        break
      case "replayed":
        add("qbo requestid replayed")
        break
      default:
        break
    }
  }
  return faults
}

const addInto = (total: Record<string, number>, more: Readonly<Record<string, number>>) => {
  for (const [key, value] of Object.entries(more)) total[key] = (total[key] ?? 0) + value
}

/** The dataset holds exactly the round's QBO companies (the variant's split and the loader agree). */
const assertRealms = (sandbox: Sandbox, realmIds: ReadonlyArray<string>): void => {
  const have = [...sandbox.qbo.realmIds].sort().join(", ")
  if (have !== [...realmIds].sort().join(", ")) throw new Error(`the round's QBO companies are ${realmIds.join(", ")}, but the simulator has ${have}`)
}

export const runRound = async (round: number, options: ChaosOptions): Promise<RoundResult> => {
  const seed = options.seed * 1000 + round
  const random = seededRandom(seed)
  const meta = await generateDataset({
    invoices: options.invoices,
    items: options.invoices * 3,
    companies: Math.max(3, Math.round(options.invoices / 5)),
    codes: Math.max(3, Math.min(40, Math.round(options.invoices / 8))),
    history: Math.round(options.invoices / 10),
    extraQboCustomers: 10,
    extraQboItems: 5,
    newCompanyShare: 0.2,
    missingCodeShare: 0.2,
    negativeShare: 0.03,
    seed
  })
  const variant = pickVariant(random, meta, options.twoCompanies)
  await applyVariant(variant, meta)
  const qbo = qboOptionsOf(variant)
  // Applies that overlap wait for the leases instead of stopping.
  const config = await writeBenchConfig(variant.qboCompanies, [GENEROUS_LIMITS, "lease:\n  waitSeconds: 900"], syncLines(variant))
  const sandbox = await startSandbox({
    dataDir: meta.dir,
    autotask: { ...options.autotaskFaults, seed },
    qbo: { ...options.qboFaults, ...qbo, faults: { ...options.qboFaults.faults, ...qbo.faults, seed } }
  })
  const runs: Array<RunRecord> = []
  let expectedWorkMs = 3000
  let faultsOff = false
  let converged = false
  // Watches the whole round: a dead apply's take of the lease may be carried out after it closed.
  // The lease-note versions already aged (this round's: every round's simulator counts from 0).
  const aged = new Set<string>()
  const watchdog = setInterval(() => expireDeadLeases(sandbox, aged), 100)
  try {
    assertRealms(sandbox, variant.qboCompanies.map((company) => company.realmId))
    const env = await cliEnv(sandbox, config)
    for (let attempt = 0; !converged; attempt++) {
      if (attempt >= options.maxAttempts && !faultsOff) {
        sandbox.autotask.setOptions(NO_AUTOTASK_FAULTS)
        sandbox.qbo.setOptions(NO_QBO_FAULTS)
        faultsOff = true
      }
      if (attempt >= options.maxAttempts + 3) break
      // Once the faults are off, one apply at a time finishes the round.
      const writers = faultsOff ? 1 : options.writers
      const kills = runs.filter((run) => run.exit === "killed").length
      const launches = Array.from({ length: writers }, (_, writer) => {
        const killThis = !faultsOff && kills + writer < options.maxKillsPerRound && ((attempt === 0 && writer === 0) || random.chance(options.killChance))
        const trigger: KillTrigger | undefined = !killThis
          ? undefined
          : random.chance(0.5)
          ? { kind: "writes", afterWrites: random.int(1, Math.max(1, remainingWrites(sandbox, meta))) }
          : { kind: "time", afterFirstRequestMs: random.int(0, expectedWorkMs) }
        // The first starts at once; the others while it works, at seeded offsets.
        return { trigger, delayMs: writer === 0 ? 0 : random.int(0, Math.round(expectedWorkMs * 0.6)) }
      })
      const group = await Promise.all(launches.map(async ({ trigger, delayMs }) => {
        if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs))
        return runApply(sandbox, config.dir, env, trigger, options)
      }))
      // A request the last killed apply sent may land after it closed.
      await new Promise((resolve) => setTimeout(resolve, 300))
      for (const run of group) {
        runs.push({ ...run, faultsOff })
        if (run.exit !== "killed") expectedWorkMs = Math.max(expectedWorkMs, run.durationMs - 2000)
      }
      converged = group.every((run) => run.exit === 0)
    }
  } finally {
    clearInterval(watchdog)
    await sandbox.close()
  }
  const violations = converged ? checkInvariants(sandbox, expectationOf(variant, meta)) : []
  const result: RoundResult = {
    round,
    seed,
    variant: describeVariant(variant),
    qboCompanies: variant.qboCompanies.length,
    eligible: meta.eligibleIds.length,
    rejected: meta.rejectedIds.length,
    runs,
    kills: runs.filter((run) => run.exit === "killed").length,
    converged,
    faultsOffForFinalRun: faultsOff,
    violations,
    faults: injectedFaults(sandbox)
  }
  await Promise.all([meta.dir, config.dir, config.stateDir].map((dir) => rm(dir, { recursive: true, force: true })))
  return result
}

export const runChaos = async (input: Partial<ChaosOptions> = {}): Promise<ChaosSummary> => {
  const options: ChaosOptions = { ...DEFAULT_CHAOS_OPTIONS, ...input }
  const started = Date.now()
  const rounds: Array<RoundResult> = []
  for (let round = 1; round <= options.rounds; round++) {
    const result = await runRound(round, options)
    rounds.push(result)
    const exits = result.runs.map((run) => (run.exit === "killed" ? `kill(${run.trigger?.kind === "writes" ? `${run.trigger.afterWrites}w` : `${run.trigger?.kind === "time" ? run.trigger.afterFirstRequestMs : 0}ms`})` : `exit ${run.exit}${run.faultsOff ? " (faults off)" : ""}`))
    options.log(
      `round ${round}/${options.rounds} (${result.variant}): ${result.eligible} invoices, ${result.runs.length} runs [${exits.join(", ")}], ` +
        `${Object.values(result.faults).reduce((sum, n) => sum + n, 0)} faults, ` +
        `${result.converged ? `${result.violations.length} violations` : "DID NOT CONVERGE"}`
    )
    for (const violation of result.violations.slice(0, 5)) options.log(`  violation ${violation.kind}: ${violation.message}`)
    for (const run of result.runs) if (run.error) options.log(`  run failed: ${run.error}`)
  }
  const faults: Record<string, number> = {}
  const exits: Record<string, number> = {}
  for (const round of rounds) {
    addInto(faults, round.faults)
    for (const run of round.runs) exits[String(run.exit)] = (exits[String(run.exit)] ?? 0) + 1
  }
  const failureReasons: Record<string, number> = {}
  for (const run of rounds.flatMap((round) => round.runs)) {
    if (run.exit !== 1) continue
    const reason = (run.error ?? "(no message)").replace(/\b(Autotask invoice|invoice|Id|id) \d+/g, "$1 N").replace(/\d+/g, "N").slice(0, 140)
    failureReasons[reason] = (failureReasons[reason] ?? 0) + 1
  }
  const allViolations = rounds.flatMap((round) => round.violations)
  const { log: _log, ...recorded } = options
  return {
    options: recorded,
    rounds,
    totals: {
      rounds: rounds.length,
      runs: rounds.reduce((sum, round) => sum + round.runs.length, 0),
      kills: rounds.reduce((sum, round) => sum + round.kills, 0),
      exits,
      waitedForLease: rounds.flatMap((round) => round.runs).filter((run) => run.waitedForLease).length,
      tookOverLease: rounds.flatMap((round) => round.runs).filter((run) => run.tookOverLease).length,
      converged: rounds.filter((round) => round.converged).length,
      twoCompanyRounds: rounds.filter((round) => round.qboCompanies > 1).length,
      faultsOffRounds: rounds.filter((round) => round.faultsOffForFinalRun).length,
      faults,
      violations: allViolations.length,
      violationsByKind: countViolations(allViolations),
      failureReasons,
      durationMs: Date.now() - started
    }
  }
}

export const formatSummary = (summary: ChaosSummary): string => {
  const { totals } = summary
  const faultLines = Object.entries(totals.faults).sort(([a], [b]) => a.localeCompare(b)).map(([kind, count]) => `  ${kind.padEnd(34)} ${String(count).padStart(6)}`)
  return [
    `chaos: ${totals.rounds} rounds × ${summary.options.invoices} invoices, ${summary.options.writers} writer${summary.options.writers === 1 ? "" : "s"} at a time, in ${(totals.durationMs / 1000).toFixed(0)} s`,
    `runs: ${totals.runs} (${Object.entries(totals.exits).map(([exit, count]) => `${exit === "killed" ? "SIGKILLed" : exit === "timeout" ? "timed out" : `exit ${exit}`}: ${count}`).join(", ")})`,
    `kills: ${totals.kills}; runs that waited for another apply's lease: ${totals.waitedForLease}; that took over a killed apply's: ${totals.tookOverLease}`,
    `rounds converged: ${totals.converged}/${totals.rounds}; with two QBO companies: ${totals.twoCompanyRounds}; rounds that needed faults off for the final run: ${totals.faultsOffRounds}`,
    ...(Object.keys(totals.failureReasons).length > 0
      ? ["runs that exited 1 (not killed), by first failure:", ...Object.entries(totals.failureReasons).sort(([, a], [, b]) => b - a).map(([reason, count]) => `  ${String(count).padStart(4)} × ${reason}`)]
      : []),
    "faults injected (from the simulators' request logs):",
    ...faultLines,
    `violations: ${totals.violations}${totals.violations > 0 ? ` ${JSON.stringify(totals.violationsByKind)}` : ""}`
  ].join("\n")
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      for (const child of liveChildren) child.kill("SIGKILL")
      process.exit(130)
    })
  }
  const flags = parseFlags(process.argv.slice(2))
  const summary = await runChaos({
    rounds: numberFlag(flags, "rounds", DEFAULT_CHAOS_OPTIONS.rounds),
    invoices: numberFlag(flags, "invoices", DEFAULT_CHAOS_OPTIONS.invoices),
    writers: numberFlag(flags, "writers", DEFAULT_CHAOS_OPTIONS.writers),
    seed: numberFlag(flags, "seed", DEFAULT_CHAOS_OPTIONS.seed),
    maxAttempts: numberFlag(flags, "max-attempts", DEFAULT_CHAOS_OPTIONS.maxAttempts),
    twoCompanies: numberFlag(flags, "two-companies", DEFAULT_CHAOS_OPTIONS.twoCompanies)
  })
  process.stdout.write(`\n${formatSummary(summary)}\n`)
  const out = flags.get("out")
  if (typeof out === "string") {
    await mkdir(dirname(out), { recursive: true })
    await writeFile(out, `${JSON.stringify({ ranAt: new Date().toISOString(), ...summary }, null, 2)}\n`)
  }
  process.exitCode = summary.totals.violations === 0 && summary.totals.converged === summary.totals.rounds ? 0 : 1
}
