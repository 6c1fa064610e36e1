/**
 * `atqbo sandbox`: both simulators in the foreground on loopback, with a dataset, until
 * Ctrl-C. Prints their URLs, the (fixed, public) sandbox credentials and `export` lines
 * that point every other command at them through the environment-variable names of the
 * configuration and the `ATQBO_*` endpoint overrides of `connect.ts`.
 */
import { stat } from "node:fs/promises"
import { Console, Data, Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { CONFIG_FILES, DEFAULT_CONFIG_DIR, validateConfigDir } from "../config/index.ts"
import { AUTOTASK_DEFAULTS, QBO_DEFAULTS } from "../config/defaults.ts"
import type { AutotaskConnection, ConnectionConfig, QboConnection } from "../config/types.ts"
import { ENV_OVERRIDES } from "../onboarding/environment.ts"
import type { Sandbox } from "../sandbox/sandbox.ts"
import { takeSignals } from "./signals.ts"

export class SandboxError extends Data.TaggedError("SandboxError")<{ readonly message: string }> {}

/**
 * Keeps the sandbox's rotated tokens away from the real token stores: a directory (the
 * trailing "/"), so every company keeps its own store in it (see `tokenStorePath`).
 */
export const SANDBOX_TOKEN_STORE = ".atqbo/sandbox-qbo-tokens/"

/** Single-quoted for POSIX shells unless the value is plainly safe. */
const shellQuote = (value: string): string => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`)

export interface SandboxVariable {
  readonly name: string
  readonly value: string
}

/** The configuration's variable names: its `qbo`, or one per connection. */
export interface VariableNames {
  readonly autotask: AutotaskConnection
  readonly qbo: QboConnection
  readonly connections: ReadonlyArray<Pick<ConnectionConfig, "name"> & { readonly config: Pick<ConnectionConfig["config"], "qbo"> }>
}

/** A connection (or the configuration's `qbo`) and the sandbox company its variables point at. */
export interface SandboxCompany {
  readonly connection: string | undefined
  readonly qbo: QboConnection
  /** Undefined when the sandbox has no company for it. */
  readonly realmId: string | undefined
}

/**
 * Which sandbox company each connection (or, without `connections`, the configuration's
 * `qbo`) points at: the one its `qbo.realmId` names, else the next company nobody names, in
 * dataset order.
 */
export const sandboxCompanies = (realmIds: ReadonlyArray<string>, names: VariableNames): ReadonlyArray<SandboxCompany> => {
  const targets = names.connections.length === 0
    ? [{ connection: undefined, qbo: names.qbo }]
    : names.connections.map((connection) => ({ connection: connection.name, qbo: connection.config.qbo }))
  const free = realmIds.filter((realmId) => !targets.some((target) => target.qbo.realmId === realmId))
  return targets.map((target) => {
    const own = target.qbo.realmId
    return { ...target, realmId: own === undefined ? free.shift() : realmIds.includes(own) ? own : undefined }
  })
}

/**
 * The environment that points `atqbo` at a running sandbox: the endpoint overrides, then
 * the credentials under the variable names the configuration uses: each company's own
 * refresh token (tokens belong to one company) and realm id.
 */
export const sandboxEnvironment = (sandbox: Sandbox, names: VariableNames): ReadonlyArray<SandboxVariable> => {
  const credentials = sandbox.autotask.credentials
  const oauth = sandbox.qbo.oauth
  const companies = sandboxCompanies(sandbox.qbo.realmIds, names).flatMap(({ realmId, qbo }) => realmId === undefined ? [] : [
    { name: qbo.clientIdEnv, value: oauth.clientId },
    { name: qbo.clientSecretEnv, value: oauth.clientSecret },
    { name: qbo.refreshTokenEnv, value: oauth.refreshTokens[realmId]! },
    { name: qbo.realmIdEnv, value: realmId }
  ])
  const variables = [
    { name: ENV_OVERRIDES.autotaskDiscoveryUrl, value: sandbox.autotask.discoveryUrl },
    { name: ENV_OVERRIDES.qboApiUrl, value: sandbox.qbo.baseUrl },
    { name: ENV_OVERRIDES.qboTokenUrl, value: sandbox.qbo.tokenUrl },
    { name: ENV_OVERRIDES.qboAuthorizeUrl, value: sandbox.qbo.authorizeUrl },
    { name: ENV_OVERRIDES.qboTokenStore, value: SANDBOX_TOKEN_STORE },
    { name: names.autotask.usernameEnv, value: credentials.username },
    { name: names.autotask.secretEnv, value: credentials.secret },
    { name: names.autotask.integrationCodeEnv, value: credentials.integrationCode },
    ...companies
  ]
  // Connections may share a variable (one Intuit app's client id): export it once.
  return variables.filter((variable, index) => variables.findIndex((other) => other.name === variable.name) === index)
}

export const exportLines = (variables: ReadonlyArray<SandboxVariable>): ReadonlyArray<string> =>
  variables.map((variable) => `export ${variable.name}=${shellQuote(variable.value)}`)

/** Resolves when SIGINT or SIGTERM arrives (owning both while it waits: see takeSignals). */
const untilSignal: Effect.Effect<NodeJS.Signals> = Effect.callback<NodeJS.Signals>((resume) => {
  const restore = takeSignals((signal) => resume(Effect.succeed(signal)))
  return Effect.sync(restore)
})

/** The configuration's variable names, or the defaults when it cannot be read. */
const variableNames = (dir: string) =>
  Effect.map(validateConfigDir(dir), (report) => ({
    autotask: report.config?.autotask ?? AUTOTASK_DEFAULTS,
    qbo: report.config?.qbo ?? QBO_DEFAULTS,
    connections: report.config?.connections ?? [],
    valid: report.config !== undefined
  }))

const portFlag = (name: string, system: string) =>
  Flag.Int(name).pipe(
    Flag.withDescription(`Port of the ${system} simulator on 127.0.0.1 (default 0: any free port)`),
    Flag.withMetavar("N"),
    Flag.filter((port) => Number.isInteger(port) && port >= 0 && port <= 65535, (port) => `--${name} expects a port from 0 to 65535, got ${port}`),
    Flag.withDefault(0)
  )

export const sandboxCommand = Command.make(
  "sandbox",
  {
    data: Flag.String("data").pipe(
      Flag.withDescription("Dataset directory (autotask/*.json, qbo/*.json, sandbox.yaml) instead of the bundled demo"),
      Flag.withMetavar("DIR"),
      Flag.optional
    ),
    port: portFlag("port", "Autotask"),
    qboPort: portFlag("qbo-port", "QBO"),
    config: Flag.String("config").pipe(
      Flag.withAlias("c"),
      Flag.withDescription("Configuration whose environment-variable names the printed `export` lines use (default: mappings; the defaults if it cannot be read)"),
      Flag.withMetavar("DIR"),
      Flag.withDefault(DEFAULT_CONFIG_DIR)
    )
  },
  Effect.fn("sandbox")(function*(flags) {
    const names = yield* variableNames(flags.config)
    const dataDir = Option.getOrUndefined(flags.data)
    if (dataDir !== undefined && !(yield* Effect.promise(() => stat(dataDir).then((info) => info.isDirectory(), () => false)))) {
      return yield* new SandboxError({
        message: `the dataset directory ${dataDir} does not exist. Give --data a directory holding autotask/<Entity>.json, qbo/<Entity>.json and optionally sandbox.yaml, or leave it out for the bundled demo.`
      })
    }
    // Loaded on use: importing this command must not load the simulators (see main.ts).
    const { DEMO_DATA_DIR, startSandbox } = yield* Effect.promise(() => import("../sandbox/sandbox.ts"))
    const sandbox = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () =>
          startSandbox({
            host: "127.0.0.1",
            autotaskPort: flags.port,
            qboPort: flags.qboPort,
            ...(dataDir === undefined ? {} : { dataDir })
          }),
        catch: (error) =>
          new SandboxError({
            message: `cannot start the sandbox: ${error instanceof Error ? error.message : String(error)}. ` +
              "Check the dataset directory given with --data, and that the ports are free (or use --port 0 --qbo-port 0)."
          })
      }),
      (started) =>
        Effect.promise(() => started.close()).pipe(
          Effect.andThen(Console.error(`Stopped: served ${started.autotask.requests.length} Autotask and ${started.qbo.requests.length} QBO requests; both simulators are closed.`))
        )
    )
    const oauth = sandbox.qbo.oauth
    const variables = sandboxEnvironment(sandbox, names)
    const companies = sandboxCompanies(sandbox.qbo.realmIds, names)
    const usedBy = (realmId: string) => companies.filter((company) => company.realmId === realmId && company.connection !== undefined).map((company) => `connection ${company.connection}`)
    const dataset = sandbox.dataDir === DEMO_DATA_DIR ? "the bundled demo dataset" : sandbox.dataDir
    const lines = [
      `atqbo sandbox: the Autotask and QBO simulators are running with ${dataset}. Press Ctrl-C to stop.`,
      "",
      `  Autotask REST API   ${sandbox.autotask.baseUrl}`,
      `  Autotask discovery  ${sandbox.autotask.discoveryUrl}`,
      `  QBO API             ${sandbox.qbo.baseUrl}`,
      `  QBO OAuth token     ${sandbox.qbo.tokenUrl}`,
      `  QBO OAuth authorize ${sandbox.qbo.authorizeUrl}  (consents at once and redirects)`,
      "",
      "Sandbox credentials (fixed public test values, not secrets; each refresh token works for its own company only):",
      `  Autotask API user   ${sandbox.autotask.credentials.username}, secret ${sandbox.autotask.credentials.secret}, integration code ${sandbox.autotask.credentials.integrationCode}`,
      `  QBO OAuth client    ${oauth.clientId} / ${oauth.clientSecret}`,
      ...sandbox.qbo.realmIds.map((realmId) =>
        `  QBO company ${realmId}  refresh token ${oauth.refreshTokens[realmId]}${usedBy(realmId).length > 0 ? `  (${usedBy(realmId).join(", ")})` : ""}`
      ),
      "",
      `Point atqbo at the sandbox: run these in another shell (bash, zsh), then e.g. \`atqbo plan${flags.config === DEFAULT_CONFIG_DIR ? "" : ` --config ${flags.config}`}\`:`,
      "",
      ...exportLines(variables),
      "",
      `${ENV_OVERRIDES.qboTokenStore} keeps the sandbox's rotated tokens in ${SANDBOX_TOKEN_STORE} (one store per company), so the`,
      "real token stores stay untouched; unset the variables (or close the shell) to talk to the real systems again."
    ]
    if (!names.valid) {
      lines.push(`The configuration in ${flags.config} could not be read, so the lines use the default variable names; run \`atqbo validate --config ${flags.config}\`.`)
    }
    yield* Console.log(lines.join("\n"))
    for (const company of names.valid ? companies : []) {
      if (company.realmId !== undefined) continue
      const who = company.connection === undefined ? "" : ` for connection ${company.connection}`
      yield* Console.error(
        company.qbo.realmId === undefined
          ? `note: the sandbox has no company left${who}: the dataset has ${sandbox.qbo.realmIds.length} (add a qbo/<realmId>/ directory to it).`
          : `note: ${flags.config}/${CONFIG_FILES[0]!.fileName} sets qbo.realmId ${company.qbo.realmId}${who}, which takes precedence over ${company.qbo.realmIdEnv}: ` +
            `commands using that configuration would address company ${company.qbo.realmId}, which the sandbox does not have. ` +
            "Use a configuration without qbo.realmId (for example the mappings/ of `atqbo init sandbox-config`, with --config sandbox-config/mappings)."
      )
    }
    const signal = yield* untilSignal
    yield* Console.error(`\nReceived ${signal}; stopping the simulators…`)
  }, Effect.scoped)
).pipe(
  Command.withDescription(
    "Run the built-in Autotask and QBO simulators in the foreground with a dataset, and print the URLs, the sandbox " +
      "credentials and the `export` lines that point atqbo at them. Runs until Ctrl-C."
  ),
  Command.withExamples([
    { command: "atqbo sandbox", description: "Both simulators on free ports with the bundled demo data" },
    { command: "atqbo sandbox --data test/data/acme --port 8901 --qbo-port 8902", description: "A dataset of your own on fixed ports" },
    { command: "atqbo sandbox --config sandbox-config", description: "Export lines with the variable names of another configuration" }
  ])
)
