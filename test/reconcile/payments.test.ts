import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import type { Config } from "../../src/config/types.ts"
import type { Plan } from "../../src/domain/plan.ts"
import type { QboPayment } from "../../src/qbo/model.ts"
import { QboWriter } from "../../src/qbo/QboClient.ts"
import { layersForSandbox } from "../../src/cli/connect.ts"
import { ownershipMarker } from "../../src/reconcile/marker.ts"
import { buildPlan } from "../../src/reconcile/plan.ts"
import { config, invoice, qboDocument, snapshot, type World } from "../support/fixtures.ts"
import { mixedDataset } from "../support/datasets.ts"
import { applyIn, FAST_RETRY, planAndApply, planIn, withSandbox } from "../support/sandbox.ts"

const meta = { toolVersion: "test", createdAt: "2026-11-26T10:00:00Z" }

// Two synced invoices (write-back done) and their QBO documents.
const synced = (id: number, number: string, extra: Parameters<typeof invoice>[3] = {}) =>
  invoice(id, 1, 100, { invoiceNumber: number, webServiceDate: "2026-11-02T10:00:00Z", ...extra })
const doc = (id: string, owner: number, balance: number, number: string) =>
  qboDocument(id, { DocNumber: number, TotalAmt: 100, Balance: balance, PrivateNote: ownershipMarker(owner) })
const payment = (id: string, date: string, lines: Array<[string, number]>, extra: Partial<QboPayment> = {}): QboPayment => ({
  Id: id,
  SyncToken: "0",
  TxnDate: date,
  TotalAmt: lines.reduce((sum, [, amount]) => sum + amount, 0),
  CustomerRef: { value: "1" },
  Line: lines.map(([invoiceId, amount]) => ({ Amount: amount, LinkedTxn: [{ TxnId: invoiceId, TxnType: "Invoice" }] })),
  ...extra
})

const plan = (world: World, cfg: Config = config()): Plan => buildPlan(snapshot(world), cfg, meta)
const paid = (p: Plan) => p.actions.filter((action) => action.type === "autotask.paid").map((action) => [action.autotaskInvoiceId, (action.payload as { paidDate: string }).paidDate])

describe("payment sync (plan)", () => {
  const world = (extra: { invoices?: World["autotask"]; docs?: Array<ReturnType<typeof doc>>; payments: Array<QboPayment> }): World => ({
    autotask: { invoices: [synced(1, "1001"), synced(2, "1002")], ...extra.invoices },
    qbo: { invoices: extra.docs ?? [doc("11", 1, 0, "1001"), doc("12", 2, 0, "1002")], payments: extra.payments }
  })

  it("sets the paid date from the payment that closed the invoice", () => {
    const p = plan(world({ docs: [doc("11", 1, 0, "1001"), doc("12", 2, 100, "1002")], payments: [payment("50", "2026-11-10", [["11", 40]]), payment("51", "2026-11-14", [["11", 60]])] }))
    assert.deepStrictEqual(paid(p), [[1, "2026-11-14"]])
    const action = p.actions.find((candidate) => candidate.type === "autotask.paid")!
    assert.deepStrictEqual(action.target, { system: "autotask", entity: "Invoices", operation: "update", id: 1 })
    assert.deepStrictEqual(action.before, { paidDate: null })
  })

  it("splits one payment spanning several invoices (what the vendor app gives up on)", () => {
    const p = plan(world({ payments: [payment("52", "2026-11-15", [["11", 100], ["12", 100]])] }))
    assert.deepStrictEqual(paid(p), [[1, "2026-11-15"], [2, "2026-11-15"]])
  })

  it("leaves partly paid invoices alone unless partial payments count as paid", () => {
    const w = world({ docs: [doc("11", 1, 60, "1001"), doc("12", 2, 100, "1002")], payments: [payment("53", "2026-11-16", [["11", 40]])] })
    assert.deepStrictEqual(paid(plan(w)), [])
    assert.deepStrictEqual(paid(plan(w, config({ payments: { partialMarksPaid: true } }))), [[1, "2026-11-16"]])
  })

  it("keeps a paid date set by hand (warning), corrects it on request, and is idempotent", () => {
    const w = (paidDate: string) => world({ invoices: { invoices: [synced(1, "1001", { paidDate: `${paidDate}T00:00:00` })] }, payments: [payment("54", "2026-11-17", [["11", 100]])] })
    const kept = plan(w("2026-11-01"))
    assert.deepStrictEqual(paid(kept), [])
    assert.strictEqual(kept.warnings.find((warning) => warning.code === "paid-date-kept")?.autotaskInvoiceId, 1)
    assert.deepStrictEqual(paid(plan(w("2026-11-01"), config({ payments: { existingPaidDate: "correct" } }))), [[1, "2026-11-17"]])
    assert.deepStrictEqual(plan(w("2026-11-17")).actions, [])
  })

  it("warns about overpayments, unapplied amounts and payments of invoices atqbo does not own", () => {
    const foreign = qboDocument("99", { DocNumber: "7", TotalAmt: 30, Balance: 0 })
    const p = plan(world({
      docs: [doc("11", 1, 0, "1001"), doc("12", 2, 100, "1002"), foreign],
      payments: [payment("55", "2026-11-18", [["11", 120], ["99", 30]], { UnappliedAmt: 5, TotalAmt: 155, PaymentRefNum: "CHK-881" })]
    }))
    assert.deepStrictEqual(paid(p), [[1, "2026-11-18"]])
    assert.deepStrictEqual(p.warnings.map((warning) => warning.code).sort(), ["payment-not-owned", "payment-overpaid", "payment-unapplied"])
    assert.include(p.warnings.find((warning) => warning.code === "payment-unapplied")!.message, "CHK-881 (Id 55) of 2026-11-18 leaves 5.00 unapplied")
  })

  it("does nothing when payment sync is off", () => {
    assert.deepStrictEqual(plan(world({ payments: [payment("56", "2026-11-19", [["11", 100]])] }), config({ payments: { sync: false } })).actions, [])
  })
})

describe("payment sync (integration)", () => {
  it.live("writes the paid date once: applying twice writes once", () =>
    Effect.scoped(Effect.gen(function*() {
      const sandbox = yield* withSandbox({ dataDir: yield* Effect.promise(mixedDataset) })
      const cfg = config({ sync: { timeZone: "UTC" } })
      yield* planAndApply(sandbox, cfg)
      const realm = sandbox.qbo.store(sandbox.realmId)
      const ofInvoice = (owner: number) => realm.list("Invoice").find((row) => String(row.PrivateNote ?? "").includes(ownershipMarker(owner)))!
      const first = ofInvoice(100)
      const second = ofInvoice(101)
      const today = new Date().toISOString().slice(0, 10)
      // Invoice 100 is paid in full; invoice 101 (226.80) only in part.
      yield* Effect.gen(function*() {
        const writer = yield* QboWriter
        yield* writer.create("Payment", { CustomerRef: first.CustomerRef as never, TotalAmt: first.TotalAmt as number, TxnDate: today, Line: [{ Amount: first.TotalAmt, LinkedTxn: [{ TxnId: first.Id, TxnType: "Invoice" }] }] }, "pay-100")
        yield* writer.create("Payment", { CustomerRef: second.CustomerRef as never, TotalAmt: 100, TxnDate: today, Line: [{ Amount: 100, LinkedTxn: [{ TxnId: second.Id, TxnType: "Invoice" }] }] }, "pay-101-a")
      }).pipe(Effect.provide(layersForSandbox(sandbox, true, FAST_RETRY)))

      const p = yield* planIn(sandbox, cfg)
      assert.deepStrictEqual(p.actions.filter((action) => action.type === "autotask.paid").map((action) => action.autotaskInvoiceId), [100])
      const report = yield* applyIn(sandbox, p)
      assert.strictEqual(report.counts.failed, 0)
      assert.strictEqual(String(sandbox.autotask.store.get("Invoices", 100)!.paidDate).slice(0, 10), today)
      assert.isNull(sandbox.autotask.store.get("Invoices", 101)!.paidDate ?? null)

      const writes = sandbox.autotask.writeCount()
      const again = yield* planIn(sandbox, cfg)
      assert.deepStrictEqual(again.actions.filter((action) => action.type === "autotask.paid"), [])
      yield* applyIn(sandbox, again)
      assert.strictEqual(sandbox.autotask.writeCount(), writes, "the second apply writes no paid date")
    })))
})
