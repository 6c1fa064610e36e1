/**
 * apply against both simulators over loopback HTTP: convergence, idempotency, crash and
 * fault recovery, dependency skips, journal hygiene.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import type { Config } from "../../src/config/types.ts"
import type { ActionType } from "../../src/domain/plan.ts"
import type { JournalEntry } from "../../src/reconcile/journal.ts"
import { ownerOf } from "../../src/reconcile/marker.ts"
import type { Sandbox } from "../../src/sandbox/sandbox.ts"
import { billingCode, billingItem, company, config, invoice } from "../support/fixtures.ts"
import { mixedDataset } from "../support/datasets.ts"
import { layersForSandbox } from "../../src/cli/connect.ts"
import { QboWriter } from "../../src/qbo/QboClient.ts"
import { applyIn, daysAgo, FAST_RETRY, planAndApply, planIn, withSandbox, writeDataset } from "../support/sandbox.ts"

const cfg: Config = config({ sync: { timeZone: "UTC", voids: { sync: true, lookbackDays: 14 } } })
const counts = (actions: ReadonlyArray<{ readonly type: ActionType }>) => {
  const result: Partial<Record<ActionType, number>> = {}
  for (const action of actions) result[action.type] = (result[action.type] ?? 0) + 1
  return result
}

/** Every eligible Autotask invoice has exactly one QBO document of ours with its total. */
const assertConverged = (sandbox: Sandbox) => {
  const realm = sandbox.qbo.store(sandbox.realmId)
  const owners = new Map<number, Array<Record<string, unknown>>>()
  for (const entity of ["Invoice", "CreditMemo"] as const) {
    for (const doc of realm.list(entity)) {
      const owner = ownerOf(doc.PrivateNote as string | undefined)
      if (owner !== undefined) owners.set(owner, [...(owners.get(owner) ?? []), doc])
    }
  }
  for (const [id, docs] of owners) assert.strictEqual(docs.length, 1, `Autotask invoice ${id} has ${docs.length} QBO documents`)
  for (const id of [100, 101, 103, 105]) {
    const doc = owners.get(id)?.[0]
    assert.isDefined(doc, `Autotask invoice ${id} has no QBO document`)
    const autotask = sandbox.autotask.store.get("Invoices", id)!
    assert.strictEqual(Number(doc!.TotalAmt).toFixed(2), Number(autotask.invoiceTotal).toFixed(2))
    assert.strictEqual(autotask.invoiceNumber, doc!.DocNumber, `write-back of ${id}`)
  }
  assert.isUndefined(owners.get(102), "no document for the rejected negative invoice")
  const names = realm.list("Customer").map((customer) => String(customer.DisplayName).toLowerCase())
  assert.strictEqual(new Set(names).size, names.length, "no duplicate customers")
}

describe("apply (integration)", () => {
  it.live("converges a mixed dataset, after which the plan is empty and a second apply writes nothing", () =>
    Effect.scoped(Effect.gen(function*() {
      const sandbox = yield* withSandbox({ dataDir: yield* Effect.promise(mixedDataset) })
      const journal: Array<JournalEntry> = []
      const first = yield* planAndApply(sandbox, cfg, journal)
      assert.deepStrictEqual(counts(first.plan.actions), {
        "item.create": 1,
        "customer.create": 2,
        "invoice.create": 3,
        "invoice.void": 1,
        "autotask.writeback": 4,
        "invoice.reject": 1
      })
      assert.deepStrictEqual(first.report.counts, { applied: 11, adopted: 0, failed: 0, skipped: 0, rejected: 1 })
      assertConverged(sandbox)
      const voided = sandbox.qbo.store(sandbox.realmId).get("Invoice", "901")!
      assert.strictEqual(Number(voided.data.TotalAmt), 0)

      const second = yield* planIn(sandbox, cfg)
      assert.deepStrictEqual(second.actions.map((action) => action.type), ["invoice.reject"])
      const writesBefore = sandbox.qbo.writeCount() + sandbox.autotask.writeCount()
      const report = yield* applyIn(sandbox, second)
      assert.strictEqual(sandbox.qbo.writeCount() + sandbox.autotask.writeCount(), writesBefore)
      assert.deepStrictEqual(report.counts, { applied: 0, adopted: 0, failed: 0, skipped: 0, rejected: 1 })
      assert.strictEqual(second.checksum, (yield* planIn(sandbox, cfg)).checksum, "same world, same checksum")

      const actions = journal.filter((entry) => entry.event === "action")
      assert.strictEqual(actions.length, 12)
      assert.isTrue(actions.every((entry) => entry.runId === "test" && typeof entry.status === "string"))
      const text = JSON.stringify(journal)
      assert.notInclude(text, sandbox.autotask.credentials.secret)
      assert.notInclude(text, sandbox.autotask.credentials.integrationCode)
    })))

  it.live("never duplicates when QBO commits a batch but the response is lost", () =>
    Effect.scoped(Effect.gen(function*() {
      const sandbox = yield* withSandbox({ dataDir: yield* Effect.promise(mixedDataset) })
      sandbox.qbo.injectFault({ kind: "loseResponse", times: 2, match: { path: "/batch" } })
      const { report } = yield* planAndApply(sandbox, cfg)
      assert.strictEqual(report.counts.failed, 0, JSON.stringify(report.outcomes.filter((outcome) => outcome.status === "failed")))
      // The items-and-customers batch is sent again with its requestid (replayed); the document
      // batch is re-checked first, and what it created is adopted.
      assert.isAtLeast(sandbox.qbo.requests.filter((entry) => entry.outcome === "replayed").length, 1)
      assert.isAtLeast(report.counts.adopted, 1)
      assertConverged(sandbox)
    })))

  it.live("resolves a lost answer by reading QBO, not by requestid replay: with QBO remembering nothing, still no duplicate", () =>
    Effect.scoped(Effect.gen(function*() {
      const sandbox = yield* withSandbox({ dataDir: yield* Effect.promise(mixedDataset) })
      sandbox.qbo.setOptions({ requestIdRetentionSeconds: 0 })
      const plan = yield* planIn(sandbox, cfg)
      // The document batch commits, and its answer is lost (twice: the re-send is re-checked too).
      sandbox.qbo.injectFault({ kind: "loseResponse", times: 2, match: { path: "/batch" } })
      const report = yield* applyIn(sandbox, plan)
      assert.strictEqual(report.counts.failed, 0, JSON.stringify(report.outcomes.filter((outcome) => outcome.status === "failed")))
      assert.strictEqual(sandbox.qbo.requests.filter((entry) => entry.outcome === "replayed").length, 0, "nothing was replayed")
      assert.isAbove(report.counts.adopted, 0, "the lost batch's documents were found and adopted")
      assertConverged(sandbox)
    })))

  it.live("a customers-and-items batch answered with cut-short JSON, then a non-JSON page, is sent again and never duplicates", () =>
    Effect.scoped(Effect.gen(function*() {
      const sandbox = yield* withSandbox({ dataDir: yield* Effect.promise(mixedDataset) })
      sandbox.qbo.setOptions({ requestIdRetentionSeconds: 0 })
      const plan = yield* planIn(sandbox, cfg)
      sandbox.qbo.injectFault({ kind: "truncateBody", match: { path: "/batch" } })
      sandbox.qbo.injectFault({ kind: "garbleBody", match: { path: "/batch" } })
      const report = yield* applyIn(sandbox, plan)
      const batches = sandbox.qbo.requests.filter((entry) => entry.key.includes("/batch")).map((entry) => entry.outcome)
      assert.deepStrictEqual(batches.slice(0, 3), ["truncated", "garbled", "ok"], "the first batch, sent three times")
      // QBO refuses a second customer or item of one name (6240): the re-sends adopt them.
      assert.strictEqual(report.outcomes.find((outcome) => outcome.address === "customer:Globex Industrial")?.status, "adopted")
      assert.strictEqual(report.counts.failed, 0, JSON.stringify(report.outcomes.filter((outcome) => outcome.status === "failed")))
      const names = sandbox.qbo.store(sandbox.realmId).list("Customer").map((customer) => String(customer.DisplayName))
      assert.strictEqual(names.length, new Set(names).size, "no duplicate customer")
      assertConverged(sandbox)
    })))

  it.live("a document batch carried out but answered with a non-JSON page is re-checked, not sent again", () =>
    Effect.scoped(Effect.gen(function*() {
      // Invoices of an existing customer and item only: the first batch is the documents'.
      const dataDir = yield* Effect.promise(() =>
        writeDataset({
          autotask: {
            Invoices: [invoice(100, 1, 150, { invoiceDateTime: `${daysAgo(2)}T00:00:00` }), invoice(101, 1, 75, { invoiceDateTime: `${daysAgo(1)}T00:00:00` })],
            BillingItems: [billingItem(1, 100, 10, 2, 75), billingItem(2, 101, 10, 1, 75)].map((item) => ({ ...item, itemDate: `${daysAgo(2)}T00:00:00` })),
            BillingCodes: [billingCode(10, "Managed Services")],
            Companies: [company(1, "Acme Corp")],
            PaymentTerms: []
          },
          qbo: {
            Item: [{ Id: "5", SyncToken: "0", Name: "Managed Services", Type: "Service", Active: true, IncomeAccountRef: { value: "1" } }],
            Customer: [{ Id: "7", SyncToken: "0", DisplayName: "Acme Corp", Active: true }]
          }
        })
      )
      const sandbox = yield* withSandbox({ dataDir })
      sandbox.qbo.setOptions({ requestIdRetentionSeconds: 0 })
      const plan = yield* planIn(sandbox, cfg)
      sandbox.qbo.injectFault({ kind: "garbleBody", match: { path: "/batch" } })
      const report = yield* applyIn(sandbox, plan)
      assert.deepStrictEqual(sandbox.qbo.requests.filter((entry) => entry.key.includes("/batch")).map((entry) => entry.outcome), ["garbled"], "not sent again")
      assert.deepStrictEqual(report.outcomes.filter((outcome) => outcome.address.startsWith("invoice:")).map((outcome) => outcome.status), ["adopted", "adopted"])
      const docs = sandbox.qbo.store(sandbox.realmId).list("Invoice").map((doc) => ownerOf(doc.PrivateNote as string | undefined))
      assert.sameMembers(docs, [100, 101], "one document each")
    })))

  it.live("adopts a document another writer created after the plan (the last-moment re-check)", () =>
    Effect.scoped(Effect.gen(function*() {
      const sandbox = yield* withSandbox({ dataDir: yield* Effect.promise(mixedDataset) })
      const plan = yield* planIn(sandbox, cfg)
      const create = plan.actions.find((action) => action.address === "invoice:100")!
      const other = yield* Effect.gen(function*() {
        const writer = yield* QboWriter
        return yield* writer.create<{ Id: string }>("Invoice", create.payload as Record<string, unknown>, "another-writer-1")
      }).pipe(Effect.provide(layersForSandbox(sandbox, true, FAST_RETRY)))
      const queriesBefore = sandbox.qbo.requests.filter((entry) => entry.key.startsWith("POST /query Invoice")).length
      const report = yield* applyIn(sandbox, plan)
      const outcome = report.outcomes.find((entry) => entry.address === "invoice:100")!
      assert.strictEqual(outcome.status, "adopted")
      assert.strictEqual(outcome.qboId, other.Id)
      assert.strictEqual(report.outcomes.find((entry) => entry.address === "writeback:100")!.status, "applied", "written back with the adopted document's number")
      assert.strictEqual(sandbox.qbo.requests.filter((entry) => entry.key.startsWith("POST /query Invoice")).length - queriesBefore, 1, "one query for the one document batch")
      assertConverged(sandbox)
    })))

  it.live("finishes write-backs on the next run when Autotask failed them, without touching QBO again", () =>
    Effect.scoped(Effect.gen(function*() {
      const sandbox = yield* withSandbox({ dataDir: yield* Effect.promise(mixedDataset) })
      sandbox.autotask.setOptions({ faults: { noopWriteRate: 1 } })
      const first = yield* planAndApply(sandbox, cfg)
      assert.strictEqual(first.report.counts.failed, 4, "every write-back is detected as not applied")
      assert.match(first.report.outcomes.find((outcome) => outcome.status === "failed")!.message, /did not|not applied|ignored/i)

      sandbox.autotask.setOptions({ faults: { noopWriteRate: 0 } })
      const second = yield* planIn(sandbox, cfg)
      assert.deepStrictEqual(counts(second.actions), { "autotask.writeback": 4, "invoice.reject": 1 })
      const qboWrites = sandbox.qbo.writeCount()
      const report = yield* applyIn(sandbox, second)
      assert.strictEqual(report.counts.failed, 0)
      assert.strictEqual(sandbox.qbo.writeCount(), qboWrites, "the repair run writes only to Autotask")
      assertConverged(sandbox)
    })))

  it.live("skips actions whose dependency failed and carries on with independent ones", () =>
    Effect.scoped(Effect.gen(function*() {
      const sandbox = yield* withSandbox({ dataDir: yield* Effect.promise(mixedDataset) })
      // The first batch (items and customers) fails on every retry; documents come next.
      sandbox.qbo.injectFault({ kind: "http500", times: 8, match: { path: "/batch" } })
      const { report } = yield* planAndApply(sandbox, cfg)
      const status = (address: string) => report.outcomes.find((outcome) => outcome.address === address)?.status
      assert.strictEqual(status("customer:Globex Industrial"), "failed")
      assert.strictEqual(status("item:Backup Monitoring"), "failed")
      assert.strictEqual(status("invoice:101"), "skipped")
      assert.strictEqual(status("writeback:101"), "skipped")
      assert.strictEqual(status("invoice:100"), "applied", "an invoice for an existing customer and item does not wait")
      assert.strictEqual(status("writeback:100"), "applied")
      assert.match(report.outcomes.find((outcome) => outcome.address === "invoice:101")!.message, /skipped because (customer|item):.* did not succeed/)

      const { report: next } = yield* planAndApply(sandbox, cfg)
      assert.strictEqual(next.counts.failed, 0)
      assertConverged(sandbox)
    })))

  it.live("re-submits batch items that fail with QBO's transient error and converges", () =>
    Effect.scoped(Effect.gen(function*() {
      const sandbox = yield* withSandbox({ dataDir: yield* Effect.promise(mixedDataset) })
      sandbox.qbo.setOptions({ faults: { seed: 7, transientErrorRate: 0.3 } })
      const { report } = yield* planAndApply(sandbox, cfg)
      assert.strictEqual(report.counts.failed, 0, JSON.stringify(report.outcomes.filter((outcome) => outcome.status === "failed")))
      sandbox.qbo.setOptions({ faults: { transientErrorRate: 0 } })
      const batches = Object.entries(sandbox.qbo.counts()).filter(([key]) => key.includes("batch")).reduce((sum, [, n]) => sum + n, 0)
      assert.isAbove(batches, 2, "some items were re-submitted in a further batch")
      assertConverged(sandbox)
      assert.deepStrictEqual((yield* planIn(sandbox, cfg)).actions.map((action) => action.type), ["invoice.reject"])
    })))

  it.live("adopts a customer someone created after the plan (6240) instead of failing or duplicating", () =>
    Effect.scoped(Effect.gen(function*() {
      const sandbox = yield* withSandbox({ dataDir: yield* Effect.promise(mixedDataset) })
      const plan = yield* planIn(sandbox, cfg)
      assert.isTrue(plan.actions.some((action) => action.address === "customer:Globex Industrial"))
      const created = yield* Effect.gen(function*() {
        const writer = yield* QboWriter
        return yield* writer.create<{ Id: string }>("Customer", { DisplayName: "Globex Industrial" }, "someone-else-1")
      }).pipe(Effect.provide(layersForSandbox(sandbox, true, FAST_RETRY)))
      const report = yield* applyIn(sandbox, plan)
      const outcome = report.outcomes.find((entry) => entry.address === "customer:Globex Industrial")!
      assert.strictEqual(outcome.status, "adopted")
      assert.strictEqual(outcome.qboId, created.Id)
      assert.strictEqual(report.counts.failed, 0)
      const invoice = sandbox.qbo.store(sandbox.realmId).list("Invoice").find((doc) => ownerOf(doc.PrivateNote as string) === 101)!
      assert.strictEqual((invoice.CustomerRef as { value: string }).value, created.Id)
      assertConverged(sandbox)
    })))

  it.live("leaves Autotask's shared hourly budget alone: write-backs wait for the next run", () =>
    Effect.scoped(Effect.gen(function*() {
      const sandbox = yield* withSandbox({ dataDir: yield* Effect.promise(mixedDataset), autotask: { limits: { hourlyThreshold: 12 } } })
      const { report } = yield* planAndApply(sandbox, cfg)
      const writeBacks = report.outcomes.filter((outcome) => outcome.type === "autotask.writeback")
      assert.strictEqual(writeBacks.length, 4)
      for (const outcome of writeBacks) {
        assert.strictEqual(outcome.status, "skipped")
        assert.match(outcome.message, /Autotask's hourly request budget is at \d+ of 12 and 4 write-backs need about 5 more/)
      }
      assert.strictEqual(sandbox.autotask.writeCount(), 0)
      assert.strictEqual(report.counts.failed, 0)
    })))
})
