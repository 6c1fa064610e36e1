/** Semantic rules for items.yaml: one item per billing code, a fallback item when needed. */
import type { ConfigProblem } from "../problems.ts"
import type { YamlSource } from "../yamlSource.ts"
import { asArray, asInteger, asRecord, asString, code, nameKey, recordAt, reporter } from "./context.ts"
import type { Report } from "./context.ts"

export const itemsRules = (source: YamlSource): ReadonlyArray<ConfigProblem> => {
  const report = reporter(source)
  const problems: Array<ConfigProblem> = [...duplicateMappings(source, report)]

  const missing = recordAt(source.data, "missing")
  if (missing?.["policy"] === "fallback" && missing["fallbackItem"] === undefined) {
    problems.push(report(
      ["missing", "policy"],
      "value",
      "error",
      "`missing.policy` is `fallback`, but no `missing.fallbackItem` names the item to fall back to.",
      "Add `fallbackItem: <QBO item name>` under `missing`, or choose the policy `create` or `fail`."
    ))
  }
  return problems
}

/**
 * The same billing code (by id, or by name compared case-insensitively as the reconciler does)
 * mapped twice: a duplicate at best, a conflict at worst — only the first would ever apply.
 */
interface Mapped {
  readonly index: number
  readonly item: unknown
  /** How the billing code was written there, to explain case-only differences. */
  readonly written: string
}

const duplicateMappings = (source: YamlSource, report: Report): ReadonlyArray<ConfigProblem> => {
  const problems: Array<ConfigProblem> = []
  const byName = new Map<string, Mapped>()
  const byId = new Map<number, Mapped>()
  asArray(asRecord(source.data)?.["map"]).forEach((entry, index) => {
    const mapping = asRecord(entry)
    if (mapping === undefined) return
    const item = mapping["item"]
    const keyed: Array<{ key: string; earlier: Mapped | undefined; subject: string; written: string }> = []
    const name = asString(mapping["billingCode"])
    if (name !== undefined) {
      keyed.push({ key: "billingCode", earlier: byName.get(nameKey(name)), subject: `Billing code ${code(name)}`, written: name })
      if (!byName.has(nameKey(name))) byName.set(nameKey(name), { index, item, written: name })
    }
    const id = asInteger(mapping["billingCodeId"])
    if (id !== undefined) {
      keyed.push({ key: "billingCodeId", earlier: byId.get(id), subject: `Billing code id ${id}`, written: String(id) })
      if (!byId.has(id)) byId.set(id, { index, item, written: String(id) })
    }
    for (const { key, earlier, subject, written } of keyed) {
      if (earlier === undefined) continue
      const line = report.lineOf(["map", earlier.index])
      const sameCase = earlier.written === written
      const caseNote = `as ${code(earlier.written)}; names compare case-insensitively`
      problems.push(
        typeof item === "string" && typeof earlier.item === "string" && nameKey(item) === nameKey(earlier.item)
          ? report(["map", index, key], "value", "error", `${subject} is mapped twice (also on line ${line}${sameCase ? "" : `, ${caseNote}`}).`, "Remove one of the two entries.")
          : report(
            ["map", index, key],
            "value",
            "error",
            `${subject} is mapped to ${code(String(item))} here but to ${code(String(earlier.item))} on line ${line}${sameCase ? "" : ` (${caseNote})`}; a billing code maps to one item.`,
            "Keep the entry with the right item and remove the other."
          )
      )
    }
  })
  return problems
}
