/**
 * The HTTP layer shared by the Autotask reader and writer: authentication headers, the
 * cached zone (re-discovered once on 401), at most N concurrent requests per entity (the
 * Autotask thread limit), per-attempt timeouts, and retries of transient failures.
 *
 * `run(operation)` hands the operation a `call` bound to the current zone; if anything in
 * it answers 401, the zone is looked up again and, when it moved, the whole operation runs
 * once more (its paging URLs pointed at the old zone, so resuming mid-way is not possible).
 */
import { Context, Duration, Effect, Layer, Redacted, Semaphore } from "effect"
import { Headers, HttpClient, type HttpClientError, HttpClientRequest } from "effect/http"
import { withRequestLog } from "../http/requestLog.ts"
import type { AutotaskCredentials, AutotaskError } from "./AutotaskClient.ts"
import {
  AutotaskCallFailure,
  classifyFailure,
  describe,
  errorStrings,
  parseRetryAfter,
  transportFailure,
  unexpectedResponse
} from "./failure.ts"
import type { AtZoneInfo } from "./model.ts"
import { type AutotaskRetryPolicy, DEFAULT_RETRY_POLICY, retrySchedule } from "./retry.ts"
import { parseZoneInfo, pinnedZone, zoneInformationUrl } from "./zone.ts"

export interface AutotaskClientOptions {
  readonly credentials: AutotaskCredentials
  /** Where to discover the zone: a host (`https://webservices.autotask.net`) or the zoneInformation URL. */
  readonly discoveryUrl: string
  /** A REST root ending in `/ATServicesRest/`; skips discovery (and re-discovery on 401). */
  readonly zoneUrl?: string | undefined
  /** Autotask allows 3 concurrent requests per integration and entity. */
  readonly maxConcurrentPerEntity?: number | undefined
  /** Values per `in` condition in `queryIn`; an `in` of N values counts as N of the 500 allowed OR conditions. */
  readonly inChunkSize?: number | undefined
  /** Per attempt, including reading the body. */
  readonly requestTimeoutMs?: number | undefined
  readonly retry?: Partial<AutotaskRetryPolicy> | undefined
}

/** One logical request; `call` adds the zone, headers, limits and retries. */
export interface AutotaskCall {
  readonly method: "GET" | "POST" | "PATCH" | "PUT"
  /** Entity or resource: the concurrency key. */
  readonly resource: string
  /** For messages, e.g. `POST Invoices/query`. */
  readonly operation: string
  /** Relative to `{zone}V1.0/` … */
  readonly path?: string
  /** … or absolute (a `nextPageUrl`). */
  readonly url?: string
  /** JSON text, sent byte-for-byte (paging re-POSTs the exact same body). */
  readonly body?: string
  /** Writes carry `ImpersonationResourceId` when configured. */
  readonly write?: boolean
}

export type AutotaskCaller = (call: AutotaskCall) => Effect.Effect<unknown, AutotaskCallFailure>

export interface AutotaskTransportService {
  readonly run: <A>(
    operation: (call: AutotaskCaller) => Effect.Effect<A, AutotaskCallFailure>
  ) => Effect.Effect<A, AutotaskError>
  readonly zone: Effect.Effect<AtZoneInfo, AutotaskError>
  readonly inChunkSize: number
  readonly maxConcurrentPerEntity: number
}

/** Header values that must never show up in spans or logs. */
const REDACTED_HEADERS = ["authorization", "cookie", "set-cookie", "x-api-key", "secret", "apiintegrationcode"]

const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, Math.floor(value)))

const parseJson = (text: string): { readonly ok: true; readonly value: unknown } | { readonly ok: false } => {
  try {
    return { ok: true, value: JSON.parse(text) }
  } catch {
    return { ok: false }
  }
}

const transportDetail = (error: HttpClientError.HttpClientError): string => {
  const cause = "cause" in error.reason ? error.reason.cause : undefined
  const reason = cause instanceof Error ? cause.message : error.reason._tag
  return `connection failed (${reason})`
}

/** Turns a response into its JSON body, or the classified failure. */
const interpret = (
  operation: string,
  status: number,
  retryAfter: string | undefined,
  text: string
): Effect.Effect<unknown, AutotaskCallFailure> => {
  const parsed = text.trim() === "" ? undefined : parseJson(text)
  const body = parsed?.ok === true ? parsed.value : undefined
  if (status >= 200 && status < 300) {
    if (parsed === undefined) return Effect.succeed(null)
    if (!parsed.ok) return Effect.fail(unexpectedResponse(operation, status, `invalid JSON: ${text.slice(0, 120)}`))
    // A 2xx that carries errors is still a failure (reference §8).
    if (errorStrings(body).length > 0) {
      return Effect.fail(classifyFailure(operation, status, body, text, undefined))
    }
    return Effect.succeed(body)
  }
  return Effect.fail(classifyFailure(operation, status, body, text, parseRetryAfter(retryAfter, Date.now())))
}

export class AutotaskTransport extends Context.Service<AutotaskTransport, AutotaskTransportService>()(
  "atqbo/autotask/AutotaskTransport"
) {
  static readonly layer = (options: AutotaskClientOptions): Layer.Layer<AutotaskTransport, never, HttpClient.HttpClient> =>
    Layer.effect(AutotaskTransport, makeTransport(options))
}

const makeTransport = Effect.fnUntraced(function*(options: AutotaskClientOptions) {
  const http = withRequestLog("Autotask", yield* HttpClient.HttpClient)
  const policy: AutotaskRetryPolicy = { ...DEFAULT_RETRY_POLICY, ...options.retry }
  const schedule = retrySchedule(policy)
  const timeout = Duration.millis(options.requestTimeoutMs ?? 120_000)
  const maxConcurrentPerEntity = clamp(options.maxConcurrentPerEntity ?? 3, 1, 100)
  const inChunkSize = clamp(options.inChunkSize ?? 500, 1, 500)
  const { credentials } = options
  const pinned = options.zoneUrl === undefined || options.zoneUrl === "" ? undefined : pinnedZone(options.zoneUrl)
  const describeContext = {
    username: credentials.username,
    credentialSource: credentials.source,
    pinnedZone: pinned !== undefined
  }

  const semaphores = new Map<string, Semaphore.Semaphore>()
  const limiterFor = (resource: string) => {
    let semaphore = semaphores.get(resource)
    if (semaphore === undefined) {
      semaphore = Semaphore.makeUnsafe(maxConcurrentPerEntity)
      semaphores.set(resource, semaphore)
    }
    return semaphore
  }

  const headersFor = (call: AutotaskCall): Record<string, string> => ({
    Accept: "application/json",
    ApiIntegrationCode: Redacted.value(credentials.integrationCode),
    UserName: credentials.username,
    Secret: Redacted.value(credentials.secret),
    ...(call.write === true && credentials.impersonationResourceId !== undefined
      ? { ImpersonationResourceId: credentials.impersonationResourceId }
      : {})
  })

  /** One HTTP attempt, holding one of the resource's concurrency permits. */
  const attempt = (call: AutotaskCall, url: string): Effect.Effect<unknown, AutotaskCallFailure> => {
    let request = HttpClientRequest.make(call.method)(url, { headers: headersFor(call) })
    if (call.body !== undefined) request = HttpClientRequest.bodyText(request, call.body, "application/json")
    return Effect.gen(function*() {
      const response = yield* http.execute(request).pipe(
        Effect.mapError((error) => transportFailure(call.operation, transportDetail(error)))
      )
      const text = yield* response.text.pipe(
        Effect.mapError((error) => transportFailure(call.operation, transportDetail(error)))
      )
      return yield* interpret(call.operation, response.status, response.headers["retry-after"], text)
    }).pipe(
      Effect.timeoutOrElse({
        duration: timeout,
        orElse: () =>
          Effect.fail(transportFailure(call.operation, `no answer within ${Duration.toMillis(timeout)} ms`))
      }),
      limiterFor(call.resource).withPermits(1),
      Effect.provideService(Headers.CurrentRedactedNames, REDACTED_HEADERS)
    )
  }

  const callAt = (zone: AtZoneInfo | undefined): AutotaskCaller => (call) =>
    Effect.suspend(() => {
      const url = call.url ?? `${zone?.url ?? ""}V1.0/${call.path ?? ""}`
      let attempts = 0
      return Effect.suspend(() => {
        attempts += 1
        return attempt(call, url)
      }).pipe(
        Effect.retry(schedule),
        Effect.mapError((failure) => new AutotaskCallFailure({ ...failure, attempts }))
      )
    })

  const discover: Effect.Effect<AtZoneInfo, AutotaskCallFailure> = Effect.suspend(() => {
    const operation = "GET zoneInformation"
    const url = zoneInformationUrl(options.discoveryUrl, credentials.username)
    if (url === undefined) {
      return Effect.fail(unexpectedResponse(operation, undefined, `the discovery URL "${options.discoveryUrl}" is not a URL`))
    }
    return callAt(undefined)({ method: "GET", resource: "zoneInformation", operation, url }).pipe(
      // Autotask answers an unknown or blank user with a 500 carrying errors (reference §1).
      Effect.mapError((failure) =>
        failure.kind === "invalid-request"
          ? new AutotaskCallFailure({
            ...failure,
            kind: "auth",
            detail: `zone discovery does not know the API user (${failure.detail})`
          })
          : failure
      ),
      Effect.flatMap((body) => {
        const zone = parseZoneInfo(body)
        return zone === undefined
          ? Effect.fail(unexpectedResponse(operation, 200, `no zone url in ${JSON.stringify(body).slice(0, 120)}`))
          : Effect.succeed(zone)
      })
    )
  })

  let cached: AtZoneInfo | undefined = pinned
  const lock = Semaphore.makeUnsafe(1)
  const discoverAndCache = Effect.tap(discover, (zone) =>
    Effect.sync(() => {
      cached = zone
    }))
  const currentZone = lock.withPermits(1)(
    Effect.suspend(() => (cached !== undefined ? Effect.succeed(cached) : discoverAndCache))
  )
  /** Looks again unless another fiber already replaced the stale zone. */
  const rediscover = (stale: AtZoneInfo) =>
    lock.withPermits(1)(
      Effect.suspend(() => (cached !== undefined && cached.url !== stale.url ? Effect.succeed(cached) : discoverAndCache))
    )

  const run = <A>(operation: (call: AutotaskCaller) => Effect.Effect<A, AutotaskCallFailure>) =>
    Effect.gen(function*() {
      const zone = yield* currentZone
      return yield* operation(callAt(zone)).pipe(
        Effect.catchIf(
          (failure) => failure.status === 401 && pinned === undefined,
          (failure) =>
            Effect.gen(function*() {
              const next = yield* rediscover(zone)
              if (next.url === zone.url) return yield* failure
              yield* Effect.logInfo(`Autotask tenant moved zone: ${zone.url} → ${next.url}`)
              return yield* operation(callAt(next))
            })
        )
      )
    }).pipe(Effect.mapError((failure) => describe(failure, describeContext)))

  return AutotaskTransport.of({
    run,
    zone: currentZone.pipe(Effect.mapError((failure) => describe(failure, describeContext))),
    inChunkSize,
    maxConcurrentPerEntity
  })
})
