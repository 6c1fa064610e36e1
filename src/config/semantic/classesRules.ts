/** Semantic rules for classes.yaml: every line rule must select something, and be reachable. */
import type { ConfigProblem } from "../problems.ts"
import type { YamlSource } from "../yamlSource.ts"
import { asArray, asRecord, nameKey, reporter } from "./context.ts"

const CONDITIONS = ["billingCodes", "billingCodeIds", "billingItemTypes"] as const

export const classesRules = (source: YamlSource): ReadonlyArray<ConfigProblem> => {
  const report = reporter(source)
  const problems: Array<ConfigProblem> = []
  const seen = new Map<string, number>()
  asArray(asRecord(asRecord(source.data)?.["lines"])?.["rules"]).forEach((entry, index) => {
    const rule = asRecord(entry)
    if (rule === undefined) return
    const path = ["lines", "rules", index]
    const given = CONDITIONS.filter((condition) => rule[condition] !== undefined)
    if (given.length === 0) {
      problems.push(report(
        path,
        "node",
        "error",
        "This line class rule has no condition, so it refers to no billing code, billing code id or billing item type.",
        "Add `billingCodes`, `billingCodeIds` or `billingItemTypes`; for the class of all other lines use `lines.default`."
      ))
      return
    }
    // Same conditions as an earlier rule: the earlier one always wins, this one never applies.
    const signature = JSON.stringify(CONDITIONS.map((condition) => conditionValues(rule[condition])))
    const earlier = seen.get(signature)
    if (earlier === undefined) {
      seen.set(signature, index)
    } else {
      problems.push(report(
        path,
        "node",
        "warning",
        `This line class rule never applies: the rule on line ${report.lineOf(["lines", "rules", earlier])} has the same conditions and comes first.`,
        "Remove it, or change its conditions."
      ))
    }
  })
  return problems
}

/** A condition's values in a comparable form: sorted, names case-insensitive. */
const conditionValues = (value: unknown): ReadonlyArray<string> | null =>
  value === undefined
    ? null
    : [...new Set(asArray(value).map((item) => (typeof item === "string" ? nameKey(item) : JSON.stringify(item))))].sort()
