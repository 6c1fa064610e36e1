/**
 * Duplicates converge (src/reconcile/duplicates.ts): the oldest live document is kept and
 * written back; an identical unpaid copy is voided (or deleted, per sync.duplicates); anything
 * else is a warning naming both documents. Pure tables, then once through the simulators.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import type { Config } from "../../src/config/types.ts"
import type { Plan } from "../../src/domain/plan.ts"
import { QboWriter } from "../../src/qbo/QboClient.ts"
import type { QboSalesDocument } from "../../src/qbo/model.ts"
import { layersForSandbox } from "../../src/cli/connect.ts"
import { ownerOf, ownershipMarker } from "../../src/reconcile/marker.ts"
import { buildPlan } from "../../src/reconcile/plan.ts"
import { limitViolations } from "../../src/reconcile/safety.ts"
import { billingCode, billingItem, company, config, invoice, qboCustomer, qboDocument, qboItem, snapshot } from "../support/fixtures.ts"
import { mixedDataset } from "../support/datasets.ts"
import { applyIn, FAST_RETRY, planAndApply, planIn, withSandbox } from "../support/sandbox.ts"

const line = (amount = 150) => ({ DetailType: "SalesItemLineDetail" as const, Amount: amount, SalesItemLineDetail: { ItemRef: { value: "5" }, Qty: 2, UnitPrice: amount / 2 } })
const ours = (id: string, extra: Partial<QboSalesDocument> = {}) =>
  qboDocument(id, { DocNumber: `D${id}`, TxnDate: "2026-11-20", CustomerRef: { value: "7" }, TotalAmt: 150, Balance: 150, Line: [line()], PrivateNote: ownershipMarker(100), ...extra })

const planWith = (documents: ReadonlyArray<QboSalesDocument>, cfg: Config = config(), invoiceNumber = "D40"): Plan =>
  buildPlan(snapshot({
    autotask: {
      invoices: [invoice(100, 1, 150, { invoiceNumber, webServiceDate: "2026-11-21T10:00:00Z" })],
      billingItems: [billingItem(1, 100, 10, 2, 75)],
      billingCodes: [billingCode(10, "Managed Services")],
      companies: [company(1, "Acme Corp")]
    },
    qbo: { items: [qboItem("5", "Managed Services")], customers: [qboCustomer("7", "Acme Corp")], invoices: [...documents] }
  }), cfg, { toolVersion: "test", createdAt: "2026-11-26T10:00:00Z" })

const removals = (p: Plan) => p.actions.filter((action) => action.type === "duplicate.remove").map((action) => `${action.target.system === "qbo" && "id" in action.target ? `${action.target.operation} ${String(action.target.id)}` : ""}`)
const duplicateWarnings = (p: Plan) => p.warnings.filter((warning) => warning.code === "duplicate-documents").map((warning) => warning.message)

describe("plan: duplicate documents", () => {
  it("keeps the oldest and voids an identical unpaid copy, under the void limit", () => {
    const p = planWith([ours("41"), ours("40")])
    assert.deepStrictEqual(removals(p), ["void 41"])
    assert.deepStrictEqual(duplicateWarnings(p), [])
    const removal = p.actions.find((action) => action.type === "duplicate.remove")!
    assert.strictEqual(removal.address, "duplicate:100:41")
    assert.match(removal.summary, /^void QBO invoice D41 \(Id 41\), a copy of invoice D40 \(Id 40\) that atqbo keeps for /)
    assert.deepStrictEqual(removal.payload, { Id: "41", SyncToken: "0" })
    assert.strictEqual(p.summary.counts["duplicate.remove"], 1)
    const limits = { maxNewCustomers: 25, maxNewItems: 50, maxInvoices: 500, maxVoids: 0, maxEmails: 100, maxAutotaskUpdates: 1000 }
    assert.deepStrictEqual(limitViolations(p.actions, limits).map((violation) => violation.limit), ["maxVoids"])
  })

  it("deletes instead when sync.duplicates says delete", () => {
    assert.deepStrictEqual(removals(planWith([ours("40"), ours("41")], config({ sync: { duplicates: "delete" } }))), ["delete 41"])
  })

  it("points the write-back at the kept document when Autotask holds the copy's number", () => {
    const p = planWith([ours("40"), ours("41")], config(), "D41")
    const writeBack = p.actions.find((action) => action.type === "autotask.writeback")!
    assert.strictEqual((writeBack.payload as { invoiceNumber?: unknown }).invoiceNumber, "D40")
  })

  const unsafe: ReadonlyArray<[string, Partial<QboSalesDocument>, RegExp]> = [
    ["paid", { LinkedTxn: [{ TxnId: "77", TxnType: "Payment" }], Balance: 0 }, /because it has linked transactions \(Payment 77\)/],
    ["partly paid", { Balance: 100 }, /because it is partly paid \(balance 100 of 150\)/],
    ["another customer", { CustomerRef: { value: "8" } }, /because it is booked to another customer/],
    ["another date", { TxnDate: "2026-11-21" }, /because its date differs \(2026-11-21 and 2026-11-20\)/],
    ["different lines", { Line: [line(100), line(50)] }, /because its lines differ/]
  ]
  for (const [name, extra, reason] of unsafe) {
    it(`only warns about a copy that is ${name}, naming both documents`, () => {
      const p = planWith([ours("40"), ours("41", extra)])
      assert.deepStrictEqual(removals(p), [])
      const [message] = duplicateWarnings(p)
      assert.match(message ?? "", /has two QBO documents with atqbo's marker: invoice D40 \(Id 40\), which atqbo keeps, and invoice D41 \(Id 41\), which it does not remove /)
      assert.match(message ?? "", reason)
    })
  }

  it("needs nothing for a copy already voided, and never keeps a voided one", () => {
    const voided = { PrivateNote: `Voided - ${ownershipMarker(100)}`, TotalAmt: 0, Balance: 0, Line: [line(0)] }
    assert.deepStrictEqual([...removals(planWith([ours("40"), ours("41", voided)])), ...duplicateWarnings(planWith([ours("40"), ours("41", voided)]))], [])
    // The oldest was voided by someone: the live copy is the one kept (and written back).
    const p = planWith([ours("40", voided), ours("41")], config(), "D40")
    assert.deepStrictEqual(removals(p), [])
    assert.strictEqual((p.actions.find((action) => action.type === "autotask.writeback")!.payload as { invoiceNumber?: unknown }).invoiceNumber, "D41")
  })
})

describe("duplicates through the simulators", () => {
  const cfg: Config = config({ sync: { timeZone: "UTC" } })

  it.live("copies made directly in QBO are planned away (identical) or warned about (changed), and the next plan is quiet", () =>
    Effect.scoped(Effect.gen(function*() {
      const sandbox = yield* withSandbox({ dataDir: yield* Effect.promise(mixedDataset) })
      yield* planAndApply(sandbox, cfg)
      const realm = sandbox.qbo.store(sandbox.realmId)
      const original = realm.list("Invoice").find((doc) => ownerOf(doc.PrivateNote as string) === 100)!
      const copy = (changes: Record<string, unknown>, requestId: string) => {
        const { Id: _id, SyncToken: _token, MetaData: _meta, DocNumber: _number, domain: _domain, sparse: _sparse, ...body } = original
        return Effect.gen(function*() {
          const writer = yield* QboWriter
          return yield* writer.create<{ Id: string }>("Invoice", { ...body, ...changes }, requestId)
        }).pipe(Effect.provide(layersForSandbox(sandbox, true, FAST_RETRY)))
      }
      const same = yield* copy({}, "copy-same")
      const lines = (original.Line as ReadonlyArray<Record<string, unknown>>).filter((entry) => entry.DetailType === "SalesItemLineDetail")
      const changed = yield* copy({ Line: lines.map((entry, index) => (index === 0 ? { ...entry, Description: "edited by hand" } : entry)) }, "copy-changed")

      const plan = yield* planIn(sandbox, cfg)
      assert.deepStrictEqual(removals(plan), [`void ${same.Id}`])
      assert.strictEqual(duplicateWarnings(plan).length, 1)
      assert.include(duplicateWarnings(plan)[0], `(Id ${changed.Id}), which it does not remove because its lines differ`)
      const report = yield* applyIn(sandbox, plan)
      assert.strictEqual(report.counts.failed, 0)
      assert.strictEqual(realm.get("Invoice", same.Id)?.voided, true)

      const next = yield* planIn(sandbox, cfg)
      assert.deepStrictEqual(removals(next), [])
      assert.strictEqual(duplicateWarnings(next).length, 1, "the changed copy is still for a person to decide")
      assert.strictEqual(realm.get("Invoice", String(original.Id))?.voided, false, "the oldest is kept")
    })))
})
