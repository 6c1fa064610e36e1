/**
 * QboAuth: hands out a valid access token for one realm and refreshes it when needed.
 *
 * - Refreshes are single-flight: concurrent callers wait for the one refresh in progress.
 * - The newest refresh token is persisted atomically (0600) right after every refresh,
 *   because Intuit rotates refresh tokens and the previous one stops working.
 * - The refresh token comes from the token store, else from an environment variable.
 * - On a 401 the client calls `invalidate(token)`; only a still-current token is dropped, so
 *   ten concurrent 401s cause one refresh, not ten.
 */
import { Clock, Config, ConfigProvider, Context, Effect, Layer, Option, Redacted, Semaphore } from "effect"
import type { HttpClient } from "effect/http"
import { QboAuthError } from "../QboClient.ts"
import {
  DEFAULT_CLIENT_ID_ENV,
  DEFAULT_CLIENT_SECRET_ENV,
  DEFAULT_REFRESH_TOKEN_ENV,
  DEFAULT_TOKEN_STORE_PATH,
  QBO_TOKEN_URL
} from "./endpoints.ts"
import { type QboClientCredentials, refreshAccessToken, tokenRecordFrom } from "./tokenEndpoint.ts"
import { readTokenStore, writeTokenStore } from "./tokenStore.ts"

export interface QboAuthService {
  readonly realmId: string
  /** A currently valid access token, refreshing (once, for all callers) when needed. */
  readonly accessToken: Effect.Effect<Redacted.Redacted<string>, QboAuthError>
  /** Forgets `rejected` (or the cached token) so the next `accessToken` refreshes. */
  readonly invalidate: (rejected?: Redacted.Redacted<string>) => Effect.Effect<void>
}

export class QboAuth extends Context.Service<QboAuth, QboAuthService>()("atqbo/qbo/auth/QboAuth") {}

export interface QboAuthOptions {
  readonly realmId: string
  /** Default: Intuit's production token endpoint (it serves sandbox companies too). */
  readonly tokenUrl?: string
  /** Default `.atqbo/qbo-token.json`. */
  readonly tokenStorePath?: string
  readonly clientIdEnv?: string
  readonly clientSecretEnv?: string
  readonly refreshTokenEnv?: string
  /** Refresh this long before the access token's expiry (default 5 minutes). */
  readonly expiryMarginMs?: number
}

interface CachedToken {
  readonly token: Redacted.Redacted<string>
  readonly expiresAt: number
}

const missing = (message: string) => new QboAuthError({ reason: "missing-credentials", message })

const readSecret = (name: string): Effect.Effect<Option.Option<Redacted.Redacted<string>>> =>
  Config.option(Config.Redacted(name)).pipe(
    Effect.map(Option.filter((value: Redacted.Redacted<string>) => Redacted.value(value).trim() !== "")),
    Effect.orElseSucceed(() => Option.none<Redacted.Redacted<string>>())
  )

export const makeQboAuth = (options: QboAuthOptions): Effect.Effect<QboAuthService, never, HttpClient.HttpClient> =>
  Effect.gen(function*() {
    const http = yield* Effect.context<HttpClient.HttpClient>()
    // Environment variables are read lazily (plan may never need a token) but from the
    // provider in place when the layer was built.
    const provider = yield* ConfigProvider.ConfigProvider
    const secret = (name: string) => readSecret(name).pipe(Effect.provideService(ConfigProvider.ConfigProvider, provider))
    const tokenUrl = options.tokenUrl ?? QBO_TOKEN_URL
    const storePath = options.tokenStorePath ?? DEFAULT_TOKEN_STORE_PATH
    const clientIdEnv = options.clientIdEnv ?? DEFAULT_CLIENT_ID_ENV
    const clientSecretEnv = options.clientSecretEnv ?? DEFAULT_CLIENT_SECRET_ENV
    const refreshTokenEnv = options.refreshTokenEnv ?? DEFAULT_REFRESH_TOKEN_ENV
    const margin = options.expiryMarginMs ?? 5 * 60_000
    const lock = yield* Semaphore.make(1)
    let cached: CachedToken | undefined
    const rejected = new Set<string>()

    const fresh = (token: CachedToken | undefined, now: number): token is CachedToken =>
      token !== undefined && token.expiresAt - margin > now && !rejected.has(Redacted.value(token.token))

    const credentials = Effect.gen(function*() {
      const clientId = yield* secret(clientIdEnv)
      const clientSecret = yield* secret(clientSecretEnv)
      if (Option.isNone(clientId) || Option.isNone(clientSecret)) {
        return yield* missing(`QuickBooks app credentials are missing: set the environment variables ${clientIdEnv} and ${clientSecretEnv}.`)
      }
      return { clientId: clientId.value, clientSecret: clientSecret.value } satisfies QboClientCredentials
    })

    const refresh = Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      if (fresh(cached, now)) return cached.token
      const stored = yield* readTokenStore(storePath)
      if (Option.isSome(stored) && stored.value.realmId !== options.realmId) {
        return yield* new QboAuthError({
          reason: "token-store",
          message: `The QBO token store ${storePath} holds a token for company ${stored.value.realmId}, not ${options.realmId}. Use another token store path for this company, or run \`atqbo auth qbo\`.`
        })
      }
      if (Option.isSome(stored) && stored.value.accessToken !== undefined && stored.value.expiresAt !== undefined) {
        const candidate: CachedToken = { token: Redacted.make(stored.value.accessToken), expiresAt: Date.parse(stored.value.expiresAt) }
        if (fresh(candidate, now)) {
          cached = candidate
          return candidate.token
        }
      }
      let refreshToken: Redacted.Redacted<string>
      let source: string
      if (Option.isSome(stored)) {
        refreshToken = Redacted.make(stored.value.refreshToken)
        source = `The refresh token came from ${storePath}.`
      } else {
        const fromEnv = yield* secret(refreshTokenEnv)
        if (Option.isNone(fromEnv)) {
          return yield* missing(`No QuickBooks refresh token: ${storePath} does not exist and ${refreshTokenEnv} is not set. Run \`atqbo auth qbo\` to connect.`)
        }
        refreshToken = fromEnv.value
        source = `The refresh token came from ${refreshTokenEnv}; a newer one may have been stored in ${storePath} by another run.`
      }
      const tokens = yield* refreshAccessToken({
        tokenUrl,
        credentials: yield* credentials,
        refreshToken,
        invalidGrantContext: source
      }).pipe(Effect.provideContext(http))
      const received = yield* Clock.currentTimeMillis
      // Persist before use: once rotated, the previous refresh token is dead.
      yield* writeTokenStore(storePath, tokenRecordFrom(options.realmId, tokens, received))
      cached = { token: tokens.accessToken, expiresAt: received + tokens.expiresInSeconds * 1000 }
      return tokens.accessToken
    })

    const accessToken = Effect.gen(function*() {
      const now = yield* Clock.currentTimeMillis
      if (fresh(cached, now)) return cached.token
      return yield* lock.withPermit(refresh)
    }).pipe(Effect.withSpan("QboAuth.accessToken"))

    const invalidate = (token?: Redacted.Redacted<string>) =>
      Effect.sync(() => {
        if (token === undefined) {
          if (cached !== undefined) rejected.add(Redacted.value(cached.token))
          cached = undefined
          return
        }
        rejected.add(Redacted.value(token))
        if (cached !== undefined && Redacted.value(cached.token) === Redacted.value(token)) cached = undefined
      })

    return QboAuth.of({ realmId: options.realmId, accessToken, invalidate })
  })

/** The live auth layer (needs an HttpClient for the token endpoint). */
export const layerQboAuth = (options: QboAuthOptions): Layer.Layer<QboAuth, never, HttpClient.HttpClient> =>
  Layer.effect(QboAuth, makeQboAuth(options))

/** A fixed token, for tests and the sandbox: never refreshes. */
export const layerQboAuthStatic = (realmId: string, token: string): Layer.Layer<QboAuth> =>
  Layer.succeed(
    QboAuth,
    QboAuth.of({ realmId, accessToken: Effect.succeed(Redacted.make(token)), invalidate: () => Effect.void })
  )
