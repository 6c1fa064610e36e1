/**
 * QBO's per-realm throttles (reference §8): 500 requests per minute, 10 concurrent, 40
 * batches per minute. Sliding windows on the simulator clock. A throttled request is not
 * counted against the window, matching "wait and retry" guidance.
 */
import type { QboSimLimits } from "./options.ts"

const WINDOW_MS = 60_000

export class RealmLimiter {
  private readonly requests: Array<number> = []
  private readonly batches: Array<number> = []
  private inFlight = 0
  private peakInFlight = 0

  /** Admits a request (returns a release function) or returns undefined when throttled. */
  admit(now: number, isBatch: boolean, limits: QboSimLimits): (() => void) | undefined {
    prune(this.requests, now)
    prune(this.batches, now)
    if (limits.enabled) {
      if (this.inFlight >= limits.maxConcurrent) return undefined
      if (this.requests.length >= limits.requestsPerMinute) return undefined
      if (isBatch && this.batches.length >= limits.batchesPerMinute) return undefined
    }
    this.requests.push(now)
    if (isBatch) this.batches.push(now)
    this.inFlight += 1
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight)
    let released = false
    return () => {
      if (released) return
      released = true
      this.inFlight -= 1
    }
  }

  /** Requests in flight now, and the most ever at once. */
  get concurrency(): { readonly current: number; readonly peak: number } {
    return { current: this.inFlight, peak: this.peakInFlight }
  }

  resetPeak(): void {
    this.peakInFlight = this.inFlight
  }
}

const prune = (stamps: Array<number>, now: number): void => {
  while (stamps.length > 0 && stamps[0]! <= now - WINDOW_MS) stamps.shift()
}
