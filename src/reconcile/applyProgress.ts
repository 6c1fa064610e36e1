/**
 * Apply's progress line on a terminal: QBO documents done of all, Autotask write-backs done of
 * all, and failures so far, redrawn as each outcome is recorded.
 */
import { Effect } from "effect"
import { phaseOf, type PlanAction } from "../domain/plan.ts"
import type { ActionOutcome } from "../domain/report.ts"
import type { ProgressService } from "./progress.ts"

export interface ApplyCounts {
  readonly documents: number
  readonly documentsTotal: number
  readonly writeBacks: number
  readonly writeBacksTotal: number
  readonly failed: number
}

/** "QBO documents 12/29 · write-backs 5/32 · 1 failed". */
export const progressLine = (counts: ApplyCounts): string =>
  `QBO documents ${counts.documents}/${counts.documentsTotal} · write-backs ${counts.writeBacks}/${counts.writeBacksTotal}${counts.failed > 0 ? ` · ${counts.failed} failed` : ""}`

/** The ledger's `onRecord` for these actions: counts each outcome and redraws the line. */
export const applyProgress = (actions: ReadonlyArray<PlanAction>, progress: ProgressService) => {
  let counts: ApplyCounts = {
    documents: 0,
    documentsTotal: actions.filter((action) => phaseOf(action) === "documents").length,
    writeBacks: 0,
    writeBacksTotal: actions.filter((action) => phaseOf(action) === "writebacks").length,
    failed: 0
  }
  return (action: PlanAction, outcome: ActionOutcome): Effect.Effect<void> => {
    const phase = phaseOf(action)
    counts = {
      ...counts,
      documents: counts.documents + (phase === "documents" ? 1 : 0),
      writeBacks: counts.writeBacks + (phase === "writebacks" ? 1 : 0),
      failed: counts.failed + (outcome.status === "failed" ? 1 : 0)
    }
    return progress.status(progressLine(counts))
  }
}
