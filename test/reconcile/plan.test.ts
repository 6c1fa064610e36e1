import { assert, describe, it } from "@effect/vitest"
import type { Config } from "../../src/config/types.ts"
import type { ActionType, Plan, PlanAction } from "../../src/domain/plan.ts"
import { classifyInvoice } from "../../src/reconcile/classify.ts"
import { buildContext } from "../../src/reconcile/context.ts"
import { termDueDate } from "../../src/reconcile/dueDates.ts"
import { ownershipMarker } from "../../src/reconcile/marker.ts"
import { buildPlan } from "../../src/reconcile/plan.ts"
import type { Snapshot } from "../../src/reconcile/snapshot.ts"
import {
  billingCode,
  billingItem,
  company,
  config,
  invoice,
  paymentTerm,
  preferences,
  qboCustomer,
  qboDocument,
  qboItem,
  qboTerm,
  snapshot,
  type World
} from "../support/fixtures.ts"

const meta = { toolVersion: "test", createdAt: "2026-11-26T10:00:00Z" }
const plan = (world: World, cfg: Config = config()): Plan => buildPlan(snapshot(world), cfg, meta)
const types = (p: Plan): Array<string> => p.actions.map((action) => `${action.type} ${action.address}`)
const find = (p: Plan, type: ActionType): PlanAction => {
  const action = p.actions.find((candidate) => candidate.type === type)
  assert.isDefined(action, `expected a ${type} action in ${JSON.stringify(types(p))}`)
  return action!
}
const payload = (action: PlanAction): Record<string, any> => action.payload as Record<string, any>

/** The QBO line atqbo creates for `simple()`'s invoice. */
const managedLine = (amount = 150) => ({ DetailType: "SalesItemLineDetail" as const, Amount: amount, SalesItemLineDetail: { ItemRef: { value: "5" }, Qty: 2, UnitPrice: amount / 2 } })

// One company, one billing code, one invoice of 2 × 75.00 — the simplest world.
const simple = (extra: { invoice?: Parameters<typeof invoice>[3]; qbo?: World["qbo"]; autotask?: World["autotask"] } = {}): World => ({
  autotask: {
    invoices: [invoice(100, 1, 150, extra.invoice)],
    billingItems: [billingItem(1, 100, 10, 2, 75)],
    billingCodes: [billingCode(10, "Managed Services")],
    companies: [company(1, "Acme Corp")],
    ...extra.autotask
  },
  qbo: {
    items: [qboItem("5", "Managed Services")],
    customers: [qboCustomer("7", "Acme Corp")],
    ...extra.qbo
  }
})

describe("plan: invoices", () => {
  it("creates an invoice for an unsynced invoice and writes QBO's number back", () => {
    const p = plan(simple())
    assert.deepStrictEqual(types(p), ["invoice.create invoice:100", "autotask.writeback writeback:100"])
    const created = find(p, "invoice.create")
    const body = payload(created)
    assert.deepStrictEqual(body.CustomerRef, { value: "7", name: "Acme Corp" })
    assert.strictEqual(body.TxnDate, "2026-11-20")
    assert.strictEqual(body.Line.length, 1)
    assert.deepStrictEqual(body.Line[0], {
      DetailType: "SalesItemLineDetail",
      Amount: 150,
      Description: "Line 1",
      SalesItemLineDetail: { ItemRef: { value: "5", name: "Managed Services" }, Qty: 2, UnitPrice: 75, ServiceDate: "2026-11-20", TaxCodeRef: { value: "NON" } }
    })
    assert.include(body.PrivateNote, ownershipMarker(100))
    assert.notProperty(body, "DocNumber")
    const writeBack = find(p, "autotask.writeback")
    assert.deepStrictEqual(writeBack.payload, { id: 100, invoiceNumber: { $ref: "invoice:100", field: "DocNumber" }, webServiceDate: { $runtime: "now" } })
    assert.deepStrictEqual(writeBack.dependsOn, ["invoice:100"])
    assert.strictEqual(p.summary.counts["invoice.create"], 1)
  })

  it("produces nothing for an invoice whose document and write-back exist", () => {
    const p = plan(simple({
      invoice: { invoiceNumber: "1001", webServiceDate: "2026-11-21T10:00:00Z" },
      qbo: { invoices: [qboDocument("40", { DocNumber: "1001", TotalAmt: 150, CustomerRef: { value: "7" }, PrivateNote: ownershipMarker(100), Line: [managedLine()] })] }
    }))
    assert.deepStrictEqual(p.actions, [])
    assert.deepStrictEqual(p.warnings, [])
    assert.strictEqual(p.summary.invoicesInSync, 1)
  })

  it("repairs a half-synced invoice with a write-back only", () => {
    const p = plan(simple({ qbo: { invoices: [qboDocument("40", { DocNumber: "1001", TotalAmt: 150, PrivateNote: ownershipMarker(100) })] } }))
    assert.deepStrictEqual(types(p), ["autotask.writeback writeback:100"])
    assert.deepStrictEqual(payload(find(p, "autotask.writeback")).invoiceNumber, "1001")
    assert.deepStrictEqual(find(p, "autotask.writeback").dependsOn, [])
  })

  it("warns about drift of a synced invoice, field by field and line by line", () => {
    const p = plan(simple({
      invoice: { invoiceNumber: "1001", webServiceDate: "2026-11-21T10:00:00Z", invoiceTotal: 175 },
      autotask: { billingItems: [billingItem(1, 100, 10, 2, 75), billingItem(2, 100, 10, 1, 25)] },
      qbo: {
        customers: [qboCustomer("7", "Acme Corp"), qboCustomer("8", "Acme Holdings")],
        invoices: [qboDocument("40", { DocNumber: "1001", TotalAmt: 140, CustomerRef: { value: "8" }, PrivateNote: ownershipMarker(100), Line: [managedLine(140)] })]
      }
    }))
    assert.deepStrictEqual(p.actions, [])
    assert.strictEqual(p.warnings[0]?.code, "drift")
    assert.deepStrictEqual(p.warnings[0]?.differences, [
      { field: "TotalAmt", autotask: "175.00", qbo: "140.00" },
      { field: "CustomerRef", autotask: "Acme Corp", qbo: "Acme Holdings" },
      { field: "Line", autotask: "Managed Services 150.00", qbo: "(missing)" },
      { field: "Line", autotask: "Managed Services 25.00", qbo: "(missing)" },
      { field: "Line", autotask: "(missing)", qbo: "Managed Services 140.00" }
    ])
  })

  it("treats an invoice the vendor app synced (number set, QBO document with that number) as synced", () => {
    const p = plan(simple({
      invoice: { invoiceNumber: "1001", webServiceDate: "2026-11-21T10:00:00Z" },
      qbo: { invoices: [qboDocument("40", { DocNumber: "1001", TotalAmt: 150 })] }
    }))
    assert.deepStrictEqual(p.actions, [])
  })

  it("does not take another invoice's document for this one because the numbers match", () => {
    const p = plan(simple({
      invoice: { invoiceNumber: "1001", webServiceDate: "2026-11-21T10:00:00Z" },
      qbo: { invoices: [qboDocument("40", { DocNumber: "1001", TotalAmt: 999, PrivateNote: ownershipMarker(777) })] }
    }))
    assert.deepStrictEqual(p.actions, [])
    assert.deepStrictEqual(p.warnings.map((warning) => warning.code), ["synced-elsewhere"])
  })

  it("re-plans an invoice the vendor app marked ERROR", () => {
    const p = plan(simple({ invoice: { invoiceNumber: "ERROR" } }))
    assert.deepStrictEqual(types(p), ["invoice.create invoice:100", "autotask.writeback writeback:100"])
    assert.strictEqual(find(p, "autotask.writeback").before && (find(p, "autotask.writeback").before as any).invoiceNumber, "ERROR")
  })

  it("rejects a negative invoice by default and explains how to enable credit memos", () => {
    const p = plan(simple({ invoice: { invoiceTotal: -150 }, autotask: { billingItems: [billingItem(1, 100, 10, 1, -150)] } }))
    assert.deepStrictEqual(types(p), ["invoice.reject reject:100"])
    const reject = find(p, "invoice.reject")
    assert.match(reject.reasons[0]!, /negative \(-150\.00\).*sync\.negativeInvoices: credit-memo/)
    assert.deepStrictEqual(reject.target, { system: "none" })
  })

  it("books a negative invoice as a credit memo with positive lines when the policy says so", () => {
    const p = plan(
      simple({ invoice: { invoiceTotal: -150 }, autotask: { billingItems: [billingItem(1, 100, 10, 1, -150)] } }),
      config({ sync: { negativeInvoices: "credit-memo" } })
    )
    assert.deepStrictEqual(types(p), ["creditmemo.create creditmemo:100", "autotask.writeback writeback:100"])
    const line = payload(find(p, "creditmemo.create")).Line[0]
    assert.strictEqual(line.Amount, 150)
    assert.strictEqual(line.SalesItemLineDetail.UnitPrice, 150)
  })

  it("writes the error marker only when configured", () => {
    const world = simple({ invoice: { invoiceTotal: -150 }, autotask: { billingItems: [billingItem(1, 100, 10, 1, -150)] } })
    const p = plan(world, config({ sync: { errorMarker: { write: true, value: "ERROR" } } }))
    const reject = find(p, "invoice.reject")
    assert.deepStrictEqual(reject.payload, { id: 100, invoiceNumber: "ERROR" })
    assert.deepStrictEqual(reject.target, { system: "autotask", entity: "Invoices", operation: "update", id: 100 })
  })

  it("voids the QBO invoice of an invoice voided in Autotask only when void sync is on", () => {
    const world = simple({
      invoice: { isVoided: true, invoiceNumber: "1001", webServiceDate: "2026-11-21T10:00:00Z", voidedDate: "2026-11-22T00:00:00" },
      qbo: { invoices: [qboDocument("40", { SyncToken: "3", DocNumber: "1001", TotalAmt: 150, PrivateNote: ownershipMarker(100) })] }
    })
    const off = plan(world)
    assert.deepStrictEqual(off.actions, [])
    const p = plan(world, config({ sync: { voids: { sync: true, lookbackDays: 14 } } }))
    assert.deepStrictEqual(types(p), ["invoice.void void:100"])
    assert.deepStrictEqual(find(p, "invoice.void").payload, { Id: "40", SyncToken: "3" })
  })

  it("warns, with number and balance, about a QBO document still open for an invoice voided in Autotask while void sync is off", () => {
    const voided = (doc: Partial<Parameters<typeof qboDocument>[1]>) => simple({
      invoice: { isVoided: true, invoiceNumber: "1001", webServiceDate: "2026-11-21T10:00:00Z" },
      qbo: { invoices: [qboDocument("40", { DocNumber: "1001", TotalAmt: 150, PrivateNote: ownershipMarker(100), Line: [managedLine()], ...doc })] }
    })
    const cases: ReadonlyArray<[string, World, Config, string | undefined]> = [
      ["open, void sync off", voided({ Balance: 120 }), config(), "QBO invoice 1001 (Id 40) is still open with a balance of 120.00 USD"],
      ["open, void sync on: voided instead", voided({ Balance: 120 }), config({ sync: { voids: { sync: true, lookbackDays: 14 } } }), undefined],
      ["already voided in QBO", voided({ TotalAmt: 0, PrivateNote: `Voided ${ownershipMarker(100)}`, Line: [] }), config(), undefined]
    ]
    for (const [name, world, cfg, expected] of cases) {
      const p = plan(world, cfg)
      const warning = p.warnings.find((w) => w.code === "voided-open")
      if (expected === undefined) {
        assert.isUndefined(warning, name)
        continue
      }
      assert.include(warning?.message, expected, name)
      assert.include(warning?.message, "sync.voids.sync: true", name)
      assert.strictEqual(p.summary.invoicesInSync, 0, `${name}: not counted as in sync`)
    }
  })

  it("does not void a document that is already voided", () => {
    const p = plan(simple({
      invoice: { isVoided: true, invoiceNumber: "1001", webServiceDate: "2026-11-21T10:00:00Z" },
      qbo: { invoices: [qboDocument("40", { DocNumber: "1001", TotalAmt: 0, PrivateNote: `Voided ${ownershipMarker(100)}` })] }
    }), config({ sync: { voids: { sync: true, lookbackDays: 14 } } }))
    assert.deepStrictEqual(p.actions, [])
  })

  it("refuses an invoice whose document another QBO company (connection) holds", () => {
    const p = buildPlan(snapshot(simple()), config(), { ...meta, elsewhere: new Map([[100, "canada"]]) })
    assert.deepStrictEqual(types(p), ["invoice.reject reject:100"])
    assert.match(find(p, "invoice.reject").reasons[0]!, /its QBO document is in connection "canada".*a second document is never created/)
  })

  it("gives a rejected invoice its reasons and no further warnings", () => {
    // Unmatched term (a warning when booked) on an invoice rejected for its negative total.
    const p = plan(simple({ invoice: { invoiceTotal: -150, paymentTerm: 3 }, autotask: { billingItems: [billingItem(1, 100, 10, 1, -150)], paymentTerms: [paymentTerm(3, "Net 45")] } }))
    assert.deepStrictEqual(types(p), ["invoice.reject reject:100"])
    assert.deepStrictEqual(p.warnings, [])
  })

  it("leaves an unchanged invoice number out of a write-back, and plans none that would change nothing", () => {
    const repair = (invoiceNumber: string | null, webServiceDate: string | null = null) =>
      plan(simple({ invoice: { invoiceNumber, webServiceDate }, qbo: { invoices: [qboDocument("40", { DocNumber: "1102", TotalAmt: 150, PrivateNote: ownershipMarker(100), Line: [managedLine()] })] } }))
    const same = find(repair("1102"), "autotask.writeback")
    assert.deepStrictEqual(same.payload, { id: 100, webServiceDate: { $runtime: "now" } })
    assert.deepStrictEqual(same.before, { webServiceDate: null })
    const other = find(repair(null), "autotask.writeback")
    assert.deepStrictEqual(payload(other).invoiceNumber, "1102")
    // "1102" → "1102" with the invoice already marked synced: nothing to write, nothing to review.
    const synced = repair("1102", "2026-11-21T10:00:00Z")
    assert.deepStrictEqual(types(synced), [])
    assert.strictEqual(synced.summary.invoicesInSync, 1)
  })

  it("warns when a write-back would give an Autotask invoice a number another one has", () => {
    const world = (otherNumber: string) => simple({
      autotask: {
        invoices: [invoice(100, 1, 150), invoice(101, 1, 150, { invoiceNumber: otherNumber, webServiceDate: "2026-11-21T10:00:00Z" })],
        billingItems: [billingItem(1, 100, 10, 2, 75), billingItem(2, 101, 10, 2, 75)]
      },
      qbo: {
        invoices: [
          qboDocument("40", { DocNumber: "1001", TotalAmt: 150, PrivateNote: ownershipMarker(100), Line: [managedLine()] }),
          qboDocument("41", { DocNumber: otherNumber, TotalAmt: 150, Line: [managedLine()] })
        ]
      }
    })
    const shared = plan(world("1001")).warnings.filter((w) => w.code === "writeback-number-shared")
    assert.deepStrictEqual(shared.map((w) => w.autotaskInvoiceId), [100])
    assert.include(shared[0]!.message, `gives Autotask invoice id 100 the number "1001", which Autotask invoice 1001 (id 101) also has`)
    assert.deepStrictEqual(plan(world("1002")).warnings.filter((w) => w.code === "writeback-number-shared"), [])
  })

  it("rejects an invoice whose lines do not add up to Autotask's total", () => {
    const p = plan(simple({ invoice: { invoiceTotal: 151 } }))
    assert.match(find(p, "invoice.reject").reasons[0]!, /come to 150\.00, but the Autotask total is 151\.00/)
  })
})

describe("plan: classifyInvoice", () => {
  const ours = (id: string, extra = {}) => qboDocument(id, { DocNumber: `D${id}`, TotalAmt: 150, PrivateNote: ownershipMarker(100), ...extra })
  const cases: ReadonlyArray<[string, World, Config, ReadonlyMap<number, string>, string]> = [
    ["another connection holds it", simple(), config(), new Map([[100, "canada"]]), "HeldElsewhere holder=canada"],
    ["ours here wins over another connection", simple({ qbo: { invoices: [ours("40")] } }), config(), new Map([[100, "canada"]]), "Ours document=40 duplicates="],
    ["voided, no document", simple({ invoice: { isVoided: true } }), config(), new Map(), "Voided document=- duplicates="],
    ["voided, our document", simple({ invoice: { isVoided: true }, qbo: { invoices: [ours("40")] } }), config(), new Map(), "Voided document=40 duplicates="],
    ["ours, oldest first, the others duplicates", simple({ qbo: { invoices: [ours("41"), ours("40"), ours("9")] } }), config(), new Map(), "Ours document=9 duplicates=40,41"],
    ["vendor app numbered it, document found", simple({ invoice: { invoiceNumber: "1001" }, qbo: { invoices: [qboDocument("40", { DocNumber: "1001" })] } }), config(), new Map(), "SyncedBefore external=40"],
    ["vendor app numbered it, no document", simple({ invoice: { invoiceNumber: "1001" } }), config(), new Map(), "SyncedBefore external=-"],
    ["error marker means new", simple({ invoice: { invoiceNumber: "ERROR" } }), config(), new Map(), "New taken=-"],
    ["autotask numbering, number taken", simple({ invoice: { invoiceNumber: "T1" }, qbo: { invoices: [qboDocument("90", { DocNumber: "T1" })] } }), config({ sync: { numbering: { mode: "autotask", prefix: "" } } }), new Map(), "New taken=90"]
  ]
  for (const [name, world, cfg, elsewhere, expected] of cases) {
    it(name, () => {
      const snap = snapshot(world)
      const state = classifyInvoice(snap.autotask.invoices[0]!, buildContext(snap, cfg), elsewhere)
      const id = (doc: { doc: { Id: string } } | undefined) => doc?.doc.Id ?? "-"
      const text = state._tag === "HeldElsewhere" ? `holder=${state.holder}`
        : state._tag === "Voided" || state._tag === "Ours" ? `document=${id(state.document)} duplicates=${state.duplicates.map(id).join(",")}`
        : state._tag === "SyncedBefore" ? `external=${id(state.external)}`
        : `taken=${id(state.taken)}`
      assert.strictEqual(`${state._tag} ${text}`, expected)
    })
  }
})

describe("plan: customers", () => {
  it("matches a customer case-insensitively and after the configured normalisation", () => {
    const p1 = plan(simple({ qbo: { customers: [qboCustomer("8", "ACME CORP")] } }))
    assert.strictEqual(payload(find(p1, "invoice.create")).CustomerRef.value, "8")
    const p2 = plan(
      simple({ autotask: { companies: [company(1, "Acme Corp, Inc.")] }, qbo: { customers: [qboCustomer("9", "Acme  Corp")] } }),
      config({ customers: { normalize: { collapseWhitespace: true, ignorePunctuation: true, ignoreSuffixes: ["Inc"] } } })
    )
    assert.strictEqual(payload(find(p2, "invoice.create")).CustomerRef.value, "9")
  })

  it("creates one customer for many invoices of a new company and references it", () => {
    const invoices = Array.from({ length: 10 }, (_, i) => invoice(200 + i, 2, 150))
    const items = invoices.map((inv, i) => billingItem(50 + i, inv.id, 10, 2, 75))
    const p = plan(simple({ autotask: { invoices, billingItems: items, companies: [company(2, "O'Brien & Sons")] } }))
    const creates = p.actions.filter((action) => action.type === "customer.create")
    assert.strictEqual(creates.length, 1)
    assert.strictEqual(creates[0]!.address, "customer:O'Brien & Sons")
    assert.deepStrictEqual(payload(creates[0]!).DisplayName, "O'Brien & Sons")
    const documents = p.actions.filter((action) => action.type === "invoice.create")
    assert.strictEqual(documents.length, 10)
    for (const document of documents) {
      assert.deepStrictEqual(payload(document).CustomerRef, { value: { $ref: "customer:O'Brien & Sons", field: "Id" }, name: "O'Brien & Sons" })
      assert.include(document.dependsOn, "customer:O'Brien & Sons")
    }
  })

  it("uses a cross-reference and rejects one that names a missing customer, pointing at the YAML line", () => {
    const source = { file: "mappings/customers.yaml", line: 7, column: 5 }
    const xref = (customer: string) => config({ customers: { crossReferences: [{ companyId: 1, company: undefined, customer, source }] } })
    const ok = plan(simple({ qbo: { customers: [qboCustomer("7", "Acme Corp"), qboCustomer("12", "Acme Holdings")] } }), xref("Acme Holdings"))
    assert.strictEqual(payload(find(ok, "invoice.create")).CustomerRef.value, "12")
    const bad = plan(simple(), xref("Acme Holdngs"))
    assert.match(find(bad, "invoice.reject").reasons[0]!, /customers\.yaml \(mappings\/customers\.yaml:7\) maps company "Acme Corp" to QBO customer "Acme Holdngs", which does not exist/)
  })

  it("rejects creating a customer whose name a QBO vendor holds", () => {
    const p = plan(simple({ qbo: { customers: [], vendors: [{ Id: "3", SyncToken: "0", DisplayName: "acme corp" }] } }))
    assert.match(find(p, "invoice.reject").reasons[0]!, /a QBO vendor already uses that name/)
  })

  it("rejects when creation is off and nothing matches, and when the only match is inactive", () => {
    const off = plan(simple({ qbo: { customers: [] } }), config({ customers: { create: false } }))
    assert.match(find(off, "invoice.reject").reasons[0]!, /customer creation is off/)
    const inactive = plan(simple({ qbo: { customers: [qboCustomer("7", "Acme Corp", { Active: false })] } }))
    assert.match(find(inactive, "invoice.reject").reasons[0]!, /"Acme Corp" is inactive/)
  })

  it("rejects a company name QBO cannot hold", () => {
    const p = plan(simple({ autotask: { companies: [company(1, "Acme: West")] }, qbo: { customers: [] } }))
    assert.match(find(p, "invoice.reject").reasons[0]!, /contains a colon/)
  })
})

describe("plan: items", () => {
  const missingItem = (policy: "create" | "fallback" | "fail", fallbackItem?: string) =>
    config({ items: { missing: { policy, fallbackItem, create: { type: "Service", incomeAccount: "Services", taxable: false } } } })

  it("creates a missing item once and references it from the invoice (policy create)", () => {
    const p = plan(simple({ qbo: { items: [] } }), missingItem("create"))
    assert.deepStrictEqual(types(p).slice(0, 2), ["item.create item:Managed Services", "invoice.create invoice:100"])
    assert.deepStrictEqual(find(p, "item.create").payload, { Name: "Managed Services", Type: "Service", IncomeAccountRef: { value: "79", name: "Services" }, Taxable: false })
    assert.deepStrictEqual(payload(find(p, "invoice.create")).Line[0].SalesItemLineDetail.ItemRef, {
      value: { $ref: "item:Managed Services", field: "Id" },
      name: "Managed Services"
    })
  })

  it("uses the fallback item, or rejects under policy fail", () => {
    const fallback = plan(simple({ qbo: { items: [qboItem("6", "Services")] } }), missingItem("fallback", "Services"))
    assert.strictEqual(payload(find(fallback, "invoice.create")).Line[0].SalesItemLineDetail.ItemRef.value, "6")
    const fail = plan(simple({ qbo: { items: [] } }), missingItem("fail"))
    assert.match(find(fail, "invoice.reject").reasons[0]!, /billing code "Managed Services" has no QBO item named "Managed Services" \(missing-item policy: fail\)/)
  })

  it("matches by external number and by explicit map (id before name)", () => {
    const world = simple({
      autotask: { billingCodes: [billingCode(10, "Managed Services", { externalNumber: "MS-100" })] },
      qbo: { items: [qboItem("5", "Managed Services"), qboItem("6", "MS-100"), qboItem("7", "Special")] }
    })
    const byNumber = plan(world, config({ items: { matchField: "externalNumber" } }))
    assert.strictEqual(payload(find(byNumber, "invoice.create")).Line[0].SalesItemLineDetail.ItemRef.value, "6")
    const mapped = plan(world, config({ items: { map: [{ billingCodeId: 10, billingCode: undefined, item: "Special", source: undefined }] } }))
    assert.strictEqual(payload(find(mapped, "invoice.create")).Line[0].SalesItemLineDetail.ItemRef.value, "7")
  })

  it("rejects an inactive item, a category item and an item name with a colon", () => {
    const inactive = plan(simple({ qbo: { items: [qboItem("5", "Managed Services", { Active: false })] } }))
    assert.match(find(inactive, "invoice.reject").reasons[0]!, /is inactive/)
    const category = plan(simple({ qbo: { items: [qboItem("5", "Managed Services", { Type: "Category" })] } }))
    assert.match(find(category, "invoice.reject").reasons[0]!, /is a category, not a product or service/)
    const colon = plan(simple({ autotask: { billingCodes: [billingCode(10, "Labor: Remote")] }, qbo: { items: [] } }))
    assert.match(find(colon, "invoice.reject").reasons[0]!, /contains a colon/)
  })
})

describe("plan: mapping entries that point at nothing", () => {
  const at = (file: string, line: number) => ({ file: `mappings/${file}`, line, column: 3 })
  const lists = { billingCodes: [billingCode(10, "Managed Services"), billingCode(11, "Backup Monitoring")], paymentTerms: [paymentTerm(3, "Net 30 Days")], companies: [company(1, "Acme Corp")] }
  const world = (extra: { invoice?: Parameters<typeof invoice>[3]; qbo?: World["qbo"] } = {}): World => {
    const base = simple({ invoice: extra.invoice, qbo: { terms: [qboTerm("3", "Net 30")], ...extra.qbo } })
    return { ...base, autotask: { ...base.autotask, paymentTerms: [paymentTerm(3, "Net 30 Days")], mappingLists: lists } }
  }
  const item = (entry: { billingCode?: string; billingCodeId?: number; item: string }) =>
    config({ items: { map: [{ billingCode: entry.billingCode, billingCodeId: entry.billingCodeId, item: entry.item, source: at("items.yaml", 7) }] } })
  const alias = (autotask: string, qbo: string) => config({ terms: { aliases: [{ autotask, qbo, source: at("terms.yaml", 4) }] } })
  const xref = (entry: { companyId?: number; company?: string; customer: string }) =>
    config({ customers: { crossReferences: [{ companyId: entry.companyId, company: entry.company, customer: entry.customer, source: at("customers.yaml", 9) }] } })
  const withItems = { items: [qboItem("5", "Managed Services"), qboItem("6", "Backup Monitoring")] }

  // [name, world, config, "error" (the invoice is rejected with it) | "warning" (booked, warned), text expected]
  const cases: ReadonlyArray<[string, World, Config, "error" | "warning", string]> = [
    ["a misspelt billing code in items.yaml: its invoices are refused, never given a new item",
      world(), item({ billingCode: "Managed Servics", item: "Backup Monitoring" }), "error",
      `mappings/items.yaml:7: billing code "Managed Servics" does not exist in Autotask (closest: "Managed Services"); it most likely means the billing code "Managed Services" of this invoice`],
    ["a billing code nothing resembles", world(), item({ billingCode: "Quantum Widgets", item: "Backup Monitoring" }), "warning",
      `mappings/items.yaml:7: billing code "Quantum Widgets" does not exist in Autotask; no invoice of this run needs it`],
    ["a billing code id that does not exist", world(), item({ billingCodeId: 999, item: "Backup Monitoring" }), "warning",
      "mappings/items.yaml:7: billing code id 999 does not exist in Autotask"],
    ["a misspelt QBO item this run uses", world({ qbo: withItems }), item({ billingCode: "Managed Services", item: "Managed Service" }), "error",
      `maps billing code "Managed Services" to QBO item "Managed Service", which does not exist in QBO (closest: "Managed Services")`],
    ["a misspelt QBO item no invoice uses", world({ qbo: withItems }), item({ billingCode: "Backup Monitoring", item: "Backup Monitorin" }), "warning",
      `mappings/items.yaml:7: QBO item "Backup Monitorin" does not exist in QBO (closest: "Backup Monitoring")`],
    ["an inactive QBO item no invoice uses", world({ qbo: { items: [qboItem("5", "Managed Services"), qboItem("6", "Old", { Active: false })] } }), item({ billingCode: "Backup Monitoring", item: "Old" }), "warning",
      `mappings/items.yaml:7: QBO item "Old" is inactive in QBO`],
    ["a misspelt Autotask term in terms.yaml", world({ invoice: { paymentTerm: 3 } }), alias("Net 30 Dayz", "Net 30"), "error",
      `mappings/terms.yaml:4: payment term "Net 30 Dayz" does not exist in Autotask (closest: "Net 30 Days")`],
    ["a misspelt QBO term: its invoices lose their terms, said with the closest name", world({ invoice: { paymentTerm: 3 } }), alias("Net 30 Days", "Net 3O"), "warning",
      `or its alias "Net 3O" (mappings/terms.yaml:4) (closest: "Net 30"), so Autotask invoice id 100 is created without terms`],
    ["a misspelt company in customers.yaml", world(), xref({ company: "Acme Crop", customer: "Acme Corp" }), "error",
      `mappings/customers.yaml:9: company "Acme Crop" does not exist in Autotask (closest: "Acme Corp")`],
    ["a company id that does not exist", world(), xref({ companyId: 999, customer: "Acme Corp" }), "warning", "mappings/customers.yaml:9: company id 999 does not exist in Autotask"],
    ["a misspelt customer this run uses", world(), xref({ companyId: 1, customer: "Acme Crop" }), "error",
      `customers.yaml (mappings/customers.yaml:9) maps company "Acme Corp" to QBO customer "Acme Crop", which does not exist in QBO (closest: "Acme Corp")`],
    ["an income account that does not exist, needed", world({ qbo: { items: [] } }), config({ items: { missing: { create: { incomeAccount: "Servics" } } } }), "error",
      `income account "Servics" (items.yaml missing.create.incomeAccount) does not exist or is inactive in QBO (closest: "Services")`],
    ["an income account that does not exist, not needed", world(), config({ items: { missing: { create: { incomeAccount: "Servics" } } } }), "warning",
      `items.yaml missing.create.incomeAccount: QBO account "Servics" does not exist in QBO (closest: "Services")`],
    ["a tax rate that does not exist, no taxed invoice", world(), config({ taxes: { us: { taxCode: "Travis Cnty" } } }), "warning",
      `taxes.yaml us.taxCode: QBO tax rate "Travis Cnty" does not exist in QBO`]
  ]
  for (const [name, w, cfg, kind, text] of cases) {
    it(name, () => {
      const p = plan(w, cfg)
      const rejected = p.actions.find((action) => action.type === "invoice.reject")
      if (kind === "error") {
        assert.isDefined(rejected, `expected a rejection in ${JSON.stringify(types(p))}`)
        assert.include(rejected!.reasons.join("\n"), text)
        assert.notInclude(types(p).join(), "item.create", "no new, wrong item")
        assert.deepStrictEqual(p.warnings.filter((warning) => warning.code === "mapping-unresolved"), [], "reported once, on the invoice")
      } else {
        assert.isUndefined(rejected, JSON.stringify(rejected?.reasons))
        assert.include(p.warnings.map((warning) => warning.message).join("\n"), text)
      }
    })
  }
})

describe("plan: terms, classes, memo, e-mail", () => {
  it("matches terms exactly, through an alias, or omits them with a warning", () => {
    const world = (name: string) => simple({ invoice: { paymentTerm: 3 }, autotask: { paymentTerms: [paymentTerm(3, name)] }, qbo: { terms: [qboTerm("3", "Net 30")] } })
    assert.deepStrictEqual(payload(find(plan(world("Net 30")), "invoice.create")).SalesTermRef, { value: "3", name: "Net 30" })
    const aliased = plan(world("Net 30 Days"), config({ terms: { aliases: [{ autotask: "Net 30 Days", qbo: "Net 30", source: undefined }] } }))
    assert.deepStrictEqual(payload(find(aliased, "invoice.create")).SalesTermRef, { value: "3", name: "Net 30" })
    const omitted = plan(world("Net 45"))
    assert.notProperty(payload(find(omitted, "invoice.create")), "SalesTermRef")
    assert.strictEqual(omitted.warnings[0]?.code, "term-omitted")
    const failed = plan(world("Net 45"), config({ terms: { unmatched: "fail" } }))
    assert.match(find(failed, "invoice.reject").reasons[0]!, /no active QBO term matches Autotask payment term "Net 45"/)
  })

  it("states the due date each new invoice gets and where it comes from", () => {
    const net = (Id: string, Name: string, DueDays: number) => ({ ...qboTerm(Id, Name), DueDays })
    const terms = [net("2", "Net 15", 15), net("3", "Net 30", 30), { ...net("4", "Net 90", 90), Active: false }]
    const world = (extra: { invoice?: Parameters<typeof invoice>[3]; customer?: Partial<Parameters<typeof qboCustomer>[2]>; defaultTerm?: string }) =>
      simple({
        invoice: extra.invoice,
        autotask: { paymentTerms: [paymentTerm(1, "Net 30"), paymentTerm(2, "Net 45")] },
        qbo: {
          terms,
          customers: [qboCustomer("7", "Acme Corp", extra.customer)],
          preferences: preferences({ SalesFormsPrefs: { CustomTxnNumbers: false, ...(extra.defaultTerm ? { DefaultTerms: { value: extra.defaultTerm } } : {}) } })
        }
      })
    const cases: ReadonlyArray<[string, World, string, string]> = [
      ["sent term", world({ invoice: { paymentTerm: 1 } }), "2026-12-20", "term Net 30"],
      ["unmatched term, Autotask due date sent", world({ invoice: { paymentTerm: 2, dueDate: "2027-01-04T00:00:00" } }), "2027-01-04", "Autotask's due date"],
      ["no term: the customer's default", world({ customer: { SalesTermRef: { value: "2" } }, defaultTerm: "3" }), "2026-12-05", "no terms sent; QBO uses the customer's default term Net 15"],
      ["inactive customer term: the company's default", world({ customer: { SalesTermRef: { value: "4" } }, defaultTerm: "3" }), "2026-12-20", "no terms sent; QBO uses the company's default term Net 30"],
      ["no default anywhere", world({}), "2026-11-20", "no terms sent and no default term in QBO: due on the invoice date"]
    ]
    for (const [name, w, date, source] of cases) {
      const created = find(plan(w), "invoice.create")
      assert.deepStrictEqual([created.display.dueDate, created.display.dueDateSource], [date, source], name)
    }
  })

  it("dates by a date-driven term: this month's day, the next month's when passed or too close, clamped to the month", () => {
    const term = (DayOfMonthDue: number, DueNextMonthDays?: number) => ({ ...qboTerm("9", "EOM"), DayOfMonthDue, ...(DueNextMonthDays === undefined ? {} : { DueNextMonthDays }) })
    assert.strictEqual(termDueDate(term(25), "2026-11-20"), "2026-11-25")
    assert.strictEqual(termDueDate(term(15), "2026-11-20"), "2026-12-15")
    assert.strictEqual(termDueDate(term(25, 10), "2026-11-20"), "2026-12-25")
    assert.strictEqual(termDueDate(term(31), "2026-12-31"), "2026-12-31")
    assert.strictEqual(termDueDate(term(31), "2027-02-03"), "2027-02-28")
    assert.strictEqual(termDueDate(term(10), "2026-12-20"), "2027-01-10")
  })

  it("reports an unmatched term once per term, naming its invoices", () => {
    const invoices = [100, 101, 102].map((id) => invoice(id, 1, 150, { paymentTerm: 2, invoiceNumber: null }))
    const p = plan(simple({
      autotask: {
        invoices: [...invoices, invoice(103, 1, 150, { paymentTerm: 3 })],
        billingItems: [100, 101, 102, 103].map((id) => billingItem(id, id, 10, 2, 75)),
        paymentTerms: [paymentTerm(2, "Net 45"), paymentTerm(3, "Net 60")]
      }
    }))
    const omitted = p.warnings.filter((w) => w.code === "term-omitted")
    assert.deepStrictEqual(omitted.map((w) => [w.autotaskInvoiceId, w.autotaskInvoiceIds]), [[undefined, [100, 101, 102]], [103, [103]]])
    assert.include(omitted[0]!.message, "\"Net 45\", so 3 invoices are (Autotask invoice id 100, Autotask invoice id 101, Autotask invoice id 102) created without terms")
  })

  it("puts the default class on the transaction, or warns when QBO tracks classes per line", () => {
    const classes = [{ Id: "50", SyncToken: "0", Name: "Managed", Active: true }, { Id: "51", SyncToken: "0", Name: "Projects", Active: true }]
    const cfg = config({ classes: { default: "Managed", lines: { default: undefined, rules: [{ class: "Projects", billingCodes: ["Managed Services"], billingCodeIds: undefined, billingItemTypes: undefined, source: undefined }] } } })
    const perTxn = plan(simple({ qbo: { classes, preferences: preferences({ AccountingInfoPrefs: { ClassTrackingPerTxn: true, ClassTrackingPerTxnLine: false } }) } }), cfg)
    assert.deepStrictEqual(payload(find(perTxn, "invoice.create")).ClassRef, { value: "50", name: "Managed" })
    assert.isTrue(perTxn.warnings.some((w) => w.code === "class-not-applicable" && /line class rules/.test(w.message)))
    const perLine = plan(simple({ qbo: { classes, preferences: preferences({ AccountingInfoPrefs: { ClassTrackingPerTxn: false, ClassTrackingPerTxnLine: true } }) } }), cfg)
    const body = payload(find(perLine, "invoice.create"))
    assert.notProperty(body, "ClassRef")
    assert.deepStrictEqual(body.Line[0].SalesItemLineDetail.ClassRef, { value: "51", name: "Projects" })
    assert.isTrue(perLine.warnings.some((w) => w.code === "class-not-applicable" && /default class "Managed" is ignored/.test(w.message)))
  })

  it("builds the customer memo from the configured parts", () => {
    const p = plan(simple({ invoice: { orderNumber: "PO-77", comments: "Thanks!" } }))
    assert.deepStrictEqual(payload(find(p, "invoice.create")).CustomerMemo, { value: "PO: PO-77\nThanks!" })
  })

  it("e-mails new invoices when configured, before the write-back; warns when no address is known", () => {
    const cfg = config({ sync: { email: { onCreate: true } } })
    const p = plan(simple({ qbo: { customers: [qboCustomer("7", "Acme Corp", { PrimaryEmailAddr: { Address: "ap@acme.test" } })] } }), cfg)
    assert.deepStrictEqual(types(p), ["invoice.create invoice:100", "invoice.send send:100", "autotask.writeback writeback:100"])
    assert.deepStrictEqual(find(p, "autotask.writeback").dependsOn, ["invoice:100", "send:100"])
    assert.deepStrictEqual(payload(find(p, "invoice.create")).BillEmail, { Address: "ap@acme.test" })
    const noEmail = plan(simple(), cfg)
    assert.deepStrictEqual(types(noEmail), ["invoice.create invoice:100", "autotask.writeback writeback:100"])
    assert.strictEqual(noEmail.warnings[0]?.code, "no-email")
  })
})

describe("plan: numbering", () => {
  const autotaskNumbering = (prefix = "") => config({ sync: { numbering: { mode: "autotask", prefix } } })
  const customNumbers = preferences({ SalesFormsPrefs: { CustomTxnNumbers: true } })

  it("sends the prefixed Autotask number as DocNumber and marks the sync with webServiceDate only", () => {
    const p = plan(simple({ invoice: { invoiceNumber: "T1001" }, qbo: { preferences: customNumbers } }), autotaskNumbering("AT-"))
    assert.strictEqual(payload(find(p, "invoice.create")).DocNumber, "AT-T1001")
    assert.deepStrictEqual(find(p, "autotask.writeback").payload, { id: 100, webServiceDate: { $runtime: "now" } })
  })

  it("rejects a DocNumber QBO already uses and one longer than 21 characters", () => {
    const taken = plan(simple({ invoice: { invoiceNumber: "T1001" }, qbo: { preferences: customNumbers, invoices: [qboDocument("90", { DocNumber: "T1001", TotalAmt: 10 })] } }), autotaskNumbering())
    assert.match(find(taken, "invoice.reject").reasons[0]!, /DocNumber "T1001" is already used in QBO by invoice Id 90/)
    const long = plan(simple({ invoice: { invoiceNumber: "T20261120.000000001" }, qbo: { preferences: customNumbers } }), autotaskNumbering("ATQBO-"))
    assert.match(find(long, "invoice.reject").reasons[0]!, /QBO allows at most 21/)
  })

  it("rejects qbo numbering while QBO's custom transaction numbers are on", () => {
    const p = plan(simple({ qbo: { preferences: customNumbers } }))
    assert.match(find(p, "invoice.reject").reasons[0]!, /Custom transaction numbers/)
  })
})

describe("plan: money", () => {
  it("keeps 4-decimal rates and fractional quantities exact to the cent", () => {
    const items = [
      billingItem(1, 100, 10, 3.175, 100, { extendedPrice: 317.5 }),
      billingItem(2, 100, 10, 3, 33.3333, { extendedPrice: 99.9999 }),
      billingItem(3, 100, 10, 7, 0.1429, { extendedPrice: 1.0003 })
    ]
    const p = plan(simple({ invoice: { invoiceTotal: 418.5 }, autotask: { billingItems: items } }))
    const lines = payload(find(p, "invoice.create")).Line
    assert.deepStrictEqual(lines.map((line: any) => [line.Amount, line.SalesItemLineDetail.Qty, line.SalesItemLineDetail.UnitPrice]), [
      [317.5, 3.175, 100],
      [100, 3, 33.3333],
      [1, 7, 0.1429]
    ])
    for (const line of lines) {
      const product = Math.round(line.SalesItemLineDetail.Qty * line.SalesItemLineDetail.UnitPrice * 100) / 100
      assert.strictEqual(product, line.Amount)
    }
  })

  it("sums many small lines to the invoice total without float drift", () => {
    const items = Array.from({ length: 300 }, (_, i) => billingItem(i + 1, 100, 10, 1, 0.1))
    const p = plan(simple({ invoice: { invoiceTotal: 30 }, autotask: { billingItems: items } }))
    assert.strictEqual(find(p, "invoice.create").display.total, "30.00")
  })

  it("sends Autotask's tax with TAX/NON lines under US tax", () => {
    const items = [billingItem(1, 100, 10, 1, 100, { taxDollars: 8.25 }), billingItem(2, 100, 10, 1, 50)]
    const p = plan(simple({
      invoice: { invoiceTotal: 158.25, totalTaxValue: 8.25, taxRegionName: "Travis County" },
      autotask: { billingItems: items },
      qbo: { taxCodes: [{ Id: "3", SyncToken: "0", Name: "Travis County", Active: true }] }
    }))
    const body = payload(find(p, "invoice.create"))
    assert.deepStrictEqual(body.Line.map((line: any) => line.SalesItemLineDetail.TaxCodeRef.value), ["TAX", "NON"])
    assert.deepStrictEqual(body.TxnTaxDetail, { TxnTaxCodeRef: { value: "3", name: "Travis County" }, TotalTax: 8.25 })
    const missing = plan(simple({ invoice: { invoiceTotal: 158.25, totalTaxValue: 8.25, taxRegionName: "Travis County" }, autotask: { billingItems: items } }))
    assert.match(find(missing, "invoice.reject").reasons[0]!, /no active tax rate named "Travis County"/)
  })
})

describe("plan: bad data gets a reason, not a stop", () => {
  it("rejects, naming the field, amounts that cannot be read or held exactly; the other invoices go on", () => {
    const cases: ReadonlyArray<[string, World, RegExp]> = [
      ["non-numeric total", simple({ invoice: { invoiceTotal: "150,00" as never } }), /invoiceTotal is "150,00", not a number/],
      ["object rate", simple({ autotask: { billingItems: [billingItem(1, 100, 10, 2, { value: 75 } as never, { extendedPrice: 150 })] } }), /billing item 1 rate is an object, not a number/],
      ["17-digit quantity", simple({ autotask: { billingItems: [billingItem(1, 100, 10, 2.0000000000000004, 75, { extendedPrice: 150 })] } }), /billing item 1 quantity is 2\.0000000000000004, which has more digits than can be read exactly/],
      ["16-digit total", simple({ invoice: { invoiceTotal: 12345678901234.56 }, autotask: { billingItems: [billingItem(1, 100, 10, 1, 12345678901234.56)] } }), /invoiceTotal is 12345678901234\.56, which has more digits than can be read exactly/],
      ["11 digits before the point", simple({ invoice: { invoiceTotal: 12345678901.23 }, autotask: { billingItems: [billingItem(1, 100, 10, 1, 12345678901.23)] } }), /the total 12,345,678,901\.23 has more than 10 digits before the decimal point.*never rounded/]
    ]
    for (const [name, world, reason] of cases) {
      const withOther: World = {
        autotask: {
          ...world.autotask,
          invoices: [...world.autotask!.invoices!, invoice(101, 1, 150)],
          billingItems: [...world.autotask!.billingItems!, billingItem(9, 101, 10, 2, 75)]
        },
        qbo: world.qbo
      }
      const p = plan(withOther)
      assert.deepStrictEqual(types(p), ["invoice.create invoice:101", "autotask.writeback writeback:101", "invoice.reject reject:100"], name)
      assert.match(find(p, "invoice.reject").reasons.join("\n"), reason, name)
    }
  })

  it("rejects an invoice of a company without a name and goes on", () => {
    const p = plan(simple({
      autotask: {
        invoices: [invoice(100, 1, 150), invoice(101, 2, 150)],
        billingItems: [billingItem(1, 100, 10, 2, 75), billingItem(2, 101, 10, 2, 75)],
        companies: [company(1, "Acme Corp"), company(2, null as never)]
      }
    }))
    assert.deepStrictEqual(types(p), ["invoice.create invoice:100", "autotask.writeback writeback:100", "invoice.reject reject:101"])
    assert.match(find(p, "invoice.reject").reasons[0]!, /Autotask company 2 of this invoice has no name/)
  })

  it("cuts a description over 4,000 characters between graphemes, with a warning", () => {
    const family = "👨‍👩‍👧" // 5 code points, one grapheme
    const description = `${"x".repeat(3997)}${family}tail`
    const p = plan(simple({ autotask: { billingItems: [billingItem(1, 100, 10, 2, 75, { description })] } }))
    const line = payload(find(p, "invoice.create")).Line[0]
    assert.strictEqual(line.Description, "x".repeat(3997), "the family emoji does not fit whole, so it is left out whole")
    assert.deepStrictEqual(p.warnings.map((w) => w.code), ["description-truncated"])
    const exact = plan(simple({ autotask: { billingItems: [billingItem(1, 100, 10, 2, 75, { description: `${"x".repeat(3995)}${family}` })] } }))
    assert.strictEqual(payload(find(exact, "invoice.create")).Line[0].Description.length, 3995 + family.length)
    assert.deepStrictEqual(exact.warnings, [])
  })
})

describe("plan: checksum and order", () => {
  const world: World = simple({
    autotask: {
      invoices: [invoice(102, 1, 150), invoice(100, 1, 150), invoice(101, 2, 150)],
      billingItems: [billingItem(1, 100, 10, 2, 75), billingItem(2, 101, 10, 2, 75), billingItem(3, 102, 10, 2, 75)],
      companies: [company(1, "Acme Corp"), company(2, "Globex")]
    }
  })

  it("is deterministic: same world and config give the same checksum whatever the time or input order", () => {
    const a = buildPlan(snapshot(world), config(), meta)
    const reversed: Snapshot = snapshot({ ...world, autotask: { ...world.autotask, invoices: [...world.autotask!.invoices!].reverse() } })
    const b = buildPlan(reversed, config(), { ...meta, createdAt: "2030-01-01T00:00:00Z" })
    assert.strictEqual(a.checksum, b.checksum)
    assert.match(a.checksum, /^sha256:[0-9a-f]{64}$/)
    assert.deepStrictEqual(types(a), [
      "customer.create customer:Globex",
      "invoice.create invoice:100",
      "invoice.create invoice:101",
      "invoice.create invoice:102",
      "autotask.writeback writeback:100",
      "autotask.writeback writeback:101",
      "autotask.writeback writeback:102"
    ])
  })

  it("changes the checksum when any payload changes", () => {
    const a = buildPlan(snapshot(world), config(), meta)
    const b = buildPlan(snapshot(world), config({ sync: { customerMemo: { parts: ["invoiceDate"], separator: "\n" } } }), meta)
    assert.notStrictEqual(a.checksum, b.checksum)
  })
})
