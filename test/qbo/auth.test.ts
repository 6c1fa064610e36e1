/**
 * QboAuth against the simulated OAuth server: rotation persisted atomically with mode 0600,
 * single-flight refresh, invalid_grant guidance, credentials from the environment, the
 * 401 → refresh → retry path, and the authorization-code exchange for `atqbo auth qbo`.
 */
import { mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { NodeHttpClient } from "@effect/platform-node"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { ConfigProvider, Context, Effect, Layer, Option, Redacted } from "effect"
import { layerQboAuth, QboAuth, type QboAuthOptions } from "../../src/qbo/auth/QboAuth.ts"
import { exchangeAuthorizationCode, tokenRecordFrom } from "../../src/qbo/auth/tokenEndpoint.ts"
import { readTokenStore, writeTokenStore } from "../../src/qbo/auth/tokenStore.ts"
import { layerQboClient } from "../../src/qbo/QboClientLive.ts"
import { QboReader } from "../../src/qbo/QboClient.ts"
import { DEFAULT_QBO_SANDBOX_OAUTH, type QboSimulator, sandboxRefreshToken } from "../../src/sandbox/qbo/index.ts"
import { baseRealm, clientOptions, OTHER_REALM, REALM, startSim } from "./helpers.ts"

const { clientId, clientSecret } = DEFAULT_QBO_SANDBOX_OAUTH
const initialRefreshToken = sandboxRefreshToken(REALM)
const DAY = 24 * 3600 * 1000
const TOKEN_PATH = "POST /oauth2/v1/tokens/bearer"

const env = (values: Record<string, string>) => ConfigProvider.layer(ConfigProvider.fromEnv({ env: values }))

const defaultEnv = { QBO_CLIENT_ID: clientId, QBO_CLIENT_SECRET: clientSecret, QBO_REFRESH_TOKEN: initialRefreshToken }

describe("QboAuth", () => {
  let sim: QboSimulator
  let dir: string
  beforeAll(async () => {
    sim = await startSim({ [REALM]: baseRealm(), [OTHER_REALM]: {} })
    dir = await mkdtemp(join(tmpdir(), "atqbo-auth-"))
  })
  afterAll(async () => {
    await sim.close()
    await rm(dir, { recursive: true, force: true })
  })

  const authLayer = (
    options: Partial<QboAuthOptions> & { readonly tokenStorePath: string },
    vars: Record<string, string> = defaultEnv,
    server: QboSimulator = sim
  ) =>
    layerQboAuth({ realmId: REALM, tokenUrl: server.tokenUrl, ...options }).pipe(
      Layer.provide(NodeHttpClient.layerUndici),
      Layer.provide(env(vars))
    )

  const tokenCount = () => sim.counts()[TOKEN_PATH] ?? 0

  it.live("rotates across several refreshes and persists the newest refresh token atomically with mode 0600", () =>
    Effect.gen(function*() {
      // Its own simulator: rotating kills the shared initial refresh token.
      const own = yield* Effect.acquireRelease(Effect.promise(() => startSim()), (server) => Effect.promise(() => server.close()))
      const storePath = join(dir, "rotation", ".atqbo", "qbo-token.json")
      const auth = Context.get(yield* Layer.build(authLayer({ tokenStorePath: storePath }, defaultEnv, own)), QboAuth)
      const first = yield* auth.accessToken
      let stored = Option.getOrThrow(yield* readTokenStore(storePath))
      assert.strictEqual(stored.refreshToken, initialRefreshToken, "within 24 h the same refresh token comes back")
      assert.strictEqual(stored.realmId, REALM)
      assert.strictEqual(stored.accessToken, Redacted.value(first))
      assert.strictEqual((yield* Effect.promise(() => stat(storePath))).mode & 0o777, 0o600)
      assert.strictEqual((yield* Effect.promise(() => stat(join(dir, "rotation", ".atqbo")))).isDirectory(), true)

      const seen = [stored.refreshToken]
      for (let round = 0; round < 3; round++) {
        own.advanceTime(DAY + 1000)
        yield* auth.invalidate()
        yield* auth.accessToken
        stored = Option.getOrThrow(yield* readTokenStore(storePath))
        assert.notInclude(seen, stored.refreshToken, `round ${round}: a new refresh token after the rotation period`)
        assert.isFalse(own.isRefreshTokenValid(seen.at(-1)!), "the previous one is dead")
        assert.isTrue(own.isRefreshTokenValid(stored.refreshToken))
        assert.strictEqual((yield* Effect.promise(() => stat(storePath))).mode & 0o777, 0o600)
        seen.push(stored.refreshToken)
      }
      const leftovers = yield* Effect.promise(() => readdir(join(dir, "rotation", ".atqbo")))
      assert.deepStrictEqual(leftovers, ["qbo-token.json"], "no temp files left behind")
      const json = JSON.parse(yield* Effect.promise(() => readFile(storePath, "utf8")))
      assert.deepStrictEqual(Object.keys(json).sort(), ["accessToken", "expiresAt", "realmId", "refreshToken", "refreshTokenExpiresAt", "updatedAt"])
      assert.strictEqual(own.counts()[TOKEN_PATH], 4)
    }))

  it.live("prefers the stored (rotated) token over the environment variable", () =>
    Effect.gen(function*() {
      const storePath = join(dir, "prefer", "qbo-token.json")
      // Another run already rotated: the env var holds a dead token, the store the live one.
      const tokens = yield* Effect.promise(() =>
        fetch(sim.tokenUrl, {
          method: "POST",
          headers: {
            authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}`,
            "content-type": "application/x-www-form-urlencoded"
          },
          body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: initialRefreshToken }).toString()
        }).then((r) => r.json() as Promise<{ refresh_token: string }>)
      )
      yield* writeTokenStore(storePath, { realmId: REALM, refreshToken: tokens.refresh_token, updatedAt: new Date().toISOString() })
      const auth = yield* QboAuth
      const token = yield* auth.accessToken
      assert.isTrue(Redacted.value(token).startsWith("eyJ"))
    }).pipe(Effect.provide(authLayer({ tokenStorePath: join(dir, "prefer", "qbo-token.json") }, { ...defaultEnv, QBO_REFRESH_TOKEN: "RT1-dead" }))))

  it.live("concurrent callers share a single refresh", () =>
    Effect.gen(function*() {
      const auth = yield* QboAuth
      const before = tokenCount()
      const tokens = yield* Effect.all(Array.from({ length: 12 }, () => auth.accessToken), { concurrency: "unbounded" })
      assert.strictEqual(tokenCount() - before, 1)
      assert.strictEqual(new Set(tokens.map(Redacted.value)).size, 1)
      yield* Effect.all(Array.from({ length: 5 }, () => auth.invalidate(tokens[0])), { concurrency: "unbounded" })
      yield* Effect.all(Array.from({ length: 5 }, () => auth.accessToken), { concurrency: "unbounded" })
      assert.strictEqual(tokenCount() - before, 2, "five invalidations of the same token cause one refresh")
    }).pipe(Effect.provide(authLayer({ tokenStorePath: join(dir, "concurrent", "qbo-token.json") }))))

  it.live("invalid_grant tells the user to run `atqbo auth qbo` and mentions rotation", () =>
    Effect.gen(function*() {
      const auth = yield* QboAuth
      const error = yield* Effect.flip(auth.accessToken)
      assert.strictEqual(error._tag, "QboAuthError")
      assert.strictEqual(error.reason, "invalid-grant")
      assert.include(error.message, "invalid_grant")
      assert.include(error.message, "`atqbo auth qbo`")
      assert.include(error.message, "rotate")
      assert.include(error.message, "QBO_REFRESH_TOKEN")
      assert.notInclude(error.message, "RT1-unknown-token", "never echoes the token")
    }).pipe(Effect.provide(authLayer({ tokenStorePath: join(dir, "invalid", "qbo-token.json") }, { ...defaultEnv, QBO_REFRESH_TOKEN: "RT1-unknown-token" }))))

  it.live("reads client credentials from configurable environment variables", () =>
    Effect.gen(function*() {
      const auth = yield* QboAuth
      const error = yield* Effect.flip(auth.accessToken)
      assert.strictEqual(error.reason, "missing-credentials")
      assert.include(error.message, "MY_QBO_ID")
      assert.include(error.message, "MY_QBO_SECRET")
    }).pipe(
      Effect.provide(
        authLayer(
          { tokenStorePath: join(dir, "creds", "qbo-token.json"), clientIdEnv: "MY_QBO_ID", clientSecretEnv: "MY_QBO_SECRET" },
          { QBO_REFRESH_TOKEN: initialRefreshToken }
        )
      )
    ))

  it.live("refuses a token store that belongs to another company", () =>
    Effect.gen(function*() {
      const storePath = join(dir, "mismatch", "qbo-token.json")
      yield* writeTokenStore(storePath, { realmId: OTHER_REALM, refreshToken: "RT1-x", updatedAt: new Date().toISOString() })
      const error = yield* Effect.flip((yield* QboAuth).accessToken)
      assert.strictEqual(error.reason, "token-store")
      assert.include(error.message, OTHER_REALM)
    }).pipe(Effect.provide(authLayer({ tokenStorePath: join(dir, "mismatch", "qbo-token.json") }))))

  it.live("the client refreshes once on a 401 and retries the request", () =>
    Effect.gen(function*() {
      const reader = yield* QboReader
      yield* reader.read("Customer", "1")
      const before = tokenCount()
      sim.resetStats()
      sim.advanceTime(3600 * 1000) // the cached access token expires on the server only
      const customer = yield* reader.read<{ DisplayName: string }>("Customer", "1")
      assert.strictEqual(customer.DisplayName, "Amy's Bird Sanctuary")
      assert.strictEqual(tokenCount(), 1, `one refresh (was ${before} before the reset)`)
      assert.deepStrictEqual(
        sim.requests.filter((r) => r.key === "GET /customer/{id}").map((r) => r.status),
        [401, 200]
      )
    }).pipe(
      Effect.provide(
        layerQboClient(clientOptions(sim)).pipe(
          Layer.provide(authLayer({ tokenStorePath: join(dir, "retry401", "qbo-token.json") })),
          Layer.provide(NodeHttpClient.layerUndici)
        )
      )
    ))

  it.live("a company's refresh token used for another company ends in 403/3100 and the 'check the realm id' message", () =>
    Effect.gen(function*() {
      const reader = yield* QboReader
      const error = yield* Effect.flip(reader.read("Customer", "1"))
      assert.strictEqual(error._tag === "QboError" && error.status, 403)
      assert.include(error.message, "not authorized for this company (403); check the realm id")
      const refused = sim.requests.filter((r) => r.realmId === OTHER_REALM).map((r) => [r.status, r.outcome])
      assert.deepStrictEqual(refused, [[403, "auth"]], "a 403 is not a refresh-and-retry")
    }).pipe(
      Effect.provide(
        layerQboClient(clientOptions(sim, { realmId: OTHER_REALM })).pipe(
          Layer.provide(layerQboAuth({ realmId: OTHER_REALM, tokenUrl: sim.tokenUrl, tokenStorePath: join(dir, "wrong-company", "qbo-token.json") })),
          Layer.provide(NodeHttpClient.layerUndici),
          Layer.provide(env(defaultEnv)) // REALM's refresh token
        )
      )
    ))

  it.live("exchanges an authorization code and stores the tokens for `atqbo auth qbo`", () =>
    Effect.gen(function*() {
      const redirectUri = "http://127.0.0.1:53682/callback"
      const authorize = new URL(sim.authorizeUrl)
      authorize.search = new URLSearchParams({
        client_id: clientId,
        response_type: "code",
        scope: "com.intuit.quickbooks.accounting",
        redirect_uri: redirectUri,
        state: "s1"
      }).toString()
      const location = yield* Effect.promise(() => fetch(authorize, { redirect: "manual" }).then((r) => new URL(r.headers.get("location") ?? "")))
      const code = location.searchParams.get("code") ?? ""
      const realmId = location.searchParams.get("realmId") ?? ""
      assert.strictEqual(realmId, REALM)
      const tokens = yield* exchangeAuthorizationCode({ tokenUrl: sim.tokenUrl, clientId: Redacted.make(clientId), clientSecret: Redacted.make(clientSecret), code, redirectUri })
      const storePath = join(dir, "connect", "qbo-token.json")
      yield* writeTokenStore(storePath, tokenRecordFrom(realmId, tokens, Date.now()))
      const stored = Option.getOrThrow(yield* readTokenStore(storePath))
      assert.strictEqual(stored.refreshToken, Redacted.value(tokens.refreshToken))
      assert.strictEqual((yield* Effect.promise(() => stat(storePath))).mode & 0o777, 0o600)
      const reused = yield* Effect.flip(
        exchangeAuthorizationCode({ tokenUrl: sim.tokenUrl, clientId, clientSecret, code, redirectUri })
      )
      assert.strictEqual(reused.reason, "invalid-grant")
      assert.include(reused.message, "authorization code")
    }).pipe(Effect.provide(NodeHttpClient.layerUndici)))
})
