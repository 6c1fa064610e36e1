/**
 * Raw HTTP probes of the simulator's multicurrency rules (src/sandbox/qbo/currency.ts): a
 * CAD-home company with USD enabled, customers' fixed currencies, documents in their
 * customer's currency with ExchangeRate and HomeTotalAmt, and the faults when a rule is broken.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import type { QboSimulator } from "../../src/sandbox/qbo/index.ts"
import { baseRealm, firstError, invoiceBody, raw, REALM, startSim } from "./helpers.ts"

const cadHome = baseRealm({
  Preferences: { CurrencyPrefs: { MultiCurrencyEnabled: true, HomeCurrency: { value: "CAD" } } },
  CompanyCurrency: [{ Id: "1", Code: "USD", Name: "United States Dollar", Active: true }],
  ExchangeRate: [
    { SourceCurrencyCode: "USD", TargetCurrencyCode: "CAD", Rate: 1.35, AsOfDate: "2026-01-01" },
    { SourceCurrencyCode: "USD", TargetCurrencyCode: "CAD", Rate: 1.4, AsOfDate: "2026-02-01" }
  ],
  Customer: [
    { Id: "1", DisplayName: "Maple Co", Active: true, CurrencyRef: { value: "CAD" } },
    { Id: "2", DisplayName: "Yankee Inc", Active: true, CurrencyRef: { value: "USD" } }
  ]
})

const usdInvoice = (extra: Record<string, unknown> = {}) =>
  invoiceBody({ CustomerRef: { value: "2" }, CurrencyRef: { value: "USD" }, TxnDate: "2026-01-15", ...extra })

describe("QBO simulator: multicurrency on (CAD home, USD enabled)", () => {
  let sim: QboSimulator
  beforeAll(async () => {
    sim = await startSim({ [REALM]: cadHome })
  })
  afterAll(() => sim.close())

  it("books a USD invoice for a USD customer at the sent rate, HomeTotalAmt to the cent", async () => {
    const response = await raw(sim, "/invoice", { body: usdInvoice({ ExchangeRate: 1.3333 }) })
    assert.strictEqual(response.status, 200, response.text)
    const invoice = response.json.Invoice
    assert.deepStrictEqual(invoice.CurrencyRef, { value: "USD", name: "United States Dollar" })
    assert.strictEqual(invoice.TotalAmt, 150)
    assert.strictEqual(invoice.ExchangeRate, 1.3333)
    assert.strictEqual(invoice.HomeTotalAmt, 200, "150 × 1.3333 = 199.995 → 200.00")
  })

  it("uses the company's rate for the TxnDate when the rate is omitted", async () => {
    const response = await raw(sim, "/invoice", { body: usdInvoice({ TxnDate: "2026-02-10" }) })
    assert.strictEqual(response.json.Invoice.ExchangeRate, 1.4)
    assert.strictEqual(response.json.Invoice.HomeTotalAmt, 210)
  })

  it("books a home-currency invoice at rate 1 and refuses another rate for it", async () => {
    const ok = await raw(sim, "/invoice", { body: invoiceBody({ CurrencyRef: { value: "CAD" } }) })
    assert.strictEqual(ok.json.Invoice.ExchangeRate, 1)
    assert.strictEqual(ok.json.Invoice.HomeTotalAmt, 150)
    const bad = await raw(sim, "/invoice", { body: invoiceBody({ CurrencyRef: { value: "CAD" }, ExchangeRate: 1.2 }) })
    assert.strictEqual(bad.status, 400)
    assert.strictEqual(firstError(bad).code, "6000")
    assert.strictEqual(firstError(bad).element, "ExchangeRate")
  })

  it("refuses a document whose currency is not its customer's", async () => {
    const response = await raw(sim, "/invoice", { body: invoiceBody({ CurrencyRef: { value: "USD" } }) })
    assert.strictEqual(response.status, 400)
    assert.strictEqual(firstError(response).code, "6000")
    assert.match(firstError(response).Detail, /transaction's currency \(USD\) must be the currency of its customer Maple Co \(CAD\)/)
    const omitted = await raw(sim, "/creditmemo", { body: invoiceBody({ CustomerRef: { value: "2" } }) })
    assert.strictEqual(omitted.status, 400, "an omitted CurrencyRef is the home currency (CAD), not the USD customer's")
  })

  it("refuses a currency that is not in the company's list, for customers and documents", async () => {
    const customer = await raw(sim, "/customer", { body: { DisplayName: "Euro GmbH", CurrencyRef: { value: "EUR" } } })
    assert.strictEqual(customer.status, 400)
    assert.match(firstError(customer).Detail, /Currency EUR is not in the company's currency list/)
  })

  it("creates customers in the home currency by default and keeps a customer's currency fixed", async () => {
    const created = await raw(sim, "/customer", { body: { DisplayName: "Default Currency Ltd" } })
    assert.deepStrictEqual(created.json.Customer.CurrencyRef, { value: "CAD", name: "Canadian Dollar" })
    const usd = await raw(sim, "/customer", { body: { DisplayName: "Dollar Corp", CurrencyRef: { value: "USD" } } })
    assert.strictEqual(usd.json.Customer.CurrencyRef.value, "USD")
    const change = await raw(sim, "/customer", {
      body: { Id: usd.json.Customer.Id, SyncToken: usd.json.Customer.SyncToken, sparse: true, CurrencyRef: { value: "CAD" } }
    })
    assert.strictEqual(change.status, 400)
    assert.match(firstError(change).Detail, /can't change the currency of a customer once it is set \(USD\)/)
    const rename = await raw(sim, "/customer", {
      body: { Id: usd.json.Customer.Id, SyncToken: usd.json.Customer.SyncToken, sparse: true, DisplayName: "Dollar Corporation" }
    })
    assert.strictEqual(rename.status, 200, "other fields stay editable")
    assert.strictEqual(rename.json.Customer.CurrencyRef.value, "USD")
  })

  it("serves the currency list and rates to queries, and refuses turning multicurrency off", async () => {
    const list = await raw(sim, `/query?query=${encodeURIComponent("select * from CompanyCurrency")}`)
    assert.deepStrictEqual(list.json.QueryResponse.CompanyCurrency.map((row: any) => row.Code), ["USD"])
    const prefs = await raw(sim, "/preferences")
    const off = await raw(sim, "/preferences", {
      body: { SyncToken: prefs.json.Preferences.SyncToken, sparse: true, CurrencyPrefs: { MultiCurrencyEnabled: false } }
    })
    assert.strictEqual(off.status, 400)
    assert.strictEqual(firstError(off).element, "CurrencyPrefs")
  })

  it("takes a payment only in its customer's currency", async () => {
    const invoice = (await raw(sim, "/invoice", { body: usdInvoice({ ExchangeRate: 1.3 }) })).json.Invoice
    const payment = (currency: string) => ({
      CustomerRef: { value: "2" },
      CurrencyRef: { value: currency },
      TotalAmt: 10,
      Line: [{ Amount: 10, LinkedTxn: [{ TxnId: invoice.Id, TxnType: "Invoice" }] }]
    })
    assert.strictEqual((await raw(sim, "/payment", { body: payment("CAD") })).status, 400)
    const ok = await raw(sim, "/payment", { body: payment("USD") })
    assert.strictEqual(ok.status, 200, ok.text)
    assert.strictEqual(ok.json.Payment.CurrencyRef.value, "USD")
  })
})

describe("QBO simulator: multicurrency uncertain details are options", () => {
  it("omittedExchangeRate: one books 1; omittedDocumentCurrency: customer takes the customer's", async () => {
    const sim = await startSim({ [REALM]: cadHome }, { currency: { omittedExchangeRate: "one", omittedDocumentCurrency: "customer" } })
    try {
      const response = await raw(sim, "/invoice", { body: invoiceBody({ CustomerRef: { value: "2" }, TxnDate: "2026-02-10" }) })
      assert.strictEqual(response.status, 200, response.text)
      assert.strictEqual(response.json.Invoice.CurrencyRef.value, "USD")
      assert.strictEqual(response.json.Invoice.ExchangeRate, 1)
    } finally {
      await sim.close()
    }
  })
})

describe("QBO simulator: multicurrency off", () => {
  let sim: QboSimulator
  beforeAll(async () => {
    sim = await startSim()
  })
  afterAll(() => sim.close())

  it("keeps everything in the home currency, with no ExchangeRate or HomeTotalAmt, and refuses another currency", async () => {
    const ok = await raw(sim, "/invoice", { body: invoiceBody() })
    assert.deepStrictEqual(ok.json.Invoice.CurrencyRef, { value: "USD", name: "United States Dollar" })
    assert.isFalse("ExchangeRate" in ok.json.Invoice)
    assert.isFalse("HomeTotalAmt" in ok.json.Invoice)
    const foreign = await raw(sim, "/customer", { body: { DisplayName: "Maple Co", CurrencyRef: { value: "CAD" } } })
    assert.strictEqual(foreign.status, 400)
    assert.match(firstError(foreign).Detail, /Multicurrency is turned off/)
    const doc = await raw(sim, "/invoice", { body: invoiceBody({ CurrencyRef: { value: "CAD" } }) })
    assert.strictEqual(doc.status, 400)
    assert.match(firstError(doc).Detail, /Multicurrency is turned off/)
  })
})
