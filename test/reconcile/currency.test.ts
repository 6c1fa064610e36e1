/**
 * Plan table tests for multicurrency (src/reconcile/currency.ts): each company's invoices in its
 * Autotask currency, CurrencyRef/ExchangeRate per the policy, and a clear refusal for each
 * rule QBO would break.
 */
import { assert, describe, it } from "@effect/vitest"
import type { AtCurrency } from "../../src/autotask/model.ts"
import type { Config } from "../../src/config/types.ts"
import type { Plan, PlanAction } from "../../src/domain/plan.ts"
import type { QboPayment } from "../../src/qbo/model.ts"
import { ownershipMarker } from "../../src/reconcile/marker.ts"
import { buildPlan } from "../../src/reconcile/plan.ts"
import { billingCode, billingItem, company, config, invoice, preferences, qboCustomer, qboDocument, qboItem, snapshot, type World } from "../support/fixtures.ts"

const meta = { toolVersion: "test", createdAt: "2026-11-26T10:00:00Z" }
const plan = (world: World, cfg: Config = config()): Plan => buildPlan(snapshot(world), cfg, meta)
const action = (p: Plan, address: string): PlanAction => {
  const found = p.actions.find((candidate) => candidate.address === address)
  assert.isDefined(found, `no ${address} in ${p.actions.map((a) => a.address).join(", ")}`)
  return found!
}
const body = (a: PlanAction): Record<string, any> => a.payload as Record<string, any>
const reasons = (p: Plan, id: number): string => action(p, `reject:${id}`).reasons.join(" | ")

const CAD: AtCurrency = { id: 1, name: "CAD", description: "Canadian Dollar", exchangeRate: 1, isActive: true, isInternalCurrency: true }
const USD: AtCurrency = { id: 2, name: "USD", description: "US Dollar", exchangeRate: 0.74, isActive: true, isInternalCurrency: false }
const EUR: AtCurrency = { id: 3, name: "EUR", description: "Euro", exchangeRate: 0.68, isActive: true, isInternalCurrency: false }

const cadHome = (multiCurrency = true) => preferences({ CurrencyPrefs: { MultiCurrencyEnabled: multiCurrency, HomeCurrency: { value: "CAD" } } })

/** A CAD-home QBO company (USD enabled); Maple Co billed in CAD (id 1), Yankee Inc in USD (id 2), 2 × 75.00 each. */
const world = (extra: { autotask?: World["autotask"]; qbo?: World["qbo"]; multiCurrency?: boolean } = {}): World => ({
  autotask: {
    invoices: [invoice(100, 1, 150), invoice(200, 2, 150)],
    billingItems: [billingItem(1, 100, 10, 2, 75), billingItem(2, 200, 10, 2, 75)],
    billingCodes: [billingCode(10, "Managed Services")],
    companies: [company(1, "Maple Co", { currencyID: 1 }), company(2, "Yankee Inc", { currencyID: 2 })],
    currencies: [CAD, USD, EUR],
    ...extra.autotask
  },
  qbo: {
    preferences: cadHome(extra.multiCurrency ?? true),
    companyCurrencies: [{ Id: "1", SyncToken: "0", Code: "USD", Active: true }],
    items: [qboItem("5", "Managed Services")],
    customers: [qboCustomer("7", "Maple Co", { CurrencyRef: { value: "CAD" } }), qboCustomer("8", "Yankee Inc", { CurrencyRef: { value: "USD" } })],
    ...extra.qbo
  }
})

describe("plan: each invoice in its customer's currency", () => {
  it("books the CAD company's invoice in CAD and the USD company's in USD, amounts untouched", () => {
    const p = plan(world())
    const cad = action(p, "invoice:100")
    const usd = action(p, "invoice:200")
    assert.deepStrictEqual(body(cad).CurrencyRef, { value: "CAD" })
    assert.deepStrictEqual(body(usd).CurrencyRef, { value: "USD" })
    assert.notProperty(body(usd), "ExchangeRate", "exchangeRate: qbo (default) lets QBO use its rate for the date")
    assert.strictEqual(body(usd).Line[0].Amount, 150)
    assert.deepStrictEqual([cad.display.currency, usd.display.currency], ["CAD", "USD"])
    assert.match(usd.summary, /150\.00 USD$/)
    assert.strictEqual(p.currency, "CAD", "the plan's currency stays the home one")
  })

  it("exchangeRate: autotask sends Autotask's rate as home units per foreign unit", () => {
    const p = plan(world(), config({ sync: { exchangeRate: "autotask" } }))
    assert.strictEqual(body(action(p, "invoice:200")).ExchangeRate, 1.351351, "1 / 0.74, 6 places")
    assert.notProperty(body(action(p, "invoice:100")), "ExchangeRate", "the home currency needs none")
  })

  it("exchangeRate: autotask reads Autotask's rate the other way when the invoice's own conversion says so", () => {
    const items = [billingItem(2, 200, 10, 2, 75, { internalCurrencyExtendedPrice: 111 })] // 111 / 150 = 0.74 CAD per USD
    const p = plan(world({ autotask: { billingItems: [billingItem(1, 100, 10, 2, 75), ...items] } }), config({ sync: { exchangeRate: "autotask" } }))
    assert.strictEqual(body(action(p, "invoice:200")).ExchangeRate, 0.74)
  })

  it("exchangeRate: autotask refuses when Autotask's internal currency is not QBO's home currency", () => {
    const p = plan(world({ autotask: { currencies: [{ ...CAD, isInternalCurrency: false }, { ...USD, isInternalCurrency: true }] } }), config({ sync: { exchangeRate: "autotask" } }))
    assert.match(reasons(p, 200), /internal currency \(USD\) to be QBO's home currency \(CAD\); set sync.exchangeRate: qbo/)
  })

  it("creates a new customer in the company's currency", () => {
    const p = plan(world({ qbo: { customers: [qboCustomer("7", "Maple Co", { CurrencyRef: { value: "CAD" } })] } }))
    assert.deepStrictEqual(body(action(p, "customer:Yankee Inc")).CurrencyRef, { value: "USD" })
    assert.deepStrictEqual(body(action(p, "invoice:200")).CurrencyRef, { value: "USD" })
  })

  it("refuses a foreign-currency invoice while QBO multicurrency is off, saying how to turn it on and that it stays on", () => {
    const p = plan(world({ multiCurrency: false, qbo: { customers: [qboCustomer("7", "Maple Co")] } }))
    assert.include(reasons(p, 200), `Autotask company "Yankee Inc" is invoiced in USD, but multicurrency is off in QBO (home currency CAD)`)
    assert.include(reasons(p, 200), "QBO can never turn it off again")
    assert.notProperty(body(action(p, "invoice:100")), "CurrencyRef", "home-currency invoices are sent as before")
    assert.strictEqual(action(p, "reject:200").display.currency, "USD")
  })

  it("refuses a currency that is not in QBO's currency list", () => {
    const p = plan(world({ autotask: { companies: [company(1, "Maple Co", { currencyID: 1 }), company(2, "Yankee Inc", { currencyID: 3 })] } }))
    assert.include(reasons(p, 200), `EUR, the currency of Autotask company "Yankee Inc", is not in QBO's currency list; add it in QBO (Settings → Currencies)`)
  })

  it("refuses an existing customer in another currency, naming both and suggesting a customer in the right one", () => {
    const p = plan(world({
      qbo: {
        customers: [
          qboCustomer("7", "Maple Co", { CurrencyRef: { value: "CAD" } }),
          qboCustomer("8", "Yankee Inc", { CurrencyRef: { value: "CAD" } }),
          qboCustomer("9", "Yankee Inc USD", { CurrencyRef: { value: "USD" } })
        ]
      }
    }))
    const text = reasons(p, 200)
    assert.include(text, `QBO customer "Yankee Inc" is in CAD but Autotask company "Yankee Inc" is invoiced in USD`)
    assert.include(text, "a QBO customer's currency can never change")
    assert.include(text, `cross-reference the company in customers.yaml (with currency: USD) to a QBO customer in USD, such as "Yankee Inc USD"`)
  })

  it("follows a cross-reference for the company's currency, before one without currency", () => {
    const customers = [
      qboCustomer("7", "Maple Co", { CurrencyRef: { value: "CAD" } }),
      qboCustomer("8", "Yankee Inc", { CurrencyRef: { value: "CAD" } }),
      qboCustomer("9", "Yankee (USD)", { CurrencyRef: { value: "USD" } })
    ]
    const crossReferences = [
      { companyId: 2, company: undefined, customer: "Yankee Inc", source: undefined },
      { companyId: 2, company: undefined, customer: "Yankee (USD)", currency: "USD", source: undefined }
    ]
    const p = plan(world({ qbo: { customers } }), config({ customers: { crossReferences } }))
    assert.deepStrictEqual(body(action(p, "invoice:200")).CustomerRef, { value: "9", name: "Yankee (USD)" })
  })

  it("prefers the same-named customer in the company's currency", () => {
    const customers = [
      qboCustomer("7", "Maple Co", { CurrencyRef: { value: "CAD" } }),
      qboCustomer("8", "Yankee Inc", { CurrencyRef: { value: "CAD" } }),
      qboCustomer("9", "Yankee Inc.", { CurrencyRef: { value: "USD" } })
    ]
    const p = plan(world({ qbo: { customers } }), config({ customers: { normalize: { ignorePunctuation: true } } }))
    assert.deepStrictEqual(body(action(p, "invoice:200")).CustomerRef, { value: "9", name: "Yankee Inc." })
  })

  it("refuses a company whose currency id Autotask does not list", () => {
    const p = plan(world({ autotask: { companies: [company(1, "Maple Co", { currencyID: 1 }), company(2, "Yankee Inc", { currencyID: 99 })] } }))
    assert.include(reasons(p, 200), "has currency id 99, which is not among Autotask's currencies")
  })

  it("leaves single-currency plans as they were: no Autotask currencies, no CurrencyRef", () => {
    const p = plan(world({
      multiCurrency: false,
      autotask: { currencies: [], companies: [company(1, "Maple Co", { currencyID: 1 }), company(2, "Yankee Inc", { currencyID: 1 })] },
      qbo: { customers: [qboCustomer("7", "Maple Co"), qboCustomer("8", "Yankee Inc")] }
    }))
    assert.notProperty(body(action(p, "invoice:200")), "CurrencyRef")
    assert.strictEqual(action(p, "invoice:200").display.currency, "CAD")
  })
})

describe("drift and payments name the currency", () => {
  const synced = (id: number, companyId: number) => invoice(id, companyId, 150, { invoiceNumber: `${id}`, webServiceDate: "2026-11-21T10:00:00Z" })
  const line = { DetailType: "SalesItemLineDetail" as const, Amount: 150, SalesItemLineDetail: { ItemRef: { value: "5" }, Qty: 2, UnitPrice: 75 } }

  it("reports a document booked in another currency than the company's as drift", () => {
    const p = plan(world({
      autotask: { invoices: [synced(200, 2)] },
      qbo: { invoices: [qboDocument("40", { DocNumber: "200", TotalAmt: 150, CustomerRef: { value: "8" }, CurrencyRef: { value: "CAD" }, PrivateNote: ownershipMarker(200), Line: [line] })] }
    }))
    const drift = p.warnings.find((warning) => warning.code === "drift")
    assert.deepStrictEqual(drift?.differences?.slice(0, 2), [
      { field: "TotalAmt", autotask: "150.00 USD", qbo: "150.00 CAD" },
      { field: "CurrencyRef", autotask: "USD", qbo: "CAD" }
    ])
  })

  it("sets a paid date only from payments in the invoice's currency, and shows that currency", () => {
    const payment = (id: string, currency: string): QboPayment => ({
      Id: id, SyncToken: "0", TxnDate: "2026-11-22", TotalAmt: 150, CustomerRef: { value: "8" }, CurrencyRef: { value: currency },
      Line: [{ Amount: 150, LinkedTxn: [{ TxnId: "40", TxnType: "Invoice" }] }]
    })
    const doc = qboDocument("40", { DocNumber: "200", TotalAmt: 150, Balance: 0, CustomerRef: { value: "8" }, CurrencyRef: { value: "USD" }, PrivateNote: ownershipMarker(200), Line: [line] })
    const wrong = plan(world({ autotask: { invoices: [synced(200, 2)] }, qbo: { invoices: [doc], payments: [payment("60", "CAD")] } }))
    assert.isUndefined(wrong.actions.find((a) => a.type === "autotask.paid"))
    assert.include(wrong.warnings.find((warning) => warning.code === "payment-currency")?.message, "QBO payment Id 60 of 2026-11-22 is in CAD but pays the USD invoice")
    const right = plan(world({ autotask: { invoices: [synced(200, 2)] }, qbo: { invoices: [doc], payments: [payment("61", "USD")] } }))
    assert.strictEqual(action(right, "paid:200").display.currency, "USD")
  })
})
