/**
 * Simulator options: latency, faults, limits and strictness. The same keys are accepted in
 * the `autotask:` section of a dataset's `sandbox.yaml`, in `startAutotaskSimulator`'s
 * `options` and in `setOptions` at run time; all three go through `resolveSimOptions`, so a
 * typo or an out-of-range rate is reported the same way everywhere.
 */
import type { AtEntityName } from "../../autotask/model.ts"
import { ENTITY_NAMES, type PicklistOverrides } from "./entities.ts"

export interface AutotaskSimOptions {
  /** Multiplies every simulated delay (latency, threshold slow-down); 0.001 for fast tests. */
  readonly timeScale: number
  /** Seed for fault and jitter decisions; `null` = non-deterministic. */
  readonly seed: number | null
  /**
   * Time an API request holds its thread slot while the server works on it (scaled by
   * `timeScale`). A few ms by default, as real requests take time: with none, requests never
   * overlap and the 3-thread limit (DevHelp `General/ThreadLimiting.htm`) and the client's
   * handling of it would never be exercised. 0 for unit tests that count nothing concurrent.
   */
  readonly processingMs: number
  readonly latency: {
    /** Added to every request. */
    readonly fixedMs: number
    /** Uniform random extra in [0, jitterMs). */
    readonly jitterMs: number
  }
  /** Rates are probabilities per request (0–1); drawn once per request, in this order. */
  readonly faults: {
    readonly dropConnectionRate: number
    readonly serverErrorRate: number
    readonly unavailableRate: number
    readonly rateLimitRate: number
    /** PATCH/PUT answered 200 `{"itemId"}` without changing anything. */
    readonly noopWriteRate: number
    /** `Retry-After` header (seconds, may be fractional) on 429s; `null` = none. */
    readonly retryAfterSeconds: number | null
  }
  readonly limits: {
    /** Concurrent in-flight requests per (integration code × entity); the next one is refused. */
    readonly concurrentPerEntity: number
    /** Status and text of that refusal (reference §9: 429 vs 500 is [uncertain]). */
    readonly concurrencyLimitStatus: number
    readonly concurrencyLimitMessage: string
    /** Requests per rolling window per database (Autotask: 10,000 per hour). */
    readonly hourlyThreshold: number
    readonly thresholdWindowMs: number
    /** +0.5 s per call at ≥ 50 % of the threshold, +1 s at ≥ 75 % (scaled by timeScale). */
    readonly thresholdLatency: boolean
    readonly thresholdBlockStatus: number
    readonly thresholdBlockMessage: string
  }
  /** Read-only or unknown fields in PATCH/PUT: `false` ignores them silently (Autotask's usual
   *  behaviour), `true` answers 500. */
  readonly strictWrites: boolean
  /** Picklist labels per entity and field (value → label), merged over the defaults. */
  readonly picklists: PicklistOverrides
}

type DeepPartial<T> = T extends ReadonlyArray<unknown> ? T
  : T extends object ? { readonly [K in keyof T]?: DeepPartial<T[K]> }
  : T

export type AutotaskSimOptionsInput = DeepPartial<AutotaskSimOptions>

export const DEFAULT_AUTOTASK_SIM_OPTIONS: AutotaskSimOptions = {
  timeScale: 1,
  seed: null,
  processingMs: 5,
  latency: { fixedMs: 0, jitterMs: 0 },
  faults: {
    dropConnectionRate: 0,
    serverErrorRate: 0,
    unavailableRate: 0,
    rateLimitRate: 0,
    noopWriteRate: 0,
    retryAfterSeconds: null
  },
  limits: {
    concurrentPerEntity: 3,
    concurrencyLimitStatus: 429,
    concurrencyLimitMessage:
      "Too many concurrent requests: the thread limit for this integration and entity was exceeded.",
    hourlyThreshold: 10_000,
    thresholdWindowMs: 3_600_000,
    thresholdLatency: true,
    thresholdBlockStatus: 429,
    thresholdBlockMessage:
      "Request Threshold Exceeded: the database has used its external request threshold for the current hour."
  },
  strictWrites: false,
  picklists: {}
}

export class AutotaskSimOptionsError extends Error {
  readonly issues: ReadonlyArray<string>
  constructor(source: string, issues: ReadonlyArray<string>) {
    super(`${source}: invalid Autotask simulator options:\n  - ${issues.join("\n  - ")}`)
    this.name = "AutotaskSimOptionsError"
    this.issues = issues
  }
}

type Rule =
  | { readonly kind: "number"; readonly min: number; readonly max: number; readonly integer?: boolean }
  | { readonly kind: "nullableNumber"; readonly min: number; readonly max: number; readonly integer?: boolean }
  | { readonly kind: "boolean" }
  | { readonly kind: "string" }
  | { readonly kind: "status" }
  | { readonly kind: "picklists" }
  | { readonly kind: "object"; readonly fields: Readonly<Record<string, Rule>> }

const rate: Rule = { kind: "number", min: 0, max: 1 }
const millis: Rule = { kind: "number", min: 0, max: 3_600_000 }

const RULES: Rule = {
  kind: "object",
  fields: {
    timeScale: { kind: "number", min: 0, max: 1000 },
    seed: { kind: "nullableNumber", min: 0, max: 2 ** 32 - 1, integer: true },
    processingMs: millis,
    latency: { kind: "object", fields: { fixedMs: millis, jitterMs: millis } },
    faults: {
      kind: "object",
      fields: {
        dropConnectionRate: rate,
        serverErrorRate: rate,
        unavailableRate: rate,
        rateLimitRate: rate,
        noopWriteRate: rate,
        retryAfterSeconds: { kind: "nullableNumber", min: 0, max: 3600 }
      }
    },
    limits: {
      kind: "object",
      fields: {
        concurrentPerEntity: { kind: "number", min: 1, max: 1000, integer: true },
        concurrencyLimitStatus: { kind: "status" },
        concurrencyLimitMessage: { kind: "string" },
        hourlyThreshold: { kind: "number", min: 1, max: 10_000_000, integer: true },
        thresholdWindowMs: { kind: "number", min: 1, max: 86_400_000 },
        thresholdLatency: { kind: "boolean" },
        thresholdBlockStatus: { kind: "status" },
        thresholdBlockMessage: { kind: "string" }
      }
    },
    strictWrites: { kind: "boolean" },
    picklists: { kind: "picklists" }
  }
}

const describe = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "a list" : typeof value === "object" ? "a mapping" : JSON.stringify(value)

const isMapping = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** Finds `file:line:col` of an option path, when the caller knows the source text. */
export type LocateOption = (path: ReadonlyArray<string>) => string | undefined

/** Levenshtein distance, for "did you mean" suggestions. */
const distance = (a: string, b: string): number => {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    previous = current
  }
  return previous[b.length] ?? Math.max(a.length, b.length)
}

const closest = (key: string, candidates: ReadonlyArray<string>): string | undefined => {
  const scored = candidates
    .map((candidate) => ({ candidate, score: distance(key.toLowerCase(), candidate.toLowerCase()) }))
    .sort((a, b) => a.score - b.score)
  const best = scored[0]
  return best !== undefined && best.score <= Math.max(2, Math.floor(key.length / 3)) ? best.candidate : undefined
}

const check = (rule: Rule, value: unknown, path: ReadonlyArray<string>, issues: Array<string>, locate: LocateOption) => {
  const where = () => {
    const position = locate(path)
    const name = path.length === 0 ? "options" : path.join(".")
    return `${name}${position === undefined ? "" : ` (${position})`}`
  }
  switch (rule.kind) {
    case "object": {
      if (!isMapping(value)) return issues.push(`${where()} must be a mapping, got ${describe(value)}`)
      for (const [key, child] of Object.entries(value)) {
        if (child === undefined) continue
        const childRule = rule.fields[key]
        if (childRule === undefined) {
          const suggestion = closest(key, Object.keys(rule.fields))
          const position = locate([...path, key])
          issues.push(
            `unknown option ${[...path, key].join(".")}${position === undefined ? "" : ` (${position})`}` +
              (suggestion === undefined ? `; known: ${Object.keys(rule.fields).join(", ")}` : `; did you mean ${suggestion}?`)
          )
        } else {
          check(childRule, child, [...path, key], issues, locate)
        }
      }
      return
    }
    case "number":
    case "nullableNumber": {
      if (rule.kind === "nullableNumber" && value === null) return
      const ok = typeof value === "number" && Number.isFinite(value) && value >= rule.min && value <= rule.max &&
        (rule.integer !== true || Number.isInteger(value))
      if (!ok) {
        issues.push(
          `${where()} must be ${rule.integer === true ? "an integer" : "a number"} from ${rule.min} to ${rule.max}` +
            `${rule.kind === "nullableNumber" ? " or null" : ""}, got ${describe(value)}`
        )
      }
      return
    }
    case "boolean":
      if (typeof value !== "boolean") issues.push(`${where()} must be true or false, got ${describe(value)}`)
      return
    case "string":
      if (typeof value !== "string" || value === "") issues.push(`${where()} must be a non-empty string`)
      return
    case "status":
      if (typeof value !== "number" || !Number.isInteger(value) || value < 400 || value > 599) {
        issues.push(`${where()} must be an HTTP error status (400–599), got ${describe(value)}`)
      }
      return
    case "picklists": {
      if (!isMapping(value)) return issues.push(`${where()} must be a mapping of entity → field → value → label`)
      for (const [entity, fields] of Object.entries(value)) {
        if (!ENTITY_NAMES.includes(entity as AtEntityName)) {
          issues.push(`${where()}: unknown entity ${entity}; known: ${ENTITY_NAMES.join(", ")}`)
        } else if (!isMapping(fields)) {
          issues.push(`${where()}.${entity} must be a mapping of field → value → label`)
        } else {
          for (const [field, labels] of Object.entries(fields)) {
            const valid = isMapping(labels) && Object.values(labels).every((label) => typeof label === "string")
            if (!valid) issues.push(`${where()}.${entity}.${field} must map picklist values to label strings`)
          }
        }
      }
      return
    }
  }
}

/** Validates options input; throws `AutotaskSimOptionsError` naming `source` and every issue. */
export const validateSimOptions = (
  input: unknown,
  source: string,
  locate: LocateOption = () => undefined,
  /** Where the options sit in the source (e.g. `["autotask"]` in sandbox.yaml), for messages. */
  prefix: ReadonlyArray<string> = []
): AutotaskSimOptionsInput => {
  if (input === undefined || input === null) return {}
  const issues: Array<string> = []
  check(RULES, input, prefix, issues, locate)
  if (issues.length > 0) throw new AutotaskSimOptionsError(source, issues)
  return input as AutotaskSimOptionsInput
}

/** Deep-merges validated input over `base`; picklists merge per entity and field. */
export const mergeSimOptions = (base: AutotaskSimOptions, input: AutotaskSimOptionsInput): AutotaskSimOptions => {
  const picklists: Record<string, Record<string, Readonly<Record<string, string>>>> = {}
  for (const source of [base.picklists, input.picklists ?? {}]) {
    for (const [entity, fields] of Object.entries(source)) {
      picklists[entity] = { ...picklists[entity], ...(fields as Record<string, Readonly<Record<string, string>>>) }
    }
  }
  return {
    timeScale: input.timeScale ?? base.timeScale,
    seed: input.seed === undefined ? base.seed : input.seed,
    processingMs: input.processingMs ?? base.processingMs,
    latency: overlay(base.latency, input.latency),
    faults: overlay(base.faults, input.faults),
    limits: overlay(base.limits, input.limits),
    strictWrites: input.strictWrites ?? base.strictWrites,
    picklists
  }
}

/** `{ ...base, ...input }` without letting explicit `undefined`s erase defaults. */
const overlay = <T extends object>(base: T, input: object | undefined): T => {
  const result = { ...base } as Record<string, unknown>
  for (const [key, value] of Object.entries(input ?? {})) {
    if (value !== undefined) result[key] = value
  }
  return result as T
}
