/**
 * Integration-test support: write a dataset directory (SPEC §7) for today's dates, run the
 * simulators, and plan/apply in-process through the real clients over loopback HTTP.
 */
import { mkdtemp, mkdir, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Layer } from "effect"
import { layersForSandbox, sandboxConfig } from "../../src/cli/connect.ts"
import type { Config } from "../../src/config/types.ts"
import type { Plan } from "../../src/domain/plan.ts"
import { applyPlan } from "../../src/reconcile/apply.ts"
import type { ApplyReport } from "../../src/domain/report.ts"
import { Journal, type JournalEntry } from "../../src/reconcile/journal.ts"
import { makePlan } from "../../src/reconcile/makePlan.ts"
import { type Sandbox, type SandboxOptions, startSandbox } from "../../src/sandbox/sandbox.ts"

export interface DatasetFiles {
  readonly autotask: Readonly<Record<string, ReadonlyArray<object>>>
  readonly qbo?: Readonly<Record<string, ReadonlyArray<object> | object>>
  readonly sandboxYaml?: string
}

export const writeDataset = async (files: DatasetFiles): Promise<string> => {
  const dir = await mkdtemp(join(tmpdir(), "atqbo-ds-"))
  await mkdir(join(dir, "autotask"))
  await mkdir(join(dir, "qbo"))
  for (const [entity, rows] of Object.entries(files.autotask)) await writeFile(join(dir, "autotask", `${entity}.json`), JSON.stringify(rows))
  for (const [entity, rows] of Object.entries(files.qbo ?? {})) await writeFile(join(dir, "qbo", `${entity}.json`), JSON.stringify(rows))
  if (files.sandboxYaml) await writeFile(join(dir, "sandbox.yaml"), files.sandboxYaml)
  return dir
}

/** Today and nearby days as `YYYY-MM-DD` (UTC), for invoice dates inside the window. */
export const daysAgo = (days: number): string => new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10)

/** Fast client retries: tests inject faults and must not wait real minutes. */
export const FAST_RETRY = { retry: { baseDelayMs: 5, maxDelayMs: 50, maxAttempts: 8, throttleWaitMs: 50 } }

export const withSandbox = (options: SandboxOptions) =>
  Effect.acquireRelease(Effect.promise(() => startSandbox(options)), (sandbox) => Effect.promise(() => sandbox.close()))

export const planIn = (sandbox: Sandbox, config: Config, window: { since?: string; until?: string; invoiceIds?: ReadonlyArray<number> } = {}) =>
  makePlan(sandboxConfig(config, sandbox), { since: window.since, until: window.until, invoiceIds: window.invoiceIds }, "test").pipe(
    Effect.provide(layersForSandbox(sandbox, false, FAST_RETRY))
  )

export const applyIn = (sandbox: Sandbox, plan: Plan, journal: Array<JournalEntry> = []) =>
  applyPlan(plan, { runId: "test" }).pipe(
    Effect.provide(Layer.merge(layersForSandbox(sandbox, true, FAST_RETRY), Journal.memory("test", journal)))
  )

/** Plan then apply, like `atqbo apply --auto-approve`. */
export const planAndApply = (sandbox: Sandbox, config: Config, journal: Array<JournalEntry> = []) =>
  Effect.gen(function*() {
    const plan = yield* planIn(sandbox, config)
    const report: ApplyReport = yield* applyIn(sandbox, plan, journal)
    return { plan, report }
  })

/**
 * Writes to the books: every write both simulators saw except to atqbo's lease note (a QBO
 * Attachable every `apply` takes and releases, even one that then writes nothing else).
 */
export const bookWrites = (sandbox: Sandbox): number =>
  sandbox.qbo.writeCount() - sandbox.qbo.requests.filter((entry) => entry.method === "POST" && /^POST \/attachable/i.test(entry.key)).length +
  sandbox.autotask.writeCount()
