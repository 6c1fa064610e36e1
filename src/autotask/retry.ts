/**
 * Retry policy for Autotask calls: capped exponential backoff with "equal jitter" (half the
 * delay fixed, half random, so concurrent clients spread out but never retry instantly),
 * stretched to honour a `Retry-After` the server sent. Only failures classified retryable
 * (429, 5xx without a validation message, network) are retried.
 */
import { Duration, Effect, Random, Schedule } from "effect"
import type { AutotaskCallFailure } from "./failure.ts"

export interface AutotaskRetryPolicy {
  /** Delay before the first retry; doubles each time. */
  readonly baseDelayMs: number
  /** Cap on the backoff delay (a longer `Retry-After` is still honoured, up to 5 minutes). */
  readonly maxDelayMs: number
  /** Total attempts including the first. */
  readonly maxAttempts: number
}

export const DEFAULT_RETRY_POLICY: AutotaskRetryPolicy = { baseDelayMs: 500, maxDelayMs: 30_000, maxAttempts: 6 }

const RETRY_AFTER_CAP_MS = 300_000

/** The wait before the next attempt, given the exponential step and a random number in [0, 1). */
export const backoffDelayMs = (
  policy: AutotaskRetryPolicy,
  exponentialMs: number,
  retryAfterMs: number | undefined,
  random: number
): number => {
  const capped = Math.min(exponentialMs, policy.maxDelayMs)
  const jittered = capped / 2 + (capped / 2) * random
  return Math.max(jittered, Math.min(retryAfterMs ?? 0, RETRY_AFTER_CAP_MS))
}

export const retrySchedule = (policy: AutotaskRetryPolicy) =>
  Schedule.exponential(Duration.millis(policy.baseDelayMs)).pipe(
    Schedule.setInputType<AutotaskCallFailure>(),
    Schedule.while(({ input }) => input.retryable),
    Schedule.upTo({ times: Math.max(0, policy.maxAttempts - 1) }),
    Schedule.modifyDelay(({ duration, input }) =>
      Effect.map(
        Random.next,
        (random) => Duration.millis(backoffDelayMs(policy, Duration.toMillis(duration), input.retryAfterMs, random))
      )
    ),
    Schedule.tap(({ duration, input }) =>
      Effect.logDebug(
        `Autotask ${input.operation} failed (${input.kind}${input.status === undefined ? "" : ` ${input.status}`}); ` +
          `retrying in ${Math.round(Duration.toMillis(duration))} ms`
      )
    )
  )
