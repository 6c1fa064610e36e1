/**
 * Wires the API clients for a command: live (credentials from the environment variables the
 * config names) or `--sandbox` (both simulators in-process with the demo data). `plan` gets
 * readers only; `apply` gets readers and writers.
 *
 * Endpoint overrides for running against a separately started `atqbo sandbox` (or any
 * test double): ATQBO_AUTOTASK_DISCOVERY_URL, ATQBO_QBO_API_URL, ATQBO_QBO_TOKEN_URL.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { Data, Effect, Layer, Option, Redacted } from "effect"
import type { AutotaskReader, AutotaskWriter } from "../autotask/AutotaskClient.ts"
import { AutotaskClientLive, autotaskCredentialsFromEnv } from "../autotask/AutotaskClientLive.ts"
import type { Config } from "../config/types.ts"
import { layerQboAuthStatic } from "../qbo/auth/QboAuth.ts"
import { apiBaseUrlFor } from "../qbo/auth/endpoints.ts"
import type { QboReader, QboWriter } from "../qbo/QboClient.ts"
import { layerQboClient, layerQboLive, layerQboReader, layerQboReaderLive } from "../qbo/QboClientLive.ts"
import { type Sandbox, startSandbox } from "../sandbox/sandbox.ts"

export interface Target {
  readonly sandbox: boolean
  readonly data: Option.Option<string>
}

export class ConnectError extends Data.TaggedError("ConnectError")<{ readonly message: string }> {}

export type Readers = AutotaskReader | QboReader
export type Writers = Readers | AutotaskWriter | QboWriter

interface Connection<R> {
  /** The config with what the connection decides (the sandbox's realm, no notifications). */
  readonly config: Config
  readonly layer: Layer.Layer<R>
}

const env = (name: string): string | undefined => {
  const value = process.env[name]?.trim()
  return value === "" ? undefined : value
}

const liveConnection = <R>(config: Config, write: boolean) =>
  Effect.gen(function*() {
    const realmId = config.qbo.realmId ?? env(config.qbo.realmIdEnv)
    if (!realmId) {
      return yield* new ConnectError({
        message: `no QBO company: set qbo.realmId in atqbo.yaml or the environment variable ${config.qbo.realmIdEnv}`
      })
    }
    const credentials = yield* autotaskCredentialsFromEnv(config.autotask)
    const discoveryOverride = env("ATQBO_AUTOTASK_DISCOVERY_URL")
    const autotaskOptions = {
      credentials,
      discoveryUrl: discoveryOverride ?? config.autotask.discoveryUrl,
      ...(config.autotask.zoneUrl && !discoveryOverride ? { zoneUrl: config.autotask.zoneUrl } : {})
    }
    const qboOptions = {
      realmId,
      apiBaseUrl: env("ATQBO_QBO_API_URL") ?? apiBaseUrlFor(config.qbo.environment),
      minorVersion: config.qbo.minorVersion
    }
    const tokenUrl = env("ATQBO_QBO_TOKEN_URL")
    const authOptions = {
      tokenStorePath: env("ATQBO_QBO_TOKEN_STORE") ?? config.qbo.tokenStore,
      clientIdEnv: config.qbo.clientIdEnv,
      clientSecretEnv: config.qbo.clientSecretEnv,
      refreshTokenEnv: config.qbo.refreshTokenEnv,
      ...(tokenUrl ? { tokenUrl } : {})
    }
    const layer = write
      ? Layer.merge(AutotaskClientLive.layer(autotaskOptions), layerQboLive(qboOptions, authOptions))
      : Layer.merge(AutotaskClientLive.readerLayer(autotaskOptions), layerQboReaderLive(qboOptions, authOptions))
    return { config: { ...config, qbo: { ...config.qbo, realmId } }, layer: layer as Layer.Layer<R> } satisfies Connection<R>
  })

/** Client tuning for tests and benchmarks (retry delays, concurrency). */
export interface ClientTuning {
  readonly retry?: { readonly baseDelayMs?: number; readonly maxDelayMs?: number; readonly maxAttempts?: number; readonly throttleWaitMs?: number }
}

/** Client layers pointed at running simulators, with their sandbox credentials. */
export function layersForSandbox(sandbox: Sandbox, write: true, tuning?: ClientTuning): Layer.Layer<Writers>
export function layersForSandbox(sandbox: Sandbox, write: false, tuning?: ClientTuning): Layer.Layer<Readers>
export function layersForSandbox(sandbox: Sandbox, write: boolean, tuning: ClientTuning = {}): Layer.Layer<Writers> | Layer.Layer<Readers> {
  const { username, secret, integrationCode } = sandbox.autotask.credentials
  const autotaskOptions = {
    credentials: { username, secret: Redacted.make(secret), integrationCode: Redacted.make(integrationCode), impersonationResourceId: undefined },
    discoveryUrl: sandbox.autotask.discoveryUrl,
    ...(tuning.retry ? { retry: { baseDelayMs: 500, maxDelayMs: 30_000, maxAttempts: 6, ...tuning.retry } } : {})
  }
  const qboOptions = { realmId: sandbox.realmId, apiBaseUrl: sandbox.qbo.baseUrl, ...(tuning.retry ? { retry: tuning.retry } : {}) }
  const qboDeps = Layer.merge(layerQboAuthStatic(sandbox.realmId, sandbox.qbo.issueAccessToken(sandbox.realmId)), NodeHttpClient.layerUndici)
  return write
    ? Layer.merge(AutotaskClientLive.layer(autotaskOptions), layerQboClient(qboOptions).pipe(Layer.provide(qboDeps)))
    : Layer.merge(AutotaskClientLive.readerLayer(autotaskOptions), layerQboReader(qboOptions).pipe(Layer.provide(qboDeps)))
}

/** The config a sandbox run uses: the sandbox's company, and nobody to notify. */
export const sandboxConfig = (config: Config, sandbox: Sandbox): Config => ({
  ...config,
  qbo: { ...config.qbo, realmId: sandbox.realmId },
  notifications: { webhook: undefined, email: undefined }
})

const sandboxConnection = <R>(config: Config, data: Option.Option<string>, write: boolean) =>
  Effect.gen(function*() {
    const sandbox = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () => startSandbox(Option.isSome(data) ? { dataDir: data.value } : {}),
        catch: (error) => new ConnectError({ message: `cannot start the sandbox: ${error instanceof Error ? error.message : String(error)}` })
      }),
      (started) => Effect.promise(() => started.close())
    )
    const layer = write ? layersForSandbox(sandbox, true) : layersForSandbox(sandbox, false)
    return { config: sandboxConfig(config, sandbox), layer: layer as Layer.Layer<R> } satisfies Connection<R>
  })

const connect = <R>(config: Config, target: Target, write: boolean) =>
  target.sandbox ? sandboxConnection<R>(config, target.data, write) : liveConnection<R>(config, write)

/** Runs `use` with Autotask and QBO readers (what `plan` gets: it cannot write). */
export const withReaders = <A, E>(config: Config, target: Target, use: (config: Config) => Effect.Effect<A, E, Readers>) =>
  Effect.scoped(
    Effect.gen(function*() {
      const connection = yield* connect<Readers>(config, target, false)
      return yield* use(connection.config).pipe(Effect.provide(connection.layer))
    })
  )

/** Runs `use` with readers and writers (what `apply` gets). */
export const withWriters = <A, E>(config: Config, target: Target, use: (config: Config) => Effect.Effect<A, E, Writers>) =>
  Effect.scoped(
    Effect.gen(function*() {
      const connection = yield* connect<Writers>(config, target, true)
      return yield* use(connection.config).pipe(Effect.provide(connection.layer))
    })
  )
