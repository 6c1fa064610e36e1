/**
 * The QBO companies a configuration syncs to (pure). One company is a list of one: without
 * `connections:` the configuration's own `qbo:` is a single implicit target that takes every
 * invoice, so plan and apply have one code path for one company or many.
 */
import type { NonEmptyReadonlyArray } from "effect/Array"
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
