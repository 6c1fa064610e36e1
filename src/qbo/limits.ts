/**
 * Client-side request budget per realm: a sliding-window limiter (requests per minute,
 * batches per minute). Waiters queue in order; the window is a little longer than a minute
 * so our clock and QBO's never disagree about which minute a request fell in.
 */
import { Clock, Effect, Semaphore } from "effect"

export interface SlidingWindowLimiter {
  /** Waits until a slot is free in the window, then takes it. */
  readonly acquire: Effect.Effect<void>
}

export const makeSlidingWindowLimiter = (limit: number, windowMs: number): Effect.Effect<SlidingWindowLimiter> =>
  Effect.gen(function*() {
    const lock = yield* Semaphore.make(1)
    const stamps: Array<number> = []
    const acquire = lock.withPermit(
      Effect.gen(function*() {
        for (;;) {
          const now = yield* Clock.currentTimeMillis
          while (stamps.length > 0 && stamps[0]! <= now - windowMs) stamps.shift()
          if (stamps.length < limit) {
            stamps.push(now)
            return
          }
          yield* Effect.sleep(Math.max(1, stamps[0]! + windowMs - now))
        }
      })
    )
    return { acquire }
  })
