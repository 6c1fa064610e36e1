/**
 * The Autotask client contract. Reads and writes are separate services so that `plan`
 * is given only the reader and provably cannot write. The live layers are in
 * `AutotaskClientLive.ts`.
 */
import { Context, Data, type Effect, type Redacted } from "effect"
import type { AtEntityName, AtFilter, AtInvoice, AtInvoiceWrite, AtThresholdInfo, AtZoneInfo } from "./model.ts"

export interface AutotaskCredentials {
  readonly username: string
  readonly secret: Redacted.Redacted<string>
  readonly integrationCode: Redacted.Redacted<string>
  readonly impersonationResourceId: string | undefined
  /** Where the credentials came from (e.g. the env var names), named in auth error messages. */
  readonly source?: string
}

export type AutotaskErrorKind =
  | "auth" // 401 (bad credentials or zone moved, after one re-discovery)
  | "permission" // 403, or a 500 whose text says the resource lacks permissions
  | "rate-limited" // 429 or the hourly threshold, after retries ran out
  | "invalid-request" // 400 / 404 / 405 / a 500 validation message: not retried
  | "server" // 5xx after retries ran out
  | "network" // connection refused/reset/timeout after retries ran out
  | "unexpected-response" // body not in the documented shape
  | "lease-lost" // not sent: this apply no longer holds its QBO company's lease
  | "stopped" // not sent: this apply was asked to stop (a signal, a journal it cannot write)

export class AutotaskError extends Data.TaggedError("AutotaskError")<{
  readonly kind: AutotaskErrorKind
  /** A sentence for people: what failed and what to do. Never contains secrets. */
  readonly message: string
  readonly status: number | undefined
  /** The `errors` strings Autotask returned, if any. */
  readonly errors: ReadonlyArray<string>
  /** e.g. `POST Invoices/query`. */
  readonly operation: string
}> {}

/** A write Autotask acknowledged with 200 but did not apply (read-back differs). */
export class AutotaskWriteNotApplied extends Data.TaggedError("AutotaskWriteNotApplied")<{
  readonly message: string
  readonly entity: AtEntityName
  readonly id: number
  readonly field: string
  readonly expected: unknown
  readonly actual: unknown
}> {}

export interface AutotaskQueryOptions {
  /** Projection; `id` is always added. */
  readonly includeFields?: ReadonlyArray<string>
}

export interface AutotaskReaderService {
  /** All rows matching the filter (top-level items AND-ed), every page followed, ordered by id. */
  readonly query: <A>(
    entity: AtEntityName,
    filter: ReadonlyArray<AtFilter>,
    options?: AutotaskQueryOptions
  ) => Effect.Effect<ReadonlyArray<A>, AutotaskError>
  /**
   * Rows whose `field` is in `values`, chunked under the 500-OR-condition limit, plus the
   * optional extra filter; de-duplicated and ordered by id. Empty `values` → no request.
   */
  readonly queryIn: <A>(
    entity: AtEntityName,
    field: string,
    values: ReadonlyArray<number | string>,
    options?: AutotaskQueryOptions & { readonly filter?: ReadonlyArray<AtFilter> }
  ) => Effect.Effect<ReadonlyArray<A>, AutotaskError>
  readonly count: (entity: AtEntityName, filter: ReadonlyArray<AtFilter>) => Effect.Effect<number, AutotaskError>
  readonly get: <A>(entity: AtEntityName, id: number) => Effect.Effect<A | null, AutotaskError>
  readonly threshold: Effect.Effect<AtThresholdInfo, AutotaskError>
  readonly zone: Effect.Effect<AtZoneInfo, AutotaskError>
}

export class AutotaskReader extends Context.Service<AutotaskReader, AutotaskReaderService>()(
  "atqbo/autotask/AutotaskReader"
) {}

export interface AutotaskWriterService {
  /**
   * PATCHes the given invoice fields, then reads the invoice back and fails with
   * `AutotaskWriteNotApplied` when a field did not take (Autotask can answer 200 and ignore it).
   * Dates are compared date-only for `paidDate`.
   */
  readonly updateInvoice: (
    id: number,
    fields: AtInvoiceWrite
  ) => Effect.Effect<AtInvoice, AutotaskError | AutotaskWriteNotApplied>
  /**
   * Many invoices at once: one PATCH each, then the read-back as `id in […]` queries (one
   * per 500) instead of one GET per invoice — half the requests of the shared hourly budget.
   * One outcome per update, in order; a failed PATCH or read-back fails only its invoices.
   */
  readonly updateInvoices: (
    updates: ReadonlyArray<{ readonly id: number; readonly fields: AtInvoiceWrite }>,
    options?: {
      /** Runs before each PATCH; when it fails, that invoice is not sent and gets its error. */
      readonly before?: (id: number) => Effect.Effect<void, AutotaskError>
    }
  ) => Effect.Effect<ReadonlyArray<InvoiceUpdateOutcome>>
}

export type InvoiceUpdateOutcome =
  | { readonly id: number; readonly ok: true; readonly invoice: AtInvoice }
  | { readonly id: number; readonly ok: false; readonly error: AutotaskError | AutotaskWriteNotApplied }

export class AutotaskWriter extends Context.Service<AutotaskWriter, AutotaskWriterService>()(
  "atqbo/autotask/AutotaskWriter"
) {}
