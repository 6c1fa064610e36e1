/**
 * Bad Autotask data through the real clients and simulators: each bad invoice is rejected with
 * its reason while the others are booked (issue 16 item 15) — a nameless company, an amount
 * that is not a number, a description longer than QBO holds.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { config } from "../support/fixtures.ts"
import { billingCode, billingItem, company, invoice } from "../support/fixtures.ts"
import { daysAgo, planAndApply, withSandbox, writeDataset } from "../support/sandbox.ts"

const at = (date: string) => `${date}T00:00:00`
const LONG = `${"é".repeat(3998)}🇨🇦🇨🇦` // 4,002 code points; each flag is two

describe("bad data (integration)", () => {
  it.live("rejects each bad invoice with its reason and books the rest", () =>
    Effect.scoped(Effect.gen(function*() {
      const dataDir = yield* Effect.promise(() =>
        writeDataset({
          autotask: {
            Invoices: [
              invoice(100, 1, 150, { invoiceDateTime: at(daysAgo(1)) }),
              invoice(101, 2, 150, { invoiceDateTime: at(daysAgo(1)) }),
              invoice(102, 1, "abc" as never, { invoiceDateTime: at(daysAgo(1)) })
            ],
            BillingItems: [
              billingItem(1, 100, 10, 2, 75, { description: LONG, itemDate: at(daysAgo(1)) }),
              billingItem(2, 101, 10, 2, 75, { itemDate: at(daysAgo(1)) }),
              billingItem(3, 102, 10, 2, 75, { itemDate: at(daysAgo(1)) })
            ],
            BillingCodes: [billingCode(10, "Managed Services")],
            Companies: [company(1, "Acme Corp"), company(2, null as never)]
          },
          qbo: { Item: [{ Id: "5", SyncToken: "0", Name: "Managed Services", Type: "Service", Active: true, IncomeAccountRef: { value: "1" } }] }
        })
      )
      const sandbox = yield* withSandbox({ dataDir })
      const { plan, report } = yield* planAndApply(sandbox, config({ sync: { timeZone: "UTC" } }))
      const reasons = new Map(plan.actions.filter((a) => a.type === "invoice.reject").map((a) => [a.autotaskInvoiceId, a.reasons.join(" ")]))
      assert.match(reasons.get(101) ?? "", /Autotask company 2 of this invoice has no name/)
      assert.match(reasons.get(102) ?? "", /invoiceTotal is "abc", not a number/)
      assert.deepStrictEqual(plan.warnings.map((w) => w.code), ["description-truncated"])
      assert.isTrue(report.outcomes.every((outcome) => outcome.status !== "failed"), JSON.stringify(report.outcomes))
      const [doc] = sandbox.qbo.store(sandbox.realmId).list("Invoice")
      const description = (doc!.Line as Array<{ Description?: string }>)[0]!.Description!
      assert.strictEqual(description, `${"é".repeat(3998)}🇨🇦`, "the second flag does not fit whole, so it is left out whole")
    })))
})
