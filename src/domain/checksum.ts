/**
 * The hashes a plan carries (pure). Each answers one question:
 * - `checksum` — is this still what apply would execute? Over what apply sends and where
 *   (type, address, connection, target, payload, before, dependsOn), never the prose, display
 *   facts or file paths a reviewer reads: a reworded sentence or the same configuration
 *   given by another path does not make a saved plan stale (STYLE §1.4).
 * - `configChecksum` — did the configuration change? Over the typed configuration without
 *   where it lives, so a stale plan can say whether the configuration or the data moved.
 * - `contentChecksum` — is the file what `atqbo plan` wrote? Over everything a reviewer reads
 *   (summary, warnings, reasons, limits…), so an edited plan file is refused by `show` and
 *   `apply` alike.
 */
import { createHash } from "node:crypto"
import type { Config } from "../config/types.ts"
import type { Plan, PlanAction } from "./plan.ts"

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** Canonical JSON: object keys sorted, no whitespace, undefined members left out (as JSON does). */
export const canonicalJson = (value: unknown): string => {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`
  if (typeof value === "object" && value !== null) {
    const entries = Object.entries(value).filter(([, entry]) => entry !== undefined).sort(([a], [b]) => compareStrings(a, b))
    return `{${entries.map(([key, entry]) => `${JSON.stringify(key)}:${canonicalJson(entry)}`).join(",")}}`
  }
  return JSON.stringify(value)
}

const sha256 = (value: unknown): string => `sha256:${createHash("sha256").update(canonicalJson(value)).digest("hex")}`

/** What apply executes of an action: everything but the words and facts shown to people. */
export const checksumView = (action: PlanAction) => ({
  type: action.type,
  address: action.address,
  connection: action.connection,
  target: action.target,
  payload: action.payload,
  before: action.before,
  dependsOn: action.dependsOn
})

/** Same world + same configuration → same checksum; no timestamps, no prose. */
export const planChecksum = (actions: ReadonlyArray<PlanAction>): string => sha256(actions.map(checksumView))

/** YAML positions (`source`, `locations`) say where a setting is written, not what it says. */
const POSITION_KEYS = new Set(["source", "locations"])

const withoutSources = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(withoutSources)
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).filter(([key]) => !POSITION_KEYS.has(key)).map(([key, entry]) => [key, withoutSources(entry)]))
  }
  return value
}

/** The configuration's meaning: not the directory it was read from, nor YAML positions. */
const configView = (config: Config): unknown =>
  withoutSources({ ...config, dir: undefined, connections: config.connections.map((connection) => ({ ...connection, config: configView(connection.config) })) })

export const configChecksum = (config: Config): string => sha256(configView(config))

/** Over the whole plan document but this checksum itself. */
export const contentChecksum = (plan: Plan): string => sha256({ ...plan, contentChecksum: undefined })
