/**
 * The plan reads true (issue 16 item 2): the due date, terms and income account the plan states
 * for each new invoice and item are what QBO books — including the due dates QBO derives itself
 * when no term is sent (customer's default term, else the company's).
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { billingCode, billingItem, company, config, invoice, paymentTerm } from "../support/fixtures.ts"
import { renderReportText } from "../../src/render/report.ts"
import { assertPlanReadTrue } from "../support/planTruth.ts"
import { daysAgo, planAndApply, withSandbox, writeDataset } from "../support/sandbox.ts"

const at = (date: string) => `${date}T00:00:00`

describe("plan reads true (integration)", () => {
  it.live("states the due date, terms and income account QBO then books", () =>
    Effect.scoped(Effect.gen(function*() {
      const day = at(daysAgo(1))
      const dataDir = yield* Effect.promise(() =>
        writeDataset({
          autotask: {
            Invoices: [
              invoice(100, 1, 150, { invoiceDateTime: day }), // customer's default term
              invoice(101, 2, 150, { invoiceDateTime: day }), // company default term
              invoice(102, 3, 150, { invoiceDateTime: day }), // new customer: company default term
              invoice(103, 2, 150, { invoiceDateTime: day, paymentTerm: 1 }), // sent term
              invoice(104, 2, 150, { invoiceDateTime: day, paymentTerm: 2, dueDate: at(daysAgo(-40)) }), // unmatched: Autotask's due date
              invoice(105, 2, 150, { invoiceDateTime: day, paymentTerm: 2, dueDate: at(daysAgo(-41)) })
            ],
            BillingItems: [100, 101, 102, 103, 104, 105].map((id) => billingItem(id, id, id === 102 ? 11 : 10, 2, 75, { itemDate: day })),
            BillingCodes: [billingCode(10, "Managed Services"), billingCode(11, "Backup Monitoring")],
            Companies: [company(1, "Acme Corp"), company(2, "Globex"), company(3, "Initech")],
            PaymentTerms: [paymentTerm(1, "Net 10"), paymentTerm(2, "Net 45")]
          },
          qbo: {
            Item: [{ Id: "5", SyncToken: "0", Name: "Managed Services", Type: "Service", Active: true, IncomeAccountRef: { value: "1" } }],
            Customer: [
              { Id: "7", SyncToken: "0", DisplayName: "Acme Corp", Active: true, SalesTermRef: { value: "2" } },
              { Id: "8", SyncToken: "0", DisplayName: "Globex", Active: true }
            ],
            Preferences: { SalesFormsPrefs: { DefaultTerms: { value: "3" } } }
          }
        })
      )
      const sandbox = yield* withSandbox({ dataDir })
      const { plan } = yield* planAndApply(sandbox, config({ sync: { timeZone: "UTC" } }))
      const sources = assertPlanReadTrue(plan, sandbox)
      assert.deepStrictEqual(sources, [
        "no terms sent; QBO uses the customer's default term Net 15",
        "no terms sent; QBO uses the company's default term Net 30",
        "no terms sent; QBO uses the company's default term Net 30",
        "term Net 10",
        "Autotask's due date",
        "Autotask's due date"
      ])
      assert.deepStrictEqual(plan.warnings.map((warning) => [warning.code, warning.autotaskInvoiceIds]), [["term-omitted", [104, 105]]])
      assert.deepStrictEqual(plan.actions.filter((action) => action.type === "item.create").map((action) => action.display.incomeAccount), ["Services"])
    })))

  it.live("names QBO documents by DocNumber in apply's report, and warns when QBO gives two documents one number", () =>
    Effect.scoped(Effect.gen(function*() {
      const day = at(daysAgo(1))
      const dataDir = yield* Effect.promise(() =>
        writeDataset({
          autotask: {
            Invoices: [invoice(100, 1, 150, { invoiceDateTime: day }), invoice(101, 1, -75, { invoiceDateTime: day })],
            BillingItems: [billingItem(1, 100, 10, 2, 75, { itemDate: day }), billingItem(2, 101, 10, 1, -75, { itemDate: day })],
            BillingCodes: [billingCode(10, "Managed Services")],
            Companies: [company(1, "Acme Corp")]
          },
          qbo: { Item: [{ Id: "5", SyncToken: "0", Name: "Managed Services", Type: "Service", Active: true, IncomeAccountRef: { value: "1" } }] },
          // A company whose invoices and credit memos are numbered apart: both get 1001.
          sandboxYaml: "qbo:\n  salesFormNumbering: perType\n"
        })
      )
      const sandbox = yield* withSandbox({ dataDir })
      const { report } = yield* planAndApply(sandbox, config({ sync: { timeZone: "UTC", negativeInvoices: "credit-memo" } }))
      const created = report.outcomes.filter((outcome) => outcome.type === "invoice.create" || outcome.type === "creditmemo.create").map((outcome) => outcome.message)
      assert.deepStrictEqual(created.map((message) => message.replace(/\(Id \d+\)/, "(Id N)")).sort(), ["created QBO credit memo 1001 (Id N)", "created QBO invoice 1001 (Id N)"])
      const text = renderReportText(report)
      assert.include(text, `⚠ Autotask invoices 100 and 101 were both given the number "1001"`)
    })))
})
