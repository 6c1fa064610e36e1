/**
 * Scope flags keep their word (issue 16 item 6): `--invoice`, `--since/--until` and
 * `--connection` restrict every action type — voids and paid dates included — and a plan
 * made with them holds nothing about other invoices.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { layersForSandbox } from "../../src/cli/connect.ts"
import type { Plan } from "../../src/domain/plan.ts"
import { QboWriter } from "../../src/qbo/QboClient.ts"
import { ownershipMarker } from "../../src/reconcile/marker.ts"
import { inScope, windowFor, windowProblem } from "../../src/reconcile/observe.ts"
import { config, invoice } from "../support/fixtures.ts"
import { mixedDataset } from "../support/datasets.ts"
import { daysAgo, FAST_RETRY, planIn, withSandbox } from "../support/sandbox.ts"

const NOW = new Date("2026-11-26T15:00:00Z")
const cfg = config({ sync: { timeZone: "UTC", lookbackDays: 14 } })
const request = (extra: { since?: string; until?: string; invoiceIds?: Array<number> } = {}) => ({
  since: extra.since,
  until: extra.until,
  invoiceIds: extra.invoiceIds
})

describe("which invoices a run is about (pure)", () => {
  const at = (date: string) => `${date}T10:00:00`
  const cases: ReadonlyArray<[string, ReturnType<typeof request>, number, string, boolean]> = [
    ["default window: any invoice (voids and payments reach back their own windows)", request(), 7, at("2026-01-02"), true],
    ["--invoice: that id", request({ invoiceIds: [7] }), 7, at("2026-01-02"), true],
    ["--invoice: not another id, whatever its date", request({ invoiceIds: [7] }), 8, at("2026-11-25"), false],
    ["--since/--until: dated inside", request({ since: "2026-11-01", until: "2026-11-10" }), 8, at("2026-11-10"), true],
    ["--since/--until: dated before", request({ since: "2026-11-01", until: "2026-11-10" }), 8, at("2026-10-31"), false],
    ["--since alone: dated before it", request({ since: "2026-11-20" }), 8, at("2026-11-19"), false]
  ]
  for (const [name, req, id, date, expected] of cases) {
    it(name, () => {
      assert.strictEqual(inScope(windowFor(cfg, req, NOW), invoice(id, 1, 10, { invoiceDateTime: date })), expected)
    })
  }

  const problems: ReadonlyArray<[string, ReturnType<typeof request>, RegExp | undefined]> = [
    ["--since after --until", request({ since: "2026-11-20", until: "2026-11-10" }), /--since 2026-11-20 is after --until 2026-11-10/],
    ["--since in the future (the window ends today)", request({ since: "2026-12-01" }), /--since 2026-12-01 is after today \(2026-11-26 in UTC\)/],
    ["--until before the default start", request({ until: "2026-01-01" }), /--until 2026-01-01 is before 2026-11-12.*give --since too/],
    ["one day is a window", request({ since: "2026-11-10", until: "2026-11-10" }), undefined],
    ["--invoice ignores dates", request({ invoiceIds: [1] }), undefined]
  ]
  for (const [name, req, expected] of problems) {
    it(`window problem: ${name}`, () => {
      const problem = windowProblem(req, windowFor(cfg, req, NOW))
      if (expected === undefined) assert.isUndefined(problem)
      else assert.match(problem ?? "", expected)
    })
  }
})

describe("scope flags restrict every action type (simulators)", () => {
  it.live("--invoice plans nothing for other invoices; --since/--until drops voids and paid dates dated outside", () =>
    Effect.scoped(Effect.gen(function*() {
      const sandbox = yield* withSandbox({ dataDir: yield* Effect.promise(mixedDataset) })
      // Invoice 103 (dated 3 days ago) has its QBO document 900; a payment closes it today.
      const document = sandbox.qbo.store(sandbox.realmId).list("Invoice").find((row) => String(row.PrivateNote ?? "").includes(ownershipMarker(103)))!
      yield* Effect.gen(function*() {
        const writer = yield* QboWriter
        yield* writer.create("Payment", {
          CustomerRef: document.CustomerRef as never,
          TotalAmt: 150,
          TxnDate: daysAgo(0),
          Line: [{ Amount: 150, LinkedTxn: [{ TxnId: String(document.Id), TxnType: "Invoice" }] }]
        }, "pay-103")
      }).pipe(Effect.provide(layersForSandbox(sandbox, true, FAST_RETRY)))

      const withVoids = config({ sync: { timeZone: "UTC", voids: { sync: true } } })
      const ids = (plan: Plan) => [...new Set(plan.actions.map((action) => action.autotaskInvoiceId).filter((id) => id !== undefined))].sort()
      const types = (plan: Plan) => plan.actions.map((action) => action.address)

      const all = yield* planIn(sandbox, withVoids)
      assert.includeMembers(types(all), ["paid:103", "void:104", "invoice:100"], "the default window plans the paid date and the void")

      const one = yield* planIn(sandbox, withVoids, { invoiceIds: [100] })
      assert.deepStrictEqual(ids(one), [100])
      assert.isFalse(one.warnings.some((warning) => warning.code.startsWith("payment-")))

      // Invoices 100 and 101 are dated 2 days ago; 103 (paid) 3 days and 104 (voided) 4 days ago.
      const dated = yield* planIn(sandbox, withVoids, { since: daysAgo(2), until: daysAgo(0) })
      assert.notInclude(types(dated), "paid:103")
      assert.notInclude(types(dated), "void:104")
      assert.includeMembers(ids(dated), [100, 101])
      assert.isTrue(ids(dated).every((id) => id !== 103 && id !== 104))
    })))
})
