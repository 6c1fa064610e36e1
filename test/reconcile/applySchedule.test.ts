/**
 * The order apply runs a plan in, as a table: reference data, then documents in groups with
 * the followers that need them, and followers that need no new document.
 */
import { assert, describe, it } from "@effect/vitest"
import type { ActionType, PlanAction } from "../../src/domain/plan.ts"
import { ACTION_PHASE, PHASES, phaseOf, phaseRank } from "../../src/domain/plan.ts"
import { applySchedule, chunksOf } from "../../src/reconcile/applySchedule.ts"

const action = (type: ActionType, address: string, dependsOn: ReadonlyArray<string> = []): PlanAction => ({
  type,
  address,
  autotaskInvoiceId: undefined,
  name: undefined,
  summary: address,
  target: { system: "none" },
  payload: null,
  before: undefined,
  dependsOn,
  reasons: [],
  display: {}
})

const addresses = (actions: ReadonlyArray<PlanAction>) => actions.map((entry) => entry.address)

describe("applySchedule", () => {
  const plan = [
    action("item.create", "item:A"),
    action("customer.create", "customer:B"),
    action("invoice.create", "invoice:1", ["item:A", "customer:B"]),
    action("invoice.create", "invoice:2"),
    action("invoice.void", "void:3"),
    action("creditmemo.create", "creditmemo:4"),
    action("invoice.send", "send:1", ["invoice:1"]),
    action("autotask.writeback", "writeback:1", ["invoice:1", "send:1"]),
    action("autotask.writeback", "writeback:4", ["creditmemo:4"]),
    action("autotask.writeback", "writeback:9"),
    action("autotask.paid", "paid:8"),
    action("invoice.reject", "reject:7"),
    // Depends on documents of two groups: waits for the later one, and runs once.
    action("autotask.writeback", "writeback:x", ["invoice:1", "creditmemo:4"])
  ]

  const cases: ReadonlyArray<{ name: string; groupSize: number; groups: ReadonlyArray<{ documents: Array<string>; followers: Array<string> }> }> = [
    {
      name: "one group holds every document",
      groupSize: 10,
      groups: [{ documents: ["invoice:1", "invoice:2", "void:3", "creditmemo:4"], followers: ["send:1", "writeback:1", "writeback:4", "writeback:x"] }]
    },
    {
      name: "groups of two",
      groupSize: 2,
      groups: [
        { documents: ["invoice:1", "invoice:2"], followers: ["send:1", "writeback:1"] },
        { documents: ["void:3", "creditmemo:4"], followers: ["writeback:4", "writeback:x"] }
      ]
    },
    {
      name: "groups of three",
      groupSize: 3,
      groups: [
        { documents: ["invoice:1", "invoice:2", "void:3"], followers: ["send:1", "writeback:1"] },
        { documents: ["creditmemo:4"], followers: ["writeback:4", "writeback:x"] }
      ]
    }
  ]
  for (const { name, groupSize, groups } of cases) {
    it(name, () => {
      const schedule = applySchedule(plan, groupSize)
      assert.deepStrictEqual(addresses(schedule.reference), ["item:A", "customer:B"])
      assert.deepStrictEqual(schedule.groups.map((group) => ({ documents: addresses(group.documents), followers: addresses(group.followers) })), groups)
      assert.deepStrictEqual(addresses(schedule.independent), ["writeback:9", "paid:8", "reject:7"])
    })
  }

  it("schedules every action exactly once", () => {
    const schedule = applySchedule(plan, 2)
    const all = [...schedule.reference, ...schedule.groups.flatMap((group) => [...group.documents, ...group.followers]), ...schedule.independent]
    assert.deepStrictEqual(addresses(all).sort(), addresses(plan).sort())
  })

  it("has no groups without documents", () => {
    const schedule = applySchedule([action("autotask.writeback", "writeback:1"), action("invoice.reject", "reject:2")])
    assert.deepStrictEqual(schedule.groups, [])
    assert.deepStrictEqual(addresses(schedule.independent), ["writeback:1", "reject:2"])
  })

  it("chunks in order, the last one short", () => {
    assert.deepStrictEqual(chunksOf([1, 2, 3, 4, 5], 2), [[1, 2], [3, 4], [5]])
    assert.deepStrictEqual(chunksOf([], 30), [])
  })
})

describe("phases", () => {
  it("rank in execution order, and every action type has one", () => {
    assert.deepStrictEqual(PHASES.map(phaseRank), [1, 2, 3, 4, 5])
    assert.strictEqual(phaseOf({ type: "customer.create" }), "reference")
    assert.strictEqual(phaseOf({ type: "invoice.void" }), "documents")
    assert.strictEqual(phaseOf({ type: "autotask.paid" }), "writebacks")
    for (const phase of Object.values(ACTION_PHASE)) assert.include(PHASES, phase)
  })
})
