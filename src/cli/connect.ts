/**
 * Wires the API clients for a command: live (credentials from the environment variables the
 * config names) or `--sandbox` (both simulators in-process with the demo data). `plan` gets
 * readers only; `apply` gets readers and writers. With several QBO companies (atqbo.yaml
 * `connections`) there is one QBO client per company and one shared Autotask client.
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
import { tokenStorePath } from "../onboarding/environment.ts"
import { layerQboAuthStatic } from "../qbo/auth/QboAuth.ts"
import { apiBaseUrlFor } from "../qbo/auth/endpoints.ts"
import { readTokenStore } from "../qbo/auth/tokenStore.ts"
import type { QboReader, QboWriter } from "../qbo/QboClient.ts"
import { layerQboClient, layerQboLive, layerQboReader, layerQboReaderLive } from "../qbo/QboClientLive.ts"
import { noClient, QboReaders, QboWriters } from "../reconcile/companies.ts"
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

const env = (name: string): string | undefined => {
  const value = process.env[name]?.trim()
  return value === "" ? undefined : value
}

// ---------------------------------------------------------------------------------------------
// Layers for one API

const autotaskLive = (config: Config, write: boolean) =>
  Effect.gen(function*() {
    const credentials = yield* autotaskCredentialsFromEnv(config.autotask)
    const discoveryOverride = env("ATQBO_AUTOTASK_DISCOVERY_URL")
    const options = {
      credentials,
      discoveryUrl: discoveryOverride ?? config.autotask.discoveryUrl,
      ...(config.autotask.zoneUrl && !discoveryOverride ? { zoneUrl: config.autotask.zoneUrl } : {})
    }
    return write ? AutotaskClientLive.layer(options) : AutotaskClientLive.readerLayer(options)
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

const qboLive = (qbo: QboConnection, realmId: string, write: boolean): Layer.Layer<QboReader | QboWriter> | Layer.Layer<QboReader> => {
  const options = { realmId, apiBaseUrl: env("ATQBO_QBO_API_URL") ?? apiBaseUrlFor(qbo.environment), minorVersion: qbo.minorVersion }
  const tokenUrl = env("ATQBO_QBO_TOKEN_URL")
  const auth = {
    tokenStorePath: tokenStorePath(qbo, realmId),
    clientIdEnv: qbo.clientIdEnv,
    clientSecretEnv: qbo.clientSecretEnv,
    refreshTokenEnv: qbo.refreshTokenEnv,
    ...(tokenUrl ? { tokenUrl } : {})
  }
  return write ? layerQboLive(options, auth) : layerQboReaderLive(options, auth)
}

const autotaskSandbox = (sandbox: Sandbox, write: boolean, tuning: ClientTuning) => {
  const { username, secret, integrationCode } = sandbox.autotask.credentials
  const options = {
    credentials: { username, secret: Redacted.make(secret), integrationCode: Redacted.make(integrationCode), impersonationResourceId: undefined },
    discoveryUrl: sandbox.autotask.discoveryUrl,
    ...(tuning.retry ? { retry: { baseDelayMs: 500, maxDelayMs: 30_000, maxAttempts: 6, ...tuning.retry } } : {})
  }
  return write ? AutotaskClientLive.layer(options) : AutotaskClientLive.readerLayer(options)
}

const qboSandbox = (sandbox: Sandbox, realmId: string, write: boolean, tuning: ClientTuning) => {
  const options = { realmId, apiBaseUrl: sandbox.qbo.baseUrl, ...(tuning.retry ? { retry: tuning.retry } : {}) }
  const deps = Layer.merge(layerQboAuthStatic(realmId, sandbox.qbo.issueAccessToken(realmId)), NodeHttpClient.layerUndici)
  return write ? layerQboClient(options).pipe(Layer.provide(deps)) : layerQboReader(options).pipe(Layer.provide(deps))
}

/**
 * Client layers pointed at running simulators, with their sandbox credentials (one company):
 * its QBO client directly and as the implicit target's in `QboReaders` (and `QboWriters`).
 */
export function layersForSandbox(sandbox: Sandbox, write: true, tuning?: ClientTuning): Layer.Layer<Writers | QboReaders | QboWriters>
export function layersForSandbox(sandbox: Sandbox, write: false, tuning?: ClientTuning): Layer.Layer<Readers | QboReaders>
export function layersForSandbox(sandbox: Sandbox, write: boolean, tuning: ClientTuning = {}): Layer.Layer<Writers | QboReaders | QboWriters> | Layer.Layer<Readers | QboReaders> {
  const qbo = Layer.effectContext(Effect.gen(function*() {
    const context = yield* Layer.build(qboSandbox(sandbox, sandbox.realmId, write, tuning) as Layer.Layer<QboReader>)
    const companies = yield* companiesOf([{ name: undefined, layer: Layer.succeedContext(context) }], write)
    return Context.merge(context, companies as Context.Context<QboReaders | QboWriters>)
  }))
  return Layer.merge(autotaskSandbox(sandbox, write, tuning), qbo) as Layer.Layer<Writers | QboReaders | QboWriters>
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
  readonly autotask: Layer.Layer<AutotaskReader | AutotaskWriter> | Layer.Layer<AutotaskReader>
  /** One QBO client per company: `undefined` names the single company. */
  readonly qbo: ReadonlyArray<{ readonly name: string | undefined; readonly layer: Layer.Layer<QboReader | QboWriter> | Layer.Layer<QboReader> }>
}

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

const sandboxClients = (config: Config, data: Option.Option<string>, write: boolean) =>
  Effect.gen(function*() {
    yield* checkDataset(data)
    const sandbox = yield* startedSandbox(data)
    const base = sandboxConfig(config, sandbox)
    const autotask = autotaskSandbox(sandbox, write, {})
    if (config.connections.length === 0) {
      return { config: base, autotask, qbo: [{ name: undefined, layer: qboSandbox(sandbox, sandbox.realmId, write, {}) }] } satisfies Clients
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
      qbo: connections.map((connection) => ({ name: connection.name, layer: qboSandbox(sandbox, connection.config.qbo.realmId!, write, {}) }))
    } satisfies Clients
  })

const liveClients = (config: Config, write: boolean) =>
  Effect.gen(function*() {
    const autotask = yield* autotaskLive(config, write)
    if (config.connections.length === 0) {
      const realmId = yield* resolveRealm(config.qbo, "this configuration")
      return { config: { ...config, qbo: { ...config.qbo, realmId } }, autotask, qbo: [{ name: undefined, layer: qboLive(config.qbo, realmId, write) }] } satisfies Clients
    }
    const connections = yield* Effect.forEach(config.connections, (connection) =>
      resolveRealm(connection.config.qbo, `connection ${connection.name}`).pipe(
        Effect.map((realmId) => ({ ...connection, config: { ...connection.config, qbo: { ...connection.config.qbo, realmId } } }))
      ))
    return {
      config: { ...config, connections },
      autotask,
      qbo: connections.map((connection) => ({ name: connection.name, layer: qboLive(connection.config.qbo, connection.config.qbo.realmId, write) }))
    } satisfies Clients
  })

const clientsFor = (config: Config, target: Target, write: boolean) =>
  target.sandbox
    ? sandboxClients(config, target.data, write)
    : Option.isSome(target.data)
    ? Effect.fail(new ConnectError({ message: `--data ${target.data.value} works only with --sandbox (it is the simulators' dataset); add --sandbox, or drop --data` }))
    : liveClients(config, write)

const single = (clients: Clients) =>
  Effect.gen(function*() {
    const only = clients.qbo[0]
    if (clients.qbo.length !== 1 || only === undefined) {
      return yield* new ConnectError({ message: "this command works on one QBO company; it does not support atqbo.yaml `connections` yet" })
    }
    return only.layer
  })

/** Runs `use` with Autotask and QBO readers of a single company (doctor, import). */
export const withReaders = <A, E>(config: Config, target: Target, use: (config: Config) => Effect.Effect<A, E, Readers>) =>
  Effect.scoped(
    Effect.gen(function*() {
      const clients = yield* clientsFor(config, target, false)
      const qbo = yield* single(clients)
      return yield* use(clients.config).pipe(Effect.provide(Layer.merge(clients.autotask as Layer.Layer<AutotaskReader>, qbo as Layer.Layer<QboReader>)))
    })
  )

/** Runs `use` with readers and writers of a single company. */
export const withWriters = <A, E>(config: Config, target: Target, use: (config: Config) => Effect.Effect<A, E, Writers>) =>
  Effect.scoped(
    Effect.gen(function*() {
      const clients = yield* clientsFor(config, target, true)
      const qbo = yield* single(clients)
      return yield* use(clients.config).pipe(
        Effect.provide(Layer.merge(clients.autotask as Layer.Layer<AutotaskReader | AutotaskWriter>, qbo as Layer.Layer<QboReader | QboWriter>))
      )
    })
  )

/** Builds every company's QBO client once, offered by connection name. */
const companiesOf = (qbo: Clients["qbo"], write: boolean) =>
  Effect.gen(function*() {
    const built = new Map<string | undefined, Context.Context<QboReader | QboWriter> | Context.Context<QboReader>>()
    for (const company of qbo) built.set(company.name, yield* Layer.build(company.layer as Layer.Layer<QboReader>))
    const contextOf = (name: string | undefined) => built.get(name) ?? noClient(name)
    const readers = Context.make(QboReaders, { get: contextOf })
    return write ? Context.add(readers, QboWriters, { get: (name) => contextOf(name) as Context.Context<QboReader | QboWriter> }) : readers
  })

/**
 * Runs `use` with the Autotask client and every QBO company's client (`QboReaders`, and with
 * `write` `QboWriters`), each built once.
 */
const withCompanies = <A, E, R>(config: Config, target: Target, write: boolean, use: (config: Config) => Effect.Effect<A, E, R>) =>
  Effect.scoped(
    Effect.gen(function*() {
      const clients = yield* clientsFor(config, target, write)
      const companies = yield* companiesOf(clients.qbo, write)
      const autotask = yield* Layer.build(clients.autotask as Layer.Layer<AutotaskReader>)
      const provided = Layer.succeedContext(Context.merge(autotask, companies))
      return yield* (use(clients.config).pipe(Effect.provide(provided)) as Effect.Effect<A, E>)
    })
  )

/** `plan`: the Autotask reader and every company's QBO reader. */
export const withCompanyReaders = <A, E>(config: Config, target: Target, use: (config: Config) => Effect.Effect<A, E, AutotaskReader | QboReaders>) =>
  withCompanies(config, target, false, use)

/** `apply`: the Autotask reader and writer and every company's QBO reader and writer. */
export const withCompanyWriters = <A, E>(config: Config, target: Target, use: (config: Config) => Effect.Effect<A, E, AutotaskReader | AutotaskWriter | QboReaders | QboWriters>) =>
  withCompanies(config, target, true, use)
