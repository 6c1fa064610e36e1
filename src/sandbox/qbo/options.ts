/**
 * Simulator options: strictness knobs for behaviour the reference marks UNCERTAIN, the API
 * limits, fault injection and token lifetimes. All are changeable at runtime
 * (`simulator.setOptions`) and loadable from the `qbo:` section of `sandbox.yaml`.
 */

export interface QboSimLimits {
  readonly enabled: boolean
  readonly requestsPerMinute: number
  readonly maxConcurrent: number
  readonly batchesPerMinute: number
}

export interface QboSimThrottle {
  /** Sends `Retry-After: N` on 429 when set (UNCERTAIN in real QBO). */
  readonly retryAfterSeconds: number | null
  /** Answers 429 with the old XML body even to JSON requests (UNCERTAIN today). */
  readonly xmlBody: boolean
}

export interface QboSimFaults {
  /** Seed of the fault PRNG: the same seed and request order give the same faults. */
  readonly seed: number
  /** Probabilities in [0, 1] per API request. */
  readonly serverErrorRate: number
  readonly badGatewayRate: number
  readonly unavailableRate: number
  readonly throttleRate: number
  /** The transient 6000 "unexpected error…"; per item inside a batch. */
  readonly transientErrorRate: number
  /** Socket destroyed before the request is processed. */
  readonly dropConnectionRate: number
  /** The write commits, then the socket is destroyed before the response. */
  readonly loseResponseRate: number
  /**
   * After the request is carried out: a 200 whose body is cut short, or is not JSON at all (a
   * proxy's page), or that comes only after `hangMs`. Not QBO's own behaviour: what a client
   * meets on the way (reference §3c: gateway HTML bodies).
   */
  readonly truncatedBodyRate: number
  readonly garbledBodyRate: number
  readonly hangRate: number
  readonly hangMs: number
  /** Added latency per API request (simulated ms, scaled by `timeScale`). */
  readonly latencyMs: number
  readonly latencyJitterMs: number
}

export interface QboSimTokens {
  readonly accessTokenTtlSeconds: number
  readonly refreshTokenTtlSeconds: number
  /** Within this period a refresh returns the same refresh token; after it, a new one. */
  readonly rotationPeriodSeconds: number
  readonly authorizationCodeTtlSeconds: number
}

export interface QboSimLineAmountCheck {
  /** Rejects a line whose `Amount` ≠ `Qty × UnitPrice` rounded to cents (UNCERTAIN in real QBO). */
  readonly enabled: boolean
  /** Allowed absolute difference, as decimal text ("0.01"). */
  readonly tolerance: string
}

/** Change data capture (Intuit docs "Change data capture operation"). */
export interface QboSimCdc {
  /** How far back `changedSince` may reach. */
  readonly maxDays: number
  /** Most objects in one response ("a maximum of 1,000 objects"). */
  readonly maxObjects: number
  /** The cap counts per entity asked for (true), or over the whole response (UNCERTAIN which). */
  readonly capPerEntity: boolean
}

export interface QboSimCurrency {
  /**
   * A foreign-currency sales document sent without `ExchangeRate`: QBO's rate for the TxnDate
   * (`rateForDate`, the 2017 behaviour), or 1 (`one`, reported in 2024: wordcamp.org PR #1325).
   */
  readonly omittedExchangeRate: "rateForDate" | "one"
  /** A sales document sent without `CurrencyRef`: the home currency, or the customer's (UNCERTAIN). */
  readonly omittedDocumentCurrency: "home" | "customer"
}

export interface QboSimOptions {
  /** Multiplies every window, expiry and delay: 0.001 turns a minute into 60 ms. */
  readonly timeScale: number
  /** Rejects requests without `minorversion` or below `minimumMinorVersion`. */
  readonly strictMinorVersion: boolean
  readonly minimumMinorVersion: number
  /** Query `=`/`IN`/`LIKE` on strings ignore case (the docs' claim; UNCERTAIN). */
  readonly caseInsensitiveQueryValues: boolean
  /** Name uniqueness (6240) ignores case (UNCERTAIN). */
  readonly caseInsensitiveNames: boolean
  /** Whether `Class.Name` is filterable (the docs mark only FullyQualifiedName). */
  readonly classNameQueryable: boolean
  /** Whether `Attachable.Note` is filterable (UNCERTAIN; see attachables.ts). */
  readonly attachableNoteQueryable: boolean
  readonly maxBatchItems: number
  /**
   * Automatic DocNumbers: `shared` (QBO's default) gives invoices and credit memos one
   * sequence; `perType` numbers each form type on its own, as after a user changed each type's
   * numbering (Intuit help "Change the number on invoices or other transactions").
   */
  readonly salesFormNumbering: "shared" | "perType"
  /** The UI setting "warn if duplicate number is used": 6140 when CustomTxnNumbers is on. */
  readonly warnDuplicateDocNumber: boolean
  /** QBO refuses invoices whose total is below zero ("Transaction amount must be positive"). */
  readonly rejectNegativeTotals: boolean
  /** Full update echoing the read-only `DeliveryInfo` fails (python-quickbooks #388). */
  readonly rejectReadOnlyDeliveryInfo: boolean
  readonly lineAmountCheck: QboSimLineAmountCheck
  /** Multicurrency details the reference leaves open; see currency.ts. */
  readonly currency: QboSimCurrency
  /** How long a `requestid` is remembered (simulated seconds); null = forever. */
  readonly requestIdRetentionSeconds: number | null
  readonly limits: QboSimLimits
  readonly throttle: QboSimThrottle
  readonly faults: QboSimFaults
  readonly tokens: QboSimTokens
  readonly cdc: QboSimCdc
  /** Oldest request-log entries are dropped beyond this many. */
  readonly maxLogEntries: number
}

export type QboSimOptionsInput = {
  readonly [K in keyof QboSimOptions]?: QboSimOptions[K] extends number | string | boolean | null
    ? QboSimOptions[K]
    : Partial<QboSimOptions[K]>
}

export const DEFAULT_QBO_SIM_OPTIONS: QboSimOptions = {
  timeScale: 1,
  strictMinorVersion: false,
  minimumMinorVersion: 75,
  caseInsensitiveQueryValues: true,
  caseInsensitiveNames: true,
  classNameQueryable: false,
  attachableNoteQueryable: true,
  maxBatchItems: 30,
  salesFormNumbering: "shared",
  warnDuplicateDocNumber: true,
  rejectNegativeTotals: true,
  rejectReadOnlyDeliveryInfo: true,
  lineAmountCheck: { enabled: true, tolerance: "0" },
  currency: { omittedExchangeRate: "rateForDate", omittedDocumentCurrency: "home" },
  requestIdRetentionSeconds: null,
  limits: { enabled: true, requestsPerMinute: 500, maxConcurrent: 10, batchesPerMinute: 40 },
  throttle: { retryAfterSeconds: null, xmlBody: false },
  faults: {
    seed: 1,
    serverErrorRate: 0,
    badGatewayRate: 0,
    unavailableRate: 0,
    throttleRate: 0,
    transientErrorRate: 0,
    dropConnectionRate: 0,
    loseResponseRate: 0,
    truncatedBodyRate: 0,
    garbledBodyRate: 0,
    hangRate: 0,
    hangMs: 30_000,
    latencyMs: 0,
    latencyJitterMs: 0
  },
  tokens: {
    accessTokenTtlSeconds: 3600,
    refreshTokenTtlSeconds: 8_726_400,
    rotationPeriodSeconds: 86_400,
    authorizationCodeTtlSeconds: 300
  },
  cdc: { maxDays: 30, maxObjects: 1000, capPerEntity: true },
  maxLogEntries: 100_000
}

const NULLABLE = new Set(["retryAfterSeconds", "requestIdRetentionSeconds"])
const RATES = new Set([
  "serverErrorRate",
  "badGatewayRate",
  "unavailableRate",
  "throttleRate",
  "transientErrorRate",
  "dropConnectionRate",
  "loseResponseRate",
  "truncatedBodyRate",
  "garbledBodyRate",
  "hangRate"
])

const CHOICES: Record<string, ReadonlyArray<string>> = {
  salesFormNumbering: ["shared", "perType"],
  omittedExchangeRate: ["rateForDate", "one"],
  omittedDocumentCurrency: ["home", "customer"]
}

const describe = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "a list" : typeof value === "object" ? "a mapping" : JSON.stringify(value)

/**
 * Checks untrusted option input (YAML, setOptions) against the defaults' shape. Throws an
 * Error naming `source` and the key path; returns the input typed.
 */
export const parseSimOptions = (input: unknown, source: string): QboSimOptionsInput => {
  const fail = (path: string, message: string): never => {
    throw new Error(`${source}: qbo.${path}: ${message}`)
  }
  const check = (value: unknown, template: Record<string, unknown>, prefix: string): void => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      fail(prefix.replace(/\.$/, "") || "(root)", `expected a mapping, got ${describe(value)}`)
    }
    for (const [key, given] of Object.entries(value as Record<string, unknown>)) {
      const path = `${prefix}${key}`
      if (!(key in template)) {
        fail(path, `unknown option; expected one of ${Object.keys(template).join(", ")}`)
      }
      const expected = template[key]
      if (given === null && NULLABLE.has(key)) continue
      if (key === "tolerance") {
        const text = typeof given === "number" ? String(given) : given
        if (typeof text !== "string" || !/^\d+(\.\d+)?$/.test(text)) fail(path, `expected a non-negative decimal, got ${describe(given)}`)
        continue
      }
      const choices = CHOICES[key]
      if (choices !== undefined) {
        if (typeof given !== "string" || !choices.includes(given)) fail(path, `expected one of ${choices.join(", ")}, got ${describe(given)}`)
        continue
      }
      if (typeof expected === "object" && expected !== null) {
        check(given, expected as Record<string, unknown>, `${path}.`)
        continue
      }
      const kind = NULLABLE.has(key) ? "number" : typeof expected
      if (typeof given !== kind) fail(path, `expected a ${kind}${NULLABLE.has(key) ? " or null" : ""}, got ${describe(given)}`)
      if (kind === "number") {
        const n = given as number
        if (!Number.isFinite(n) || n < 0) fail(path, `expected a non-negative number, got ${describe(given)}`)
        if (RATES.has(key) && n > 1) fail(path, `a rate must be between 0 and 1, got ${n}`)
        if (key === "timeScale" && n === 0) fail(path, "timeScale must be greater than 0")
      }
    }
  }
  check(input, DEFAULT_QBO_SIM_OPTIONS as unknown as Record<string, unknown>, "")
  return input as QboSimOptionsInput
}

/** Applies a partial update: nested sections merge key by key. */
export const mergeSimOptions = (base: QboSimOptions, update: QboSimOptionsInput | undefined): QboSimOptions => {
  if (update === undefined) return base
  const result: Record<string, unknown> = { ...base }
  for (const [key, value] of Object.entries(update)) {
    if (value === undefined) continue
    const current = (base as unknown as Record<string, unknown>)[key]
    result[key] =
      typeof current === "object" && current !== null && typeof value === "object" && value !== null
        ? { ...current, ...value }
        : value
  }
  const merged = result as unknown as QboSimOptions
  const tolerance = merged.lineAmountCheck.tolerance as unknown
  return typeof tolerance === "number"
    ? { ...merged, lineAmountCheck: { ...merged.lineAmountCheck, tolerance: String(tolerance) } }
    : merged
}
