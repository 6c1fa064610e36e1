/**
 * The apply lease (Effect): one writer per QBO company at a time, across machines, kept in the
 * company itself as an Attachable note (see leaseNote.ts and the README's safety model).
 *
 * Taking it is a SyncToken-checked update of that note: when two applies race, QBO answers
 * 5010 to the loser, which reads the note again and sees the winner. The holder heartbeats
 * (the same conditional update) while it applies; another apply waits (bounded) or fails
 * naming the holder; a holder silent for its expiry (by QBO's clock) is taken over; a holder
 * whose heartbeat finds someone else's lease, or that has not confirmed a heartbeat for half
 * its expiry, refuses every further write (`check`).
 */
import { createHash, randomUUID } from "node:crypto"
import { Clock, Data, Effect, Ref } from "effect"
import { type QboAuthError, type QboError, QboReader, qboString, QboWriter } from "../qbo/QboClient.ts"
import {
  describeLease,
  FREE,
  formatLeaseNote,
  judgeLease,
  LEASE_PREFIX,
  type LeaseHolder,
  type LeaseState,
  type LeaseVerdict,
  parseLeaseNote
} from "./leaseNote.ts"

export interface LeaseOptions {
  /** "QBO company 9341…" or "connection us (QBO company 9341…)": for messages. */
  readonly label: string
  readonly holder: LeaseHolder
  /** A holder silent this long (QBO's clock) may be taken over. */
  readonly expirySeconds: number
  /** How long to wait for a held lease before failing. */
  readonly waitSeconds: number
  /** Told while waiting (CLI: stderr). */
  readonly onWait: (message: string) => Effect.Effect<void>
}

export class LeaseHeld extends Data.TaggedError("LeaseHeld")<{ readonly message: string; readonly leaseId: string }> {}
export class LeaseLost extends Data.TaggedError("LeaseLost")<{ readonly message: string }> {}
export class LeaseNotFound extends Data.TaggedError("LeaseNotFound")<{ readonly message: string }> {}

export interface HeldLease {
  readonly leaseId: string
  /** Fails when this process may no longer write (the lease was lost or is not confirmed). */
  readonly check: Effect.Effect<void, LeaseLost>
  /** One heartbeat now (the background one beats every tenth of the expiry). */
  readonly renew: Effect.Effect<void, QboFailure>
  /** Set when an expired lease was taken over: whose, for the log. */
  readonly tookOver: string | undefined
}

/** The lease note as read, with QBO's clock. */
interface Observed {
  readonly id: string
  readonly syncToken: string
  readonly state: LeaseState | undefined
  /** `MetaData.LastUpdatedTime` in ms. */
  readonly lastUpdated: number
  /** The response's `time` in ms (the local clock if QBO sent none). */
  readonly serverNow: number
}

type QboFailure = QboError | QboAuthError

const POLL_MS = 2000
const isStale = (error: QboFailure): boolean => error._tag === "QboError" && error.code === "5010"
const isUnqueryable = (error: QboFailure): boolean => error._tag === "QboError" && error.code === "4001"

/** Deterministic per write, so a retried heartbeat replays where QBO remembers request ids. */
const leaseRequestId = (...parts: ReadonlyArray<string | number>): string =>
  `aql${createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 31)}`

const millis = (time: unknown, fallback: number): number => {
  const parsed = typeof time === "string" ? Date.parse(time) : Number.NaN
  return Number.isNaN(parsed) ? fallback : parsed
}

interface NoteRow {
  readonly Id: string
  readonly SyncToken: string
  readonly Note?: string
  readonly MetaData?: { readonly LastUpdatedTime?: string }
}

/**
 * Every lease note of the company, lowest Id first (the canonical one: two first-ever applies
 * may both create a note; all of them then use the oldest). Filters on `Note` where QBO allows
 * it; where it answers 4001, reads every Attachable (UNCERTAIN which one real QBO does).
 */
const readNotes = Effect.fnUntraced(function*() {
  const reader = yield* QboReader
  const now = yield* Clock.currentTimeMillis
  const byNote = `SELECT * FROM Attachable WHERE Note LIKE ${qboString(`${LEASE_PREFIX}%`)} ORDERBY Id STARTPOSITION 1 MAXRESULTS 1000`
  const filtered = yield* reader.queryPage<NoteRow>(byNote).pipe(Effect.result)
  if (filtered._tag === "Success") return { rows: filtered.success.rows, serverNow: millis(filtered.success.time, now) }
  if (!isUnqueryable(filtered.failure)) return yield* filtered.failure
  const rows: Array<NoteRow> = []
  let serverNow = now
  for (let start = 1; ; start += 1000) {
    const page = yield* reader.queryPage<NoteRow>(`SELECT * FROM Attachable ORDERBY Id STARTPOSITION ${start} MAXRESULTS 1000`)
    serverNow = millis(page.time, serverNow)
    rows.push(...page.rows.filter((row) => typeof row.Note === "string" && row.Note.startsWith(LEASE_PREFIX)))
    if (page.rows.length < 1000) return { rows, serverNow }
  }
})

/** The canonical lease note, creating one (free) if the company has none yet. */
const observe = Effect.fnUntraced(function*() {
  for (;;) {
    const { rows, serverNow } = yield* readNotes()
    const first = [...rows].sort((a, b) => Number(a.Id) - Number(b.Id))[0]
    if (first) {
      const observed: Observed = {
        id: first.Id,
        syncToken: first.SyncToken,
        state: parseLeaseNote(first.Note),
        lastUpdated: millis(first.MetaData?.LastUpdatedTime, serverNow),
        serverNow
      }
      return observed
    }
    const writer = yield* QboWriter
    yield* writer.create("Attachable", { Note: formatLeaseNote(FREE), Category: "Other" }, leaseRequestId("create", randomUUID()))
  }
})

/** Writes the note over the given version; `false` when QBO answered 5010 (someone wrote first). */
const writeNote = (note: { readonly id: string; readonly syncToken: string }, state: LeaseState, requestId: string) =>
  Effect.gen(function*() {
    const writer = yield* QboWriter
    const row = yield* writer.update<NoteRow>("Attachable", { Id: note.id, SyncToken: note.syncToken, sparse: true, Note: formatLeaseNote(state) }, requestId)
    return row as NoteRow | false
  }).pipe(Effect.catchIf(isStale, () => Effect.succeed(false as const)))

type Held = Extract<LeaseState, { held: true }>

const isOurs = (state: LeaseState | undefined, leaseId: string): state is Held => state !== undefined && state.held && state.leaseId === leaseId

const heldMessage = (label: string, verdict: Extract<LeaseVerdict, { kind: "held" }>): string =>
  `another atqbo apply is writing to ${label}: ${describeLease(verdict)}. Nothing was written. ` +
  `Wait for it to finish (lease.waitSeconds in atqbo.yaml makes apply wait for it), or, if that apply is dead, ` +
  `run \`atqbo apply --force-unlock ${verdict.state.leaseId}\` (or let the lease expire).`

/** Takes the lease: waits while another apply holds it (up to `waitSeconds`), takes it when free or expired. */
const acquire = Effect.fnUntraced(function*(options: LeaseOptions, leaseId: string) {
  const started = yield* Clock.currentTimeMillis
  let told = ""
  for (;;) {
    const observed = yield* observe()
    // Our own take whose answer was lost, then refused with 5010 on the resend: it is ours.
    if (isOurs(observed.state, leaseId)) return { id: observed.id, syncToken: observed.syncToken, state: observed.state, tookOver: undefined }
    const verdict = judgeLease(observed.state, observed.lastUpdated, observed.serverNow)
    if (verdict.kind === "held") {
      const left = options.waitSeconds * 1000 - ((yield* Clock.currentTimeMillis) - started)
      if (left <= 0) return yield* new LeaseHeld({ leaseId: verdict.state.leaseId, message: heldMessage(options.label, verdict) })
      if (verdict.state.leaseId !== told) yield* options.onWait(`waiting up to ${Math.ceil(left / 1000)} s for ${options.label}: ${describeLease(verdict)}`)
      told = verdict.state.leaseId
      yield* Effect.sleep(Math.min(POLL_MS, left))
      continue
    }
    const now = new Date(yield* Clock.currentTimeMillis).toISOString()
    const state: Held = { held: true, leaseId, holder: options.holder, acquiredAt: now, heartbeatAt: now, beat: 0, expirySeconds: options.expirySeconds }
    const written = yield* writeNote(observed, state, leaseRequestId(leaseId, 0))
    if (written === false) continue // another apply was first: look again
    return { id: observed.id, syncToken: written.SyncToken, state, tookOver: verdict.kind === "expired" ? describeLease(verdict) : undefined }
  }
})

/** Why a heartbeat found the lease no longer ours. */
const lossReason = (observed: Observed): string => {
  const verdict = judgeLease(observed.state, observed.lastUpdated, observed.serverNow)
  return verdict.kind === "free" ? "its lease was broken (force-unlock) or edited in QBO" : `its lease was taken over: ${describeLease(verdict)}`
}

/**
 * Holds the lease for the scope: heartbeats in the background, releases on close. Fails with
 * `LeaseHeld` when another apply holds it beyond `waitSeconds`.
 */
export const holdLease = Effect.fn("holdLease")(function*(options: LeaseOptions) {
  const leaseId = randomUUID()
  const taken = yield* acquire(options, leaseId)
  const expiryMs = options.expirySeconds * 1000
  const note = yield* Ref.make({ id: taken.id, syncToken: taken.syncToken, state: taken.state })
  /** When the last confirmed heartbeat was sent (local clock). */
  const confirmedAt = yield* Ref.make(yield* Clock.currentTimeMillis)
  const lost = yield* Ref.make<string | undefined>(undefined)

  /**
   * One conditional update. A 5010 is either our own earlier attempt whose answer was lost
   * (the note shows this very beat: carry on with its SyncToken) or another writer (lost).
   */
  const beat = Effect.gen(function*() {
    const sentAt = yield* Clock.currentTimeMillis
    const current = yield* Ref.get(note)
    const next: Held = { ...current.state, beat: current.state.beat + 1, heartbeatAt: new Date(sentAt).toISOString() }
    const written = yield* writeNote(current, next, leaseRequestId(leaseId, next.beat))
    let syncToken = written === false ? undefined : written.SyncToken
    if (written === false) {
      const observed = yield* observe()
      if (!isOurs(observed.state, leaseId) || observed.state.beat !== next.beat) return yield* Ref.set(lost, lossReason(observed))
      syncToken = observed.syncToken
    }
    yield* Ref.set(note, { id: current.id, syncToken: syncToken!, state: next })
    yield* Ref.set(confirmedAt, sentAt)
  })

  // A heartbeat that fails (network, throttling) is tried at the next tick; `check` guards writes meanwhile.
  const heartbeat = Effect.gen(function*() {
    while ((yield* Ref.get(lost)) === undefined) {
      yield* Effect.sleep(Math.max(100, Math.floor(expiryMs / 10)))
      yield* beat.pipe(Effect.ignore)
    }
  })

  const release = Effect.gen(function*() {
    if ((yield* Ref.get(lost)) !== undefined) return
    for (let attempt = 0; attempt < 3; attempt++) {
      const observed = yield* observe()
      if (!isOurs(observed.state, leaseId)) return
      const freed: LeaseState = { held: false, releasedAt: new Date(yield* Clock.currentTimeMillis).toISOString(), releasedBy: `run ${options.holder.runId}` }
      if ((yield* writeNote(observed, freed, leaseRequestId(leaseId, "release", attempt))) !== false) return
    }
  }).pipe(Effect.ignore)

  // Finalizers run in reverse: the heartbeat stops before the release.
  yield* Effect.addFinalizer(() => release)
  yield* Effect.forkScoped(heartbeat)

  const check = Effect.gen(function*() {
    const reason = yield* Ref.get(lost)
    if (reason !== undefined) return yield* new LeaseLost({ message: `stopped before writing to ${options.label}: ${reason}` })
    const silent = (yield* Clock.currentTimeMillis) - (yield* Ref.get(confirmedAt))
    if (silent > expiryMs / 2) {
      return yield* new LeaseLost({
        message: `stopped before writing to ${options.label}: no heartbeat of its lease was confirmed for ${Math.round(silent / 1000)} s (half the ${options.expirySeconds} s expiry), so another apply may take it over`
      })
    }
  })
  const clients = yield* Effect.context<QboReader | QboWriter>()
  const held: HeldLease = { leaseId, check, renew: beat.pipe(Effect.provideContext(clients)), tookOver: taken.tookOver }
  return held
})

/** `--force-unlock LEASE_ID`: frees the lease if it is held under that id; the holder stops before its next write. */
export const forceUnlock = Effect.fn("forceUnlock")(function*(leaseId: string, label: string, by: LeaseHolder) {
  for (;;) {
    const observed = yield* observe()
    const verdict = judgeLease(observed.state, observed.lastUpdated, observed.serverNow)
    if (verdict.kind === "free") return yield* new LeaseNotFound({ message: `no apply holds the lease of ${label}; nothing to unlock` })
    if (verdict.state.leaseId !== leaseId) {
      return yield* new LeaseNotFound({ message: `the lease of ${label} is ${describeLease(verdict)}, not lease ${leaseId}; nothing was unlocked` })
    }
    const freed: LeaseState = {
      held: false,
      releasedAt: new Date(yield* Clock.currentTimeMillis).toISOString(),
      releasedBy: `broken by --force-unlock (run ${by.runId} on host ${by.host})`
    }
    if ((yield* writeNote(observed, freed, leaseRequestId(leaseId, "force-unlock", observed.syncToken))) !== false) return describeLease(verdict)
  }
})

