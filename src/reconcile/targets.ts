/**
 * The QBO companies a configuration syncs to (pure). One company is a list of one: without
 * `connections:` the configuration's own `qbo:` is a single implicit target that takes every
 * invoice, so plan and apply have one code path for one company or many.
 */
import type { NonEmptyReadonlyArray } from "effect/Array"
import { closestMatch } from "../config/suggest.ts"
import type { Config } from "../config/types.ts"

export interface Target {
  /**
   * The connection's name; `undefined` for the implicit target, whose plan keeps its
   * unprefixed addresses and which needs no routing (so no Autotask company read for it).
   */
  readonly name: string | undefined
  /** The complete single-company configuration of this QBO company. */
  readonly config: Config
}

export const targetsOf = (config: Config): NonEmptyReadonlyArray<Target> => {
  const [first, ...rest] = config.connections
  if (first === undefined) return [{ name: undefined, config }]
  const target = ({ name, config }: typeof first): Target => ({ name, config })
  return [target(first), ...rest.map(target)]
}

/**
 * The target `--connection NAME` picks, or the sentence saying why there is none: the
 * configuration has no connections, or none of that name (the closest name when it looks like
 * a typo). Shared by plan, apply and the onboarding commands so they refuse alike.
 */
export const targetNamed = (config: Config, name: string): Target | { readonly problem: string } => {
  const found = config.connections.find((connection) => connection.name === name)
  if (found !== undefined) return { name: found.name, config: found.config }
  if (config.connections.length === 0) return { problem: `--connection ${name}: atqbo.yaml defines no connections (a single QBO company)` }
  const names = config.connections.map((connection) => connection.name)
  const suggestion = closestMatch(name, names)
  return {
    problem: `--connection ${name}: no such connection in atqbo.yaml (connections: ${names.join(", ")})` +
      (suggestion === undefined ? "" : `; did you mean ${suggestion}?`)
  }
}
