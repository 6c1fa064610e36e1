/**
 * `npm run bench`: SPEC §8 throughput and request-count bench.
 *
 * Generates a dataset (bench/generate.ts), runs both simulators here with a fixed latency per
 * request and the real API limits, then times `plan`, `apply` (first run) and `apply` again
 * (idempotent second run), each in a fresh child process (bench/phase.ts) through the CLI's
 * client layers, so each phase's peak RSS is its own. Per phase: wall time, requests per API
 * and endpoint family against the theoretical minimum (bench/minimum.ts, bench/README.md),
 * throttled requests, peak RSS. `--scaling` adds 500 and 8,000 invoices.
 *
 * Flags: --invoices N --items N --companies N --codes N --history N --latency MS --seed N
 *        --numbering qbo|autotask --out FILE (default bench/results/latest.json) --scaling
 *        --phases plan,apply,apply-again
 */
import { spawn } from "node:child_process"
import { mkdir, rename, rm, writeFile } from "node:fs/promises"
import { cpus, totalmem } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import { type Sandbox, startSandbox } from "../src/sandbox/sandbox.ts"
import { writeBenchConfig } from "./config.ts"
import { type DatasetMeta, DEFAULT_GENERATE_OPTIONS, generateDataset, numberFlag, parseFlags } from "./generate.ts"
import { checkInvariants, countViolations } from "./invariants.ts"
import { addMinimums, applyTimeFloorMs, byFamily, planMinimum, total, worldFacts, writeMinimum, type WorldFacts } from "./minimum.ts"
import type { PhaseInput, PhaseOutput } from "./phase.ts"

const HERE = dirname(fileURLToPath(import.meta.url))
const PHASE_SCRIPT = join(HERE, "phase.ts")

interface Settings {
  readonly invoices: number
  readonly items: number
  readonly companies: number
  readonly codes: number
  readonly history: number
  readonly latencyMs: number
  readonly seed: number
  readonly numbering: "qbo" | "autotask"
}

interface FamilyRow {
  readonly family: string
  readonly actual: number
  readonly minimum: number
}

interface PhaseResult {
  readonly phase: string
  /** Time inside the phase (plan + writes), excluding process start and module loading. */
  readonly wallMs: number
  readonly planMs: number
  readonly writeMs: number
  readonly requests: { readonly autotask: number; readonly qbo: number; readonly total: number }
  readonly minimum: { readonly autotask: number; readonly qbo: number; readonly total: number }
  /** Actual ÷ minimum requests (1.00 = the fewest the APIs allow). */
  readonly ratio: number
  readonly families: ReadonlyArray<FamilyRow>
  /** Raw simulator counters (`counts()`), per endpoint. */
  readonly endpoints: { readonly autotask: Readonly<Record<string, number>>; readonly qbo: Readonly<Record<string, number>> }
  readonly throttled: { readonly autotask: number; readonly qbo: number }
  readonly qboPeakConcurrency: number
  readonly peakRssMb: number
  readonly peakHeapMb: number
  readonly rssAfterImportMb: number
  /** Plan progress steps (ms from the start of the phase). */
  readonly steps: PhaseOutput["steps"]
  readonly actions: Readonly<Record<string, number>>
  readonly outcomes: Readonly<Record<string, number>> | undefined
  readonly failures: ReadonlyArray<string>
  /** Apply: when each action type's outcomes were recorded (ms from the start of the writes). */
  readonly timeline: PhaseOutput["timeline"]
  readonly facts: WorldFacts
  readonly applyFloor?: { readonly batchesMs: number; readonly autotaskMs: number }
}

interface SizeResult {
  readonly settings: Settings
  readonly dataset: Omit<DatasetMeta, "dir" | "eligibleIds" | "rejectedIds" | "historyIds" | "companyIds" | "options"> & { readonly eligible: number; readonly rejected: number; readonly history: number }
  readonly phases: ReadonlyArray<PhaseResult>
  readonly violations: Readonly<Record<string, number>> | undefined
  readonly skipped: ReadonlyArray<string>
}

const round = (value: number, digits = 2) => Number(value.toFixed(digits))

const runChild = (input: PhaseInput): Promise<PhaseOutput> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--experimental-strip-types", "--no-warnings=ExperimentalWarning", PHASE_SCRIPT], {
      env: { ...process.env, BENCH_PHASE: JSON.stringify(input) },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk) => (stdout += chunk))
    child.stderr.on("data", (chunk) => (stderr += chunk))
    child.on("error", reject)
    child.on("close", (code) => {
      const last = stdout.trim().split("\n").pop() ?? ""
      if (code !== 0 || !last.startsWith("{")) return reject(new Error(`phase ${input.phase} exited ${code}:\n${stderr}${stdout}`))
      resolve(JSON.parse(last) as PhaseOutput)
    })
  })

const phaseInput = (phase: PhaseInput["phase"], sandbox: Sandbox, configDir: string): PhaseInput => ({
  phase,
  configDir,
  realmId: sandbox.realmId,
  autotask: { discoveryUrl: sandbox.autotask.discoveryUrl, ...sandbox.autotask.credentials },
  qbo: { baseUrl: sandbox.qbo.baseUrl, accessToken: sandbox.qbo.issueAccessToken(sandbox.realmId) }
})

const runPhase = async (name: string, kind: "plan" | "apply", sandbox: Sandbox, configDir: string, settings: Settings): Promise<PhaseResult> => {
  const latencyMs = settings.latencyMs
  const facts = worldFacts(sandbox, { mode: settings.numbering, prefix: "" })
  sandbox.qbo.resetStats()
  sandbox.autotask.clearRequests()
  process.stderr.write(`  ${name}… `)
  const output = await runChild(phaseInput(kind, sandbox, configDir))
  const autotaskCounts = sandbox.autotask.counts()
  const qboCounts = sandbox.qbo.counts()
  const families = byFamily(autotaskCounts, qboCounts)
  const writes = kind === "apply" ? writeMinimum(output.actions, output.autotaskUpdates) : {}
  const minimum = addMinimums(planMinimum(facts), writes)
  const keys = [...new Set([...Object.keys(minimum), ...Object.keys(families)])].sort()
  const rows = keys.map((family) => ({ family, actual: families[family] ?? 0, minimum: minimum[family] ?? 0 })).filter((row) => row.actual + row.minimum > 0)
  const actual = { autotask: total(families, "autotask"), qbo: total(families, "qbo") }
  const least = { autotask: total(minimum, "autotask"), qbo: total(minimum, "qbo") }
  const result: PhaseResult = {
    phase: name,
    wallMs: output.planMs + output.writeMs,
    planMs: output.planMs,
    writeMs: output.writeMs,
    requests: { ...actual, total: actual.autotask + actual.qbo },
    minimum: { ...least, total: least.autotask + least.qbo },
    ratio: round((actual.autotask + actual.qbo) / Math.max(1, least.autotask + least.qbo), 3),
    families: rows,
    endpoints: { autotask: autotaskCounts, qbo: qboCounts },
    throttled: {
      autotask: sandbox.autotask.requests.filter((request) => request.status === 429).length,
      qbo: sandbox.qbo.requests.filter((request) => request.outcome === "throttled").length
    },
    qboPeakConcurrency: sandbox.qbo.concurrency(sandbox.realmId).peak,
    peakRssMb: output.peakRssMb,
    peakHeapMb: output.peakHeapMb,
    steps: output.steps,
    rssAfterImportMb: output.rssAfterImportMb,
    actions: Object.fromEntries(Object.entries(output.actions).filter(([, count]) => count > 0)),
    outcomes: output.outcomes,
    failures: output.failures,
    timeline: output.timeline,
    facts,
    ...(kind === "apply" ? { applyFloor: applyTimeFloorMs(writes, latencyMs, facts.invoices > 0 ? total(planMinimum(facts), "autotask") : 0) } : {})
  }
  process.stderr.write(`${(result.wallMs / 1000).toFixed(1)} s, ${result.requests.total} requests (minimum ${result.minimum.total}), peak RSS ${result.peakRssMb} MB, peak heap ${result.peakHeapMb} MB\n`)
  return result
}

const runSize = async (settings: Settings, phases: ReadonlyArray<"plan" | "apply" | "apply-again">, skipped: ReadonlyArray<string> = []): Promise<SizeResult> => {
  process.stderr.write(`\n${settings.invoices} invoices, ${settings.items} billing items, ${settings.companies} companies, ${settings.codes} codes, ${settings.history} history invoices, ${settings.latencyMs} ms latency, ${settings.numbering} numbering\n`)
  process.stderr.write("  generating… ")
  const meta = await generateDataset({
    invoices: settings.invoices,
    items: settings.items,
    companies: settings.companies,
    codes: settings.codes,
    history: settings.history,
    seed: settings.seed
  })
  process.stderr.write(`${meta.dir}\n`)
  // A fixed latency per request, no faults, the real limits (the simulators' defaults). The
  // latency is the whole time an Autotask request holds its thread (no extra processing time),
  // so applyTimeFloorMs's 3 × latency stays the floor.
  const sandbox = await startSandbox({
    dataDir: meta.dir,
    autotask: { seed: settings.seed, processingMs: 0, latency: { fixedMs: settings.latencyMs, jitterMs: 0 } },
    qbo: { faults: { latencyMs: settings.latencyMs, latencyJitterMs: 0 } }
  })
  const config = await writeBenchConfig([{ realmId: sandbox.realmId }], undefined, settings.numbering === "autotask" ? ["  numbering:", "    mode: autotask"] : [])
  const results: Array<PhaseResult> = []
  let violations: Record<string, number> | undefined
  try {
    for (const phase of phases) {
      results.push(await runPhase(phase, phase === "plan" ? "plan" : "apply", sandbox, config.dir, settings))
      if (phase === "apply") {
        violations = countViolations(checkInvariants(sandbox, { ...meta, numbering: { mode: settings.numbering, prefix: "" } }))
      }
    }
  } finally {
    await sandbox.close()
    await Promise.all([meta.dir, config.dir, config.stateDir].map((dir) => rm(dir, { recursive: true, force: true })))
  }
  const { dir: _dir, eligibleIds, rejectedIds, historyIds, companyIds: _companyIds, options: _options, ...dataset } = meta
  return {
    settings,
    dataset: { ...dataset, eligible: eligibleIds.length, rejected: rejectedIds.length, history: historyIds.length },
    phases: results,
    violations,
    skipped
  }
}

// ---------------------------------------------------------------------------------------------
// Output

const pad = (text: string, width: number, right = false) => (right ? text.padStart(width) : text.padEnd(width))
const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const widths = header.map((title, index) => Math.max(title.length, ...rows.map((row) => (row[index] ?? "").length)))
  const line = (cells: ReadonlyArray<string>) => cells.map((cell, index) => pad(cell, widths[index]!, index > 0)).join("  ")
  return [line(header), widths.map((width) => "-".repeat(width)).join("  "), ...rows.map(line)].join("\n")
}
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`

const phaseTable = (result: SizeResult): string =>
  table(
    ["phase", "wall", "plan", "writes", "Autotask req", "QBO req", "total", "minimum", "ratio", "429s", "peak RSS"],
    result.phases.map((phase) => [
      phase.phase,
      seconds(phase.wallMs),
      seconds(phase.planMs),
      seconds(phase.writeMs),
      String(phase.requests.autotask),
      String(phase.requests.qbo),
      String(phase.requests.total),
      String(phase.minimum.total),
      phase.ratio.toFixed(2),
      String(phase.throttled.autotask + phase.throttled.qbo),
      `${phase.peakRssMb} MB`
    ])
  )

const familyTable = (phase: PhaseResult): string =>
  table(
    ["request family", "actual", "minimum", "extra"],
    phase.families.map((row) => [row.family, String(row.actual), String(row.minimum), row.actual === row.minimum ? "" : `${row.actual - row.minimum > 0 ? "+" : ""}${row.actual - row.minimum}`])
  )

const main = async () => {
  const flags = parseFlags(process.argv.slice(2))
  const settings: Settings = {
    invoices: numberFlag(flags, "invoices", DEFAULT_GENERATE_OPTIONS.invoices),
    items: numberFlag(flags, "items", DEFAULT_GENERATE_OPTIONS.items),
    companies: numberFlag(flags, "companies", DEFAULT_GENERATE_OPTIONS.companies),
    codes: numberFlag(flags, "codes", DEFAULT_GENERATE_OPTIONS.codes),
    history: numberFlag(flags, "history", DEFAULT_GENERATE_OPTIONS.history),
    latencyMs: numberFlag(flags, "latency", 50),
    seed: numberFlag(flags, "seed", DEFAULT_GENERATE_OPTIONS.seed),
    numbering: flags.get("numbering") === "autotask" ? "autotask" : "qbo"
  }
  if (flags.has("numbering") && !["qbo", "autotask"].includes(String(flags.get("numbering")))) throw new Error("--numbering expects qbo or autotask")
  const outFlag = flags.get("out")
  const out = typeof outFlag === "string" ? outFlag : join(HERE, "results", "latest.json")
  const scaling = flags.get("scaling") === true
  const phasesFlag = flags.get("phases")
  const phases = (typeof phasesFlag === "string" ? phasesFlag.split(",") : ["plan", "apply", "apply-again"]) as Array<"plan" | "apply" | "apply-again">
  for (const phase of phases) if (!["plan", "apply", "apply-again"].includes(phase)) throw new Error(`--phases: unknown phase "${phase}"`)

  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? "unknown", memoryGb: round(totalmem() / 2 ** 30, 1), node: process.version, platform: `${process.platform}-${process.arch}` }
  process.stderr.write(`atqbo bench on ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGb} GB, Node ${machine.node}\n`)

  const baseline = await (async () => {
    const dataset = await generateDataset({ invoices: 1, items: 1, companies: 1, codes: 1, history: 0 })
    const sandbox = await startSandbox({ dataDir: dataset.dir })
    const config = await writeBenchConfig([{ realmId: sandbox.realmId }])
    try {
      return await runChild(phaseInput("baseline", sandbox, config.dir))
    } finally {
      await sandbox.close()
      await Promise.all([dataset.dir, config.dir, config.stateDir].map((dir) => rm(dir, { recursive: true, force: true })))
    }
  })()

  const main = await runSize(settings, phases)
  const sizes: Array<SizeResult> = [main]
  if (scaling) {
    for (const invoices of [500, 2000, 8000]) {
      if (invoices === settings.invoices) continue
      const scaled: Settings = { ...settings, invoices, items: Math.round((settings.items / settings.invoices) * invoices) }
      // Apply only where the published limits let it finish within 10 minutes (see README).
      const eligible = Math.round(invoices * 0.99)
      const writes = writeMinimum({ "item.create": 6, "customer.create": 30, "invoice.create": eligible, "autotask.writeback": eligible })
      const floor = applyTimeFloorMs(writes, settings.latencyMs, Math.ceil(invoices / 500) * 7)
      const estimateMs = floor.batchesMs + floor.autotaskMs
      const applyAllowed = estimateMs < 10 * 60_000
      sizes.push(await runSize(scaled, applyAllowed ? phases : phases.filter((phase) => phase === "plan"), applyAllowed ? [] : [
        `apply not run: ≥ ${Math.round(estimateMs / 60_000)} minutes by the published limits alone — ${writes["qbo batch"]} QBO batches take ≥ ${(floor.batchesMs / 60_000).toFixed(0)} minutes at 40 per minute, ` +
        `and ${eligible} Autotask write-backs ≥ ${(floor.autotaskMs / 60_000).toFixed(1)} minutes at 3 threads, because past half of the 10,000 requests per hour Autotask adds 0.5 s to every call (1 s past 75 %)`
      ]))
    }
    sizes.sort((a, b) => a.settings.invoices - b.settings.invoices)
  }

  // ---- report --------------------------------------------------------------------------------
  const lines: Array<string> = []
  const say = (text = "") => lines.push(text)
  say(`\n== ${main.settings.invoices} invoices, ${main.settings.items} billing items, ${main.settings.companies} companies, ${main.settings.codes} codes, ${main.settings.latencyMs} ms latency per request ==`)
  say(`dataset: ${main.dataset.eligible} eligible + ${main.dataset.rejected} negative (rejected) invoices, ${main.dataset.newCustomers} new customers, ${main.dataset.newItems} new items, ${main.dataset.history} history invoices outside the window`)
  say(`process baseline (modules loaded, no work): ${baseline.peakRssMb} MB RSS`)
  say()
  say(phaseTable(main))
  for (const phase of main.phases) {
    say()
    say(`-- ${phase.phase}: requests by family (actions: ${JSON.stringify(phase.actions)}${phase.outcomes ? `; outcomes: ${JSON.stringify(phase.outcomes)}` : ""}) --`)
    say(familyTable(phase))
    if (phase.applyFloor) {
      say(`API-limit floor for the writes: QBO batches ≥ ${seconds(phase.applyFloor.batchesMs)} (40 batches/min), Autotask updates ≥ ${seconds(phase.applyFloor.autotaskMs)} (3 concurrent × ${main.settings.latencyMs} ms); measured writes ${seconds(phase.writeMs)}`)
    }
    say(`progress steps: ${phase.steps.map((step) => `${seconds(step.atMs)} ${step.step}`).join(" → ")}; peak heap ${phase.peakHeapMb} MB`)
    const timeline = Object.entries(phase.timeline).sort(([, a], [, b]) => a.firstMs - b.firstMs)
    if (timeline.length > 0) say(`timeline of the writes: ${timeline.map(([type, span]) => `${type} × ${span.count} ${seconds(span.firstMs)}–${seconds(span.lastMs)}`).join("; ")}`)
    if (phase.failures.length > 0) say(`failures: ${phase.failures.join(" | ")}`)
  }
  say()
  say(`invariants after apply: ${main.violations === undefined ? "not checked" : Object.keys(main.violations).length === 0 ? "0 violations" : JSON.stringify(main.violations)}`)
  const plan = main.phases.find((phase) => phase.phase === "plan")
  if (plan) {
    const pass = plan.wallMs < 60_000 && plan.ratio <= 1.1
    say(`SPEC §8 plan bar (< 1 minute, ≤ 10 % above the minimum requests): ${seconds(plan.wallMs)}, ratio ${plan.ratio.toFixed(2)} → ${pass ? "PASS" : "FAIL"}`)
  }
  for (const phase of main.phases) if (phase.ratio > 1.1) say(`over 10 % above the minimum: ${phase.phase} (ratio ${phase.ratio.toFixed(2)}); see the families above`)

  if (sizes.length > 1) {
    say()
    say("== scaling ==")
    say(table(
      ["invoices", "items", "plan", "plan req", "min", "ratio", "plan RSS", "apply", "apply req", "min", "ratio", "apply RSS", "apply 2", "apply 2 RSS"],
      sizes.map((size) => {
        const get = (name: string) => size.phases.find((phase) => phase.phase === name)
        const cells = (phase: PhaseResult | undefined) => phase ? [seconds(phase.wallMs), String(phase.requests.total), String(phase.minimum.total), phase.ratio.toFixed(2), `${phase.peakRssMb} MB`] : ["—", "—", "—", "—", "—"]
        const again = get("apply-again")
        return [String(size.settings.invoices), String(size.settings.items), ...cells(get("plan")), ...cells(get("apply")), again ? seconds(again.wallMs) : "—", again ? `${again.peakRssMb} MB` : "—"]
      })
    ))
    for (const size of sizes) for (const note of size.skipped) say(`${size.settings.invoices}: ${note}`)
    const growth = sizes.map((size) => {
      const phase = size.phases.find((candidate) => candidate.phase === "plan")!
      return `${size.settings.invoices}: ${round(phase.peakRssMb - baseline.peakRssMb, 1)} MB over baseline (${round(((phase.peakRssMb - baseline.peakRssMb) * 1024) / size.settings.invoices, 1)} KB per invoice)`
    })
    say(`plan memory above the process baseline: ${growth.join("; ")}`)
  }
  process.stdout.write(`${lines.join("\n")}\n`)

  const results = {
    ranAt: new Date().toISOString(),
    machine,
    settings,
    baselineRssMb: baseline.peakRssMb,
    runs: sizes
  }
  await mkdir(dirname(out), { recursive: true })
  const temp = `${out}.${process.pid}.tmp`
  await writeFile(temp, `${JSON.stringify(results, null, 2)}\n`)
  await rename(temp, out)
  process.stderr.write(`\nresults written to ${out}\n`)
}

await main()
