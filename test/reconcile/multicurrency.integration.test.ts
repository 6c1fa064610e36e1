/**
 * The multicurrency demo (src/sandbox/data/multicurrency, a CAD-home QBO company with USD
 * enabled) planned and applied in-process against both simulators over loopback: each
 * company's invoice booked in its own currency to the cent, the broken cases refused with their
 * reasons, convergence, and a second apply that writes nothing.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { loadConfig } from "../../src/config/index.ts"
import * as Money from "../../src/domain/money.ts"
import type { Plan } from "../../src/domain/plan.ts"
import { ownerOf } from "../../src/reconcile/marker.ts"
import { MULTICURRENCY_DATA_DIR } from "../../src/sandbox/sandbox.ts"
import { applyIn, bookWrites, planAndApply, planIn, withSandbox } from "../support/sandbox.ts"

const reasonsOf = (plan: Plan, id: number): string => plan.actions.find((action) => action.address === `reject:${id}`)?.reasons.join(" | ") ?? "(not rejected)"

describe("multicurrency demo (integration)", () => {
  it.live("books each company's invoice in its currency to the cent, refuses the broken ones, converges, and a second apply writes nothing", () =>
    Effect.scoped(Effect.gen(function*() {
      const config = yield* loadConfig("mappings")
      const sandbox = yield* withSandbox({ dataDir: MULTICURRENCY_DATA_DIR })
      const first = yield* planAndApply(sandbox, config)
      const documents = first.plan.actions.filter((action) => action.type === "invoice.create")
      assert.deepStrictEqual(
        documents.map((action) => [action.autotaskInvoiceId, action.display.customer, action.display.total, action.display.currency]),
        [
          [29685001, "Oakwood Realty", "945.00", "CAD"],
          [29685002, "TPA Pediatrics PLLC", "1,410.00", "USD"],
          [29685003, "Maple Leaf Dental", "520.00", "CAD"],
          [29685004, "Boston Harbor Analytics", "390.00", "USD"]
        ]
      )
      assert.include(reasonsOf(first.plan, 29685005), `QBO customer "Yukon Outfitters" is in CAD but Autotask company "Yukon Outfitters" is invoiced in USD`)
      assert.include(reasonsOf(first.plan, 29685005), `such as "Yukon Outfitters USD"`)
      assert.include(reasonsOf(first.plan, 29685006), "EUR, the currency of Autotask company \"Rhine Precision GmbH\", is not in QBO's currency list")
      assert.strictEqual(first.report.counts.failed, 0, JSON.stringify(first.report.outcomes.filter((outcome) => outcome.status === "failed")))

      const realm = sandbox.qbo.store(sandbox.realmId)
      const customers = new Map(realm.list("Customer").map((customer) => [String(customer.Id), customer]))
      assert.strictEqual((realm.list("Customer").find((customer) => customer.DisplayName === "Boston Harbor Analytics")?.CurrencyRef as { value: string }).value, "USD")
      assert.strictEqual((realm.list("Customer").find((customer) => customer.DisplayName === "Maple Leaf Dental")?.CurrencyRef as { value: string }).value, "CAD")
      const booked = realm.list("Invoice").filter((doc) => ownerOf(doc.PrivateNote as string) !== undefined)
      assert.strictEqual(booked.length, 4)
      for (const doc of booked) {
        const autotask = sandbox.autotask.store.get("Invoices", ownerOf(doc.PrivateNote as string)!)!
        const company = sandbox.autotask.store.get("Companies", Number(autotask.companyID))!
        const currency = company.currencyID === 2 ? "USD" : "CAD"
        assert.strictEqual((doc.CurrencyRef as { value: string }).value, currency, `document of ${autotask.id}`)
        assert.strictEqual((customers.get((doc.CustomerRef as { value: string }).value)!.CurrencyRef as { value: string }).value, currency)
        assert.strictEqual(Money.formatMoney(Money.fromApi(doc.TotalAmt)), Money.formatMoney(Money.fromApi(autotask.invoiceTotal)), "total to the cent, in the document's currency")
        // exchangeRate: qbo — QBO's rate for the date (qbo/ExchangeRate.json), 1 for CAD.
        assert.strictEqual(doc.ExchangeRate, currency === "USD" ? 1.3652 : 1)
        assert.strictEqual(Money.formatMoney(Money.fromApi(doc.HomeTotalAmt)), Money.formatMoney(Money.toCents(Money.multiply(Money.fromApi(doc.TotalAmt), Money.fromApi(doc.ExchangeRate)))))
      }

      const second = yield* planIn(sandbox, config)
      assert.deepStrictEqual(second.actions.map((action) => action.address).sort(), ["reject:29685005", "reject:29685006"])
      assert.isFalse(second.warnings.some((warning) => warning.code === "drift"), JSON.stringify(second.warnings))
      const writes = bookWrites(sandbox)
      yield* applyIn(sandbox, second)
      assert.strictEqual(bookWrites(sandbox), writes, "the second apply writes nothing")
    })))

  it.live("with QBO multicurrency off, refuses every foreign-currency invoice, saying how to turn it on and that it stays on", () =>
    Effect.scoped(Effect.gen(function*() {
      const dir = yield* Effect.acquireRelease(
        Effect.promise(async () => {
          const copy = await mkdtemp(join(tmpdir(), "atqbo-mc-off-"))
          await cp(MULTICURRENCY_DATA_DIR, copy, { recursive: true })
          const path = join(copy, "qbo", "Preferences.json")
          const prefs = JSON.parse(await readFile(path, "utf8"))
          await writeFile(path, JSON.stringify({ ...prefs, CurrencyPrefs: { MultiCurrencyEnabled: false, HomeCurrency: { value: "CAD" } } }))
          return copy
        }),
        (copy) => Effect.promise(() => rm(copy, { recursive: true, force: true }))
      )
      const config = yield* loadConfig("mappings")
      const plan = yield* planIn(yield* withSandbox({ dataDir: dir }), config)
      for (const id of [29685002, 29685004, 29685005]) {
        assert.include(reasonsOf(plan, id), "is invoiced in USD, but multicurrency is off in QBO (home currency CAD)")
        assert.include(reasonsOf(plan, id), "QBO can never turn it off again")
      }
      assert.deepStrictEqual(
        plan.actions.filter((action) => action.type === "invoice.create").map((action) => [action.autotaskInvoiceId, action.display.currency]),
        [[29685001, "CAD"], [29685003, "CAD"]]
      )
    })))
})
