/**
 * The QBO client contract. Reads and writes are separate services so that `plan` is given
 * only the reader. Every write takes a caller-supplied, deterministic `requestId`: the client
 * never invents one, so a retry or a re-run after a crash replays instead of duplicating.
 * Live layers are in `QboClientLive.ts`; OAuth in `auth/`.
 */
import { Context, Data, type Effect } from "effect"
import type { QboCompanyInfo, QboEntityName, QboFault, QboFaultError, QboPreferences } from "./model.ts"

export type QboErrorKind =
  | "auth" // 401/3200 after one refresh, or 403/3100
  | "rate-limited" // 429/3001 after retries ran out
  | "validation" // a Fault the caller must fix (2020, 2050, 2500, 610, 6000 business rule, 6140, 6240, 4000, 4001…)
  | "stale" // 5010 SyncToken conflict
  | "server" // 5xx / 10000 / transient 6000 after retries ran out
  | "network"
  | "unexpected-response"
  | "lease-lost" // not sent: this apply no longer holds the company's lease
  | "stopped" // not sent: this apply was asked to stop (a signal, a journal it cannot write)

export class QboError extends Data.TaggedError("QboError")<{
  readonly kind: QboErrorKind
  /** A sentence for people: what failed and what to do. Never contains tokens. */
  readonly message: string
  readonly status: number | undefined
  /** First fault error's code ("6240"), when QBO returned a Fault. */
  readonly code: string | undefined
  readonly detail: string | undefined
  readonly element: string | undefined
  readonly errors: ReadonlyArray<QboFaultError>
  /** The `intuit_tid` response header; Intuit support asks for it. */
  readonly intuitTid: string | undefined
  readonly operation: string
}> {}

/** OAuth failures: missing client credentials, `invalid_grant`, unwritable token store. */
export class QboAuthError extends Data.TaggedError("QboAuthError")<{
  readonly message: string
  readonly reason: "missing-credentials" | "invalid-grant" | "token-endpoint" | "token-store"
}> {}

export interface QboQueryPage<A> {
  readonly rows: ReadonlyArray<A>
  readonly startPosition: number
  readonly maxResults: number
  readonly totalCount: number | undefined
  /** The response's `time`: QBO's clock (the lease judges expiry by it). */
  readonly time: string | undefined
}

export type QboWriteOperation = "create" | "update" | "delete" | "void"

export interface QboBatchItem {
  /** Correlation id; `requestId` + `bId` must stay within 50 characters. */
  readonly bId: string
  readonly operation: QboWriteOperation
  readonly entity: QboEntityName
  readonly body: Record<string, unknown>
  /** e.g. `allowduplicatedocnum`. */
  readonly optionsData?: string
}

export type QboBatchResult =
  | { readonly bId: string; readonly ok: true; readonly entity: Record<string, unknown> }
  | { readonly bId: string; readonly ok: false; readonly fault: QboFault }

export interface QboReaderService {
  readonly realmId: string
  /** One page of a raw statement (values must already be escaped with `qboString`). */
  readonly queryPage: <A>(statement: string) => Effect.Effect<QboQueryPage<A>, QboError | QboAuthError>
  /** Every row of `SELECT * FROM entity [WHERE …]`, pages of 1000, ordered by Id. */
  readonly queryAll: <A>(entity: QboEntityName, where?: string) => Effect.Effect<ReadonlyArray<A>, QboError | QboAuthError>
  /**
   * Rows whose `field` is in `values` (escaped by the client), chunked so each statement stays
   * short, plus an optional extra `AND` clause (e.g. `Active IN (true,false)`). Empty → no request.
   */
  readonly queryIn: <A>(
    entity: QboEntityName,
    field: string,
    values: ReadonlyArray<string>,
    extraWhere?: string
  ) => Effect.Effect<ReadonlyArray<A>, QboError | QboAuthError>
  readonly count: (entity: QboEntityName, where?: string) => Effect.Effect<number, QboError | QboAuthError>
  readonly read: <A>(entity: QboEntityName, id: string) => Effect.Effect<A, QboError | QboAuthError>
  readonly preferences: Effect.Effect<QboPreferences, QboError | QboAuthError>
  readonly companyInfo: Effect.Effect<QboCompanyInfo, QboError | QboAuthError>
}

export class QboReader extends Context.Service<QboReader, QboReaderService>()("atqbo/qbo/QboReader") {}

export interface QboWriterService {
  readonly create: <A>(
    entity: QboEntityName,
    body: Record<string, unknown>,
    requestId: string,
    options?: { readonly allowDuplicateDocNumber?: boolean }
  ) => Effect.Effect<A, QboError | QboAuthError>
  /** Full or sparse update (`sparse: true` in the body); body carries `Id` and `SyncToken`. */
  readonly update: <A>(
    entity: QboEntityName,
    body: Record<string, unknown>,
    requestId: string
  ) => Effect.Effect<A, QboError | QboAuthError>
  readonly void: <A>(
    entity: "Invoice" | "CreditMemo",
    ref: { readonly Id: string; readonly SyncToken: string },
    requestId: string
  ) => Effect.Effect<A, QboError | QboAuthError>
  /** `POST /invoice/{id}/send[?sendTo=]`. */
  readonly send: <A>(invoiceId: string, sendTo: string | undefined, requestId: string) => Effect.Effect<A, QboError | QboAuthError>
  /**
   * `POST /batch` with ≤ 30 items; per-item outcomes (HTTP 200 with item Faults is not an error).
   * `resend: "throttled"` sends it again only after a 429 (which QBO did not carry out); any other
   * failure — a lost or unreadable answer, a 5xx — is returned for the caller to re-check first.
   */
  readonly batch: (
    items: ReadonlyArray<QboBatchItem>,
    requestId: string,
    options?: { readonly resend?: "all" | "throttled" }
  ) => Effect.Effect<ReadonlyArray<QboBatchResult>, QboError | QboAuthError>
}

export class QboWriter extends Context.Service<QboWriter, QboWriterService>()("atqbo/qbo/QboWriter") {}

/**
 * A QBO query string literal: backslash escaped first, then single quotes, so that no value
 * can end the literal or inject a clause (`O'Brien \ Sons` → `'O\'Brien \\ Sons'`).
 */
export const qboString = (value: string): string => `'${value.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`
