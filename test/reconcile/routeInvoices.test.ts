import { describe, expect, it } from "vitest"
import { unroutedRejections } from "../../src/reconcile/routeInvoices.ts"
import { company, invoice } from "../support/fixtures.ts"

const currencies = [
  { id: 1, name: "USD", isActive: true, isInternalCurrency: true },
  { id: 2, name: "CAD", isActive: true, isInternalCurrency: false }
]
const unrouted = (currencyID: number | null) => ({ invoice: invoice(7, 3, 120), company: company(3, "Maple Leaf Dental", { currencyID }), problem: "matches no connection's route" })

describe("rejections of invoices no connection takes", () => {
  it("show the total in the company's Autotask currency, as every other rejection does", () => {
    expect(unroutedRejections({ preread: new Map(), unrouted: [unrouted(2)], currencies }, "USD")[0]!.display.currency).toBe("CAD")
    expect(unroutedRejections({ preread: new Map(), unrouted: [unrouted(null)], currencies }, "GBP")[0]!.display.currency).toBe("USD")
  })
  it("fall back to the plan's currency without Autotask's Multi-currency module, not to a fixed USD", () => {
    const [rejection] = unroutedRejections({ preread: new Map(), unrouted: [unrouted(null)], currencies: [] }, "CAD")
    expect(rejection!.display.currency).toBe("CAD")
    expect(rejection!.address).toBe("(unrouted)/reject:7")
  })
})
