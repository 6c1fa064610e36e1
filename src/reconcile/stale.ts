/**
 * Saved plans: `apply PLANFILE` re-observes and re-plans, and applies only when the fresh
 * plan has the same checksum — "apply exactly what was reviewed". On mismatch the error says
 * whether the configuration or the data changed, and which actions were added, removed or
 * changed (by address), with counts per action type.
 */
import { Schema } from "effect"
import { canonicalJson, checksumView } from "../domain/checksum.ts"
import { ACTION_TYPES, ALL_ACTION_TYPES, type ActionType, countActions, type Plan, type PlanAction } from "../domain/plan.ts"

const ActionRef = Schema.Struct({ address: Schema.String, type: Schema.String })
type ActionRef = typeof ActionRef.Type

export interface CountChange {
  readonly type: ActionType
  readonly saved: number
  readonly fresh: number
}

export const countChanges = (saved: Plan, fresh: Plan): ReadonlyArray<CountChange> => {
  const [before, after] = [countActions(saved.actions), countActions(fresh.actions)]
  return ALL_ACTION_TYPES.map((type) => ({ type, saved: before[type], fresh: after[type] })).filter((change) => change.saved !== change.fresh)
}

/** Actions only in the fresh plan, only in the saved one, and in both with different contents. */
export const addressChanges = (saved: Plan, fresh: Plan) => {
  const view = (action: PlanAction) => canonicalJson(checksumView(action))
  const before = new Map(saved.actions.map((action) => [action.address, action]))
  const after = new Map(fresh.actions.map((action) => [action.address, action]))
  const ref = (action: PlanAction): ActionRef => ({ address: action.address, type: action.type })
  return {
    added: fresh.actions.filter((action) => !before.has(action.address)).map(ref),
    removed: saved.actions.filter((action) => !after.has(action.address)).map(ref),
    changed: fresh.actions.filter((action) => before.has(action.address) && view(before.get(action.address)!) !== view(action)).map(ref)
  }
}

export class StalePlan extends Schema.TaggedError<StalePlan>()("StalePlan", {
  savedChecksum: Schema.String,
  freshChecksum: Schema.String,
  configChanged: Schema.Boolean,
  /** "made by atqbo X, this is Y" when they differ. */
  versions: Schema.optional(Schema.String),
  changes: Schema.Array(Schema.Struct({ type: Schema.String, saved: Schema.Number, fresh: Schema.Number })),
  added: Schema.Array(ActionRef),
  removed: Schema.Array(ActionRef),
  changed: Schema.Array(ActionRef)
}) {
  override get message(): string {
    const noun = (type: string) => ACTION_TYPES[type as ActionType]?.noun ?? type
    const list = (label: string, refs: ReadonlyArray<ActionRef>) =>
      refs.length === 0 ? [] : [
        `  ${label} (${refs.length}): ${refs.slice(0, 10).map((ref) => `${ref.address} (${noun(ref.type)})`).join(", ")}${refs.length > 10 ? ", …" : ""}`
      ]
    return [
      this.configChanged
        ? "stale plan: the configuration changed since the plan was made (Autotask or QBO may have too), so it is not applied; nothing was written."
        : "stale plan: Autotask or QBO changed since the plan was made (the configuration is the same), so it is not applied; nothing was written.",
      ...(this.versions ? [`  the plan was ${this.versions}`] : []),
      ...this.changes.map((c) => `  - ${noun(c.type)} (${c.type}): ${c.saved} in the saved plan, ${c.fresh} now`),
      ...list("added", this.added),
      ...list("removed", this.removed),
      ...list("changed", this.changed),
      `  saved checksum ${this.savedChecksum}, fresh ${this.freshChecksum}`,
      "Run `atqbo plan --out FILE` again, review it, and apply the new file."
    ].join("\n")
  }
}

/** Why a saved plan is stale against a fresh one (same QBO companies), or undefined when it is not. */
export const staleness = (saved: Plan, fresh: Plan): StalePlan | undefined => {
  if (saved.checksum === fresh.checksum) return undefined
  return new StalePlan({
    savedChecksum: saved.checksum,
    freshChecksum: fresh.checksum,
    configChanged: saved.configChecksum !== fresh.configChecksum,
    ...(saved.tool.version !== fresh.tool.version ? { versions: `made by atqbo ${saved.tool.version}, this is atqbo ${fresh.tool.version}` } : {}),
    changes: countChanges(saved, fresh),
    ...addressChanges(saved, fresh)
  })
}
