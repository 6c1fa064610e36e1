/**
 * Two `atqbo apply` processes against one company (SPEC §6: one writer at a time). The overlap
 * is made deterministic, not timed: the first apply is frozen (SIGSTOP) or killed (SIGKILL) at a
 * point read from the simulator's state — the lease just taken, or its first document created —
 * and the second starts then. Processes run one after another, never as a swarm.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Layer, Scope } from "effect"
import { layersForSandbox } from "../../src/cli/connect.ts"
import { holdLease } from "../../src/reconcile/lease.ts"
import { parseLeaseNote } from "../../src/reconcile/leaseNote.ts"
import { ownerOf } from "../../src/reconcile/marker.ts"
import type { Sandbox } from "../../src/sandbox/sandbox.ts"
import { runCli, sandboxEnv, startCli, until as untilHolds, writeConfig } from "../support/cli.ts"
import { mixedDataset } from "../support/datasets.ts"
import { FAST_RETRY, withSandbox } from "../support/sandbox.ts"

/** QBO documents atqbo created, per Autotask invoice. */
const documentsPerInvoice = (sandbox: Sandbox): Map<number, number> => {
  const realm = sandbox.qbo.store(sandbox.realmId)
  const counts = new Map<number, number>()
  for (const entity of ["Invoice", "CreditMemo"] as const) {
    for (const doc of realm.list(entity)) {
      const owner = ownerOf(doc.PrivateNote as string | undefined)
      if (owner !== undefined) counts.set(owner, (counts.get(owner) ?? 0) + 1)
    }
  }
  return counts
}

const assertOneEach = (sandbox: Sandbox) => {
  const counts = documentsPerInvoice(sandbox)
  assert.deepStrictEqual([...counts.keys()].sort(), [100, 101, 103, 104, 105])
  for (const [id, count] of counts) assert.strictEqual(count, 1, `Autotask invoice ${id} has ${count} QBO documents`)
}

const leaseState = (sandbox: Sandbox) => parseLeaseNote(sandbox.qbo.store(sandbox.realmId).list("Attachable")[0]?.Note)
const hasOurDocument = (sandbox: Sandbox) => [...documentsPerInvoice(sandbox).keys()].some((id) => id === 100 || id === 101 || id === 105)

/** Resolves once `condition` holds; the test's own timeout bounds it. */
const until = (condition: () => boolean) => Effect.promise(() => untilHolds(condition))

const setup = (leaseYaml: string) =>
  Effect.gen(function*() {
    const sandbox = yield* withSandbox({ dataDir: yield* Effect.promise(mixedDataset) })
    // Each QBO answer takes 40 ms, so an apply holds the lease for a good while.
    sandbox.qbo.setOptions({ faults: { latencyMs: 40 } })
    const { dir } = yield* Effect.promise(() => writeConfig(sandbox.realmId, { sync: "  voids:\n    sync: true", top: leaseYaml }))
    const env = sandboxEnv(sandbox)
    const apply = (...extra: ReadonlyArray<string>) => startCli(["apply", "--auto-approve", "--config", dir, ...extra], { env })
    return { sandbox, dir, env, apply }
  })

describe("two applies against one QBO company", () => {
  it.live("the second waits while the first holds the lease (frozen right after taking it), then finds nothing left to do", () =>
    Effect.scoped(Effect.gen(function*() {
      const { sandbox, apply } = yield* setup("lease:\n  waitSeconds: 120")
      const first = apply()
      yield* until(() => leaseState(sandbox)?.held === true)
      first.child.kill("SIGSTOP")
      const second = apply()
      yield* until(() => second.stderr().includes("waiting up to"))
      assert.include(second.stderr(), "lease ")
      assert.include(second.stderr(), "held by run ")
      first.child.kill("SIGCONT")
      const [a, b] = yield* Effect.promise(() => Promise.all([first.done, second.done]))
      assert.strictEqual(a.code, 0, a.stderr)
      assert.strictEqual(b.code, 0, b.stderr)
      // Only the rejected invoice is left: nothing to write, the rejection recorded (issue 16 item 12).
      assert.include(b.stdout, "Nothing to write; recording the rejected invoices.", "the second planned after the first finished")
      assert.match(b.stdout, /Apply: 0 applied, 0 adopted, 0 failed, 0 skipped, 1 rejected\./)
      assertOneEach(sandbox)
      assert.strictEqual(leaseState(sandbox)?.held, false, "released")
    })), 120_000)

  it.live("a killed holder (after its first document) blocks the next apply, which names it; once expired, a third takes over and converges", () =>
    Effect.scoped(Effect.gen(function*() {
      const { sandbox, apply } = yield* setup("")
      const first = apply()
      yield* until(() => hasOurDocument(sandbox))
      first.child.kill("SIGKILL")
      yield* Effect.promise(() => first.done)
      const held = leaseState(sandbox)
      assert.isTrue(held?.held)
      const leaseId = held?.held ? held.leaseId : ""

      const second = yield* Effect.promise(() => apply().done)
      assert.strictEqual(second.code, 1)
      assert.include(second.stderr, `another atqbo apply is writing to QBO company ${sandbox.realmId}: lease ${leaseId} held by run `)
      assert.match(second.stderr, / since \d{4}-\d{2}-\d{2}T/)
      assert.include(second.stderr, `atqbo apply --force-unlock ${leaseId}`)

      // Nobody heartbeats: after the expiry on QBO's clock the lease is taken over.
      sandbox.qbo.advanceTime(301_000)
      const third = yield* Effect.promise(() => apply().done)
      assert.strictEqual(third.code, 0, third.stderr)
      assert.include(third.stderr, `warning: took over the expired lease ${leaseId}`)
      assertOneEach(sandbox)
    })), 120_000)

  it.live("--force-unlock breaks a lease by its id; the holder's next write is refused", () =>
    Effect.scoped(Effect.gen(function*() {
      const { sandbox, dir, env } = yield* setup("")
      const scope = yield* Scope.make()
      const clients = yield* Layer.build(layersForSandbox(sandbox, true, FAST_RETRY)).pipe(Scope.provide(scope))
      const holder = yield* holdLease({
        label: "the test",
        holder: { host: "elsewhere", pid: 1, runId: "holder" },
        expirySeconds: 300,
        waitSeconds: 0,
        onWait: () => Effect.void
      }).pipe(Effect.provideContext(clients), Scope.provide(scope))

      const wrong = yield* Effect.promise(() => runCli(["apply", "--config", dir, "--force-unlock", "no-such-lease"], { env }))
      assert.strictEqual(wrong.code, 1)
      assert.include(wrong.stderr, `no lease no-such-lease to unlock: the lease of QBO company ${sandbox.realmId} is lease ${holder.leaseId} held by run holder`)

      const broke = yield* Effect.promise(() => runCli(["apply", "--config", dir, "--force-unlock", holder.leaseId], { env }))
      assert.strictEqual(broke.code, 0, broke.stderr)
      assert.include(broke.stdout, `Broke the lease ${holder.leaseId} held by run holder on host elsewhere`)
      assert.strictEqual(leaseState(sandbox)?.held, false)
      assert.strictEqual(documentsPerInvoice(sandbox).get(100), undefined, "--force-unlock applies nothing")

      yield* holder.renew
      const lost = yield* holder.check.pipe(Effect.flip)
      assert.include(lost.message, "its lease was broken")
      yield* Scope.close(scope, Exit.void)
    })), 60_000)
})
