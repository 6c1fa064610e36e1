/**
 * Raw probes of the simulator's write semantics (reference §7, §10): PATCH and PUT on
 * Invoices and BillingItems, read-only fields ignored or refused, date-only paidDate.
 */
import { assert, describe, it } from "@effect/vitest"
import { getJson, invoices, patchJson, sampleDataset, withSimulator } from "./fixtures.ts"

const start = { data: sampleDataset }

describe("PATCH and PUT", () => {
  it("PATCHes the three writable invoice fields; paidDate is stored date-only", () =>
    withSimulator(start, async (sim) => {
      const response = await patchJson(sim, "Invoices", {
        id: 156,
        invoiceNumber: "QB-1001",
        webServiceDate: "2025-09-10T08:30:00",
        paidDate: "2025-09-12T15:45:00Z"
      })
      assert.strictEqual(response.status, 200)
      assert.strictEqual(response.text, "{\"itemId\":156}")
      const stored = sim.store.get("Invoices", 156)
      assert.strictEqual(stored?.["invoiceNumber"], "QB-1001")
      assert.strictEqual(stored?.["webServiceDate"], "2025-09-10T08:30:00.000Z")
      assert.strictEqual(stored?.["paidDate"], "2025-09-12T00:00:00Z")
      assert.strictEqual(stored?.["orderNumber"], "PO-7", "untouched fields keep their values")
      const read = await getJson(sim, "Invoices/156")
      assert.strictEqual(read.json.item.paidDate, "2025-09-12T00:00:00Z")
    }))

  it("accepts body keys in any casing", () =>
    withSimulator(start, async (sim) => {
      const response = await patchJson(sim, "Invoices", { ID: 156, InvoiceNumber: "X-1" })
      assert.strictEqual(response.status, 200)
      assert.strictEqual(sim.store.get("Invoices", 156)?.["invoiceNumber"], "X-1")
    }))

  it("ignores read-only fields silently by default", () =>
    withSimulator(start, async (sim) => {
      const response = await patchJson(sim, "Invoices", { id: 155, invoiceTotal: 1, companyID: 1, invoiceNumber: "N" })
      assert.strictEqual(response.text, "{\"itemId\":155}")
      const stored = sim.store.get("Invoices", 155)
      assert.deepStrictEqual([stored?.["invoiceTotal"], stored?.["companyID"], stored?.["invoiceNumber"]], [52.7775, 369, "N"])
    }))

  it("refuses read-only and unknown fields with 500 under strictWrites, changing nothing", () =>
    withSimulator({ ...start, options: { strictWrites: true } }, async (sim) => {
      for (const body of [{ id: 155, invoiceNumber: "N", invoiceTotal: 1 }, { id: 155, invoiceNumber: "N", bogus: 1 }]) {
        const response = await patchJson(sim, "Invoices", body)
        assert.strictEqual(response.status, 500)
        assert.lengthOf(response.json.errors, 1)
      }
      assert.deepStrictEqual(sim.store.get("Invoices", 155), invoices[0])
    }))

  it("PUT nulls writable fields the body omits", () =>
    withSimulator(start, async (sim) => {
      const response = await patchJson(sim, "Invoices", { id: 157, invoiceNumber: "QB-9" }, "PUT")
      assert.strictEqual(response.text, "{\"itemId\":157}")
      const stored = sim.store.get("Invoices", 157)
      assert.deepStrictEqual(
        [stored?.["invoiceNumber"], stored?.["webServiceDate"], stored?.["paidDate"], stored?.["comments"]],
        ["QB-9", null, null, ""]
      )
    }))

  it("updates only webServiceDate on BillingItems", () =>
    withSimulator(start, async (sim) => {
      const response = await patchJson(sim, "BillingItems", { id: 26041, webServiceDate: "2025-09-10", invoiceID: 155 })
      assert.strictEqual(response.text, "{\"itemId\":26041}")
      const stored = sim.store.get("BillingItems", 26041)
      assert.deepStrictEqual([stored?.["webServiceDate"], stored?.["invoiceID"]], ["2025-09-10T00:00:00.000Z", 0])
    }))

  it.each([
    ["a missing id", { invoiceNumber: "N" }, 500],
    ["an unknown id", { id: 999999, invoiceNumber: "N" }, 500],
    ["an invalid date", { id: 155, paidDate: "next tuesday" }, 500],
    ["an invoice number over 100 characters", { id: 155, invoiceNumber: "9".repeat(101) }, 500],
    ["a body that is not an object", [1, 2], 400]
  ])("rejects %s", (_name, body, status) =>
    withSimulator(start, async (sim) => {
      const response = await patchJson(sim, "Invoices", body)
      assert.strictEqual(response.status, status)
      assert.isArray(response.json.errors)
      assert.deepStrictEqual(sim.store.get("Invoices", 155), invoices[0])
    }))

  it("counts writes apart from reads", () =>
    withSimulator(start, async (sim) => {
      await patchJson(sim, "Invoices", { id: 155, invoiceNumber: "N" })
      await getJson(sim, "Invoices/155")
      await getJson(sim, "Invoices/156")
      assert.strictEqual(sim.writeCount(), 1)
      assert.strictEqual(sim.readCount(), 2)
      assert.deepStrictEqual(sim.counts(), { "PATCH Invoices": 1, "GET Invoices/{id}": 2 })
      sim.clearRequests()
      assert.deepStrictEqual(sim.counts(), {})
    }))
})
