/**
 * One bench phase in a fresh process, so its peak RSS is its own: `plan` (observe + plan, read
 * only) or `apply` (plan, then apply with an in-memory journal), in-process through the same
 * client layers the CLI's `--sandbox` uses (`layersForSandbox`), against simulators the parent
 * runs. Input: the BENCH_PHASE environment variable (JSON); output: one JSON line on stdout.
 */
import { Effect, Layer } from "effect"
import { layersForSandbox, sandboxConfig } from "../src/cli/connect.ts"
import { VERSION } from "../src/cli/version.ts"
import { loadConfig } from "../src/config/index.ts"
import type { Plan } from "../src/domain/plan.ts"
import { applyPlan } from "../src/reconcile/apply.ts"
import { Journal, type JournalEntry } from "../src/reconcile/journal.ts"
import { makePlan } from "../src/reconcile/makePlan.ts"
import { Progress } from "../src/reconcile/progress.ts"
import type { Sandbox } from "../src/sandbox/sandbox.ts"

export interface PhaseInput {
  readonly phase: "baseline" | "plan" | "apply"
  readonly configDir: string
  readonly realmId: string
  readonly autotask: { readonly discoveryUrl: string; readonly username: string; readonly secret: string; readonly integrationCode: string }
  readonly qbo: { readonly baseUrl: string; readonly accessToken: string }
}

export interface PhaseOutput {
  readonly phase: PhaseInput["phase"]
  /** Peak RSS of this process (MB): after loading the modules, and at the end. */
  readonly rssAfterImportMb: number
  readonly peakRssMb: number
  /** Largest V8 heap in use seen (sampled every 10 ms), MB. */
  readonly peakHeapMb: number
  /** Progress steps of the plan (observe stages, then "Planning"), ms from the start of the phase. */
  readonly steps: ReadonlyArray<{ readonly atMs: number; readonly step: string }>
  readonly planMs: number
  readonly writeMs: number
  readonly actions: Readonly<Record<string, number>>
  /** Planned actions that write to Autotask (write-backs, paid dates, error markers). */
  readonly autotaskUpdates: number
  readonly outcomes: Readonly<Record<string, number>> | undefined
  readonly failures: ReadonlyArray<string>
  /** Apply only: when each action type's outcomes were recorded, in ms from the start of the writes. */
  readonly timeline: Readonly<Record<string, { readonly count: number; readonly firstMs: number; readonly lastMs: number }>>
}

const mb = (kilobytes: number) => Math.round(kilobytes / 102.4) / 10

const input = JSON.parse(process.env.BENCH_PHASE ?? "null") as PhaseInput | null
if (input === null) throw new Error("BENCH_PHASE is not set; this script is started by bench/bench.ts")

// Only what layersForSandbox reads from a running sandbox: the simulators live in the parent.
const remote = {
  realmId: input.realmId,
  autotask: {
    discoveryUrl: input.autotask.discoveryUrl,
    credentials: { username: input.autotask.username, secret: input.autotask.secret, integrationCode: input.autotask.integrationCode }
  },
  qbo: { baseUrl: input.qbo.baseUrl, issueAccessToken: () => input.qbo.accessToken }
} as unknown as Sandbox

const rssAfterImportMb = mb(process.resourceUsage().maxRSS)
let peakHeap = 0
const sampler = setInterval(() => {
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)
}, 10)
const phaseStarted = performance.now()
const steps: Array<{ atMs: number; step: string }> = []
const recordSteps = Layer.succeed(Progress, {
  step: (message: string) =>
    Effect.sync(() => {
      steps.push({ atMs: Math.round(performance.now() - phaseStarted), step: message.replace(/\d+/g, "N") })
    }),
  status: () => Effect.void,
  done: Effect.void
})
const program = Effect.gen(function*() {
  const config = sandboxConfig(yield* loadConfig(input.configDir), remote)
  const window = { since: undefined, until: undefined, invoiceIds: undefined }
  if (input.phase === "baseline") return { plan: undefined, report: undefined, planMs: 0, writeMs: 0, journal: [], writesStartedAt: 0 }
  if (input.phase === "plan") {
    const started = performance.now()
    const plan: Plan = yield* makePlan(config, window, VERSION).pipe(Effect.provide(layersForSandbox(remote, false)))
    return { plan, report: undefined, planMs: performance.now() - started, writeMs: 0, journal: [], writesStartedAt: 0 }
  }
  // Like `atqbo apply --auto-approve`: one connection (one zone lookup, one QBO budget) for both.
  const journal: Array<JournalEntry> = []
  return yield* Effect.gen(function*() {
    const started = performance.now()
    const plan: Plan = yield* makePlan(config, window, VERSION)
    const planned = performance.now()
    const writesStartedAt = Date.now()
    const report = yield* applyPlan(plan, { runId: "bench" })
    return { plan, report, planMs: planned - started, writeMs: performance.now() - planned, journal, writesStartedAt }
  }).pipe(Effect.provide(Layer.merge(layersForSandbox(remote, true), Journal.memory("bench", journal))))
})

const result = await Effect.runPromise(program.pipe(Effect.provide(recordSteps)))
clearInterval(sampler)
peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)
const timeline: Record<string, { count: number; firstMs: number; lastMs: number }> = {}
for (const entry of result.journal) {
  if (entry.event !== "action" || typeof entry["type"] !== "string") continue
  const at = Date.parse(entry.at) - result.writesStartedAt
  const current = timeline[entry["type"]]
  timeline[entry["type"]] = current
    ? { count: current.count + 1, firstMs: Math.min(current.firstMs, at), lastMs: Math.max(current.lastMs, at) }
    : { count: 1, firstMs: at, lastMs: at }
}
const output: PhaseOutput = {
  phase: input.phase,
  rssAfterImportMb,
  peakRssMb: mb(process.resourceUsage().maxRSS),
  peakHeapMb: Math.round(peakHeap / 104857.6) / 10,
  steps,
  planMs: Math.round(result.planMs),
  writeMs: Math.round(result.writeMs),
  actions: result.plan?.summary.counts ?? {},
  autotaskUpdates: result.plan?.actions.filter((action) => action.target.system === "autotask").length ?? 0,
  outcomes: result.report?.counts,
  timeline,
  failures: (result.report?.outcomes ?? []).filter((outcome) => outcome.status === "failed").slice(0, 5).map((outcome) => `${outcome.address}: ${outcome.message}`)
}
process.stdout.write(`${JSON.stringify(output)}\n`)
