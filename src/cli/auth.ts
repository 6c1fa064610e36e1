/**
 * `atqbo auth qbo`: connects a QuickBooks Online company with the OAuth 2.0
 * authorization-code flow and a loopback redirect. Builds the consent URL (random `state`,
 * scope `com.intuit.quickbooks.accounting`, redirect `http://localhost:PORT/callback`),
 * opens a browser where it can, waits for the callback, checks `state`, exchanges the code,
 * stores the refresh token (and the realm id) atomically with mode 0600 in the token store,
 * then reads CompanyInfo to prove it works. Tokens are never printed.
 *
 * With atqbo.yaml `connections`, `--connection NAME` picks the company: its variables, token
 * store and configured realm id, so each company's token lands in its own store.
 *
 * `ATQBO_QBO_AUTHORIZE_URL`, `ATQBO_QBO_TOKEN_URL` and `ATQBO_QBO_API_URL` point it at the
 * QBO simulator (`atqbo sandbox` prints them); `ATQBO_QBO_TOKEN_STORE` moves the store.
 */
import { spawn } from "node:child_process"
import { randomBytes } from "node:crypto"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Console, Data, Duration, Effect, Redacted } from "effect"
import { Command, Flag } from "effect/cli"
import { configuredRealmId, envValue, qboApiBaseUrl, qboAuthorizeUrl, qboTokenUrl, tokenStorePath } from "../onboarding/environment.ts"
import { type CallbackParams, startCallbackServer } from "../onboarding/oauthCallback.ts"
import { QBO_ACCOUNTING_SCOPE } from "../qbo/auth/endpoints.ts"
import { exchangeAuthorizationCode, tokenRecordFrom } from "../qbo/auth/tokenEndpoint.ts"
import { writeTokenStore } from "../qbo/auth/tokenStore.ts"
import { QboReader } from "../qbo/QboClient.ts"
import { layerQboReaderLive } from "../qbo/QboClientLive.ts"
import type { Target } from "../reconcile/targets.ts"
import { companyConnectionFlag, configFlag, loadConfig, oneCompany } from "./common.ts"

export class AuthError extends Data.TaggedError("AuthError")<{ readonly message: string }> {}

/** The port registered by default; the Intuit app must list `http://localhost:8765/callback`. */
export const DEFAULT_CALLBACK_PORT = 8765

/** The command that repeats this run, for the messages that say "run it again". */
const rerunCommand = (target: Target): string => `atqbo auth qbo${target.name === undefined ? "" : ` --connection ${target.name}`}`

/** Where atqbo.yaml sets this company's realm id. */
const realmSetting = (target: Target): string => target.name === undefined ? "`qbo:`" : `\`qbo:\` of connection ${target.name}`

const required = (name: string, holds: string, rerun: string) =>
  Effect.suspend(() => {
    const value = envValue(name)
    return value === undefined
      ? Effect.fail(
        new AuthError({
          message: `Environment variable ${name} is not set: it must hold ${holds} (developer.intuit.com › your app › Keys and credentials). ` +
            `Set it and run \`${rerun}\` again, or rename the variable in atqbo.yaml.`
        })
      )
      : Effect.succeed(Redacted.make(value))
  })

/** The consent URL (Intuit's, or the override for the simulator). */
export const consentUrl = (clientId: string, redirectUri: string, state: string): URL => {
  const url = new URL(qboAuthorizeUrl())
  url.searchParams.set("client_id", clientId)
  url.searchParams.set("response_type", "code")
  url.searchParams.set("scope", QBO_ACCOUNTING_SCOPE)
  url.searchParams.set("redirect_uri", redirectUri)
  url.searchParams.set("state", state)
  return url
}

/** Best effort: the platform's "open this URL" command, detached; failures are ignored (the URL is printed). */
const openBrowser = (url: string): void => {
  const [command, args] = process.platform === "darwin"
    ? ["open", [url]] as const
    : process.platform === "win32"
    ? ["cmd", ["/c", "start", "", url]] as const
    : ["xdg-open", [url]] as const
  try {
    const child = spawn(command, [...args], { stdio: "ignore", detached: true })
    child.on("error", () => {})
    child.unref()
  } catch {
    // No browser here: the printed URL is enough.
  }
}

/** What the callback says, or why it cannot be used. */
const authorizationCode = (params: CallbackParams, state: string, target: Target): Effect.Effect<{ code: string; realmId: string }, AuthError> => {
  const { config } = target
  const rerun = rerunCommand(target)
  if (params.state !== state) {
    return Effect.fail(new AuthError({ message: `The sign-in answer did not carry this run's state, so it was rejected (it may be a stale or forged request). Run \`${rerun}\` again.` }))
  }
  if (params.error !== undefined) {
    const why = params.error === "access_denied" ? "access was denied (the consent was declined, or the user may not connect apps to this company)" : params.error
    return Effect.fail(new AuthError({ message: `QuickBooks did not authorize atqbo: ${why}${params.errorDescription ? ` (${params.errorDescription})` : ""}. Sign in as a QBO company admin and run \`${rerun}\` again.` }))
  }
  if (params.code === undefined || params.realmId === undefined) {
    return Effect.fail(new AuthError({ message: `The sign-in answer had no authorization code or company (realmId). Run \`${rerun}\` again and choose a company.` }))
  }
  const configured = configuredRealmId(config)
  if (configured !== undefined && configured !== params.realmId) {
    return Effect.fail(
      new AuthError({
        message: `You connected QBO company ${params.realmId}, but ${target.name === undefined ? "the configuration" : `connection ${target.name}`} uses company ${configured} ` +
          `(realmId under ${realmSetting(target)}, or ${config.qbo.realmIdEnv}); nothing was stored. Run \`${rerun}\` again and pick that company, or change the configured company.`
      })
    )
  }
  return Effect.succeed({ code: params.code, realmId: params.realmId })
}

const qboAuthCommand = Command.make(
  "qbo",
  {
    config: configFlag,
    connection: companyConnectionFlag,
    port: Flag.Int("port").pipe(
      Flag.withDescription(`Loopback port of the redirect http://localhost:PORT/callback, which your Intuit app must list as a redirect URI (default ${DEFAULT_CALLBACK_PORT}; 0 picks a free port)`),
      Flag.withMetavar("N"),
      Flag.filter((port) => Number.isInteger(port) && port >= 0 && port <= 65535, (port) => `--port expects a port from 0 to 65535, got ${port}`),
      Flag.withDefault(DEFAULT_CALLBACK_PORT)
    ),
    open: Flag.Boolean("open").pipe(
      Flag.withDescription("Open the consent page in a browser (only on a terminal); --no-open just prints the URL"),
      Flag.withDefault(true)
    ),
    timeout: Flag.Int("timeout").pipe(
      Flag.withDescription("Seconds to wait for the sign-in to finish"),
      Flag.withMetavar("SECONDS"),
      Flag.filter((seconds) => seconds > 0, () => "--timeout expects a positive number of seconds"),
      Flag.withDefault(600)
    )
  },
  Effect.fn("auth.qbo")(function*(flags) {
    const target = yield* oneCompany(yield* loadConfig(flags.config), flags.connection)
    const { config } = target
    const rerun = rerunCommand(target)
    const clientId = yield* required(config.qbo.clientIdEnv, "the client id of your Intuit app", rerun)
    const clientSecret = yield* required(config.qbo.clientSecretEnv, "the client secret of your Intuit app", rerun)

    const server = yield* Effect.acquireRelease(
      Effect.tryPromise({
        try: () => startCallbackServer(flags.port),
        catch: (error) =>
          new AuthError({
            message: (error as NodeJS.ErrnoException).code === "EADDRINUSE"
              ? `Port ${flags.port} is in use, so the sign-in cannot come back to atqbo. Stop what uses it, or pass --port with another port that your Intuit app lists as a redirect URI.`
              : `Cannot listen on localhost:${flags.port}: ${error instanceof Error ? error.message : String(error)}.`
          })
      }),
      (started) => Effect.promise(() => started.close())
    )
    const state = randomBytes(24).toString("base64url")
    const url = consentUrl(Redacted.value(clientId), server.redirectUri, state).toString()
    const browser = flags.open && process.stdout.isTTY === true
    yield* Console.error(
      [
        `Connect atqbo${target.name === undefined ? "" : ` (connection ${target.name})`} to QuickBooks Online: open this page, sign in as a company admin and choose the company.`,
        "",
        `  ${url}`,
        "",
        `Waiting for QuickBooks to redirect to ${server.redirectUri} (your Intuit app must list it as a redirect URI)…`
      ].join("\n")
    )
    if (browser) openBrowser(url)

    const flow = Effect.gen(function*() {
      const params = yield* Effect.promise(() => server.received).pipe(
        Effect.timeoutOrElse({
          duration: Duration.seconds(flags.timeout),
          orElse: () => Effect.fail(new AuthError({ message: `No answer from QuickBooks within ${flags.timeout} seconds. Run \`${rerun}\` again and finish the sign-in in the browser.` }))
        })
      )
      const { code, realmId } = yield* authorizationCode(params, state, target)
      const storePath = tokenStorePath(config.qbo, realmId)
      const tokens = yield* exchangeAuthorizationCode({
        tokenUrl: qboTokenUrl(),
        clientId,
        clientSecret,
        code,
        redirectUri: server.redirectUri
      }).pipe(Effect.provide(NodeHttpClient.layerUndici))
      // Store before anything else: this refresh token is the only way back in.
      yield* writeTokenStore(storePath, tokenRecordFrom(realmId, tokens, Date.now()))
      const company = yield* Effect.gen(function*() {
        const reader = yield* QboReader
        return yield* reader.companyInfo
      }).pipe(
        Effect.provide(layerQboReaderLive(
          { realmId, apiBaseUrl: qboApiBaseUrl(config), minorVersion: config.qbo.minorVersion },
          {
            tokenUrl: qboTokenUrl(),
            tokenStorePath: storePath,
            clientIdEnv: config.qbo.clientIdEnv,
            clientSecretEnv: config.qbo.clientSecretEnv,
            refreshTokenEnv: config.qbo.refreshTokenEnv
          }
        )),
        Effect.mapError((error) =>
          new AuthError({
            message: `The refresh token was stored in ${storePath}, but reading the company failed: ${error.message} Run \`atqbo doctor\` to find out more.`
          })
        )
      )
      return { realmId, company, storePath }
    })

    const { realmId, company, storePath } = yield* flow.pipe(
      Effect.tap(({ company }) => Effect.sync(() => server.respond(true, `Connected to "${company.CompanyName}". atqbo stored its token; return to the terminal for the next steps.`))),
      Effect.tapError((error) => Effect.sync(() => server.respond(false, error.message)))
    )

    const steps: Array<string> = []
    if (configuredRealmId(config) === undefined) {
      steps.push(`Tell atqbo which company to use: add \`realmId: "${realmId}"\` under ${realmSetting(target)} in ${flags.config}/atqbo.yaml, or set ${config.qbo.realmIdEnv}=${realmId} (in CI: the secret ${config.qbo.realmIdEnv}).`)
    }
    steps.push(
      `For CI, store the refresh token${target.name === undefined ? "" : ` of connection ${target.name}`} as the secret ${config.qbo.refreshTokenEnv} without printing it: jq -r .refreshToken ${storePath} | gh secret set ${config.qbo.refreshTokenEnv} (see docs/github-actions.md). ` +
        (target.name === undefined ? "" : `Its Intuit app is read from the secrets ${config.qbo.clientIdEnv} and ${config.qbo.clientSecretEnv}. `) +
        "Never commit the token store; the token rotates and atqbo keeps the newest one there.",
      `Check the connection and the QBO settings: atqbo doctor --config ${flags.config}${target.name === undefined ? "" : ` --connection ${target.name}`}`,
      `Then see what a sync would do: atqbo plan --config ${flags.config}`
    )
    yield* Console.log(
      [
        `Connected to QuickBooks company "${company.CompanyName}" (realm ${realmId})${target.name === undefined ? "" : ` for connection ${target.name}`}.`,
        `Stored the refresh token in ${storePath} (mode 0600; git-ignore it).`,
        "",
        "Next steps:",
        ...steps.map((step, index) => `  ${index + 1}. ${step}`)
      ].join("\n")
    )
  }, Effect.scoped)
).pipe(
  Command.withDescription(
    "Connect a QuickBooks Online company: OAuth 2.0 sign-in in the browser with a loopback redirect to " +
      "http://localhost:PORT/callback, then the refresh token is stored (mode 0600) in the configured token store and " +
      "the connection is verified. Tokens are never printed."
  ),
  Command.withExamples([
    { command: "atqbo auth qbo", description: "Sign in through the browser; the Intuit app lists http://localhost:8765/callback" },
    { command: "atqbo auth qbo --no-open --port 9000", description: "Print the URL only (e.g. over SSH with a forwarded port 9000)" },
    { command: "atqbo auth qbo --connection ca", description: "With atqbo.yaml connections: connect connection ca's company into its own token store" }
  ])
)

export const authCommand = Command.make("auth").pipe(
  Command.withDescription("Connect atqbo to the systems it syncs (QuickBooks Online: `atqbo auth qbo`)."),
  Command.withSubcommands([qboAuthCommand]),
  Command.withExamples([{ command: "atqbo auth qbo", description: "Connect a QuickBooks Online company" }])
)
