/** Semantic rules for taxes.yaml: settings that need a companion, duplicate tax-code mappings. */
import type { ConfigProblem } from "../problems.ts"
import type { YamlSource } from "../yamlSource.ts"
import { asArray, asRecord, asString, code, nameKey, recordAt, reporter } from "./context.ts"

export const taxesRules = (source: YamlSource): ReadonlyArray<ConfigProblem> => {
  const report = reporter(source)
  const problems: Array<ConfigProblem> = []
  const data = asRecord(source.data)

  const us = recordAt(data, "us")
  if (us?.["taxableWhen"] === "taxCategory" && asArray(us["taxableCategories"]).length === 0) {
    problems.push(report(
      ["us", "taxableWhen"],
      "value",
      "error",
      "`us.taxableWhen` is `taxCategory`, but `us.taxableCategories` lists no tax category, so no line would be taxable.",
      "List the Autotask tax categories that make a line taxable under `us.taxableCategories`, or use `taxableWhen: taxDollars`."
    ))
  }

  const global = recordAt(data, "global")
  const codes = asArray(global?.["codes"])
  if (data?.["region"] === "global" && codes.length === 0 && global?.["defaultTaxCode"] === undefined) {
    problems.push(report(
      ["region"],
      "value",
      "error",
      "`region` is `global`, but neither `global.codes` nor `global.defaultTaxCode` gives a QBO tax code; every non-US invoice line needs one.",
      "Map Autotask tax categories or regions under `global.codes`, or set `global.defaultTaxCode`."
    ))
  }

  const seen = new Map<string, { index: number; taxCode: unknown }>()
  codes.forEach((entry, index) => {
    const mapping = asRecord(entry)
    if (mapping === undefined) return
    const category = asString(mapping["taxCategory"])
    const region = asString(mapping["taxRegion"])
    if (category === undefined && region === undefined) return // the schema reports it
    const key = JSON.stringify([category === undefined ? null : nameKey(category), region === undefined ? null : nameKey(region)])
    const earlier = seen.get(key)
    if (earlier === undefined) {
      seen.set(key, { index, taxCode: mapping["taxCode"] })
      return
    }
    const what = [category === undefined ? undefined : `tax category ${code(category)}`, region === undefined ? undefined : `tax region ${code(region)}`]
      .filter((part) => part !== undefined)
      .join(" in ")
    const line = report.lineOf(["global", "codes", earlier.index])
    problems.push(
      sameName(earlier.taxCode, mapping["taxCode"])
        ? report(["global", "codes", index], "node", "error", `The mapping of ${what} is repeated (also on line ${line}).`, "Remove one of the two entries.")
        : report(
          ["global", "codes", index],
          "node",
          "error",
          `The mapping of ${what} conflicts with line ${line}, which maps it to ${code(String(earlier.taxCode))}; the first mapping always wins.`,
          "Keep the entry with the right tax code and remove the other."
        )
    )
  })
  return problems
}

const sameName = (a: unknown, b: unknown): boolean => typeof a === "string" && typeof b === "string" && nameKey(a) === nameKey(b)
