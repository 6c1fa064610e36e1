/**
 * Calls to Intuit's token endpoint: refresh-token and authorization-code grants with
 * `Authorization: Basic` client authentication and a form body. Secrets travel as
 * `Redacted` and never appear in errors.
 */
import { Duration, Effect, Redacted, Schedule } from "effect"
import { HttpClient, HttpClientRequest } from "effect/http"
import { QboAuthError } from "../QboClient.ts"
import type { QboTokenRecord } from "./tokenStore.ts"

export interface QboTokenResponse {
  readonly accessToken: Redacted.Redacted<string>
  readonly refreshToken: Redacted.Redacted<string>
  readonly expiresInSeconds: number
  readonly refreshTokenExpiresInSeconds: number | undefined
}

export interface QboClientCredentials {
  readonly clientId: Redacted.Redacted<string> | string
  readonly clientSecret: Redacted.Redacted<string> | string
}

const reveal = (value: Redacted.Redacted<string> | string): string => (typeof value === "string" ? value : Redacted.value(value))

/** Thrown by a token request that may succeed when repeated (network, 5xx). */
class TransientTokenError {
  readonly _tag = "TransientTokenError"
  readonly error: QboAuthError
  constructor(error: QboAuthError) {
    this.error = error
  }
}

const jsonObject = (text: string): Record<string, unknown> => {
  try {
    const parsed: unknown = JSON.parse(text)
    return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

const INVALID_GRANT_HINT =
  "Run `atqbo auth qbo` to reconnect. QuickBooks refresh tokens rotate: if another copy of atqbo (or another machine) refreshed it, the token you have is outdated."

/** POSTs a grant to the token endpoint; retries network errors and 5xx twice. */
export const requestToken = (options: {
  readonly tokenUrl: string
  readonly credentials: QboClientCredentials
  readonly form: Record<string, string>
  /** Extra words for `invalid_grant`, e.g. where the refresh token came from. */
  readonly invalidGrantContext?: string
}): Effect.Effect<QboTokenResponse, QboAuthError, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    const request = HttpClientRequest.post(options.tokenUrl).pipe(
      HttpClientRequest.basicAuth(reveal(options.credentials.clientId), reveal(options.credentials.clientSecret)),
      HttpClientRequest.acceptJson,
      HttpClientRequest.bodyUrlParams(options.form)
    )
    const attempt = Effect.gen(function*() {
      const response = yield* client.execute(request).pipe(
        Effect.timeout(Duration.seconds(30)),
        Effect.mapError(
          () =>
            new TransientTokenError(
              new QboAuthError({ reason: "token-endpoint", message: `Could not reach the QuickBooks token endpoint ${options.tokenUrl}.` })
            )
        )
      )
      const text = yield* response.text.pipe(
        Effect.mapError(
          () => new TransientTokenError(new QboAuthError({ reason: "token-endpoint", message: "The QuickBooks token endpoint closed the connection." }))
        )
      )
      const body = jsonObject(text)
      if (response.status >= 500) {
        return yield* Effect.fail(
          new TransientTokenError(new QboAuthError({ reason: "token-endpoint", message: `The QuickBooks token endpoint answered HTTP ${response.status}.` }))
        )
      }
      if (response.status === 400 && body["error"] === "invalid_grant") {
        return yield* new QboAuthError({
          reason: "invalid-grant",
          message: `QuickBooks rejected the ${options.form["grant_type"] === "authorization_code" ? "authorization code" : "refresh token"} (invalid_grant${
            typeof body["error_description"] === "string" ? `: ${body["error_description"]}` : ""
          }). ${options.invalidGrantContext ? `${options.invalidGrantContext} ` : ""}${INVALID_GRANT_HINT}`
        })
      }
      if (response.status === 401 || body["error"] === "invalid_client") {
        return yield* new QboAuthError({
          reason: "missing-credentials",
          message: "QuickBooks rejected the app's client id or secret (invalid_client). Check the QBO client id and secret environment variables."
        })
      }
      const accessToken = body["access_token"]
      const refreshToken = body["refresh_token"]
      if (response.status !== 200 || typeof accessToken !== "string" || typeof refreshToken !== "string") {
        const error = typeof body["error"] === "string" ? ` (${body["error"]})` : ""
        return yield* new QboAuthError({
          reason: "token-endpoint",
          message: `The QuickBooks token endpoint answered HTTP ${response.status}${error} without tokens.`
        })
      }
      const expiresIn = typeof body["expires_in"] === "number" ? body["expires_in"] : 3600
      const refreshExpiresIn = typeof body["x_refresh_token_expires_in"] === "number" ? body["x_refresh_token_expires_in"] : undefined
      return {
        accessToken: Redacted.make(accessToken),
        refreshToken: Redacted.make(refreshToken),
        expiresInSeconds: expiresIn,
        refreshTokenExpiresInSeconds: refreshExpiresIn
      } satisfies QboTokenResponse
    })
    return yield* attempt.pipe(
      Effect.retry({
        schedule: Schedule.exponential("200 millis"),
        times: 2,
        while: (error) => error instanceof TransientTokenError
      }),
      Effect.catch((error) => Effect.fail(error instanceof TransientTokenError ? error.error : error))
    )
  })

/** The refresh-token grant. */
export const refreshAccessToken = (options: {
  readonly tokenUrl: string
  readonly credentials: QboClientCredentials
  readonly refreshToken: Redacted.Redacted<string>
  readonly invalidGrantContext?: string
}): Effect.Effect<QboTokenResponse, QboAuthError, HttpClient.HttpClient> =>
  requestToken({
    tokenUrl: options.tokenUrl,
    credentials: options.credentials,
    form: { grant_type: "refresh_token", refresh_token: Redacted.value(options.refreshToken) },
    ...(options.invalidGrantContext === undefined ? {} : { invalidGrantContext: options.invalidGrantContext })
  })

/** The authorization-code grant, for `atqbo auth qbo` after the loopback callback. */
export const exchangeAuthorizationCode = (options: {
  readonly tokenUrl: string
  readonly clientId: Redacted.Redacted<string> | string
  readonly clientSecret: Redacted.Redacted<string> | string
  readonly code: string
  readonly redirectUri: string
}): Effect.Effect<QboTokenResponse, QboAuthError, HttpClient.HttpClient> =>
  requestToken({
    tokenUrl: options.tokenUrl,
    credentials: { clientId: options.clientId, clientSecret: options.clientSecret },
    form: { grant_type: "authorization_code", code: options.code, redirect_uri: options.redirectUri }
  })

/** The store record for a token response received at `nowMs`. */
export const tokenRecordFrom = (realmId: string, tokens: QboTokenResponse, nowMs: number): QboTokenRecord => ({
  realmId,
  refreshToken: Redacted.value(tokens.refreshToken),
  accessToken: Redacted.value(tokens.accessToken),
  expiresAt: new Date(nowMs + tokens.expiresInSeconds * 1000).toISOString(),
  ...(tokens.refreshTokenExpiresInSeconds === undefined
    ? {}
    : { refreshTokenExpiresAt: new Date(nowMs + tokens.refreshTokenExpiresInSeconds * 1000).toISOString() }),
  updatedAt: new Date(nowMs).toISOString()
})
