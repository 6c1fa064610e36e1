/**
 * Fault and latency decisions. One seeded generator drives every random choice, so a run
 * with a `seed` and the same request order injects the same faults. Decisions are made
 * before a request touches the store, and a faulted request never reaches it: faults can
 * cost a client retries but never corrupt data.
 */
import { mulberry32 } from "../random.ts"
import type { AutotaskSimOptions } from "./options.ts"

export type InjectedFault = "drop" | "drop-mid-body" | "500" | "503" | "429"


export class FaultPlan {
  #random: () => number

  constructor(seed: number | null) {
    this.#random = seed === null ? Math.random : mulberry32(seed)
  }

  reseed(seed: number | null): void {
    this.#random = seed === null ? Math.random : mulberry32(seed)
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
