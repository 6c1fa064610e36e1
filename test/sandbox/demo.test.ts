/**
 * The bundled demo (src/sandbox/data/demo with the example configuration in mappings/): what
 * `atqbo plan --sandbox` shows a newcomer. Every kind of action and warning appears for the
 * reason the dataset's README gives, no invoice fails the totals check, and the relative
 * dates keep the same invoices inside the look-back window whatever day the demo runs.
 */
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, beforeAll, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import type { AtInvoice } from "../../src/autotask/model.ts"
import { loadConfig } from "../../src/config/index.ts"
import type { Config } from "../../src/config/types.ts"
import { autotaskDate, dateInZone } from "../../src/domain/dates.ts"
import type { ActionType, Plan, PlanAction } from "../../src/domain/plan.ts"
import { windowFor } from "../../src/reconcile/observe.ts"
import { summaryLine } from "../../src/render/summary.ts"
import { loadAutotaskDataset } from "../../src/sandbox/autotask/index.ts"
import { stringifyPreservingNumbers } from "../../src/sandbox/autotask/rawJson.ts"
import {
  daysSinceAnchor,
  type LoadedDataset,
  readDateAnchor,
  rebaseDates,
  shiftDataset,
  shiftDates
} from "../../src/sandbox/data/dates.ts"
import { loadQboSandbox } from "../../src/sandbox/qbo/index.ts"
import { DEMO_DATA_DIR } from "../../src/sandbox/sandbox.ts"
import { assertPlanReadTrue } from "../support/planTruth.ts"
import { planAndApply, planIn, withSandbox } from "../support/sandbox.ts"

const loadDemo = async (): Promise<LoadedDataset> => {
  const [autotask, qbo] = await Promise.all([loadAutotaskDataset(DEMO_DATA_DIR), loadQboSandbox(DEMO_DATA_DIR)])
  return { autotask, qbo }
}

const invoicesOf = (dataset: LoadedDataset): ReadonlyArray<AtInvoice> => (dataset.autotask.entities.Invoices ?? []) as ReadonlyArray<AtInvoice>

describe("the demo plan (atqbo plan --sandbox with mappings/)", () => {
  let plan: Plan
  beforeAll(async () => {
    plan = await Effect.runPromise(Effect.scoped(Effect.gen(function*() {
      const config = yield* loadConfig("mappings")
      const sandbox = yield* withSandbox({})
      return yield* planIn(sandbox, config)
    })))
  })

  const actions = (type: ActionType): ReadonlyArray<PlanAction> => plan.actions.filter((action) => action.type === type)
  const forCompany = (type: ActionType, company: string): ReadonlyArray<PlanAction> =>
    actions(type).filter((action) => action.display.company === company)
  const rejection = (company: string): ReadonlyArray<string> => {
    const [reject] = forCompany("invoice.reject", company)
    assert.isDefined(reject, `no error for ${company}`)
    return reject!.reasons
  }

  it("reads the window's 46 invoices and sums up a working week", () => {
    assert.strictEqual(plan.summary.invoicesRead, 46)
    assert.strictEqual(plan.summary.invoicesInSync, 10)
    assert.strictEqual(
      summaryLine(plan),
      "Plan: 29 invoices, 2 customers, 2 items to create; 1 invoice to void; 30 write-backs; 2 paid dates; 3 errors; 4 warnings."
    )
  })

  it("creates the missing items and customers once each", () => {
    assert.deepStrictEqual(actions("item.create").map((action) => action.name), ["Backup Monitoring", "Dark Web Monitoring"])
    for (const item of actions("item.create")) {
      assert.deepStrictEqual((item.payload as Record<string, unknown>)["IncomeAccountRef"], { value: "79", name: "Services" })
    }
    assert.deepStrictEqual(actions("customer.create").map((action) => action.name), ["O'Brien & Daughters Plumbing", "Pinecrest Veterinary Clinic"])
  })

  it("finds existing customers by cross-reference, case-insensitively and without legal suffixes", () => {
    const customerOf = (company: string) => [...new Set(forCompany("invoice.create", company).map((action) => action.display.customer))]
    assert.deepStrictEqual(customerOf("Triangle Pediatric Associates"), ["TPA Pediatrics PLLC"]) // by companyId
    assert.deepStrictEqual(customerOf("Oakwood Realty Group, Inc."), ["Oakwood Realty"]) // by company name
    assert.deepStrictEqual(customerOf("Mckinley & Rowe Law"), ["McKinley & Rowe Law"])
    assert.deepStrictEqual(customerOf("Harbor Point Logistics, LLC"), ["Harbor Point Logistics"])
    assert.deepStrictEqual(customerOf("O'Brien & Daughters Plumbing"), ["O'Brien & Daughters Plumbing"])
  })

  it("maps items by name, by an items.yaml entry by name or id, and puts per-line classes and US tax on the lines", () => {
    const [tpa] = forCompany("invoice.create", "Triangle Pediatric Associates")
    assert.deepStrictEqual(tpa!.display.lines?.map((line) => [line.item, line.qty, line.rate, line.amount, line.class, line.taxCode]), [
      ["Managed Services - Per Device", "38", "65", "2,470.00", "Managed Services", "NON"],
      ["MS-365-BP", "42", "22", "924.00", "Managed Services", "NON"],
      ["Backup Monitoring", "40", "4.1667", "166.67", "Managed Services", "NON"],
      ["Dark Web Monitoring", "42", "2.495", "104.79", "Managed Services", "NON"]
    ])
    const [apex] = forCompany("invoice.create", "Apex Engineering Consultants")
    const { serviceDate, ...remote } = apex!.display.lines![0]!
    assert.deepStrictEqual(remote, {
      item: "Remote Support Labor",
      description: "CAD license server migration to new VM",
      qty: "3.175",
      rate: "137.5",
      amount: "436.56",
      class: "Labor",
      taxCode: "NON"
    })
    assert.isTrue(serviceDate! < String((apex!.payload as Record<string, unknown>)["TxnDate"]), "service date: the day the work was done")
    const [rtr] = forCompany("invoice.create", "Research Triangle Robotics")
    const body = rtr!.payload as Record<string, any>
    assert.deepStrictEqual(body["TxnTaxDetail"], { TxnTaxCodeRef: { value: "3", name: "NC - Wake County" }, TotalTax: 180.96 })
    assert.deepStrictEqual(rtr!.display.lines?.map((line) => [line.item, line.class, line.taxCode]), [
      ["Hardware - Workstation", "Hardware", "TAX"],
      ["Onsite Support Labor", "Labor", "NON"]
    ])
    assert.strictEqual(rtr!.display.total, "3,089.46")
    const [project] = forCompany("invoice.create", "Holly Springs Montessori School").filter((action) => action.display.lines?.[0]?.item === "Project Services")
    assert.strictEqual(project!.display.lines?.[0]?.class, "Projects")
    const [emergency] = forCompany("invoice.create", "Wake Forest Animal Hospital").filter((action) => action.display.lines?.[0]?.item === "Labor - After Hours")
    assert.isDefined(emergency, "After Hours Emergency Labor → Labor - After Hours")
  })

  it("matches terms exactly or through an alias, and omits an unmatched one with a warning", () => {
    const termOf = (action: PlanAction) => ((action.payload as Record<string, any>)["SalesTermRef"] as { name: string } | undefined)?.name
    assert.deepStrictEqual(forCompany("invoice.create", "Cardinal Family Dentistry").map(termOf), ["Net 30"]) // "Net 30 Days"
    assert.deepStrictEqual(forCompany("invoice.create", "Carolina Craft Brewing Co.").map(termOf), ["Net 15"]) // "Net 15 Days"
    assert.deepStrictEqual(forCompany("invoice.create", "O'Brien & Daughters Plumbing").map(termOf), ["Due on receipt"])
    const [marina] = forCompany("invoice.create", "Falls Lake Marina")
    assert.isUndefined(termOf(marina!))
    const omitted = plan.warnings.filter((warning) => warning.code === "term-omitted")
    assert.deepStrictEqual(omitted.map((warning) => warning.autotaskInvoiceId), [marina!.autotaskInvoiceId])
    assert.include(omitted[0]!.message, "\"Net 45\"")
  })

  it("re-plans the invoice the vendor app marked ERROR and repairs the one whose write-back is missing", () => {
    const [error] = forCompany("autotask.writeback", "Wake Forest Animal Hospital").filter((action) => (action.before as Record<string, unknown>)["invoiceNumber"] === "ERROR")
    assert.isDefined(error)
    assert.isDefined(actions("invoice.create").find((action) => action.autotaskInvoiceId === error!.autotaskInvoiceId))
    const repairs = actions("autotask.writeback").filter((action) => action.summary.includes("write-back is missing"))
    assert.deepStrictEqual(repairs.map((action) => [action.display.company, (action.payload as Record<string, unknown>)["invoiceNumber"]]), [
      ["Carolina Craft Brewing Co.", "1025"]
    ])
    assert.deepStrictEqual(repairs[0]!.dependsOn, [])
  })

  it("voids the QBO invoice of the invoice voided in Autotask", () => {
    assert.deepStrictEqual(actions("invoice.void").map((action) => [action.display.company, action.display.docNumber, action.display.total]), [
      ["Falls Lake Marina", "1021", "666.88"]
    ])
  })

  it("rejects the negative invoice, the vendor name clash and the category item, and nothing for totals", () => {
    assert.match(rejection("Capital Area Chiropractic")[0]!, /^the total is negative \(-963\.75\)/)
    assert.match(rejection("Keystone Office Supply")[0]!, /a QBO vendor already uses that name/)
    assert.match(rejection("Brightleaf Architecture")[0]!, /QBO item "Hardware" \(mapped in items\.yaml .*\) is a category/)
    assert.strictEqual(actions("invoice.reject").length, 3)
    for (const action of actions("invoice.reject")) {
      assert.deepStrictEqual(action.target, { system: "none" }, "the error marker is not written")
      for (const reason of action.reasons) assert.notMatch(reason, /but the Autotask total is/, "totals mismatch")
    }
  })

  it("sets the paid date of atqbo's invoices paid in QBO, one of them by a payment shared with a vendor-app invoice", () => {
    assert.deepStrictEqual(actions("autotask.paid").map((action) => [action.display.company, action.display.docNumber]), [
      ["Cardinal Family Dentistry", "1019"],
      ["Oak City Accounting Group", "1020"]
    ])
    const [shared] = plan.warnings.filter((warning) => warning.code === "payment-not-owned")
    assert.include(shared!.message, "QBO payment ACH-7731")
  })

  it("warns once about the transaction class, and about the invoice edited in QBO", () => {
    assert.deepStrictEqual(plan.warnings.map((warning) => warning.code).sort(), ["class-not-applicable", "drift", "payment-not-owned", "term-omitted"])
    const drift = plan.warnings.find((warning) => warning.code === "drift")!
    assert.include(drift.message, "QBO invoice 1015 (synced before atqbo)")
    assert.deepStrictEqual(drift.differences, [
      { field: "TotalAmt", autotask: "880.00", qbo: "742.50" },
      { field: "Line", autotask: "Remote Support Labor 550.00", qbo: "(missing)" },
      { field: "Line", autotask: "(missing)", qbo: "Remote Support Labor 412.50" }
    ])
  })
})

describe("the demo applied (atqbo apply --sandbox)", () => {
  it.live("applies without a failure, after which only the three errors remain", () =>
    Effect.scoped(Effect.gen(function*() {
      const config = yield* loadConfig("mappings")
      const sandbox = yield* withSandbox({})
      const { plan, report } = yield* planAndApply(sandbox, config)
      assert.deepStrictEqual(report.counts, { applied: 66, adopted: 0, failed: 0, skipped: 0, rejected: 3 })
      assertPlanReadTrue(plan, sandbox)
      // Within the example's safety limits, as the plan says: apply (which checks the same list) writes it.
      assert.deepStrictEqual(plan.overLimits, [])
      const again = yield* planIn(sandbox, config)
      assert.deepStrictEqual(again.actions.map((action) => action.type), ["invoice.reject", "invoice.reject", "invoice.reject"])
    })))
})

describe("relative dates (src/sandbox/data/dates.ts)", () => {
  let demo: LoadedDataset
  let config: Config
  beforeAll(async () => {
    demo = await loadDemo()
    config = await Effect.runPromise(loadConfig("mappings"))
  })

  it("moves the date part of dates and timestamps only, keeping their spelling", () => {
    assert.deepStrictEqual(
      shiftDates(["2026-02-13T00:00:00", "2026-02-13T00:00:00Z", "2026-02-13T15:12:07.317Z", "2026-02-13T14:05:33.2", "2026-12-30T07:40:12-08:00", "2026-02-13"], 320),
      ["2026-12-30T00:00:00", "2026-12-30T00:00:00Z", "2026-12-30T15:12:07.317Z", "2026-12-30T14:05:33.2", "2027-11-15T07:40:12-08:00", "2026-12-30"]
    )
    assert.deepStrictEqual(shiftDates(["PO-2026-02-13", "2026-02-30", "1015", "", null, 52.7775], 3), ["PO-2026-02-13", "2026-02-30", "1015", "", null, 52.7775])
    const row = { a: { b: "2028-02-28" }, unchanged: { c: "x" } }
    const shifted = shiftDates(row, 1)
    assert.deepStrictEqual(shifted, { a: { b: "2028-02-29" }, unchanged: { c: "x" } })
    assert.strictEqual(shifted.unchanged, row.unchanged, "untouched objects are shared, not copied")
  })

  it("anchors the demo on its newest invoice, in the example configuration's zone", async () => {
    const anchor = await readDateAnchor(DEMO_DATA_DIR)
    assert.deepStrictEqual(anchor, { anchor: "2026-02-13", timeZone: config.sync.timeZone })
    const newest = invoicesOf(demo).map((invoice) => autotaskDate(invoice.invoiceDateTime, anchor!.timeZone)).sort().at(-1)
    assert.strictEqual(newest, anchor!.anchor)
  })

  // Any "today": the anchor itself, late evening in New York (already tomorrow in UTC), a leap
  // day, summer time, New Year's Eve.
  for (const now of ["2026-02-13T17:00:00Z", "2026-11-27T03:30:00Z", "2028-02-29T12:00:00Z", "2027-07-04T16:00:00Z", "2030-12-31T23:59:00-05:00"]) {
    it(`keeps the same 46 invoices and both voids inside the windows when now is ${now}`, async () => {
      const instant = new Date(now)
      const anchor = (await readDateAnchor(DEMO_DATA_DIR))!
      const shifted = shiftDataset(demo, daysSinceAnchor(anchor, instant))
      const window = windowFor(config, { since: undefined, until: undefined, invoiceIds: undefined }, instant)
      const today = dateInZone(instant, config.sync.timeZone)
      assert.strictEqual(window.until, today)

      const invoices = invoicesOf(shifted)
      const dateOf = (invoice: AtInvoice) => autotaskDate(invoice.invoiceDateTime, window.timeZone)
      const inside = invoices.filter((invoice) => dateOf(invoice) >= window.since && dateOf(invoice) <= window.until)
      assert.strictEqual(inside.length, 46)
      assert.strictEqual(inside.map(dateOf).sort().at(-1), today)
      const voids = invoices.filter((invoice) => invoice.isVoided)
      assert.strictEqual(voids.length, 2)
      for (const invoice of voids) assert.isTrue(autotaskDate(invoice.voidedDate!, window.timeZone) >= window.voidsSince, `voided ${invoice.id}`)

      // Both halves move together: each QBO invoice keeps the date of its Autotask invoice.
      const qboInvoices = Object.values(shifted.qbo.realms)[0]!.Invoice ?? []
      const byNumber = new Map(invoices.map((invoice) => [invoice.invoiceNumber, invoice]))
      for (const doc of qboInvoices) {
        const source = byNumber.get(String(doc["DocNumber"]))
        if (source) assert.strictEqual(doc["TxnDate"], dateOf(source), `QBO invoice ${String(doc["DocNumber"])}`)
      }
      // Autotask's spelling survives: 4-decimal money and timestamps with and without Z.
      const text = stringifyPreservingNumbers(invoices)
      assert.include(text, "\"totalTaxValue\":0.0000")
      assert.match(text, /"invoiceDateTime":"\d{4}-\d{2}-\d{2}T00:00:00Z"/)
      assert.match(text, /"invoiceDateTime":"\d{4}-\d{2}-\d{2}T00:00:00"/)
    })
  }

  it("serves a dataset without `dates:` exactly as written", async () => {
    const dir = await mkdtemp(join(tmpdir(), "atqbo-dates-"))
    try {
      assert.isUndefined(await readDateAnchor(dir))
      assert.strictEqual(await rebaseDates(dir, demo, new Date("2031-01-01T00:00:00Z")), demo)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
