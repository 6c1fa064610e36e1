/**
 * The apply lease against the QBO simulator over loopback HTTP, in-process: one holder at a
 * time (the race is decided by QBO's 5010), a second apply refused with the holder named,
 * release, expiry by QBO's clock, --force-unlock, a lost lease refusing every later write,
 * a lost heartbeat response, and the lookup when QBO does not filter on Note.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { Effect, Exit, Layer, Scope } from "effect"
import { QboWriter } from "../../src/qbo/QboClient.ts"
import { forceUnlock, holdLease, type LeaseOptions } from "../../src/reconcile/lease.ts"
import { guardQboWriter } from "../../src/reconcile/leases.ts"
import { formatLeaseNote, judgeLease, parseLeaseNote } from "../../src/reconcile/leaseNote.ts"
import type { QboSimulator } from "../../src/sandbox/qbo/index.ts"
import { clientLayer, REALM, startSim } from "../qbo/helpers.ts"

const options = (runId: string, extra: Partial<LeaseOptions> = {}): LeaseOptions => ({
  label: "QBO company test",
  holder: { host: `host-${runId}`, pid: 42, runId },
  expirySeconds: 300,
  waitSeconds: 0,
  onWait: () => Effect.void,
  ...extra
})

/** The lease notes in the simulator, as their states. */
const notes = (sim: QboSimulator) =>
  sim.store(REALM).list("Attachable").map((row) => ({ id: String(row.Id), state: parseLeaseNote(row.Note) }))

/** Holds a lease in its own scope, so a test can release it (or not) when it likes. */
const holdIn = (sim: QboSimulator, runId: string, extra: Partial<LeaseOptions> = {}) =>
  Effect.gen(function*() {
    const scope = yield* Scope.make()
    const clients = yield* Layer.build(clientLayer(sim)).pipe(Scope.provide(scope))
    const lease = yield* holdLease(options(runId, extra)).pipe(Effect.provideContext(clients), Scope.provide(scope))
    return { lease, release: Scope.close(scope, Exit.void) }
  })

describe("apply lease (QBO simulator)", () => {
  let sim: QboSimulator
  beforeAll(async () => {
    sim = await startSim()
  })
  afterAll(() => sim.close())

  it.live("lets one apply hold it; the next is refused naming the holder, and gets it once released", () =>
    Effect.gen(function*() {
      const first = yield* holdIn(sim, "run-a")
      const refused = yield* holdIn(sim, "run-b").pipe(Effect.flip)
      assert.strictEqual(refused._tag, "LeaseHeld")
      assert.include(refused.message, `lease ${first.lease.leaseId} held by run run-a on host host-run-a (pid 42) since `)
      assert.include(refused.message, `atqbo apply --force-unlock ${first.lease.leaseId}`)
      yield* first.release
      assert.deepStrictEqual(notes(sim).map((note) => note.state?.held), [false], "one note, free again")
      const second = yield* holdIn(sim, "run-b")
      assert.strictEqual(notes(sim).length, 1, "the note is reused, not created again")
      yield* second.release
    }))

  it.live("decides a race through QBO's SyncToken: of two applies taking it at once, one wins", () =>
    Effect.gen(function*() {
      const before = sim.requests.length
      const results = yield* Effect.all([holdIn(sim, "race-1"), holdIn(sim, "race-2")].map(Effect.result), { concurrency: 2 })
      const winners = results.filter((result) => result._tag === "Success")
      assert.strictEqual(winners.length, 1)
      assert.strictEqual(results.find((result) => result._tag === "Failure")!.failure._tag, "LeaseHeld")
      const stale = sim.requests.slice(before).filter((entry) => entry.status === 400 && entry.key.includes("/attachable"))
      assert.isAtMost(stale.length, 1, "at most one 5010, to the loser")
      yield* (winners[0] as { success: { release: Effect.Effect<void> } }).success.release
    }))

  it.live("is taken over when its holder fell silent for its expiry on QBO's clock", () =>
    Effect.gen(function*() {
      // A holder that died: its note says held, and nobody heartbeats.
      const dead = yield* holdIn(sim, "dead", { expirySeconds: 60 })
      const refused = yield* holdIn(sim, "next").pipe(Effect.flip)
      assert.strictEqual(refused._tag, "LeaseHeld")
      sim.advanceTime(61_000)
      const next = yield* holdIn(sim, "next")
      assert.include(next.lease.tookOver ?? "", `lease ${dead.lease.leaseId} held by run dead`)
      // The old holder's heartbeat now finds the lease taken, and it refuses to write.
      yield* dead.lease.renew
      const lost = yield* dead.lease.check.pipe(Effect.flip)
      assert.include(lost.message, "its lease was taken over: lease")
      yield* next.release
      yield* dead.release
      assert.strictEqual(notes(sim)[0]!.state?.held, false, "the old holder's release leaves the new holder's release alone")
    }))

  it.live("--force-unlock breaks it by id; the holder's late write is refused and never reaches QBO", () =>
    Effect.gen(function*() {
      const holder = yield* holdIn(sim, "stale")
      const wrongId = yield* forceUnlock("not-the-id", "QBO company test", { host: "ops", pid: 1, runId: "ops" }).pipe(Effect.provide(clientLayer(sim)), Effect.flip)
      assert.include(wrongId.message, `is lease ${holder.lease.leaseId}`)
      const broken = yield* forceUnlock(holder.lease.leaseId, "QBO company test", { host: "ops", pid: 1, runId: "ops" }).pipe(Effect.provide(clientLayer(sim)))
      assert.include(broken, "held by run stale")
      yield* holder.lease.renew
      const writes = sim.writeCount()
      const guarded = Effect.gen(function*() {
        const writer = guardQboWriter(yield* QboWriter, holder.lease.check)
        return yield* writer.create("Customer", { DisplayName: "Late Write Inc" }, "late-write-1")
      }).pipe(Effect.provide(clientLayer(sim)), Effect.flip)
      const refused = yield* guarded
      assert.strictEqual(refused._tag, "QboError")
      assert.strictEqual((refused as { kind?: string }).kind, "lease-lost")
      assert.include(refused.message, "its lease was broken")
      assert.strictEqual(sim.writeCount(), writes, "nothing was sent")
      yield* holder.release
    }))

  it.live("keeps the lease when a heartbeat's answer is lost and QBO does not replay it (5010 on its own write)", () =>
    Effect.gen(function*() {
      sim.setOptions({ requestIdRetentionSeconds: 0 })
      const holder = yield* holdIn(sim, "lossy")
      sim.injectFault({ kind: "loseResponse", match: { path: "/attachable" } })
      yield* holder.lease.renew
      yield* holder.lease.check
      const state = notes(sim)[0]!.state
      assert.isTrue(state?.held === true && state.leaseId === holder.lease.leaseId && state.beat === 1)
      yield* holder.release
      sim.setOptions({ requestIdRetentionSeconds: null })
    }))

  it.live("takes the lease when its own take's answer is lost and QBO does not replay it, instead of waiting for itself", () =>
    Effect.gen(function*() {
      sim.setOptions({ requestIdRetentionSeconds: 0 })
      sim.injectFault({ kind: "loseResponse", match: { path: "/attachable" } })
      const holder = yield* holdIn(sim, "lost-take", { waitSeconds: 5 })
      const state = notes(sim)[0]!.state
      assert.isTrue(state?.held === true && state.leaseId === holder.lease.leaseId && state.beat === 0)
      assert.isUndefined(holder.lease.tookOver)
      yield* holder.release
      sim.setOptions({ requestIdRetentionSeconds: null })
    }))

  it.live("finds its note by reading every Attachable when QBO does not filter on Note", () =>
    Effect.gen(function*() {
      sim.setOptions({ attachableNoteQueryable: false })
      const holder = yield* holdIn(sim, "scan")
      assert.strictEqual(notes(sim).length, 1)
      assert.strictEqual(notes(sim)[0]!.state?.held, true)
      yield* holder.release
      sim.setOptions({ attachableNoteQueryable: true })
    }))
})

describe("lease notes (pure)", () => {
  const held = { held: true as const, leaseId: "L1", holder: { host: "h", pid: 1, runId: "r" }, acquiredAt: "2026-01-01T00:00:00Z", heartbeatAt: "2026-01-01T00:00:00Z", beat: 3, expirySeconds: 60 }

  it("round-trips through the note text, which people can read", () => {
    const text = formatLeaseNote(held)
    assert.match(text, /^\[atqbo:lease\] atqbo apply is writing to this company: run r on host h \(pid 1\) since 2026-01-01T00:00:00Z\./)
    assert.deepStrictEqual(parseLeaseNote(text), held)
    assert.isUndefined(parseLeaseNote("someone's receipt"))
    assert.isUndefined(parseLeaseNote("[atqbo:lease] edited by hand {"))
  })

  it("expires on the holder's expiry, measured between QBO's own times", () => {
    assert.strictEqual(judgeLease(held, 0, 59_999).kind, "held")
    assert.strictEqual(judgeLease(held, 0, 60_000).kind, "expired")
    assert.strictEqual(judgeLease({ held: false }, 0, 0).kind, "free")
    assert.strictEqual(judgeLease(undefined, 0, 0).kind, "free", "an unreadable note may be rewritten")
  })
})

