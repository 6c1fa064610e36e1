/**
 * The apply lease as it is written in QBO (pure): one Attachable note per company whose text
 * says who holds the lease, and a verdict on what another apply may do with it.
 *
 * Expiry is judged on QBO's clock, never the machines': the note's `MetaData.LastUpdatedTime`
 * (bumped by every heartbeat) against the server time of the response that read it, with the
 * holder's own expiry (a waiter configured shorter must not break a holder that beats slower).
 */

/** Every lease note starts with this; queries find the note by it. */
export const LEASE_PREFIX = "[atqbo:lease]"

export interface LeaseHolder {
  readonly host: string
  readonly pid: number
  readonly runId: string
  /** The CI job, when there is one (e.g. a GitHub Actions run URL). */
  readonly ci?: string
}

export type LeaseState =
  | {
    readonly held: true
    /** Printed to the other applies; `--force-unlock LEASE_ID` names it. */
    readonly leaseId: string
    readonly holder: LeaseHolder
    readonly acquiredAt: string
    /** The holder's clock, for people; expiry reads QBO's clock. */
    readonly heartbeatAt: string
    /** Counts heartbeats: a holder recognises its own write after a lost response. */
    readonly beat: number
    readonly expirySeconds: number
  }
  | {
    readonly held: false
    readonly releasedAt?: string
    /** "released by run ab12" or "broken by --force-unlock on host x". */
    readonly releasedBy?: string
  }

export const FREE: LeaseState = { held: false }

const describeHolder = (holder: LeaseHolder): string =>
  `run ${holder.runId} on host ${holder.host} (pid ${holder.pid}${holder.ci ? `, ${holder.ci}` : ""})`

/** A sentence for people reading the note in QBO, then the state as JSON (what atqbo reads). */
export const formatLeaseNote = (state: LeaseState): string => {
  const sentence = state.held
    ? `atqbo apply is writing to this company: ${describeHolder(state.holder)} since ${state.acquiredAt}. Do not edit or delete this note; atqbo uses it to let one apply at a time write.`
    : "No atqbo apply is writing to this company. Do not edit or delete this note; atqbo uses it to let one apply at a time write."
  return `${LEASE_PREFIX} ${sentence} ${JSON.stringify(state)}`
}

/** The state in a note, or undefined for a note that is not a lease (or was edited beyond reading). */
export const parseLeaseNote = (note: unknown): LeaseState | undefined => {
  if (typeof note !== "string" || !note.startsWith(LEASE_PREFIX)) return undefined
  const start = note.indexOf("{")
  if (start < 0) return undefined
  try {
    const value = JSON.parse(note.slice(start)) as Partial<Record<string, unknown>>
    if (value.held === false) return FREE
    if (value.held !== true || typeof value.leaseId !== "string" || typeof value.holder !== "object" || value.holder === null) return undefined
    return value as LeaseState
  } catch {
    return undefined
  }
}

export type LeaseVerdict =
  | { readonly kind: "free" }
  | { readonly kind: "held"; readonly state: Extract<LeaseState, { held: true }>; readonly silentSeconds: number }
  | { readonly kind: "expired"; readonly state: Extract<LeaseState, { held: true }>; readonly silentSeconds: number }

/**
 * What another apply sees. `lastUpdated` and `serverNow` are QBO's times in ms; a note that
 * does not read as a lease (someone edited it) counts as free, so atqbo can rewrite it.
 */
export const judgeLease = (state: LeaseState | undefined, lastUpdated: number, serverNow: number): LeaseVerdict => {
  if (state === undefined || !state.held) return { kind: "free" }
  const silentSeconds = Math.max(0, Math.floor((serverNow - lastUpdated) / 1000))
  return silentSeconds >= state.expirySeconds ? { kind: "expired", state, silentSeconds } : { kind: "held", state, silentSeconds }
}

/** "lease 3f2a… held by run ab12 on host ci-7 (pid 42) since …, last heartbeat 12 s ago" */
export const describeLease = (verdict: Extract<LeaseVerdict, { kind: "held" | "expired" }>): string =>
  `lease ${verdict.state.leaseId} held by ${describeHolder(verdict.state.holder)} since ${verdict.state.acquiredAt}, last heartbeat ${verdict.silentSeconds} s ago (expires after ${verdict.state.expirySeconds} s without one)`
