import { assert, describe, it } from "@effect/vitest"
import type { Plan } from "../../src/domain/plan.ts"
import { ownershipMarker } from "../../src/reconcile/marker.ts"
import { buildPlan } from "../../src/reconcile/plan.ts"
import { planProblem } from "../../src/reconcile/planFile.ts"
import { planSummary, SUMMARY_LIMIT } from "../../src/render/github.ts"
import { renderJson } from "../../src/render/json.ts"
import { GITHUB_COMMENT_LIMIT, renderMarkdown } from "../../src/render/markdown.ts"
import { summaryLine } from "../../src/render/summary.ts"
import { renderText } from "../../src/render/text.ts"
import { billingCode, billingItem, company, config, invoice, qboCustomer, qboDocument, qboItem, snapshot } from "../support/fixtures.ts"

const meta = { toolVersion: "test", createdAt: "2026-11-26T10:00:00Z" }

/** A mixed world: a new customer with a hostile name, a new item, a rejection, a repair, a warning. */
const mixedPlan = (): Plan =>
  buildPlan(
    snapshot({
      autotask: {
        invoices: [
          invoice(100, 1, 150, { paymentTerm: 9 }),
          invoice(101, 2, 1234.5),
          invoice(102, 1, -20),
          invoice(103, 1, 150)
        ],
        billingItems: [
          billingItem(1, 100, 10, 2, 75),
          billingItem(2, 101, 11, 1, 1234.5, { description: "Pipe | <b>fitting</b>\nsecond line" }),
          billingItem(3, 102, 10, 1, -20),
          billingItem(4, 103, 10, 2, 75)
        ],
        billingCodes: [billingCode(10, "Managed Services"), billingCode(11, "Plumbing \\ Parts")],
        companies: [company(1, "Acme Corp"), company(2, "O'Brien \"Pipes\" & Sons")],
        paymentTerms: [{ id: 9, name: "Net 45", isActive: true }]
      },
      qbo: {
        items: [qboItem("5", "Managed Services")],
        customers: [qboCustomer("7", "Acme Corp")],
        invoices: [qboDocument("40", { DocNumber: "1001", TotalAmt: 150, CustomerRef: { value: "7" }, PrivateNote: ownershipMarker(103), Line: [{ DetailType: "SalesItemLineDetail", Amount: 150, SalesItemLineDetail: { ItemRef: { value: "5" }, Qty: 2, UnitPrice: 75 } }] })]
      }
    }),
    config(),
    meta
  )

describe("renderers", () => {
  it("writes one summary line with every kind of change", () => {
    assert.strictEqual(
      summaryLine(mixedPlan()),
      "Plan: 2 invoices, 1 customer, 1 item to create; 3 write-backs; 1 error; 1 warning."
    )
  })

  it("renders text with symbols, money, reasons and the summary last", () => {
    const text = renderText(mixedPlan(), { verbose: false })
    assert.include(text, "  ! error       Autotask invoice id 102 for Acme Corp cannot be synced")
    assert.include(text, "      - the total is negative (-20.00)")
    assert.include(text, `  + customer    create QBO customer "O'Brien "Pipes" & Sons" for Autotask company 2`)
    assert.include(text, `  + item        create QBO item "Plumbing \\ Parts"`)
    assert.match(text, /\+ invoice\s+id 101\s+O'Brien "Pipes" & Sons\s+1,234\.50 USD  → write-back/, "a new invoice and its own write-back are one entry")
    assert.include(text, "1,234.50 USD")
    assert.include(text, `~ write-back  mark Autotask invoice id 103 synced (its QBO document exists but the write-back is missing)`)
    assert.include(text, `invoiceNumber: (blank) → "1001"`)
    assert.include(text, "⚠ no active QBO term matches Autotask payment term \"Net 45\", so Autotask invoice id 100 is created without terms")
    assert.include(text, "no terms · due 2026-11-20 (no terms sent and no default term in QBO: due on the invoice date)")
    assert.include(text, `  + item        create QBO item "Plumbing \\ Parts", income account "Services"`)
    assert.isTrue(text.trimEnd().endsWith("Plan: 2 invoices, 1 customer, 1 item to create; 3 write-backs; 1 error; 1 warning."))
    assert.notInclude(text, "Pipe | <b>", "line descriptions are shown only with --verbose")
    assert.include(renderText(mixedPlan(), { verbose: true }), "Pipe | <b>fitting</b>")
  })

  it("renders markdown with errors first and hostile text escaped", () => {
    const markdown = renderMarkdown(mixedPlan())
    const errors = markdown.indexOf("#### ❌ Errors (1)")
    const changes = markdown.indexOf("#### Changes")
    assert.isTrue(errors > 0 && errors < changes)
    assert.include(markdown, "O'Brien \"Pipes\" &amp; Sons")
    assert.include(markdown, "Pipe \\| &lt;b&gt;fitting&lt;/b&gt;<br>second line")
    assert.notInclude(markdown, "<b>fitting")
  })

  it("keeps a huge plan's markdown under GitHub's comment limit with the summary intact", () => {
    const count = 3000
    const invoices = Array.from({ length: count }, (_, i) => invoice(1000 + i, 1 + (i % 400), 150))
    const items = invoices.map((inv, i) => billingItem(i + 1, inv.id, 10, 2, 75))
    const companies = Array.from({ length: 400 }, (_, i) => company(i + 1, `Customer number ${i + 1} with a fairly long name LLC`))
    const plan = buildPlan(snapshot({ autotask: { invoices, billingItems: items, billingCodes: [billingCode(10, "Managed Services")], companies }, qbo: { items: [qboItem("5", "Managed Services")] } }), config(), meta)
    const markdown = renderMarkdown(plan, { fullPlanHint: "see the job summary" })
    assert.isAtMost(markdown.length, GITHUB_COMMENT_LIMIT)
    assert.include(markdown, `### ${summaryLine(plan)}`)
    assert.match(markdown, /more changes not shown here \(GitHub's comment size limit\); see the job summary/)
  })
})

describe("GitHub job summary", () => {
  it("stays under 1 MiB in bytes, not characters, with multi-byte names", () => {
    const invoices = Array.from({ length: 4000 }, (_, i) => invoice(1000 + i, 1 + (i % 500), 150))
    const items = invoices.map((inv, i) => billingItem(i + 1, inv.id, 10, 2, 75, { description: "保守サービス（月額）・リモートサポート対応" }))
    const companies = Array.from({ length: 500 }, (_, i) => company(i + 1, `株式会社テスト番号${i + 1}ホールディングス東京本社営業部`))
    const plan = buildPlan(snapshot({ autotask: { invoices, billingItems: items, billingCodes: [billingCode(10, "Managed Services")], companies }, qbo: { items: [qboItem("5", "Managed Services")] } }), config(), meta)
    const summary = planSummary(plan)
    assert.isAtMost(Buffer.byteLength(summary, "utf8"), SUMMARY_LIMIT)
    assert.isAbove(Buffer.byteLength(summary, "utf8"), SUMMARY_LIMIT * 0.8, "the budget is used, not wasted")
    assert.include(summary, summaryLine(plan))
  })
})

describe("plan JSON", () => {
  it("validates against schemas/plan.schema.json and keeps its checksum", () => {
    const plan = JSON.parse(renderJson(mixedPlan())) as unknown
    assert.isUndefined(planProblem(plan))
  })

  it("refuses a tampered plan and a file that is not a plan", () => {
    const plan = JSON.parse(renderJson(mixedPlan()))
    plan.actions[1].payload.DisplayName = "Someone Else"
    assert.match(planProblem(plan)!, /do not match its checksum/)
    assert.match(planProblem({ hello: "world" })!, /not an atqbo plan/)
  })
})
