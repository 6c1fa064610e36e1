/**
 * The sequence a third-party integration runs, with raw HTTP as QBO documents it: create a
 * customer, create an item, create an invoice with a requestid, repeat that exact request
 * (a retry after a timeout), then find the invoice by DocNumber.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import type { QboSimulator } from "../../src/sandbox/qbo/index.ts"
import { raw, REALM, startSim } from "./helpers.ts"

describe("third-party raw sequence", () => {
  let sim: QboSimulator
  beforeAll(async () => {
    sim = await startSim({ [REALM]: {} }) // a fresh sandbox company: defaults only
  })
  afterAll(() => sim.close())

  it("create customer, item, invoice (requestid), repeat, query by DocNumber", async () => {
    const token = sim.issueAccessToken(REALM)
    const customer = await raw(sim, "/customer?minorversion=75&requestid=seq-c", { token, body: { DisplayName: "Sequence Customer" } })
    assert.strictEqual(customer.status, 200)
    const customerId: string = customer.json.Customer.Id

    const account = (await raw(sim, `/query?query=${encodeURIComponent("select * from Account where AccountType = 'Income'")}`, { token })).json
      .QueryResponse.Account[0]
    assert.strictEqual(account.Name, "Services")
    const item = await raw(sim, "/item?minorversion=75&requestid=seq-i", {
      token,
      body: { Name: "Managed Services", Type: "Service", IncomeAccountRef: { value: account.Id } }
    })
    assert.strictEqual(item.status, 200)
    assert.strictEqual(item.json.Item.IncomeAccountRef.name, "Services")

    const invoiceRequest = {
      CustomerRef: { value: customerId },
      Line: [{ DetailType: "SalesItemLineDetail", Amount: 1234.5, Description: "Monthly", SalesItemLineDetail: { ItemRef: { value: item.json.Item.Id }, Qty: 3, UnitPrice: 411.5 } }]
    }
    const created = await raw(sim, "/invoice?minorversion=75&requestid=seq-inv-1", { token, body: invoiceRequest })
    assert.strictEqual(created.status, 200)
    const invoice = created.json.Invoice
    assert.strictEqual(invoice.DocNumber, "1001", "the sandbox numbers invoices (CustomTxnNumbers off)")
    assert.strictEqual(invoice.TotalAmt, 1234.5)
    assert.strictEqual(invoice.Balance, 1234.5)
    assert.strictEqual(invoice.SyncToken, "0")
    assert.strictEqual(invoice.Line.at(-1).DetailType, "SubTotalLineDetail")

    const repeated = await raw(sim, "/invoice?minorversion=75&requestid=seq-inv-1", { token, body: invoiceRequest })
    assert.strictEqual(repeated.status, 200, "no error for the repeat")
    assert.strictEqual(repeated.text, created.text, "the original response, byte for byte")
    assert.strictEqual(sim.store(REALM).list("Invoice").length, 1, "and no second invoice")

    const found = await raw(sim, `/query?query=${encodeURIComponent(`select * from Invoice where DocNumber = '${invoice.DocNumber}'`)}&minorversion=75`, { token })
    assert.strictEqual(found.status, 200)
    assert.deepStrictEqual(found.json.QueryResponse.Invoice.map((i: any) => i.Id), [invoice.Id])
    assert.strictEqual(found.json.QueryResponse.maxResults, 1)
    assert.deepStrictEqual(found.json.QueryResponse.Invoice[0], invoice)
    assert.deepStrictEqual(sim.counts(), {
      "POST /customer": 1,
      "GET /query Account": 1,
      "POST /item": 1,
      "POST /invoice": 2,
      "GET /query Invoice": 1
    })
  })
})
