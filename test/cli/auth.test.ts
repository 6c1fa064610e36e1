/**
 * `atqbo auth qbo` end to end against the QBO simulator's authorize endpoint (which consents
 * at once and redirects): consent URL → loopback callback → code exchange → token store →
 * CompanyInfo. Then `atqbo doctor` on the live code path reads that token store.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { access, readFile, stat } from "node:fs/promises"
import * as path from "node:path"
import type { Check } from "../../src/onboarding/doctorChecks.ts"
import { startSandbox } from "../../src/sandbox/sandbox.ts"
import { writeConfig } from "../support/cli.ts"
import { CA, connections, dataset, US } from "../support/companies.ts"
import { writeDataset } from "./dataset.ts"
import { atqbo, spawnAtqbo, stop, withTempDir, writeScaffold } from "./helpers.ts"

const STORE = "secrets/qbo-token.json"

describe("atqbo auth qbo", () => {
  it.live("connects through the loopback callback, stores the token 0600, verifies the company and never prints a secret", () =>
    withTempDir((cwd) =>
      Effect.gen(function*() {
        const data = yield* Effect.promise(() => writeDataset(path.join(cwd, "data")))
        yield* writeScaffold(path.join(cwd, "cfg"))
        const sandbox = yield* Effect.acquireRelease(
          Effect.promise(() => startSandbox({ dataDir: data, host: "127.0.0.1" })),
          (started) => Effect.promise(() => started.close())
        )
        const oauth = sandbox.qbo.oauth
        const env = {
          QBO_CLIENT_ID: oauth.clientId,
          QBO_CLIENT_SECRET: oauth.clientSecret,
          ATQBO_QBO_AUTHORIZE_URL: sandbox.qbo.authorizeUrl,
          ATQBO_QBO_TOKEN_URL: sandbox.qbo.tokenUrl,
          ATQBO_QBO_API_URL: sandbox.qbo.baseUrl,
          ATQBO_QBO_TOKEN_STORE: STORE
        }
        const spawnAuth = Effect.acquireRelease(
          Effect.sync(() => spawnAtqbo(["auth", "qbo", "--config", "cfg", "--port", "0", "--no-open"], { cwd, env })),
          (running) => Effect.promise(() => stop(running))
        )

        // 1. The happy path, exactly as a browser would walk it.
        const auth = yield* spawnAuth
        const [, printed] = yield* Effect.promise(() => auth.waitFor(/^ {2}(http\S+)$/m, "stderr"))
        const consent = new URL(printed!)
        assert.strictEqual(`${consent.origin}${consent.pathname}`, sandbox.qbo.authorizeUrl)
        assert.strictEqual(consent.searchParams.get("client_id"), oauth.clientId)
        assert.strictEqual(consent.searchParams.get("response_type"), "code")
        assert.strictEqual(consent.searchParams.get("scope"), "com.intuit.quickbooks.accounting")
        assert.match(consent.searchParams.get("redirect_uri")!, /^http:\/\/localhost:\d+\/callback$/)
        assert.match(consent.searchParams.get("state")!, /^[\w-]{32}$/)
        const page = yield* Effect.promise(() => fetch(consent).then(async (response) => ({ status: response.status, text: await response.text() })))
        assert.strictEqual(page.status, 200, page.text)
        assert.include(page.text, "atqbo is connected to QuickBooks")
        const exit = yield* Effect.promise(() => auth.exited)
        assert.strictEqual(exit.code, 0, auth.stderr)
        assert.include(auth.stdout, `Connected to QuickBooks company "Sandbox Company_US_1" (realm ${sandbox.realmId}).`)
        assert.include(auth.stdout, `Stored the refresh token in ${STORE} (mode 0600`)
        assert.include(auth.stdout, `add \`realmId: "${sandbox.realmId}"\` under \`qbo:\``)

        const file = path.join(cwd, STORE)
        assert.strictEqual((yield* Effect.promise(() => stat(file))).mode & 0o777, 0o600)
        const record = JSON.parse(yield* Effect.promise(() => readFile(file, "utf8"))) as { realmId: string; refreshToken: string; accessToken: string; refreshTokenExpiresAt: string }
        assert.strictEqual(record.realmId, sandbox.realmId)
        assert.isTrue(sandbox.qbo.isRefreshTokenValid(record.refreshToken))
        assert.isString(record.refreshTokenExpiresAt)
        const secrets = [record.refreshToken, record.accessToken, oauth.clientSecret]
        for (const secret of secrets) {
          assert.notInclude(auth.stdout, secret)
          assert.notInclude(auth.stderr, secret)
        }

        // 2. doctor, live code path, reads the stored token and its expiry.
        const credentials = sandbox.autotask.credentials
        const doctor = yield* atqbo(["doctor", "--config", "cfg", "--format", "json"], {
          cwd,
          env: {
            ...env,
            QBO_REALM_ID: sandbox.realmId,
            ATQBO_AUTOTASK_DISCOVERY_URL: sandbox.autotask.discoveryUrl,
            AUTOTASK_USERNAME: credentials.username,
            AUTOTASK_SECRET: credentials.secret,
            AUTOTASK_INTEGRATION_CODE: credentials.integrationCode
          }
        })
        const checks = (JSON.parse(doctor.stdout) as { checks: ReadonlyArray<Check> }).checks
        const byId = (id: string) => checks.find((check) => check.id === id)!
        assert.strictEqual(byId("credentials").status, "pass", doctor.stdout)
        assert.strictEqual(byId("autotask.zone").status, "pass")
        assert.strictEqual(byId("qbo.company").status, "pass")
        assert.strictEqual(byId("qbo.tokenStore").status, "pass")
        assert.match(byId("qbo.tokenStore").detail, new RegExp(`^${STORE} holds a refresh token for company ${sandbox.realmId}, valid until \\d{4}-\\d{2}-\\d{2} \\(\\d+ days; extended on each run\\)\\.$`))
        for (const secret of [...secrets, credentials.secret, credentials.integrationCode]) {
          assert.notInclude(doctor.stdout, secret)
          assert.notInclude(doctor.stderr, secret)
        }

        // 3. A callback with another state is refused and stores nothing.
        const before = yield* Effect.promise(() => readFile(file, "utf8"))
        const forged = yield* spawnAuth
        const [, second] = yield* Effect.promise(() => forged.waitFor(/^ {2}(http\S+)$/m, "stderr"))
        const callback = new URL(new URL(second!).searchParams.get("redirect_uri")!)
        callback.search = new URLSearchParams({ code: "AB11forged", state: "not-this-run", realmId: sandbox.realmId }).toString()
        const refused = yield* Effect.promise(() => fetch(callback).then((response) => response.status))
        assert.strictEqual(refused, 400)
        assert.strictEqual((yield* Effect.promise(() => forged.exited)).code, 1)
        assert.include(forged.stderr, "did not carry this run's state, so it was rejected")
        assert.strictEqual(yield* Effect.promise(() => readFile(file, "utf8")), before)
      })
    ))

  it.live("with connections, --connection picks the company: its token lands in that connection's store only; the others are refused", () =>
    withTempDir((cwd) =>
      Effect.gen(function*() {
        const sandbox = yield* Effect.acquireRelease(
          Effect.promise(async () => startSandbox({ dataDir: await dataset(), host: "127.0.0.1" })),
          (started) => Effect.promise(() => started.close())
        )
        const base = yield* Effect.promise(() => writeConfig(US))
        const config = yield* Effect.promise(() => writeConfig(US, { top: connections(base.stateDir) }))
        const env = {
          QBO_CLIENT_ID: sandbox.qbo.oauth.clientId,
          QBO_CLIENT_SECRET: sandbox.qbo.oauth.clientSecret,
          ATQBO_QBO_AUTHORIZE_URL: sandbox.qbo.authorizeUrl,
          ATQBO_QBO_TOKEN_URL: sandbox.qbo.tokenUrl,
          ATQBO_QBO_API_URL: sandbox.qbo.baseUrl
        }
        const store = (name: string) => path.join(base.stateDir, name)
        const missing = (file: string) => Effect.promise(() => access(file).then(() => false, () => true))
        // The simulator's consent page takes the company to "choose" as realmId.
        const signIn = (connection: string, realmId: string) =>
          Effect.gen(function*() {
            const auth = yield* Effect.acquireRelease(
              Effect.sync(() => spawnAtqbo(["auth", "qbo", "--config", config.dir, "--connection", connection, "--port", "0", "--no-open"], { cwd, env })),
              (running) => Effect.promise(() => stop(running))
            )
            const [, printed] = yield* Effect.promise(() => auth.waitFor(/^ {2}(http\S+)$/m, "stderr"))
            const consent = new URL(printed!)
            consent.searchParams.set("realmId", realmId)
            yield* Effect.promise(() => fetch(consent).then((response) => response.text()))
            const exit = yield* Effect.promise(() => auth.exited)
            return { code: exit.code, stdout: auth.stdout, stderr: auth.stderr }
          })

        // Connection canada's company, into connection canada's store and nowhere else.
        const canada = yield* signIn("canada", CA)
        assert.strictEqual(canada.code, 0, canada.stderr)
        assert.include(canada.stderr, "Connect atqbo (connection canada) to QuickBooks Online")
        assert.include(canada.stdout, `Connected to QuickBooks company "Northwind Canada" (realm ${CA}) for connection canada.`)
        assert.include(canada.stdout, `Stored the refresh token in ${store("qbo-ca.json")}`)
        assert.include(canada.stdout, "store the refresh token of connection canada as the secret QBO_CA_REFRESH_TOKEN")
        assert.notInclude(canada.stdout, "Tell atqbo which company to use", "the connection configures its realm id")
        assert.include(canada.stdout, `atqbo doctor --config ${config.dir} --connection canada`)
        const record = JSON.parse(yield* Effect.promise(() => readFile(store("qbo-ca.json"), "utf8"))) as { realmId: string; refreshToken: string }
        assert.strictEqual(record.realmId, CA)
        assert.isTrue(sandbox.qbo.isRefreshTokenValid(record.refreshToken))
        assert.isTrue(yield* missing(store("qbo-us.json")), "nothing written to the other connection's store")
        assert.isTrue(yield* missing(store("qbo-token.json")), "nor to the top-level store")

        // The wrong company for the connection: refused against the connection's own realm id.
        const wrong = yield* signIn("us", CA)
        assert.strictEqual(wrong.code, 1)
        assert.include(wrong.stderr, `You connected QBO company ${CA}, but connection us uses company ${US} (realmId under \`qbo:\` of connection us, or QBO_REALM_ID); nothing was stored. Run \`atqbo auth qbo --connection us\` again`)
        assert.isTrue(yield* missing(store("qbo-us.json")))

        // No company named, a misspelt one, and --connection without connections: refused before any sign-in.
        const refusals = [
          [["--config", config.dir], "atqbo.yaml defines connections us, canada: say which company with --connection NAME"],
          [["--config", config.dir, "--connection", "canda"], "--connection canda: no such connection in atqbo.yaml (connections: us, canada); did you mean canada?"],
          [["--config", base.dir, "--connection", "us"], "--connection us: atqbo.yaml defines no connections (a single QBO company)"]
        ] as const
        for (const [args, message] of refusals) {
          const refused = yield* atqbo(["auth", "qbo", ...args, "--port", "0", "--no-open", "--timeout", "1"], { cwd, env })
          assert.strictEqual(refused.code, 1, refused.stderr)
          assert.include(refused.stderr, message)
          assert.notInclude(refused.stderr, "http", "no consent URL was offered")
        }
      })
    ))
})
