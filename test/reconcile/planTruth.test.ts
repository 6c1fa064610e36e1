/**
 * The plan tells the whole truth (issue 16): safety limits at plan time in every format
 * (item 7) and over Autotask updates and e-mails (item 16); a stale plan explains itself
 * (item 9); a saved plan is what `show` shows, and the checksums ignore where the
 * configuration lives and how sentences read (item 13).
 */
import { assert, describe, it } from "@effect/vitest"
import { checksumView, configChecksum, contentChecksum, planChecksum } from "../../src/domain/checksum.ts"
import type { ActionType, Plan, PlanAction } from "../../src/domain/plan.ts"
import { ownershipMarker } from "../../src/reconcile/marker.ts"
import { buildPlan } from "../../src/reconcile/plan.ts"
import { planProblem } from "../../src/reconcile/planFile.ts"
import { limitViolations, SafetyLimitExceeded } from "../../src/reconcile/safety.ts"
import { staleness } from "../../src/reconcile/stale.ts"
import { planAnnotations, planCommentBody } from "../../src/render/github.ts"
import { renderPlan } from "../../src/render/index.ts"
import { billingCode, billingItem, company, config, invoice, qboCustomer, qboDocument, qboItem, snapshot, type World } from "../support/fixtures.ts"

const meta = { toolVersion: "0.1.0", createdAt: "2026-11-26T10:00:00Z" }

const world = (extra: { invoices?: number } = {}): World => ({
  autotask: {
    invoices: Array.from({ length: extra.invoices ?? 3 }, (_, index) => invoice(100 + index, 1, 150)),
    billingItems: Array.from({ length: extra.invoices ?? 3 }, (_, index) => billingItem(index + 1, 100 + index, 10, 2, 75)),
    billingCodes: [billingCode(10, "Managed Services")],
    companies: [company(1, "Acme Corp")]
  },
  qbo: { items: [qboItem("5", "Managed Services")], customers: [qboCustomer("7", "Acme Corp")] }
})

const action = (type: ActionType, system: "qbo" | "autotask" | "none" = "qbo", index = 0): PlanAction => ({
  type,
  address: `${type}:${index}`,
  autotaskInvoiceId: index,
  name: undefined,
  summary: "",
  target: system === "autotask" ? { system, entity: "Invoices", operation: "update", id: index } : system === "none" ? { system } : { system: "qbo", entity: "Invoice", operation: "create" },
  payload: null,
  before: undefined,
  dependsOn: [],
  reasons: [],
  display: {}
})

/** As `atqbo plan --out` writes it and `apply`/`show` read it. */
const saved = (plan: Plan): Plan => JSON.parse(renderPlan(plan, "json", { verbose: false })) as Plan

describe("safety limits at plan time (items 7, 16)", () => {
  const limits = { maxNewCustomers: 1, maxNewItems: 1, maxInvoices: 1, maxVoids: 1, maxEmails: 1, maxAutotaskUpdates: 2 }
  const cases: ReadonlyArray<[string, ReadonlyArray<PlanAction>, ReadonlyArray<[string, number]>]> = [
    ["within every limit", [action("invoice.create"), action("invoice.send"), action("autotask.writeback", "autotask")], []],
    ["invoices and credit memos count together", [action("invoice.create", "qbo", 1), action("creditmemo.create", "qbo", 2)], [["maxInvoices", 2]]],
    ["customer e-mails", [action("invoice.send", "qbo", 1), action("invoice.send", "qbo", 2), action("invoice.send", "qbo", 3)], [["maxEmails", 3]]],
    [
      "Autotask updates: write-backs, paid dates and error markers, not rejections that write nothing",
      [action("autotask.writeback", "autotask", 1), action("autotask.paid", "autotask", 2), action("invoice.reject", "autotask", 3), action("invoice.reject", "none", 4)],
      [["maxAutotaskUpdates", 3]]
    ],
    ["voids", [action("invoice.void", "qbo", 1), action("invoice.void", "qbo", 2)], [["maxVoids", 2]]]
  ]
  for (const [name, actions, expected] of cases) {
    it(name, () => {
      assert.deepStrictEqual(limitViolations(actions, limits).map((violation): [string, number] => [violation.limit, violation.planned]), [...expected])
    })
  }

  it("every format says which limit and by how much; apply's refusal says the same", () => {
    const plan = buildPlan(snapshot(world()), config({ limits: { maxInvoices: 1 } }), meta)
    assert.deepStrictEqual(plan.overLimits, [{ limit: "maxInvoices", planned: 3, maximum: 1, what: "new QBO invoices and credit memos" }])
    const sentence = "3 new QBO invoices and credit memos planned, limit maxInvoices: 1 (2 over)"
    const outputs: ReadonlyArray<[string, string]> = [
      ["text", renderPlan(plan, "text", { verbose: false })],
      ["markdown", renderPlan(plan, "markdown", { verbose: false })],
      ["PR comment", planCommentBody(plan, { headSha: undefined, timestamp: "2026-11-26T10:00:00Z", runUrl: undefined })],
      ["annotations", planAnnotations(plan).filter((annotation) => annotation.level === "error").map((annotation) => annotation.message).join("\n")],
      ["apply's refusal", new SafetyLimitExceeded({ violations: plan.overLimits }).message]
    ]
    for (const [format, output] of outputs) {
      assert.include(output, sentence, format)
      assert.include(output, "--force", format)
    }
    assert.deepStrictEqual(saved(plan).overLimits, plan.overLimits, "json")
    assert.match(renderPlan(plan, "markdown", { verbose: false }), /### Plan: .*; over 1 safety limit\.\n[\s\S]*#### ⛔ Over the safety limits \(1\)/)
    assert.deepStrictEqual(buildPlan(snapshot(world()), config(), meta).overLimits, [])
  })
})

describe("stale plans explain themselves (item 9)", () => {
  const before = buildPlan(snapshot(world()), config(), meta)
  // Meanwhile invoice 100 was synced (its document exists) and invoice 103 appeared.
  const synced = qboDocument("40", { DocNumber: "1001", TotalAmt: 150, CustomerRef: { value: "7" }, PrivateNote: ownershipMarker(100), Line: [] })
  const moved = world({ invoices: 4 })
  const after = buildPlan(snapshot({ ...moved, qbo: { ...moved.qbo, invoices: [synced] } }), config(), meta)

  it("is not stale when nothing changed", () => {
    assert.isUndefined(staleness(before, buildPlan(snapshot(world()), config(), { ...meta, createdAt: "2026-11-27T00:00:00Z" })))
  })

  it("says the data changed, and which actions were added, removed and changed", () => {
    const stale = staleness(before, after)!
    assert.isFalse(stale.configChanged)
    assert.deepStrictEqual(stale.added.map((ref) => ref.address), ["invoice:103", "writeback:103"])
    assert.deepStrictEqual(stale.removed.map((ref) => ref.address), ["invoice:100"])
    assert.deepStrictEqual(stale.changed.map((ref) => ref.address), ["writeback:100"], "the write-back now repairs an existing document")
    assert.include(stale.message, "Autotask or QBO changed since the plan was made (the configuration is the same)")
    assert.include(stale.message, "added (2): invoice:103 (invoice), writeback:103 (write-back)")
    assert.include(stale.message, "removed (1): invoice:100 (invoice)")
    assert.include(stale.message, "changed (1): writeback:100 (write-back)")
    assert.notInclude(stale.message, "made by atqbo")
  })

  it("says the configuration changed, and which atqbo made the plan", () => {
    const reconfigured = buildPlan(snapshot(world()), config({ sync: { numbering: { mode: "autotask" } } }), { ...meta, toolVersion: "0.2.0" })
    const stale = staleness(before, reconfigured)!
    assert.isTrue(stale.configChanged)
    assert.include(stale.message, "stale plan: the configuration changed since the plan was made")
    assert.include(stale.message, "the plan was made by atqbo 0.1.0, this is atqbo 0.2.0")
    assert.includeMembers(stale.changed.map((ref) => ref.address), ["invoice:100", "invoice:101", "invoice:102"], "the DocNumbers now come from Autotask")
  })
})

describe("a saved plan is what show shows (item 13)", () => {
  // With a rejection, a warning (a term QBO lacks) and a limit exceeded: every part a reviewer reads.
  const base = world()
  const plan = saved(buildPlan(
    snapshot({
      ...base,
      autotask: { ...base.autotask, invoices: [invoice(100, 1, 150, { paymentTerm: 9 }), invoice(101, 1, 150), invoice(109, 1, -5)], paymentTerms: [{ id: 9, name: "Net 45", isActive: true }] }
    }),
    config({ limits: { maxInvoices: 1 } }),
    meta
  ))
  it("the example has a rejection, a warning and a limit", () => {
    assert.deepStrictEqual([plan.summary.errors, plan.warnings.length > 0, plan.overLimits.length], [1, true, 1])
  })
  const reseal = (edited: Plan): Plan => ({ ...edited, checksum: planChecksum(edited.actions), contentChecksum: contentChecksum(edited) })
  const cases: ReadonlyArray<[string, (p: Plan) => unknown, RegExp | undefined]> = [
    ["as written", (p) => p, undefined],
    ["summary counts zeroed", (p) => ({ ...p, summary: { ...p.summary, counts: { ...p.summary.counts, "invoice.create": 0 } } }), /does not match its contentChecksum/],
    ["warnings deleted", (p) => ({ ...p, warnings: [], summary: { ...p.summary, warnings: 0 } }), /does not match its contentChecksum/],
    ["a reason reworded", (p) => ({ ...p, actions: p.actions.map((a) => ({ ...a, reasons: a.reasons.map(() => "fine") })) }), /does not match its contentChecksum/],
    ["limits deleted", (p) => ({ ...p, overLimits: [] }), /does not match its contentChecksum/],
    ["summary counts zeroed, content resealed", (p) => reseal({ ...p, summary: { ...p.summary, counts: { ...p.summary.counts, "invoice.create": 0 } } }), /summary counts \(invoice\.create\) do not match its actions/],
    ["errors zeroed, content resealed", (p) => reseal({ ...p, summary: { ...p.summary, errors: 0 } }), /summary of errors and warnings does not match/],
    ["an action's payload edited", (p) => ({ ...p, actions: p.actions.map((a, i) => (i === 0 ? { ...a, payload: { x: 1 } } : a)) }), /do not match its checksum/],
    ["an older plan format", (p) => ({ ...p, format_version: "1.1", tool: { name: "atqbo", version: "0.0.9" } }), /made by atqbo 0\.0\.9 \(plan format 1\.1\), this is atqbo 9\.9\.9 \(plan format 2\.\d+\); plan again/],
    ["not a plan", () => ({ name: "package" }), /not an atqbo plan/]
  ]
  for (const [name, edit, expected] of cases) {
    it(name, () => {
      const problem = planProblem(JSON.parse(JSON.stringify(edit(plan))), "9.9.9")
      if (expected === undefined) assert.isUndefined(problem)
      else assert.match(problem ?? "", expected)
    })
  }

  it("the checksums ignore where the configuration lives and how the sentences read", () => {
    const here = config()
    const there = config({ dir: "/somewhere/else/mappings", locations: { "sync.timeZone": { file: "/somewhere/else/mappings/atqbo.yaml", line: 3, column: 3 } } } as never)
    assert.strictEqual(configChecksum(here), configChecksum(there))
    assert.notStrictEqual(configChecksum(here), configChecksum(config({ limits: { maxInvoices: 7 } })))
    const [a, b] = [buildPlan(snapshot(world()), here, meta), buildPlan(snapshot(world()), there, meta)]
    const reworded = a.actions.map((action) => ({ ...action, summary: `${action.summary}!`, reasons: ["(mappings/items.yaml:17)"], display: {} }))
    assert.strictEqual(planChecksum(reworded), a.checksum)
    assert.strictEqual(a.checksum, b.checksum)
    assert.deepStrictEqual(Object.keys(checksumView(a.actions[0]!)).sort(), ["address", "before", "connection", "dependsOn", "payload", "target", "type"])
  })
})
