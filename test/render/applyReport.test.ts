/**
 * What apply shows: the report in aligned columns (fitting a narrow terminal, coloured only when
 * asked) and, on a terminal, one progress line redrawn as outcomes come in.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import type { ActionType, PlanAction } from "../../src/domain/plan.ts"
import type { ActionOutcome, ApplyReport } from "../../src/domain/report.ts"
import { countOutcomes } from "../../src/domain/report.ts"
import { applyProgress, progressLine } from "../../src/reconcile/applyProgress.ts"
import { progressTo } from "../../src/reconcile/progress.ts"
import { renderReportText } from "../../src/render/report.ts"
import { visibleLength } from "../../src/render/terminal.ts"

const outcome = (type: ActionType, address: string, status: ActionOutcome["status"], message: string, autotaskInvoiceId?: number): ActionOutcome => ({ address, type, autotaskInvoiceId, status, message })

const report = (): ApplyReport => {
  const outcomes = [
    outcome("customer.create", "customer:O'Brien & Daughters Plumbing", "applied", "created QBO customer \"O'Brien & Daughters Plumbing\" (Id 73)"),
    outcome("invoice.create", "invoice:29684116", "applied", "created QBO invoice 1026 (Id 203)", 29684116),
    outcome("autotask.writeback", "writeback:29684116", "failed", "Autotask refused the update: the invoice is locked for editing by another user; run apply again once it is closed", 29684116),
    outcome("invoice.reject", "reject:7", "rejected", "rejected: the total is negative", 7)
  ]
  return { runId: "r1", outcomes, counts: countOutcomes(outcomes), journal: undefined }
}

describe("apply's report", () => {
  it("aligns its columns: every result starts at the same column", () => {
    const lines = renderReportText(report()).split("\n").slice(0, 4)
    const starts = lines.map((line, index) => line.indexOf(report().outcomes[index]!.message))
    assert.isTrue(starts.every((start) => start > 0 && start === starts[0]), JSON.stringify(starts))
    assert.include(lines[1]!, "created QBO invoice 1026 (Id 203)")
  })

  it("wraps results under themselves to fit 80 columns, and colours only when asked", () => {
    const narrow = renderReportText(report(), { color: false, width: 80 })
    assert.deepStrictEqual(narrow.split("\n").filter((line) => visibleLength(line) > 80), [])
    assert.include(narrow.replace(/\s+/g, " "), "Autotask refused the update: the invoice is locked for editing by another user; run apply again once it is closed", "wrapped, not cut")
    assert.notInclude(narrow, "\u001b[")
    const coloured = renderReportText(report(), { color: true, width: 80 })
    assert.include(coloured, "\u001b[31mfailed")
    assert.include(coloured, "\u001b[32mapplied")
    assert.strictEqual(coloured.replace(/\u001b\[\d+m/g, ""), narrow, "colour changes nothing else")
  })
})

describe("apply's progress line", () => {
  const action = (type: ActionType, address: string): PlanAction => ({
    type, address, autotaskInvoiceId: 1, name: undefined, summary: "", target: { system: "none" }, payload: null, before: undefined, dependsOn: [], reasons: [], display: {}
  })

  it("counts documents and write-backs done of all, and failures", () => {
    const written: Array<string> = []
    const progress = progressTo({ isTTY: true, write: (text) => written.push(text) }, {})
    const actions = [action("item.create", "item:a"), action("invoice.create", "invoice:1"), action("invoice.void", "void:2"), action("autotask.writeback", "writeback:1")]
    const onRecord = applyProgress(actions, progress)
    Effect.runSync(Effect.gen(function*() {
      yield* onRecord(actions[0]!, outcome("item.create", "item:a", "applied", ""))
      yield* onRecord(actions[1]!, outcome("invoice.create", "invoice:1", "applied", ""))
      yield* onRecord(actions[3]!, outcome("autotask.writeback", "writeback:1", "failed", ""))
      yield* progress.done
      yield* progress.step("next")
    }))
    assert.deepStrictEqual(written, [
      "\r\u001b[2KQBO documents 0/2 · write-backs 0/1",
      "\r\u001b[2KQBO documents 1/2 · write-backs 0/1",
      "\r\u001b[2KQBO documents 1/2 · write-backs 1/1 · 1 failed",
      "\n",
      "… next\n"
    ])
    assert.strictEqual(progressLine({ documents: 3, documentsTotal: 3, writeBacks: 0, writeBacksTotal: 0, failed: 0 }), "QBO documents 3/3 · write-backs 0/0")
  })

  it("is silent in a pipe and in CI", () => {
    for (const [isTTY, env] of [[false, {}], [true, { CI: "true" }]] as const) {
      const written: Array<string> = []
      const progress = progressTo({ isTTY, write: (text) => written.push(text) }, env)
      Effect.runSync(Effect.all([progress.status("x"), progress.step("y"), progress.done]))
      assert.deepStrictEqual(written, [])
    }
  })
})
