/**
 * Wires the API clients for a command: live (credentials from the environment variables the
 * config names) or `--sandbox` (both simulators in-process with the demo data). `plan` gets
 * readers only; `apply` gets readers and writers. There is one QBO client per company (one,
 * or one per atqbo.yaml `connection`), offered by connection name, and one Autotask client.
 *
 * Overrides for running against a separately started `atqbo sandbox` (or any test double):
 * ATQBO_AUTOTASK_DISCOVERY_URL, ATQBO_QBO_API_URL, ATQBO_QBO_TOKEN_URL, ATQBO_QBO_TOKEN_STORE (a file,
 * or a directory ending in "/" holding one store per company).
 */
import { stat } from "node:fs/promises"
import { join } from "node:path"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Context, Data, Effect, Layer, Option, Redacted } from "effect"
import type { AutotaskReader, AutotaskWriter } from "../autotask/AutotaskClient.ts"
import { AutotaskClientLive, autotaskCredentialsFromEnv } from "../autotask/AutotaskClientLive.ts"
import type { Config, QboConnection } from "../config/types.ts"
import { companiesOf, missingVariables, missingVariablesFix, tokenStorePath } from "../onboarding/environment.ts"
import { layerQboAuthStatic } from "../qbo/auth/QboAuth.ts"
import { apiBaseUrlFor } from "../qbo/auth/endpoints.ts"
import { readTokenStore } from "../qbo/auth/tokenStore.ts"
import type { QboReader, QboWriter } from "../qbo/QboClient.ts"
import { layerQboClient, layerQboLive, layerQboReader, layerQboReaderLive } from "../qbo/QboClientLive.ts"
import { type ClientOf, companiesLayer, QboReaders, type QboWriters, readersContext, writersContext } from "../reconcile/companies.ts"
import type { Sandbox } from "../sandbox/sandbox.ts"

export interface Target {
  readonly sandbox: boolean
  readonly data: Option.Option<string>
}

export class ConnectError extends Data.TaggedError("ConnectError")<{ readonly message: string }> {}

export type Readers = AutotaskReader | QboReader
export type Writers = Readers | AutotaskWriter | QboWriter

/** Client tuning for tests and benchmarks (retry delays). */
export interface ClientTuning {
  readonly retry?: { readonly baseDelayMs?: number; readonly maxDelayMs?: number; readonly maxAttempts?: number; readonly throttleWaitMs?: number }
}

/**
 * One API's client in either mode. Layers are descriptions: only the mode the command asks for
 * is built, so both can be described without choosing (and without casting a union back).
 */
interface Modes<Reader, Writer> {
  readonly read: Layer.Layer<Reader>
  readonly write: Layer.Layer<Writer>
}
type AutotaskClients = Modes<AutotaskReader, AutotaskReader | AutotaskWriter>
type QboClients = Modes<QboReader, QboReader | QboWriter>

const env = (name: string): string | undefined => {
  const value = process.env[name]?.trim()
  return value === "" ? undefined : value
}

// ---------------------------------------------------------------------------------------------
// Layers for one API

const autotaskLive = (config: Config) =>
  Effect.gen(function*() {
    const credentials = yield* autotaskCredentialsFromEnv(config.autotask)
    const discoveryOverride = env("ATQBO_AUTOTASK_DISCOVERY_URL")
    const options = {
      credentials,
      discoveryUrl: discoveryOverride ?? config.autotask.discoveryUrl,
      ...(config.autotask.zoneUrl && !discoveryOverride ? { zoneUrl: config.autotask.zoneUrl } : {})
    }
    return { read: AutotaskClientLive.readerLayer(options), write: AutotaskClientLive.layer(options) } satisfies AutotaskClients
  })

/** The QBO company: `realmId`, else its variable, else the company `atqbo auth qbo` stored. */
const resolveRealm = (qbo: QboConnection, label: string) =>
  Effect.gen(function*() {
    const configured = qbo.realmId ?? env(qbo.realmIdEnv)
    if (configured) return configured
    const stored = yield* readTokenStore(tokenStorePath(qbo, undefined)).pipe(Effect.orElseSucceed(() => Option.none()))
    if (Option.isSome(stored) && stored.value.realmId) return stored.value.realmId
    return yield* new ConnectError({
      message: `no QBO company for ${label}: set qbo.realmId in atqbo.yaml or the environment variable ${qbo.realmIdEnv} (or connect with \`atqbo auth qbo\`)`
    })
  })

const qboLive = (qbo: QboConnection, realmId: string): QboClients => {
  const options = { realmId, apiBaseUrl: env("ATQBO_QBO_API_URL") ?? apiBaseUrlFor(qbo.environment), minorVersion: qbo.minorVersion }
  const tokenUrl = env("ATQBO_QBO_TOKEN_URL")
  const auth = {
    tokenStorePath: tokenStorePath(qbo, realmId),
    clientIdEnv: qbo.clientIdEnv,
    clientSecretEnv: qbo.clientSecretEnv,
    refreshTokenEnv: qbo.refreshTokenEnv,
    ...(tokenUrl ? { tokenUrl } : {})
  }
  return { read: layerQboReaderLive(options, auth), write: layerQboLive(options, auth) }
}

const autotaskSandbox = (sandbox: Sandbox, tuning: ClientTuning): AutotaskClients => {
  const { username, secret, integrationCode } = sandbox.autotask.credentials
  const options = {
    credentials: { username, secret: Redacted.make(secret), integrationCode: Redacted.make(integrationCode), impersonationResourceId: undefined },
    discoveryUrl: sandbox.autotask.discoveryUrl,
    ...(tuning.retry ? { retry: { baseDelayMs: 500, maxDelayMs: 30_000, maxAttempts: 6, ...tuning.retry } } : {})
  }
  return { read: AutotaskClientLive.readerLayer(options), write: AutotaskClientLive.layer(options) }
}

const qboSandbox = (sandbox: Sandbox, realmId: string, tuning: ClientTuning): QboClients => {
  const options = { realmId, apiBaseUrl: sandbox.qbo.baseUrl, ...(tuning.retry ? { retry: tuning.retry } : {}) }
  const deps = Layer.merge(layerQboAuthStatic(realmId, sandbox.qbo.issueAccessToken(realmId)), NodeHttpClient.layerUndici)
  return { read: layerQboReader(options).pipe(Layer.provide(deps)), write: layerQboClient(options).pipe(Layer.provide(deps)) }
}

/** One company's QBO client both directly and as the implicit target's (tests and the bench call apply directly). */
const aloneLayer = <S, K>(layer: Layer.Layer<S>, services: (get: ClientOf<S>) => Context.Context<K>): Layer.Layer<S | K> =>
  Layer.effectContext(Effect.map(Layer.build(layer), (context) => Context.merge(context, services(() => context))))

/** Client layers pointed at running simulators, with their sandbox credentials (one company). */
export function layersForSandbox(sandbox: Sandbox, write: true, tuning?: ClientTuning): Layer.Layer<Writers | QboReaders | QboWriters>
export function layersForSandbox(sandbox: Sandbox, write: false, tuning?: ClientTuning): Layer.Layer<Readers | QboReaders>
export function layersForSandbox(sandbox: Sandbox, write: boolean, tuning: ClientTuning = {}): Layer.Layer<Writers | QboReaders | QboWriters> | Layer.Layer<Readers | QboReaders> {
  const autotask = autotaskSandbox(sandbox, tuning)
  const qbo = qboSandbox(sandbox, sandbox.realmId, tuning)
  return write
    ? Layer.merge(autotask.write, aloneLayer(qbo.write, writersContext))
    : Layer.merge(autotask.read, aloneLayer(qbo.read, readersContext))
}

/** The config a sandbox run uses: the sandbox's companies, and nobody to notify. */
export const sandboxConfig = (config: Config, sandbox: Sandbox): Config => ({
  ...config,
  qbo: { ...config.qbo, realmId: sandbox.realmId },
  notifications: { webhook: undefined, email: undefined }
})

// ---------------------------------------------------------------------------------------------
// Every client a command needs

interface Clients {
  /** The config with what the connection decided (realm ids; the sandbox's companies). */
  readonly config: Config
  readonly autotask: AutotaskClients
  /** One QBO client per company: `undefined` names the implicit target of a single-company config. */
  readonly qbo: ReadonlyArray<{ readonly name: string | undefined; readonly clients: QboClients }>
}

/** `plan`'s clients: the Autotask reader and every company's QBO reader. */
const readersLayer = (clients: Clients): Layer.Layer<AutotaskReader | QboReaders> =>
  Layer.merge(clients.autotask.read, companiesLayer(clients.qbo.map((company) => ({ name: company.name, layer: company.clients.read })), readersContext))

/** `apply`'s clients: the Autotask reader and writer, and every company's QBO reader and writer. */
const writersLayer = (clients: Clients): Layer.Layer<AutotaskReader | AutotaskWriter | QboReaders | QboWriters> =>
  Layer.merge(clients.autotask.write, companiesLayer(clients.qbo.map((company) => ({ name: company.name, layer: company.clients.write })), writersContext))

const startedSandbox = (data: Option.Option<string>) =>
  Effect.acquireRelease(
    Effect.tryPromise({
      // Loaded here, not at the top: the simulators stay out of every command without --sandbox.
      try: () => import("../sandbox/sandbox.ts").then(({ startSandbox }) => startSandbox(Option.isSome(data) ? { dataDir: data.value } : {})),
      catch: (error) => new ConnectError({ message: `cannot start the sandbox: ${error instanceof Error ? error.message : String(error)}` })
    }),
    (started) => Effect.promise(() => started.close())
  )

/** `--data` must name a dataset (SPEC §7): a directory with `autotask/` or `qbo/`, not a typo that plans nothing. */
const checkDataset = (data: Option.Option<string>) =>
  Effect.gen(function*() {
    if (Option.isNone(data)) return
    const isDirectory = (dir: string) => stat(dir).then((info) => info.isDirectory(), () => false)
    const [root, autotask, qbo] = yield* Effect.promise(() =>
      Promise.all([isDirectory(data.value), isDirectory(join(data.value, "autotask")), isDirectory(join(data.value, "qbo"))])
    )
    if (!root) return yield* new ConnectError({ message: `--data ${data.value}: no such directory; give a dataset directory (autotask/*.json, qbo/*.json), or drop --data for the demo` })
    if (!autotask && !qbo) {
      return yield* new ConnectError({ message: `--data ${data.value} is not a dataset: it has neither an autotask/ nor a qbo/ directory (see \`atqbo sandbox --help\`)` })
    }
  })

const sandboxClients = (config: Config, data: Option.Option<string>) =>
  Effect.gen(function*() {
    yield* checkDataset(data)
    const sandbox = yield* startedSandbox(data)
    const base = sandboxConfig(config, sandbox)
    const autotask = autotaskSandbox(sandbox, {})
    if (config.connections.length === 0) {
      return { config: base, autotask, qbo: [{ name: undefined, clients: qboSandbox(sandbox, sandbox.realmId, {}) }] } satisfies Clients
    }
    const missing = config.connections.filter((connection) => !connection.config.qbo.realmId || !sandbox.qbo.realmIds.includes(connection.config.qbo.realmId))
    if (missing.length > 0) {
      return yield* new ConnectError({
        message: `the sandbox dataset has no QBO company for connection(s) ${missing.map((connection) => connection.name).join(", ")}; give each connection a qbo.realmId among the dataset's companies: ${sandbox.qbo.realmIds.join(", ")}`
      })
    }
    const connections = config.connections.map((connection) => ({ ...connection, config: { ...connection.config, notifications: base.notifications } }))
    return {
      config: { ...base, connections },
      autotask,
      qbo: connections.map((connection) => ({ name: connection.name, clients: qboSandbox(sandbox, connection.config.qbo.realmId!, {}) }))
    } satisfies Clients
  })

/** Every unset variable at once, before any request: a first run should not learn them one by one. */
const checkVariables = (config: Config) =>
  Effect.gen(function*() {
    const stores = yield* Effect.promise(() =>
      Promise.all(companiesOf(config).map(async (qbo) => [qbo, await stat(tokenStorePath(qbo, qbo.realmId ?? env(qbo.realmIdEnv))).then(() => true, () => false)] as const))
    )
    const missing = missingVariables(config, (qbo) => stores.some(([company, exists]) => company === qbo && exists))
    if (missing.length === 0) return
    return yield* new ConnectError({
      message: `${missing.length === 1 ? "environment variable" : "environment variables"} not set: ${missing.join(", ")} (the names atqbo.yaml gives the Autotask API user and the QBO app). ` +
        missingVariablesFix(missing, config)
    })
  })

const liveClients = (config: Config) =>
  Effect.gen(function*() {
    yield* checkVariables(config)
    const autotask = yield* autotaskLive(config)
    if (config.connections.length === 0) {
      const realmId = yield* resolveRealm(config.qbo, "this configuration")
      return { config: { ...config, qbo: { ...config.qbo, realmId } }, autotask, qbo: [{ name: undefined, clients: qboLive(config.qbo, realmId) }] } satisfies Clients
    }
    const connections = yield* Effect.forEach(config.connections, (connection) =>
      resolveRealm(connection.config.qbo, `connection ${connection.name}`).pipe(
        Effect.map((realmId) => ({ ...connection, config: { ...connection.config, qbo: { ...connection.config.qbo, realmId } } }))
      ))
    return {
      config: { ...config, connections },
      autotask,
      qbo: connections.map((connection) => ({ name: connection.name, clients: qboLive(connection.config.qbo, connection.config.qbo.realmId) }))
    } satisfies Clients
  })

const clientsFor = (config: Config, target: Target) =>
  target.sandbox
    ? sandboxClients(config, target.data)
    : Option.isSome(target.data)
    ? Effect.fail(new ConnectError({ message: `--data ${target.data.value} works only with --sandbox (it is the simulators' dataset); add --sandbox, or drop --data` }))
    : liveClients(config)

/** Runs `use` with the clients `layerOf` picks, each built once; the sandbox, if any, lives as long. */
const withClients = <A, E, S>(config: Config, target: Target, layerOf: (clients: Clients) => Layer.Layer<S>, use: (config: Config) => Effect.Effect<A, E, S>) =>
  Effect.scoped(
    Effect.gen(function*() {
      const clients = yield* clientsFor(config, target)
      return yield* use(clients.config).pipe(Effect.provide(layerOf(clients)))
    })
  )

/** `plan`: the Autotask reader and every company's QBO reader, so it cannot write. */
export const withReaders = <A, E>(config: Config, target: Target, use: (config: Config) => Effect.Effect<A, E, AutotaskReader | QboReaders>) =>
  withClients(config, target, readersLayer, use)

/** `apply`: the Autotask reader and writer and every company's QBO reader and writer. */
export const withWriters = <A, E>(config: Config, target: Target, use: (config: Config) => Effect.Effect<A, E, AutotaskReader | AutotaskWriter | QboReaders | QboWriters>) =>
  withClients(config, target, writersLayer, use)
