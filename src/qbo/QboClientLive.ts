/**
 * The live QBO client: `QboReader` and `QboWriter` over `effect/http` (undici).
 *
 * Every request goes through one pipeline: take one of `maxConcurrent` permits → wait out
 * a 429 pause → take a slot in the per-minute windows → send with a bearer token →
 * classify. Retryable failures (429, 5xx, network, transient 6000) are retried with
 * the same request — and so the same `requestid` — after capped, jittered backoff; a 401
 * invalidates the token and retries once. Writes always carry the caller's `requestId`.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Clock, Context, Duration, Effect, Layer, Random, type Redacted, Semaphore } from "effect"
import { HttpClient, HttpClientRequest } from "effect/http"
import { withRequestLog } from "../http/requestLog.ts"
import { layerQboAuth, QboAuth, type QboAuthOptions } from "./auth/QboAuth.ts"
import { clientSideError, faultErrors, networkError, qboErrorFromResponse, unexpectedAnswer } from "./errors.ts"
import { makeSlidingWindowLimiter } from "./limits.ts"
import type { QboCompanyInfo, QboEntityName, QboFault, QboPreferences } from "./model.ts"
import {
  type QboAuthError,
  type QboBatchItem,
  type QboBatchResult,
  QboError,
  type QboQueryPage,
  QboReader,
  type QboReaderService,
  QboWriter,
  type QboWriterService
} from "./QboClient.ts"
import { countStatement, DEFAULT_IN_CHUNK, inClauses, QBO_MAX_PAGE, selectStatement, statementEntity } from "./query.ts"
import {
  type AttemptFailure,
  backoffMs,
  DEFAULT_RETRY_OPTIONS,
  isRetryable,
  isThrottle,
  parseRetryAfter,
  type QboRetryOptions,
  retryDelayMs
} from "./retry.ts"

export interface QboClientOptions {
  readonly realmId: string
  /** `https://quickbooks.api.intuit.com`, the sandbox host, or a simulator's `baseUrl`. */
  readonly apiBaseUrl: string
  readonly minorVersion?: number
  readonly maxConcurrent?: number
  readonly requestsPerMinute?: number
  readonly batchesPerMinute?: number
  /** Length of the rate windows (default 61 s: a margin over QBO's minute). */
  readonly rateWindowMs?: number
  readonly maxBatchItems?: number
  /** Values per `IN` chunk and characters per `IN` list (see `query.ts`). */
  readonly inChunk?: Partial<typeof DEFAULT_IN_CHUNK>
  /** Per attempt; QBO itself gives up after 120 s. */
  readonly requestTimeoutMs?: number
  readonly retry?: Partial<QboRetryOptions>
}

type Body = { readonly json: unknown } | { readonly text: string; readonly contentType: string } | undefined

interface CallSpec {
  /** For messages: "create Invoice", "query Customer". */
  readonly operation: string
  readonly entity: string | undefined
  readonly method: "GET" | "POST"
  readonly path: string
  readonly params?: Record<string, string | undefined>
  readonly body?: Body
  readonly batch?: boolean
  /** `throttled`: retry only 429s (a batch of creates is re-checked by the caller instead). */
  readonly resend?: "all" | "throttled"
}

type AttemptOutcome =
  | { readonly _tag: "ok"; readonly body: Record<string, unknown> }
  /** HTTP 200 whose body is not JSON (a proxy's page, a cut-off answer): said as such, never as an HTTP error. */
  | { readonly _tag: "garbled"; readonly excerpt: string }
  | AttemptFailure

const segmentOf = (entity: string): string => entity.toLowerCase()

const asObject = (value: unknown): Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {}

const MAX_REQUEST_ID = 50

/** The parsed body, `{}` for an empty one, undefined when it is not JSON (gateway HTML, XML). */
const parseJson = (text: string): unknown => {
  if (text === "") return {}
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

export const makeQboClient = (options: QboClientOptions) =>
  Effect.gen(function*() {
    const http = withRequestLog("QBO", yield* HttpClient.HttpClient)
    const auth = yield* QboAuth
    const retry: QboRetryOptions = { ...DEFAULT_RETRY_OPTIONS, ...options.retry }
    const minorVersion = String(options.minorVersion ?? 75)
    const maxConcurrent = options.maxConcurrent ?? 10
    const maxBatchItems = options.maxBatchItems ?? 30
    const timeout = Duration.millis(options.requestTimeoutMs ?? 120_000)
    const inChunk = { ...DEFAULT_IN_CHUNK, ...options.inChunk }
    const windowMs = options.rateWindowMs ?? 61_000
    const permits = yield* Semaphore.make(maxConcurrent)
    const requestWindow = yield* makeSlidingWindowLimiter(options.requestsPerMinute ?? 500, windowMs)
    const batchWindow = yield* makeSlidingWindowLimiter(options.batchesPerMinute ?? 40, windowMs)
    const root = `${options.apiBaseUrl.replace(/\/+$/, "")}/v3/company/${encodeURIComponent(options.realmId)}`
    // After a 429 every request waits, not only the one that saw it: QBO throttles the realm.
    let pausedUntil = 0

    const waitForPause = Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      if (pausedUntil > now) {
        yield* Effect.logDebug(`QBO throttled the company: waiting ${pausedUntil - now} ms before the next request`)
        yield* Effect.sleep(pausedUntil - now)
      }
    })

    const buildRequest = (spec: CallSpec, token: Redacted.Redacted<string>) => {
      const params: Record<string, string> = { minorversion: minorVersion }
      for (const [key, value] of Object.entries(spec.params ?? {})) if (value !== undefined) params[key] = value
      let request = (spec.method === "GET" ? HttpClientRequest.get : HttpClientRequest.post)(`${root}${spec.path}`).pipe(
        HttpClientRequest.setUrlParams(params),
        HttpClientRequest.bearerToken(token),
        HttpClientRequest.acceptJson
      )
      if (spec.body !== undefined) {
        request =
          "json" in spec.body
            ? HttpClientRequest.bodyText(request, JSON.stringify(spec.body.json), "application/json")
            : HttpClientRequest.bodyText(request, spec.body.text, spec.body.contentType)
      } else if (spec.method === "POST") {
        request = HttpClientRequest.bodyText(request, "", "application/octet-stream")
      }
      return request
    }

    /** One HTTP exchange, never failing: the outcome says what happened. */
    const attempt = (spec: CallSpec, token: Redacted.Redacted<string>): Effect.Effect<AttemptOutcome> =>
      // A batch waits for its slot of the 40-per-minute window before taking a concurrency
      // permit, so queued batches never hold permits other requests could use.
      (spec.batch === true ? batchWindow.acquire : Effect.void).pipe(Effect.andThen(permits
        .withPermit(
          Effect.gen(function*() {
            // Inside the permit, so requests queued before a 429 also wait it out.
            yield* waitForPause
            yield* requestWindow.acquire
            const response = yield* http.execute(buildRequest(spec, token)).pipe(Effect.timeout(timeout))
            const text = yield* response.text.pipe(Effect.timeout(timeout))
            const now = yield* Clock.currentTimeMillis
            const body = parseJson(text)
            const errors = faultErrors(body, text)
            if (response.status === 200 && body !== undefined && errors.length === 0) {
              return { _tag: "ok", body: asObject(body) } satisfies AttemptOutcome
            }
            if (response.status === 200 && body === undefined) {
              return { _tag: "garbled", excerpt: text.slice(0, 120) } satisfies AttemptOutcome
            }
            return {
              _tag: "response",
              status: response.status === 200 ? 400 : response.status,
              errors,
              intuitTid: response.headers["intuit_tid"],
              retryAfterMs: parseRetryAfter(response.headers["retry-after"], now)
            } satisfies AttemptOutcome
          })
        )
        .pipe(
          Effect.catch((error) =>
            Effect.succeed<AttemptOutcome>({
              _tag: "network",
              reason: error._tag === "TimeoutError" ? "timed out" : error.message.split("\n")[0] ?? "transport error"
            })
          )
        )))

    const toError = (spec: CallSpec, failure: AttemptFailure): QboError =>
      failure._tag === "network"
        ? networkError(spec.operation, failure.reason)
        : qboErrorFromResponse({
          operation: spec.operation,
          entity: spec.entity,
          status: failure.status,
          errors: failure.errors,
          intuitTid: failure.intuitTid
        })

    /** Sends with retries; returns the parsed JSON body of the 200 answer. */
    const call = (spec: CallSpec): Effect.Effect<Record<string, unknown>, QboError | QboAuthError> =>
      Effect.gen(function*() {
        let attempts = 0
        let refreshedAfter401 = false
        for (;;) {
          attempts += 1
          const token = yield* auth.accessToken
          const outcome = yield* attempt(spec, token)
          if (outcome._tag === "ok") return outcome.body
          if (outcome._tag === "garbled") {
            // Like a lost answer: the request may have been carried out. Sent again where a
            // lost answer would be (reads, writes with a replayable requestid), else the caller re-checks.
            if (spec.resend === "throttled" || attempts >= retry.maxAttempts) {
              return yield* unexpectedAnswer(spec.operation, `QuickBooks answered HTTP 200 with a body that is not JSON (${JSON.stringify(outcome.excerpt)})`)
            }
            yield* Effect.logDebug(`QBO ${spec.operation}: HTTP 200 with a body that is not JSON; retry ${attempts}/${retry.maxAttempts - 1}`)
            yield* Effect.sleep(backoffMs(attempts, retry, yield* Random.next))
            continue
          }
          if (outcome._tag === "response" && outcome.status === 401 && !refreshedAfter401) {
            // Expired or revoked token: refresh once and repeat, without using up a retry.
            refreshedAfter401 = true
            attempts -= 1
            yield* auth.invalidate(token)
            continue
          }
          const resendable = isRetryable(outcome) && (spec.resend !== "throttled" || isThrottle(outcome))
          if (!resendable || attempts >= retry.maxAttempts) return yield* toError(spec, outcome)
          const delay = retryDelayMs(outcome, attempts, retry, yield* Random.next)
          if (isThrottle(outcome)) {
            const now = yield* Clock.currentTimeMillis
            pausedUntil = Math.max(pausedUntil, now + delay)
          }
          yield* Effect.logDebug(
            `QBO ${spec.operation}: ${outcome._tag === "network" ? outcome.reason : `HTTP ${outcome.status}`}; retry ${attempts}/${retry.maxAttempts - 1} in ${delay} ms`
          )
          yield* Effect.sleep(delay)
        }
      })

    const requireRequestId = (operation: string, requestId: string): Effect.Effect<void, QboError> => {
      if (requestId.trim() === "") return Effect.fail(clientSideError(operation, "a write needs a requestId (idempotency key)"))
      if (requestId.length > MAX_REQUEST_ID) {
        return Effect.fail(clientSideError(operation, `the requestId "${requestId}" is ${requestId.length} characters; QBO allows ${MAX_REQUEST_ID}`))
      }
      return Effect.void
    }

    const entityOf = (body: Record<string, unknown>, entity: string, operation: string): Effect.Effect<Record<string, unknown>, QboError> => {
      const value = body[entity]
      if (typeof value === "object" && value !== null) return Effect.succeed(value as Record<string, unknown>)
      return Effect.fail(unexpectedAnswer(operation, `QuickBooks answered without a ${entity} object`))
    }

    // ---- reader -------------------------------------------------------------------------

    const queryPage = <A>(statement: string): Effect.Effect<QboQueryPage<A>, QboError | QboAuthError> =>
      Effect.gen(function*() {
        const entity = statementEntity(statement)
        const body = yield* call({
          operation: `query ${entity ?? ""}`.trim(),
          entity,
          method: "POST",
          path: "/query",
          body: { text: statement, contentType: "application/text" }
        })
        const response = asObject(body["QueryResponse"])
        const rows = Object.values(response).find(Array.isArray) as ReadonlyArray<A> | undefined
        return {
          rows: rows ?? [],
          startPosition: typeof response["startPosition"] === "number" ? response["startPosition"] : 1,
          maxResults: typeof response["maxResults"] === "number" ? response["maxResults"] : (rows?.length ?? 0),
          totalCount: typeof response["totalCount"] === "number" ? response["totalCount"] : undefined,
          time: typeof body["time"] === "string" ? body["time"] : undefined
        }
      }).pipe(Effect.withSpan("QboReader.queryPage"))

    const queryAll = <A>(entity: QboEntityName, where?: string): Effect.Effect<ReadonlyArray<A>, QboError | QboAuthError> =>
      Effect.gen(function*() {
        const rows: Array<A> = []
        for (let start = 1; ; start += QBO_MAX_PAGE) {
          const page = yield* queryPage<A>(selectStatement(entity, where, start))
          rows.push(...page.rows)
          if (page.rows.length < QBO_MAX_PAGE) return rows
        }
      }).pipe(Effect.withSpan("QboReader.queryAll", { attributes: { entity } }))

    const queryIn = <A>(
      entity: QboEntityName,
      field: string,
      values: ReadonlyArray<string>,
      extraWhere?: string
    ): Effect.Effect<ReadonlyArray<A>, QboError | QboAuthError> =>
      Effect.gen(function*() {
        const clauses = inClauses(field, values, inChunk)
        const pages = yield* Effect.forEach(
          clauses,
          (clause) => queryAll<A>(entity, extraWhere === undefined || extraWhere.trim() === "" ? clause : `${clause} AND ${extraWhere}`),
          { concurrency: maxConcurrent }
        )
        const seen = new Set<string>()
        const rows: Array<A> = []
        for (const row of pages.flat()) {
          const id = asObject(row)["Id"]
          if (typeof id === "string") {
            if (seen.has(id)) continue
            seen.add(id)
          }
          rows.push(row)
        }
        return rows
      }).pipe(Effect.withSpan("QboReader.queryIn", { attributes: { entity, field, values: values.length } }))

    const count = (entity: QboEntityName, where?: string) =>
      queryPage<never>(countStatement(entity, where)).pipe(Effect.map((page) => page.totalCount ?? 0))

    const read = <A>(entity: QboEntityName, id: string): Effect.Effect<A, QboError | QboAuthError> =>
      Effect.gen(function*() {
        const operation = `read ${entity} ${id}`
        const body = yield* call({ operation, entity, method: "GET", path: `/${segmentOf(entity)}/${encodeURIComponent(id)}` })
        return (yield* entityOf(body, entity, operation)) as A
      })

    const preferences = Effect.gen(function*() {
      const body = yield* call({ operation: "read Preferences", entity: "Preferences", method: "GET", path: "/preferences" })
      return (yield* entityOf(body, "Preferences", "read Preferences")) as unknown as QboPreferences
    })

    const companyInfo = Effect.gen(function*() {
      const body = yield* call({
        operation: "read CompanyInfo",
        entity: "CompanyInfo",
        method: "GET",
        path: `/companyinfo/${encodeURIComponent(options.realmId)}`
      })
      return (yield* entityOf(body, "CompanyInfo", "read CompanyInfo")) as unknown as QboCompanyInfo
    })

    const reader: QboReaderService = {
      realmId: options.realmId,
      queryPage,
      queryAll,
      queryIn,
      count,
      read,
      preferences,
      companyInfo
    }

    // ---- writer -------------------------------------------------------------------------

    const write = <A>(spec: CallSpec & { readonly entity: string }, requestId: string): Effect.Effect<A, QboError | QboAuthError> =>
      Effect.gen(function*() {
        yield* requireRequestId(spec.operation, requestId)
        const body = yield* call({ ...spec, params: { ...spec.params, requestid: requestId } })
        return (yield* entityOf(body, spec.entity, spec.operation)) as A
      })

    const needsIdentity = (operation: string, body: Record<string, unknown>): Effect.Effect<void, QboError> =>
      typeof body["Id"] === "string" && body["Id"] !== "" && typeof body["SyncToken"] === "string"
        ? Effect.void
        : Effect.fail(clientSideError(operation, "an update needs the record's Id and SyncToken (as strings)"))

    const writer: QboWriterService = {
      create: <A>(entity: QboEntityName, body: Record<string, unknown>, requestId: string, createOptions?: { readonly allowDuplicateDocNumber?: boolean }) =>
        write<A>(
          {
            operation: `create ${entity}`,
            entity,
            method: "POST",
            path: `/${segmentOf(entity)}`,
            params: { include: createOptions?.allowDuplicateDocNumber === true ? "allowduplicatedocnum" : undefined },
            body: { json: body }
          },
          requestId
        ).pipe(Effect.withSpan("QboWriter.create", { attributes: { entity } })),
      update: <A>(entity: QboEntityName, body: Record<string, unknown>, requestId: string) =>
        needsIdentity(`update ${entity}`, body).pipe(
          Effect.andThen(
            write<A>({ operation: `update ${entity} ${String(body["Id"])}`, entity, method: "POST", path: `/${segmentOf(entity)}`, body: { json: body } }, requestId)
          ),
          Effect.withSpan("QboWriter.update", { attributes: { entity } })
        ),
      void: <A>(entity: "Invoice" | "CreditMemo", ref: { readonly Id: string; readonly SyncToken: string }, requestId: string) =>
        write<A>(
          {
            operation: `void ${entity} ${ref.Id}`,
            entity,
            method: "POST",
            path: `/${segmentOf(entity)}`,
            params: { operation: "void" },
            body: { json: { Id: ref.Id, SyncToken: ref.SyncToken } }
          },
          requestId
        ).pipe(Effect.withSpan("QboWriter.void", { attributes: { entity } })),
      send: <A>(invoiceId: string, sendTo: string | undefined, requestId: string) =>
        write<A>(
          {
            operation: `send Invoice ${invoiceId}`,
            entity: "Invoice",
            method: "POST",
            path: `/invoice/${encodeURIComponent(invoiceId)}/send`,
            params: { sendTo }
          },
          requestId
        ).pipe(Effect.withSpan("QboWriter.send")),
      batch: (items, requestId, batchOptions) => batch(items, requestId, batchOptions?.resend ?? "all")
    }

    const batch = (items: ReadonlyArray<QboBatchItem>, requestId: string, resend: "all" | "throttled"): Effect.Effect<ReadonlyArray<QboBatchResult>, QboError | QboAuthError> =>
      Effect.gen(function*() {
        const operation = `batch of ${items.length}`
        if (items.length === 0) return []
        yield* requireRequestId(operation, requestId)
        if (items.length > maxBatchItems) {
          return yield* clientSideError(operation, `a batch can have at most ${maxBatchItems} items; split it`)
        }
        const ids = new Set<string>()
        for (const item of items) {
          if (ids.has(item.bId)) return yield* clientSideError(operation, `bId "${item.bId}" appears twice in the batch`)
          ids.add(item.bId)
          if (requestId.length + item.bId.length > MAX_REQUEST_ID) {
            return yield* clientSideError(
              operation,
              `requestId + bId "${requestId}${item.bId}" is ${requestId.length + item.bId.length} characters; QBO allows ${MAX_REQUEST_ID}`
            )
          }
        }
        const body = yield* call({
          operation,
          entity: undefined,
          method: "POST",
          path: "/batch",
          params: { requestid: requestId },
          body: {
            json: {
              BatchItemRequest: items.map((item) => ({
                bId: item.bId,
                operation: item.operation,
                [item.entity]: item.body,
                ...(item.optionsData === undefined ? {} : { optionsData: item.optionsData })
              }))
            }
          },
          batch: true,
          resend
        })
        const responses = Array.isArray(body["BatchItemResponse"]) ? (body["BatchItemResponse"] as ReadonlyArray<unknown>) : []
        const byId = new Map<string, Record<string, unknown>>()
        for (const raw of responses) {
          const response = asObject(raw)
          if (typeof response["bId"] === "string") byId.set(response["bId"], response)
        }
        // Correlate by bId, never by position.
        return items.map((item): QboBatchResult => {
          const response = byId.get(item.bId)
          const fault = response?.["Fault"]
          if (typeof fault === "object" && fault !== null) return { bId: item.bId, ok: false, fault: fault as QboFault }
          const entity = response?.[item.entity]
          if (typeof entity === "object" && entity !== null) return { bId: item.bId, ok: true, entity: entity as Record<string, unknown> }
          return {
            bId: item.bId,
            ok: false,
            fault: { type: "atqbo", Error: [{ Message: "QuickBooks returned no result for this batch item", code: "", Detail: "" }] }
          }
        })
      }).pipe(Effect.withSpan("QboWriter.batch", { attributes: { items: items.length } }))

    return { reader, writer }
  })

/** Reader and writer sharing one budget (permits, windows, 429 pause). */
export const layerQboClient = (options: QboClientOptions): Layer.Layer<QboReader | QboWriter, never, HttpClient.HttpClient | QboAuth> =>
  Layer.effectContext(
    Effect.map(makeQboClient(options), ({ reader, writer }) => Context.make(QboReader, reader).pipe(Context.add(QboWriter, writer)))
  )

/** Reader only: what `plan` gets, so it cannot write. */
export const layerQboReader = (options: QboClientOptions): Layer.Layer<QboReader, never, HttpClient.HttpClient | QboAuth> =>
  Layer.effect(QboReader, Effect.map(makeQboClient(options), ({ reader }) => reader))

export type QboLiveAuthOptions = Omit<QboAuthOptions, "realmId">

/** Reader and writer with OAuth and the undici HTTP client: everything `apply` needs. */
export const layerQboLive = (options: QboClientOptions, authOptions: QboLiveAuthOptions = {}): Layer.Layer<QboReader | QboWriter> =>
  layerQboClient(options).pipe(
    Layer.provide(layerQboAuth({ ...authOptions, realmId: options.realmId })),
    Layer.provide(NodeHttpClient.layerUndici)
  )

/** Reader with OAuth and the undici HTTP client: everything `plan` needs. */
export const layerQboReaderLive = (options: QboClientOptions, authOptions: QboLiveAuthOptions = {}): Layer.Layer<QboReader> =>
  layerQboReader(options).pipe(
    Layer.provide(layerQboAuth({ ...authOptions, realmId: options.realmId })),
    Layer.provide(NodeHttpClient.layerUndici)
  )
