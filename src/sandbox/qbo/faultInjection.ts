/**
 * Seeded fault injection. Random faults are drawn from a PRNG seeded by `faults.seed`, so a
 * run is reproducible for the same request order; scripted faults (`injectFault`) hit the
 * next matching requests deterministically, which is what most tests want.
 */
import { mulberry32 } from "../random.ts"
import type { QboSimFaults } from "./options.ts"

export type QboFaultKind =
  | "http500"
  | "http502"
  | "http503"
  | "throttle"
  | "transient6000"
  | "dropConnection"
  | "loseResponse"
  | "truncateBody"
  | "garbleBody"
  | "hang"

export interface QboFaultSpec {
  readonly kind: QboFaultKind
  /** How many matching requests get the fault (default 1). */
  readonly times?: number
  readonly match?: {
    readonly method?: string
    /** Matched against the path after `/v3/company/{realm}` (e.g. `/invoice`, `/batch`). */
    readonly path?: string | RegExp
    readonly realmId?: string
  }
}


export interface RequestShape {
  readonly method: string
  readonly path: string
  readonly realmId: string
}

export class FaultInjector {
  private random: () => number
  private seed: number
  private readonly scripted: Array<{ spec: QboFaultSpec; remaining: number }> = []

  constructor(seed: number) {
    this.seed = seed
    this.random = mulberry32(seed)
  }

  reseed(seed: number): void {
    if (seed === this.seed) return
    this.seed = seed
    this.random = mulberry32(seed)
  }

  inject(spec: QboFaultSpec): void {
    this.scripted.push({ spec, remaining: spec.times ?? 1 })
  }

  clear(): void {
    this.scripted.length = 0
  }

  /** Consumes a scripted fault of one of `kinds` matching the request, if any. */
  takeScripted(request: RequestShape, kinds: ReadonlyArray<QboFaultKind>): QboFaultKind | undefined {
    const index = this.scripted.findIndex(({ spec }) => kinds.includes(spec.kind) && matches(spec, request))
    if (index < 0) return undefined
    const entry = this.scripted[index]!
    entry.remaining -= 1
    if (entry.remaining <= 0) this.scripted.splice(index, 1)
    return entry.spec.kind
  }

  /** One random draw per rate, in a fixed order, so the sequence is reproducible. */
  chance(rate: number): boolean {
    if (rate <= 0) return false
    return this.random() < rate
  }

  latency(faults: QboSimFaults): number {
    if (faults.latencyMs <= 0 && faults.latencyJitterMs <= 0) return 0
    return faults.latencyMs + (faults.latencyJitterMs > 0 ? this.random() * faults.latencyJitterMs : 0)
  }
}

const matches = (spec: QboFaultSpec, request: RequestShape): boolean => {
  const match = spec.match
  if (match === undefined) return true
  if (match.method !== undefined && match.method.toUpperCase() !== request.method) return false
  if (match.realmId !== undefined && match.realmId !== request.realmId) return false
  if (match.path !== undefined) {
    if (typeof match.path === "string" ? match.path.toLowerCase() !== request.path.toLowerCase() : !match.path.test(request.path)) return false
  }
  return true
}
