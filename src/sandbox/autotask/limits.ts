/**
 * Autotask's two request limits (reference §9): concurrent "threads" per
 * (integration code × entity), and a rolling hourly request threshold per database that
 * first slows calls down (≥ 50 %, ≥ 75 %) and then blocks them (100 %).
 */

export class ThreadLimiter {
  readonly #inFlight = new Map<string, number>()

  /** Takes a slot for `key`, or returns undefined when `limit` are already in flight. */
  tryAcquire(key: string, limit: number): (() => void) | undefined {
    const current = this.#inFlight.get(key) ?? 0
    if (current >= limit) return undefined
    this.#inFlight.set(key, current + 1)
    let released = false
    return () => {
      if (released) return
      released = true
      const left = (this.#inFlight.get(key) ?? 1) - 1
      if (left <= 0) this.#inFlight.delete(key)
      else this.#inFlight.set(key, left)
    }
  }
}

export class RequestThreshold {
  /** Timestamps of counted requests, oldest first; `#head` skips expired ones cheaply. */
  #times: Array<number> = []
  #head = 0

  #expire(now: number, windowMs: number): void {
    while (this.#head < this.#times.length && (this.#times[this.#head] ?? 0) <= now - windowMs) this.#head += 1
    if (this.#head > 4096 && this.#head * 2 > this.#times.length) {
      this.#times = this.#times.slice(this.#head)
      this.#head = 0
    }
  }

  /** Requests counted in the window ending at `now`. */
  count(now: number, windowMs: number): number {
    this.#expire(now, windowMs)
    return this.#times.length - this.#head
  }

  record(now: number): void {
    this.#times.push(now)
  }
}

/** Extra latency for the threshold band the database is in (before time scaling). */
export const thresholdDelayMs = (used: number, threshold: number): number => {
  const share = used / threshold
  return share >= 0.75 ? 1000 : share >= 0.5 ? 500 : 0
}
