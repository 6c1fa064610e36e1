/**
 * The chaos invariants have teeth: the document atqbo's planner builds passes, and the same
 * document from a deliberately broken build (quantity and rate swapped, another item, another
 * description, a line dropped) or a second live copy fails — while a voided copy does not; with
 * two QBO companies, a document in the company the invoice does not route to fails too.
 */
import { describe, expect, it } from "vitest"
import { checkInvariants, type World } from "../../bench/invariants.ts"
import { buildPlan } from "../../src/reconcile/plan.ts"
import { billingCode, billingItem, company, config, invoice, qboCustomer, qboItem, snapshot } from "../support/fixtures.ts"

type Row = Record<string, unknown>

const autotask = {
  Invoices: [invoice(100, 1, 225, { invoiceNumber: "1001", webServiceDate: "2026-11-21T10:00:00Z" })],
  BillingItems: [billingItem(1, 100, 10, 2, 75), billingItem(2, 100, 11, 3, 25)],
  BillingCodes: [billingCode(10, "Managed Services"), billingCode(11, "Backup Monitoring")],
  Companies: [company(1, "Acme Corp")]
} as unknown as Record<string, ReadonlyArray<Row>>

/** The body atqbo's planner would send for invoice 100, as QBO stores it. */
const built = (): Row => {
  const plan = buildPlan(snapshot({
    autotask: { invoices: [invoice(100, 1, 225)], billingItems: autotask.BillingItems as never, billingCodes: autotask.BillingCodes as never, companies: autotask.Companies as never },
    qbo: { items: [qboItem("5", "Managed Services"), qboItem("6", "Backup Monitoring")], customers: [qboCustomer("7", "Acme Corp")] }
  }), config(), { toolVersion: "test", createdAt: "2026-11-26T10:00:00Z" })
  const create = plan.actions.find((action) => action.type === "invoice.create")!
  const body = JSON.parse(JSON.stringify(create.payload)) as Row
  return { ...body, Id: "40", DocNumber: "1001", TotalAmt: 225, CustomerRef: { value: "7" } }
}

/** QBO companies with these documents each (by realm id), the same customers and items in each. */
const world = (documents: ReadonlyArray<Row> | Readonly<Record<string, ReadonlyArray<Row>>>): World => ({
  realmId: "1",
  qbo: {
    store: (realmId: string) => ({
      list: (entity: string) => ({
        Invoice: Array.isArray(documents) ? documents : ((documents as Record<string, ReadonlyArray<Row>>)[realmId] ?? []),
        CreditMemo: [],
        Customer: [{ Id: "7", DisplayName: "Acme Corp" }],
        Item: [{ Id: "5", Name: "Managed Services" }, { Id: "6", Name: "Backup Monitoring" }]
      } as Record<string, ReadonlyArray<Row>>)[entity] ?? []
    })
  },
  autotask: {
    store: {
      all: (entity: string) => autotask[entity] ?? [],
      get: (entity: string, id: number) => (autotask[entity] ?? []).find((row) => row.id === id)
    }
  }
}) as unknown as World

const check = (documents: ReadonlyArray<Row>) => checkInvariants(world(documents), { eligibleIds: [100], rejectedIds: [] })

/** The same document with its item lines changed by `edit`. */
const broken = (edit: (detail: Row, line: Row, index: number) => Row | undefined): Row => {
  const doc = built()
  const lines = (doc.Line as ReadonlyArray<Row>).flatMap((line, index) => {
    const changed = edit(line.SalesItemLineDetail as Row, line, index)
    return changed === undefined ? [] : [changed]
  })
  return { ...doc, Line: lines }
}

describe("chaos invariants", () => {
  it("pass for the document the planner builds", () => {
    expect(check([built()])).toEqual([])
  })

  it("catch a build that swapped quantity and rate on every line", () => {
    const swapped = broken((detail, line) => ({ ...line, SalesItemLineDetail: { ...detail, Qty: detail.UnitPrice, UnitPrice: detail.Qty } }))
    const violations = check([swapped])
    expect(violations.map((violation) => violation.kind)).toEqual(["line-content", "line-content"])
    expect(violations[0]!.message).toMatch(/billing item 1 \(Line 1, 2 × 75 = 150\.00\) has quantity 75 × rate 2/)
  })

  it("catch the wrong item, the wrong description and a dropped line", () => {
    const wrongItem = broken((detail, line, index) => index === 0 ? { ...line, SalesItemLineDetail: { ...detail, ItemRef: { value: "6" } } } : line)
    expect(check([wrongItem]).map((violation) => violation.message)).toEqual([expect.stringMatching(/is on item "Backup Monitoring", not "Managed Services"/)])
    const wrongDescription = broken((_, line, index) => index === 1 ? { ...line, Description: "something else" } : line)
    expect(check([wrongDescription]).map((violation) => violation.message)).toEqual([expect.stringMatching(/billing item 2 .* has no line with its amount and description/)])
    expect(check([broken((_, line, index) => (index === 0 ? undefined : line))]).map((violation) => violation.kind)).toEqual(["line-mismatch"])
  })

  it("count a second live copy as a duplicate, but not a voided one", () => {
    expect(check([built(), { ...built(), Id: "41" }]).map((violation) => violation.kind)).toEqual(["duplicate-document"])
    const voided = { ...built(), Id: "41", PrivateNote: `Voided - ${String(built().PrivateNote)}`, TotalAmt: 0 }
    expect(check([built(), voided])).toEqual([])
  })

  it("with two QBO companies, want the document in the company the invoice routes to and in no other", () => {
    // Company 1 (Acme Corp, invoice 100's) is routed to the second QBO company.
    const companies = [{ realmId: "1" }, { realmId: "2", autotaskCompanyIds: [1] }]
    const checkIn = (documents: Record<string, ReadonlyArray<Row>>) =>
      checkInvariants(world(documents), { eligibleIds: [100], rejectedIds: [], qboCompanies: companies }).map((violation) => violation.kind)
    expect(checkIn({ "2": [built()] })).toEqual([])
    expect(checkIn({ "1": [built()] })).toEqual(["missing-document", "wrong-company"])
    expect(checkIn({ "1": [built()], "2": [built()] })).toEqual(["wrong-company"])
    // Routed to the default company instead: the same documents the other way round.
    expect(checkInvariants(world({ "1": [built()] }), { eligibleIds: [100], rejectedIds: [], qboCompanies: [{ realmId: "1" }, { realmId: "2", autotaskCompanyIds: [2] }] })).toEqual([])
  })
})
