/**
 * The pieces the plan renderers share: money totals per currency, identical warnings told
 * once, a document folded with its own write-back, and what the terminal allows (colour,
 * width).
 */
import { assert, describe, it } from "@effect/vitest"
import type { Plan, PlanAction, PlanWarning } from "../../src/domain/plan.ts"
import { currencyOf, customerTotals, planTotals } from "../../src/domain/totals.ts"
import { buildPlan } from "../../src/reconcile/plan.ts"
import { foldedWriteBacks, groupWarnings, listedActions } from "../../src/render/summary.ts"
import { colorWanted, truncate, widthOf, wrap } from "../../src/render/terminal.ts"
import { renderText } from "../../src/render/text.ts"
import { billingCode, billingItem, company, config, invoice, qboCustomer, qboItem, snapshot } from "../support/fixtures.ts"

const document = (id: number, type: "invoice.create" | "creditmemo.create" | "invoice.reject" | "invoice.void", total: string, extra: Partial<PlanAction["display"]> = {}): PlanAction => ({
  type,
  address: `${type}:${id}`,
  autotaskInvoiceId: id,
  name: undefined,
  summary: "",
  target: { system: "none" },
  payload: {},
  before: undefined,
  dependsOn: [],
  reasons: [],
  display: { total, customer: `Customer ${id % 2}`, ...extra }
})

describe("money totals", () => {
  it("sums per currency: an action's own currency, else the home currency", () => {
    const actions = [
      document(1, "invoice.create", "1,000.10"),
      document(2, "invoice.create", "2.05", { currency: "CAD" }),
      document(3, "invoice.create", "0.20"),
      document(4, "creditmemo.create", "-50.00"),
      document(5, "invoice.void", "7.00"),
      document(6, "invoice.reject", "-963.75"),
      document(7, "invoice.reject", "275.00")
    ]
    assert.strictEqual(currencyOf(actions[1]!, "USD"), "CAD")
    assert.strictEqual(currencyOf(actions[0]!, "USD"), "USD")
    const [cad, usd] = planTotals(actions, "USD")
    assert.deepStrictEqual(cad, {
      currency: "CAD",
      invoices: { count: 1, amount: "2.05" },
      creditMemos: { count: 0, amount: "0.00" },
      voids: { count: 0, amount: "0.00" },
      duplicatesRemoved: { count: 0, amount: "0.00" },
      rejected: { count: 0, amount: "0.00" }
    })
    // Decimal arithmetic: 1000.10 + 0.20 is exactly 1000.30; a credit memo counts as booked positive.
    assert.deepStrictEqual(usd!.invoices, { count: 2, amount: "1000.30" })
    assert.deepStrictEqual(usd!.creditMemos, { count: 1, amount: "50.00" })
    assert.deepStrictEqual(usd!.voids, { count: 1, amount: "7.00" })
    assert.deepStrictEqual(usd!.rejected, { count: 2, amount: "-688.75" })
  })

  it("nets each customer's new invoices against its credit memos", () => {
    const totals = customerTotals([document(1, "invoice.create", "100.00"), document(3, "creditmemo.create", "-30.00"), document(2, "invoice.create", "5.00")], "USD")
    assert.deepStrictEqual(totals, [
      { customer: "Customer 0", currency: "USD", documents: 1, net: "5.00" },
      { customer: "Customer 1", currency: "USD", documents: 2, net: "70.00" }
    ])
  })
})

describe("warnings told once", () => {
  const warning = (id: number, message: string, extra: Partial<PlanWarning> = {}): PlanWarning => ({ code: "item-no-quantity", message, autotaskInvoiceId: id, ...extra })

  it("merges the same sentence about different invoices, with their count and ids", () => {
    const groups = groupWarnings([
      warning(12, "Autotask invoice id 12: QBO item \"Fee\" is a Service item, which cannot take a quantity"),
      warning(10, "Autotask invoice T-10 (id 10): QBO item \"Fee\" is a Service item, which cannot take a quantity"),
      warning(11, "Autotask invoice id 11: QBO item \"Other\" is a Service item, which cannot take a quantity"),
      { code: "no-email", message: "no e-mail address for \"Acme\"", autotaskInvoiceId: 20 },
      { code: "no-email", message: "no e-mail address for \"Acme\"", autotaskInvoiceId: 21 }
    ])
    assert.deepStrictEqual(groups.map((group) => [group.message, group.invoiceIds]), [
      ["2 invoices: QBO item \"Fee\" is a Service item, which cannot take a quantity", [10, 12]],
      ["Autotask invoice id 11: QBO item \"Other\" is a Service item, which cannot take a quantity", []],
      ["2 invoices: no e-mail address for \"Acme\"", [20, 21]]
    ])
  })

  it("never merges drift: each document's differences are its own", () => {
    const difference = { field: "TotalAmt", autotask: "1.00", qbo: "2.00" }
    const groups = groupWarnings([
      warning(1, "same", { code: "drift", differences: [difference] }),
      warning(2, "same", { code: "drift", differences: [difference] })
    ])
    assert.strictEqual(groups.length, 2)
  })
})

describe("a created document and its own write-back", () => {
  const plan = (): Plan =>
    buildPlan(
      snapshot({
        autotask: {
          invoices: [invoice(100, 1, 150)],
          billingItems: [billingItem(1, 100, 10, 2, 75)],
          billingCodes: [billingCode(10, "Managed Services")],
          companies: [company(1, "Acme Corp")]
        },
        qbo: { items: [qboItem("5", "Managed Services")], customers: [qboCustomer("7", "Acme Corp")] }
      }),
      config(),
      { toolVersion: "test", createdAt: "2026-11-26T10:00:00Z" }
    )

  it("are one entry in text; the plan itself keeps both actions", () => {
    const p = plan()
    assert.deepStrictEqual(p.actions.map((action) => action.type), ["invoice.create", "autotask.writeback"])
    assert.deepStrictEqual([...foldedWriteBacks(p.actions)].map(([doc, writeBack]) => [doc, writeBack.address]), [["invoice:100", "writeback:100"]])
    assert.deepStrictEqual(listedActions(p.actions).map((action) => action.address), ["invoice:100"])
    const text = renderText(p, { verbose: false })
    assert.match(text, /\+ invoice\s+id 100\s+Acme Corp\s+150\.00 USD  → write-back/)
    assert.notInclude(text, "Autotask write-backs")
    assert.notInclude(text, "~ write-back")
  })

  it("a plan file of format 2.0 (no summary.totals) still shows its totals, computed from its actions", () => {
    const p = plan()
    const { totals: _totals, ...older } = p.summary
    assert.deepStrictEqual(p.summary.totals?.map((total) => [total.currency, total.invoices]), [["USD", { count: 1, amount: "150.00" }]])
    assert.match(renderText({ ...p, summary: older }, { verbose: false }), /Totals \(USD\)\n  \+ 1 new invoice  150\.00/)
  })
})

describe("the terminal", () => {
  it("colours a terminal only, unless NO_COLOR, CI or a dumb terminal; FORCE_COLOR decides when set", () => {
    const cases: ReadonlyArray<[Record<string, string>, boolean, boolean]> = [
      [{}, true, true],
      [{}, false, false],
      [{ NO_COLOR: "1" }, true, false],
      [{ NO_COLOR: "" }, true, true],
      [{ CI: "true" }, true, false],
      [{ TERM: "dumb" }, true, false],
      [{ FORCE_COLOR: "1" }, false, true],
      [{ FORCE_COLOR: "1", NO_COLOR: "1", CI: "true" }, false, true],
      [{ FORCE_COLOR: "0" }, true, false]
    ]
    for (const [env, isTTY, expected] of cases) assert.strictEqual(colorWanted(env, isTTY), expected, `${JSON.stringify(env)} tty=${isTTY}`)
  })

  it("fits the terminal's width, else COLUMNS, else no limit", () => {
    assert.strictEqual(widthOf({ COLUMNS: "100" }, 80), 80)
    assert.strictEqual(widthOf({ COLUMNS: "100" }, undefined), 100)
    assert.strictEqual(widthOf({ COLUMNS: "wide" }, undefined), undefined)
    assert.strictEqual(widthOf({}, undefined), undefined)
  })

  it("cuts names with an ellipsis and wraps sentences under themselves", () => {
    assert.strictEqual(truncate("Crabtree Valley", 8), "Crabtre…")
    assert.strictEqual(truncate("Crabtree", 8), "Crabtree")
    assert.strictEqual(truncate("Crabtree Valley", undefined), "Crabtree Valley")
    assert.deepStrictEqual(wrap("one two three four", 12, "- ", "  "), ["- one two", "  three four"])
    assert.deepStrictEqual(wrap("one two three four", undefined, "- ", "  "), ["- one two three four"])
  })
})
