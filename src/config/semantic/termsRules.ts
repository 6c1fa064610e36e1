/**
 * Semantic rules for terms.yaml. Autotask term names compare case-insensitively (as the
 * reconciler does), so two keys differing only in case are one term mapped twice. Aliases
 * are applied once, not followed: `A → B` plus `B → C` is a chain whose author almost
 * certainly meant `A → C`; a loop is always a mistake.
 */
import type { ConfigProblem } from "../problems.ts"
import type { YamlSource } from "../yamlSource.ts"
import { asRecord, code, nameKey, reporter } from "./context.ts"
import type { Report } from "./context.ts"

interface Alias {
  readonly from: string
  readonly to: string
}

export const termsRules = (source: YamlSource): ReadonlyArray<ConfigProblem> => {
  const report = reporter(source)
  const problems: Array<ConfigProblem> = []
  const aliases = new Map<string, Alias>()
  for (const [from, to] of Object.entries(asRecord(asRecord(source.data)?.["aliases"]) ?? {})) {
    if (typeof to !== "string") continue
    const earlier = aliases.get(nameKey(from))
    if (earlier === undefined) aliases.set(nameKey(from), { from, to })
    else problems.push(repeatedTerm(report, earlier, { from, to }))
  }

  const inCycle = new Set<string>()
  for (const [key, { from, to }] of aliases) {
    if (inCycle.has(key)) continue
    if (nameKey(to) === key) {
      problems.push(report(["aliases", from], "value", "warning", `The alias ${code(from)} maps the term to itself, which changes nothing.`, "Remove it."))
      continue
    }
    const cycle = cycleFrom(key, aliases)
    if (cycle !== undefined) {
      for (const member of cycle) inCycle.add(nameKey(member.from))
      problems.push(report(
        ["aliases", from],
        "key",
        "error",
        `Term aliases form a cycle: ${[...cycle.map((member) => member.from), from].map(code).join(" → ")}.`,
        "Map each Autotask term name straight to the QBO term it should become."
      ))
      continue
    }
    const next = aliases.get(nameKey(to))
    if (next !== undefined) {
      problems.push(report(
        ["aliases", from],
        "value",
        "error",
        `The alias ${code(from)} → ${code(to)} chains into ${code(next.from)} → ${code(next.to)} (line ${report.lineOf(["aliases", next.from])}); aliases are applied once, not followed.`,
        chainHint(from, to, aliases)
      ))
    }
  }
  return problems
}

const repeatedTerm = (report: Report, earlier: Alias, later: Alias): ConfigProblem => {
  const line = report.lineOf(["aliases", earlier.from])
  return nameKey(earlier.to) === nameKey(later.to)
    ? report(
      ["aliases", later.from],
      "key",
      "error",
      `The Autotask term ${code(later.from)} is already aliased on line ${line} (${code(earlier.from)}; names compare case-insensitively).`,
      "Remove one of the two entries."
    )
    : report(
      ["aliases", later.from],
      "key",
      "error",
      `The Autotask term ${code(later.from)} is aliased to ${code(later.to)} here but to ${code(earlier.to)} on line ${line} (as ${code(earlier.from)}; names compare case-insensitively).`,
      "Keep the entry with the right QBO term and remove the other."
    )
}

/** The aliases visited from `start` if following them returns to `start`. */
const cycleFrom = (start: string, aliases: ReadonlyMap<string, Alias>): ReadonlyArray<Alias> | undefined => {
  const visited: Array<Alias> = []
  let current = aliases.get(start)
  while (current !== undefined && visited.length <= aliases.size) {
    visited.push(current)
    const next = nameKey(current.to)
    if (next === start) return visited
    if (visited.some((member) => nameKey(member.from) === next)) return undefined // a loop further on, reported from its members
    current = aliases.get(next)
  }
  return undefined
}

/** Where following the aliases from `start` ends, or undefined if it loops. */
const finalTarget = (start: string, aliases: ReadonlyMap<string, Alias>): string | undefined => {
  const seen = new Set([nameKey(start)])
  let target = aliases.get(nameKey(start))?.to
  while (target !== undefined && aliases.has(nameKey(target))) {
    if (seen.has(nameKey(target))) return undefined
    seen.add(nameKey(target))
    target = aliases.get(nameKey(target))?.to
  }
  return target
}

const chainHint = (from: string, to: string, aliases: ReadonlyMap<string, Alias>): string => {
  const target = finalTarget(from, aliases)
  return target === undefined
    ? `Map ${code(from)} straight to the QBO term it should become.`
    : `Map ${code(from)} straight to ${code(target)}, or remove the alias of ${code(to)}.`
}
