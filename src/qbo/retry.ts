/**
 * Which failures to retry and how long to wait (reference §8): 429, 5xx, network errors and
 * the transient 6000 are retried with the SAME requestid; validation faults never are.
 * Backoff is exponential with "equal jitter" and a cap; a 429 waits for `Retry-After` when
 * QBO sends one, else about `throttleWaitMs` (Intuit says wait 60 s).
 */
import type { QboFaultError } from "./model.ts"
import { isTransient6000 } from "./errors.ts"

export interface QboRetryOptions {
  readonly baseDelayMs: number
  readonly maxDelayMs: number
  /** Attempts in total, the first included. */
  readonly maxAttempts: number
  /** Wait after a 429 without `Retry-After`. */
  readonly throttleWaitMs: number
}

export const DEFAULT_RETRY_OPTIONS: QboRetryOptions = {
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxAttempts: 6,
  throttleWaitMs: 60_000
}

/** The longest `Retry-After` honoured (a safety net against absurd values). */
const MAX_RETRY_AFTER_MS = 10 * 60_000

/** One failed attempt, before it becomes a `QboError`. */
export type AttemptFailure =
  | { readonly _tag: "network"; readonly reason: string }
  | {
    readonly _tag: "response"
    readonly status: number
    readonly errors: ReadonlyArray<QboFaultError>
    readonly intuitTid: string | undefined
    readonly retryAfterMs: number | undefined
  }

export const isRetryable = (failure: AttemptFailure): boolean => {
  if (failure._tag === "network") return true
  if (failure.status === 429 || failure.status >= 500) return true
  return failure.errors.some((error) => error.code === "3001") || isTransient6000(failure.errors)
}

export const isThrottle = (failure: AttemptFailure): boolean =>
  failure._tag === "response" && (failure.status === 429 || failure.errors.some((error) => error.code === "3001"))

/** `Retry-After` as milliseconds: delay-seconds or an HTTP date. */
export const parseRetryAfter = (header: string | undefined, nowMs: number): number | undefined => {
  if (header === undefined || header.trim() === "") return undefined
  const trimmed = header.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.min(MAX_RETRY_AFTER_MS, Math.round(Number(trimmed) * 1000))
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? undefined : Math.min(MAX_RETRY_AFTER_MS, Math.max(0, date - nowMs))
}

/** Capped exponential backoff with equal jitter; `retry` counts from 1, `random` in [0, 1). */
export const backoffMs = (retry: number, options: QboRetryOptions, random: number): number => {
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, retry - 1))
  return Math.round(ceiling / 2 + (random * ceiling) / 2)
}

export const retryDelayMs = (failure: AttemptFailure, retry: number, options: QboRetryOptions, random: number): number => {
  if (isThrottle(failure) && failure._tag === "response") {
    if (failure.retryAfterMs !== undefined) return failure.retryAfterMs
    return Math.round(options.throttleWaitMs * (0.9 + 0.2 * random))
  }
  return backoffMs(retry, options, random)
}
