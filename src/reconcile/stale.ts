/**
 * Saved plans: `apply PLANFILE` re-observes and re-plans, and applies only when the fresh
 * plan has the same checksum — "apply exactly what was reviewed". On mismatch the error says
 * what changed, as counts per action type.
 */
import { Data } from "effect"
import { ACTION_PHASE, type ActionType, type Plan } from "../domain/plan.ts"
import { LABEL } from "../render/summary.ts"

export interface CountChange {
  readonly type: ActionType
  readonly saved: number
  readonly fresh: number
}

export const countChanges = (saved: Plan, fresh: Plan): ReadonlyArray<CountChange> =>
  (Object.keys(ACTION_PHASE) as Array<ActionType>)
    .map((type) => ({ type, saved: saved.summary.counts[type] ?? 0, fresh: fresh.summary.counts[type] ?? 0 }))
    .filter((change) => change.saved !== change.fresh)

/** Addresses in one plan and not the other (same counts can still hide different actions). */
export const addressChanges = (saved: Plan, fresh: Plan): { readonly added: Array<string>; readonly removed: Array<string> } => {
  const before = new Set(saved.actions.map((action) => action.address))
  const after = new Set(fresh.actions.map((action) => action.address))
  return {
    added: [...after].filter((address) => !before.has(address)),
    removed: [...before].filter((address) => !after.has(address))
  }
}

export class StalePlan extends Data.TaggedError("StalePlan")<{
  readonly savedChecksum: string
  readonly freshChecksum: string
  readonly changes: ReadonlyArray<CountChange>
  readonly added: ReadonlyArray<string>
  readonly removed: ReadonlyArray<string>
}> {
  override get message(): string {
    const lines = this.changes.map((c) => `  - ${LABEL[c.type]} (${c.type}): ${c.saved} in the saved plan, ${c.fresh} now`)
    const sample = (label: string, addresses: ReadonlyArray<string>) =>
      addresses.length > 0 ? [`  ${label}: ${addresses.slice(0, 5).join(", ")}${addresses.length > 5 ? `, … (${addresses.length} in all)` : ""}`] : []
    return [
      "stale plan: Autotask or QBO changed since the plan was made, so it is not applied; nothing was written.",
      `  saved checksum ${this.savedChecksum}, fresh ${this.freshChecksum}`,
      ...lines,
      ...sample("new actions", this.added),
      ...sample("gone", this.removed),
      ...(lines.length === 0 && this.added.length === 0 && this.removed.length === 0 ? ["  (the same actions with different contents)"] : []),
      "Run `atqbo plan --out FILE` again, review it, and apply the new file."
    ].join("\n")
  }
}
