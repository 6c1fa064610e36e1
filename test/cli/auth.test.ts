/**
 * `atqbo auth qbo` end to end against the QBO simulator's authorize endpoint (which consents
 * at once and redirects): consent URL → loopback callback → code exchange → token store →
 * CompanyInfo. Then `atqbo doctor` on the live code path reads that token store.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { readFile, stat } from "node:fs/promises"
import * as path from "node:path"
import type { Check } from "../../src/onboarding/doctorChecks.ts"
import { startSandbox } from "../../src/sandbox/sandbox.ts"
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
})
