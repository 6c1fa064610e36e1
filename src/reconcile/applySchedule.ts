/**
 * The order apply runs a plan in (pure): reference data first, then documents in groups, each
 * group followed by the e-mails and write-backs that need its documents, while actions that
 * need no new document (write-back repairs, paid dates, rejections) start at once.
 *
 * Why groups: QBO allows 40 batches a minute, so a large run spends most of its time waiting
 * for the batch window; starting a group's write-backs as soon as its documents exist keeps
 * Autotask busy meanwhile. A group is 17 batches of 30.
 */
import { phaseOf, type PlanAction } from "../domain/plan.ts"

/** Operations per QBO `/batch` request (QBO's maximum). */
export const BATCH_SIZE = 30
/** Documents per group whose followers start once the group exists (17 batches). */
export const GROUP_SIZE = 17 * BATCH_SIZE

export interface DocumentGroup {
  /** Creates and voids, sent in batches of `BATCH_SIZE`. */
  readonly documents: ReadonlyArray<PlanAction>
  /** E-mails, write-backs and rejections that depend on one of `documents` (and none later). */
  readonly followers: ReadonlyArray<PlanAction>
}

export interface ApplySchedule {
  /** Items and customers. */
  readonly reference: ReadonlyArray<PlanAction>
  readonly groups: ReadonlyArray<DocumentGroup>
  /** Followers that depend on no document of this plan. */
  readonly independent: ReadonlyArray<PlanAction>
}

export const chunksOf = <A>(values: ReadonlyArray<A>, size: number): Array<ReadonlyArray<A>> => {
  const chunks: Array<ReadonlyArray<A>> = []
  for (let index = 0; index < values.length; index += size) chunks.push(values.slice(index, index + size))
  return chunks
}

export const applySchedule = (actions: ReadonlyArray<PlanAction>, groupSize: number = GROUP_SIZE): ApplySchedule => {
  const documents = actions.filter((action) => phaseOf(action) === "documents")
  const groupOf = new Map<string, number>()
  const chunks = chunksOf(documents, groupSize)
  chunks.forEach((chunk, index) => chunk.forEach((action) => groupOf.set(action.address, index)))
  const followers: Array<Array<PlanAction>> = chunks.map(() => [])
  const independent: Array<PlanAction> = []
  for (const action of actions) {
    const phase = phaseOf(action)
    if (phase === "reference" || phase === "documents") continue
    // A follower waits for the last group holding one of its dependencies.
    const groups = action.dependsOn.map((address) => groupOf.get(address)).filter((index) => index !== undefined)
    if (groups.length === 0) independent.push(action)
    else followers[Math.max(...groups)]!.push(action)
  }
  return {
    reference: actions.filter((action) => phaseOf(action) === "reference"),
    groups: chunks.map((chunk, index) => ({ documents: chunk, followers: followers[index]! })),
    independent
  }
}
