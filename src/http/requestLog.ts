/**
 * `--log-level debug`: one line per HTTP exchange of the Autotask and QBO clients — method,
 * path and query, status, milliseconds, and QBO's `intuit_tid` (what Intuit support asks
 * for). Never headers or bodies (credentials, tokens and books live there), never the host's
 * user info, and query values whose name suggests a secret are masked. Retries and throttling
 * waits are logged where they are decided (the clients' retry loops).
 */
import { Clock, Effect } from "effect"
import { HttpClient, type HttpClientRequest } from "effect/http"

/** Query parameters that could carry a secret (OAuth codes, tokens, keys, signatures). */
const SECRET_PARAM = /token|secret|password|passwd|code|key|signature|auth|credential/i

/** `/v3/company/1/query?minorversion=75`: the path and query of `url`, secrets masked. */
export const safePath = (url: string, params: ReadonlyArray<readonly [string, unknown]> = []): string => {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return "(unparsable URL)"
  }
  // A value that is not plain text (a Redacted one) is a secret by construction.
  for (const [name, value] of params) parsed.searchParams.append(name, typeof value === "string" ? value : "\u0000redacted")
  const masked = (name: string, value: string) => SECRET_PARAM.test(name) || value === "\u0000redacted"
  const query = [...parsed.searchParams].map(([name, value]) => `${encodeURIComponent(name)}=${masked(name, value) ? "***" : encodeURIComponent(value)}`)
  return `${parsed.pathname}${query.length > 0 ? `?${query.join("&")}` : ""}`
}

const describeRequest = (system: string, request: HttpClientRequest.HttpClientRequest): string =>
  `${system} ${request.method} ${safePath(request.url, [...request.urlParams])}`

/** The client with a debug line per request (nothing is computed unless debug logging is on). */
export const withRequestLog = <E, R>(system: "QBO" | "Autotask", client: HttpClient.HttpClient.With<E, R>): HttpClient.HttpClient.With<E, R> =>
  HttpClient.transform(client, (response, request) =>
    Effect.gen(function*() {
      const started = yield* Clock.currentTimeMillis
      const elapsed = Effect.map(Clock.currentTimeMillis, (now) => `${now - started} ms`)
      return yield* response.pipe(
        Effect.tap((answer) =>
          Effect.flatMap(elapsed, (ms) => {
            const tid = answer.headers["intuit_tid"]
            return Effect.logDebug(`${describeRequest(system, request)} → ${answer.status} in ${ms}${tid ? ` (intuit_tid ${tid})` : ""}`)
          })
        ),
        Effect.tapError((error) =>
          Effect.flatMap(elapsed, (ms) => Effect.logDebug(`${describeRequest(system, request)} → no answer in ${ms}: ${String((error as { _tag?: string })._tag ?? "error")}`))
        )
      )
    }))
