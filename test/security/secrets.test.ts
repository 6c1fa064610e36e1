/**
 * SPEC §6: secrets never appear in output, plans, journals, notifications or errors. Every
 * credential is set to a recognisable string; every command (validate, plan in each format,
 * show, apply with failures and with success, `--log-level debug` on plan and apply) and every failure (wrong Autotask secret or
 * integration code, invalid refresh token, wrong client secret, unreachable hosts) is run
 * through the real CLI, and everything it produced is searched for those strings — the wrong
 * values included, and the access and refresh tokens the simulator issued.
 */
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { readdir, readFile } from "node:fs/promises"
import { join } from "node:path"
import { NodeHttpClient } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { SMTPServer } from "smtp-server"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { layerQboAuthStatic } from "../../src/qbo/auth/QboAuth.ts"
import { QboReader } from "../../src/qbo/QboClient.ts"
import { layerQboReader } from "../../src/qbo/QboClientLive.ts"
import { DEFAULT_REALM_ID } from "../../src/sandbox/qbo/index.ts"
import { type Sandbox, startSandbox } from "../../src/sandbox/sandbox.ts"
import { type CliResult, inTurns, runCli, sandboxEnv, writeConfig } from "../support/cli.ts"
import { mixedDataset } from "../support/datasets.ts"

const SECRETS = {
  autotaskSecret: "AT-SECRET-SEC-6f1e2d-do-not-print",
  integrationCode: "AT-INTEGRATION-SEC-93bb",
  qboClientSecret: "QBO-CLIENT-SECRET-SEC-d4e5",
  refreshToken: "RT1-SECRET-SEC-REFRESH-7a7a",
  webhookPath: "WEBHOOK-SECRET-PATH-SEC-2c2c",
  smtpPassword: "SMTP-PASSWORD-SEC-8d8d",
  // Wrong values are secrets too: someone's mistyped password.
  wrongAutotaskSecret: "WRONG-AT-SECRET-SEC-0b0b",
  wrongIntegrationCode: "WRONG-AT-INTEGRATION-SEC-1c1c",
  wrongRefreshToken: "RT1-WRONG-REFRESH-SEC-3e3e",
  wrongClientSecret: "WRONG-QBO-CLIENT-SECRET-SEC-4f4f"
}

let sandbox: Sandbox
let webhook: Server
let smtp: SMTPServer
const webhookBodies: Array<string> = []
const mails: Array<string> = []
/** Everything any command produced: output, files, notifications. */
const produced: Array<{ where: string; text: string }> = []

const listen = (server: { listen: (port: number, host: string, done: () => void) => unknown }) =>
  new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))

/** A port nothing listens on (bound, then released). */
const closedPort = async (): Promise<number> => {
  const server = createServer()
  await listen(server)
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

const readTree = async (dir: string): Promise<string> => {
  const files = await readdir(dir, { recursive: true }).catch(() => [] as Array<string>)
  const texts = await Promise.all(files.map((file) => readFile(join(dir, String(file)), "utf8").catch(() => "")))
  return texts.join("\n")
}

const keep = (where: string, result: CliResult) => {
  produced.push({ where: `${where} stdout`, text: result.stdout }, { where: `${where} stderr`, text: result.stderr })
  return result
}

/** Token values the simulator issued (the token store holds them; nothing else may). */
const issuedTokens = async (stateDir: string): Promise<Array<string>> => {
  const text = await readFile(join(stateDir, "qbo-token.json"), "utf8").catch(() => "{}")
  const record = JSON.parse(text) as { accessToken?: string; refreshToken?: string }
  return [record.accessToken, record.refreshToken].filter((value): value is string => typeof value === "string" && value.length > 8)
}

const assertClean = (values: ReadonlyArray<string>) => {
  expect(produced.length).toBeGreaterThan(0)
  for (const { where, text } of produced) {
    for (const value of values) expect(text.includes(value), `a secret (${value.slice(0, 12)}…) leaked into ${where}`).toBe(false)
  }
}

const notificationsYaml = (smtpPort: number) => [
  "notifications:",
  "  webhook:",
  "    urlEnv: ATQBO_WEBHOOK_URL",
  "    format: json",
  "  email:",
  "    host: 127.0.0.1",
  `    port: ${smtpPort}`,
  "    secure: false",
  "    allowInsecureAuth: true",
  "    usernameEnv: ATQBO_SMTP_USERNAME",
  "    passwordEnv: ATQBO_SMTP_PASSWORD",
  "    from: atqbo@msp.test",
  "    to: [finance@msp.test]"
].join("\n")

beforeAll(async () => {
  sandbox = await startSandbox({
    dataDir: await mixedDataset(),
    autotaskCredentials: { username: "api-user@msp.test", secret: SECRETS.autotaskSecret, integrationCode: SECRETS.integrationCode },
    qboOAuth: { clientId: "ABsecurityclient", clientSecret: SECRETS.qboClientSecret, refreshTokens: { [DEFAULT_REALM_ID]: SECRETS.refreshToken } }
  })
  webhook = createServer((request, response) => {
    let body = ""
    request.on("data", (chunk) => (body += chunk))
    request.on("end", () => {
      webhookBodies.push(body)
      response.end("ok")
    })
  })
  await listen(webhook)
  smtp = new SMTPServer({
    authOptional: false,
    disabledCommands: ["STARTTLS"],
    onAuth: (auth, _session, callback) =>
      auth.password === SECRETS.smtpPassword ? callback(null, { user: auth.username }) : callback(new Error("bad credentials")),
    onData: (stream, _session, callback) => {
      let data = ""
      stream.on("data", (chunk) => (data += chunk))
      stream.on("end", () => {
        mails.push(data)
        callback()
      })
    }
  })
  await listen(smtp)
})

afterAll(async () => {
  await sandbox?.close()
  await new Promise<void>((resolve) => webhook?.close(() => resolve()))
  await new Promise<void>((resolve) => smtp?.close(() => resolve()))
})

describe("no secret in any output", () => {
  it("validate, plan (every format), show, apply with failures, apply: outputs, files, journal and notifications", async () => {
    const smtpPort = (smtp.server.address() as AddressInfo).port
    const webhookPort = (webhook.address() as AddressInfo).port
    const { dir, stateDir } = await writeConfig(sandbox.realmId, { top: notificationsYaml(smtpPort) })
    const env = {
      ...sandboxEnv(sandbox),
      ATQBO_WEBHOOK_URL: `http://127.0.0.1:${webhookPort}/hooks/${SECRETS.webhookPath}`,
      ATQBO_SMTP_USERNAME: "mailer",
      ATQBO_SMTP_PASSWORD: SECRETS.smtpPassword
    }
    const planFile = join(stateDir, "plan.json")
    const commentFile = join(stateDir, "comment.md")
    const summaryFile = join(stateDir, "summary.md")

    expect(keep("validate", await runCli(["validate", "--config", dir], { env })).code).toBe(0)
    expect(keep("plan --out", await runCli(["plan", "--config", dir, "--out", planFile, "--format", "json"], { env })).code).toBe(0)
    // One process at a time: a swarm of CLI processes on two cores tests the machine, not atqbo.
    const outputs: ReadonlyArray<[string, ReadonlyArray<string>, Record<string, string>]> = [
      ["plan markdown", ["plan", "--config", dir, "--format", "markdown", "--verbose", "--log-level", "debug"], env],
      ["plan github", ["plan", "--config", dir, "--format", "github", "--comment-file", commentFile], { ...env, GITHUB_STEP_SUMMARY: summaryFile }],
      ["show", ["show", planFile, "--verbose"], env],
      ["show markdown", ["show", planFile, "--format", "markdown"], env]
    ]
    for (const [where, args, runEnv] of outputs) {
      const result = keep(where, await runCli(args, { env: runEnv }))
      expect(result.code, result.stderr).toBe(0)
    }
    // --log-level debug: a line per request on stderr (with the tid Intuit support asks for), none on stdout.
    const debug = produced.find((entry) => entry.where === "plan markdown stderr")!.text
    expect(debug).toMatch(/QBO POST \/v3\/company\/\d+\/query\?minorversion=\d+ → 200 in \d+ ms \(intuit_tid [\w-]+\)/)
    expect(debug).toMatch(/Autotask (GET|POST) \/atservicesrest\/v1\.0\/\S+ → 200 in \d+ ms/i)
    expect(produced.find((entry) => entry.where === "plan markdown stdout")!.text).not.toMatch(/DEBUG/)

    // Autotask accepts the write-backs but ignores them: the run fails, notifies, exits 1.
    sandbox.autotask.setOptions({ faults: { noopWriteRate: 1 } })
    const failing = keep("apply (write-backs fail)", await runCli(["apply", planFile, "--config", dir, "--log-level", "debug"], { env }))
    expect(failing.code).toBe(1)
    expect(failing.stdout).toMatch(/failed/)
    sandbox.autotask.setOptions({ faults: { noopWriteRate: 0 } })
    const repair = keep("apply --auto-approve", await runCli(["apply", "--config", dir, "--auto-approve", "--format", "github", "--log-level", "debug"], { env: { ...env, GITHUB_STEP_SUMMARY: summaryFile } }))
    expect(repair.code, repair.stderr + repair.stdout).toBe(0)

    expect(webhookBodies.length).toBeGreaterThanOrEqual(1)
    expect(mails.length).toBeGreaterThanOrEqual(1)
    expect(webhookBodies.join("\n")).toMatch(/did not apply|not applied|ignor/i)
    produced.push(
      { where: "the plan file", text: await readFile(planFile, "utf8") },
      { where: "the PR comment file", text: await readFile(commentFile, "utf8") },
      { where: "the job summary", text: await readFile(summaryFile, "utf8") },
      { where: "the journal", text: await readTree(join(stateDir, "journal")) },
      { where: "the webhook notifications", text: webhookBodies.join("\n") },
      { where: "the e-mail notifications", text: mails.join("\n") }
    )
    assertClean([...Object.values(SECRETS), ...(await issuedTokens(stateDir))])
  })

  it("failing commands: wrong credentials, invalid refresh token, unreachable hosts", async () => {
    const base = sandboxEnv(sandbox)
    const dead = `http://127.0.0.1:${await closedPort()}`
    // A fresh token store per run, so each one has to use the refresh token.
    const fresh = async () => (await writeConfig(sandbox.realmId)).dir
    const variants: ReadonlyArray<[string, ReadonlyArray<string>, Record<string, string>, RegExp]> = [
      ["wrong Autotask secret", ["plan"], { AUTOTASK_SECRET: SECRETS.wrongAutotaskSecret }, /Autotask/],
      ["wrong integration code (apply)", ["apply", "--auto-approve"], { AUTOTASK_INTEGRATION_CODE: SECRETS.wrongIntegrationCode }, /Autotask/],
      ["invalid refresh token", ["plan"], { QBO_REFRESH_TOKEN: SECRETS.wrongRefreshToken }, /invalid_grant/],
      ["wrong QBO client secret", ["apply", "--auto-approve"], { QBO_CLIENT_SECRET: SECRETS.wrongClientSecret }, /client|QuickBooks|QBO/i],
      ["unreachable Autotask", ["plan"], { ATQBO_AUTOTASK_DISCOVERY_URL: `${dead}/atservicesrest/v1.0/zoneInformation` }, /Autotask/],
      ["unreachable QBO API", ["plan"], { ATQBO_QBO_API_URL: dead }, /QuickBooks|QBO/],
      ["unreachable QBO token endpoint", ["plan"], { ATQBO_QBO_TOKEN_URL: `${dead}/oauth2/v1/tokens/bearer` }, /QuickBooks|QBO|token/i]
    ]
    // Two at a time: the unreachable hosts cost retry waits, not CPU.
    const results = await inTurns(variants.map(([name, args, overrides]) => async () =>
      keep(name, await runCli([...args, "--config", await fresh()], { env: { ...base, ...overrides } }))), 2)
    variants.forEach(([name, , , pattern], index) => {
      const result = results[index]!
      expect(result.code, `${name}: ${result.stderr}`).toBe(1)
      expect(result.stderr, name).toMatch(/error: /)
      expect(result.stderr, name).toMatch(pattern)
    })
    assertClean(Object.values(SECRETS))
  })

  it("an access token QBO rejects as expired (it echoes the token) is not repeated in the error", async () => {
    const token = sandbox.qbo.issueAccessToken(sandbox.realmId)
    sandbox.qbo.advanceTime(2 * 3600_000)
    const layer = layerQboReader({ realmId: sandbox.realmId, apiBaseUrl: sandbox.qbo.baseUrl, retry: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 2 } }).pipe(
      Layer.provide(Layer.merge(layerQboAuthStatic(sandbox.realmId, token), NodeHttpClient.layerUndici))
    )
    const result = await Effect.runPromise(
      Effect.result(
        Effect.gen(function*() {
          const qbo = yield* QboReader
          return yield* qbo.companyInfo
        }).pipe(Effect.provide(layer))
      )
    )
    expect(result._tag).toBe("Failure")
    const echoed = sandbox.qbo.requests.filter((entry) => entry.status === 401)
    expect(echoed.length).toBeGreaterThan(0)
    const error = result._tag === "Failure" ? result.failure : undefined
    expect(String((error as { message?: string }).message)).toMatch(/401|access token/)
    expect(JSON.stringify(error)).not.toContain(token)
    expect(String((error as { message?: string }).message)).not.toContain(token)
  })
})
