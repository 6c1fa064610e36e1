/**
 * Fault and latency decisions. One seeded generator drives every random choice, so a run
 * with a `seed` and the same request order injects the same faults. Decisions are made
 * before a request touches the store, and a faulted request never reaches it: faults can
 * cost a client retries but never corrupt data.
 */
import type { AutotaskSimOptions } from "./options.ts"

export type InjectedFault = "drop" | "drop-mid-body" | "500" | "503" | "429"

/** mulberry32: tiny, fast, good enough for test randomness. */
export const seededRandom = (seed: number): (() => number) => {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export class FaultPlan {
  #random: () => number

  constructor(seed: number | null) {
    this.#random = seed === null ? Math.random : seededRandom(seed)
  }

  reseed(seed: number | null): void {
    this.#random = seed === null ? Math.random : seededRandom(seed)
  }

  /** At most one fault per request, drawn from the cumulative rates. */
  pick(faults: AutotaskSimOptions["faults"], options: { readonly rateLimited: boolean }): InjectedFault | undefined {
    const roll = this.#random()
    let edge = faults.dropConnectionRate
    if (roll < edge) return this.#random() < 0.5 ? "drop" : "drop-mid-body"
    edge += faults.serverErrorRate
    if (roll < edge) return "500"
    edge += faults.unavailableRate
    if (roll < edge) return "503"
    edge += options.rateLimited ? faults.rateLimitRate : 0
    if (roll < edge) return "429"
    return undefined
  }

  noopWrite(rate: number): boolean {
    return rate > 0 && this.#random() < rate
  }

  /** Fixed latency plus uniform jitter, in unscaled milliseconds. */
  latencyMs(latency: AutotaskSimOptions["latency"]): number {
    return latency.fixedMs + (latency.jitterMs > 0 ? this.#random() * latency.jitterMs : 0)
  }
}
