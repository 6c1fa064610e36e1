/**
 * `atqbo sandbox` end to end over loopback: the simulators in one child process, `atqbo plan`
 * in another with nothing but the printed `export` lines, then Ctrl-C (SIGINT) for a clean stop.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { mkdir, stat, writeFile } from "node:fs/promises"
import * as path from "node:path"
import { sandboxCompanies } from "../../src/cli/sandbox.ts"
import { AUTOTASK_DEFAULTS, QBO_DEFAULTS } from "../../src/config/defaults.ts"
import { tokenStorePath } from "../../src/onboarding/environment.ts"
import { writeDataset } from "./dataset.ts"
import { atqbo, parseExports, spawnAtqbo, stop, withTempDir, writeScaffold } from "./helpers.ts"

describe("the companies `atqbo sandbox` prints variables for", () => {
  const qbo = (realmId: string | undefined, refreshTokenEnv: string) => ({ ...QBO_DEFAULTS, realmId, refreshTokenEnv })
  const connection = (name: string, realmId?: string) => ({ name, config: { qbo: qbo(realmId, `QBO_${name.toUpperCase()}_REFRESH_TOKEN`) } })
  const names = (connections: ReadonlyArray<ReturnType<typeof connection>>, realmId?: string) => ({ autotask: AUTOTASK_DEFAULTS, qbo: qbo(realmId, "QBO_REFRESH_TOKEN"), connections })
  const pairs = (realmIds: ReadonlyArray<string>, given: ReturnType<typeof names>) =>
    sandboxCompanies(realmIds, given).map((company) => [company.connection, company.realmId, company.qbo.refreshTokenEnv])

  it("gives a connection the company it names, the others the companies nobody names, in dataset order", () => {
    assert.deepStrictEqual(pairs(["1", "2", "3"], names([connection("us"), connection("ca", "1"), connection("mx")])), [
      ["us", "2", "QBO_US_REFRESH_TOKEN"],
      ["ca", "1", "QBO_CA_REFRESH_TOKEN"],
      ["mx", "3", "QBO_MX_REFRESH_TOKEN"]
    ])
    assert.deepStrictEqual(pairs(["1"], names([connection("us", "9"), connection("ca"), connection("mx")])), [
      ["us", undefined, "QBO_US_REFRESH_TOKEN"],
      ["ca", "1", "QBO_CA_REFRESH_TOKEN"],
      ["mx", undefined, "QBO_MX_REFRESH_TOKEN"]
    ], "a company the sandbox lacks, and none left over")
  })

  it("without connections, the configuration's qbo gets its own realmId's company, else the first", () => {
    assert.deepStrictEqual(pairs(["1", "2"], names([])), [[undefined, "1", "QBO_REFRESH_TOKEN"]])
    assert.deepStrictEqual(pairs(["1", "2"], names([], "2")), [[undefined, "2", "QBO_REFRESH_TOKEN"]])
  })
})

describe("ATQBO_QBO_TOKEN_STORE", () => {
  const withOverride = <A>(value: string | undefined, use: () => A): A => {
    const saved = process.env["ATQBO_QBO_TOKEN_STORE"]
    if (value === undefined) delete process.env["ATQBO_QBO_TOKEN_STORE"]
    else process.env["ATQBO_QBO_TOKEN_STORE"] = value
    try {
      return use()
    } finally {
      if (saved === undefined) delete process.env["ATQBO_QBO_TOKEN_STORE"]
      else process.env["ATQBO_QBO_TOKEN_STORE"] = saved
    }
  }
  const us = { ...QBO_DEFAULTS, tokenStore: ".atqbo/qbo-us.json" }

  it("names one store for every company, or (ending in /) a directory with one store per company", () => {
    assert.strictEqual(withOverride(undefined, () => tokenStorePath(us, "1")), ".atqbo/qbo-us.json")
    assert.strictEqual(withOverride("/tmp/one.json", () => tokenStorePath(us, "1")), "/tmp/one.json")
    assert.deepStrictEqual(withOverride("tokens/", () => [tokenStorePath(us, "1"), tokenStorePath(us, "2"), tokenStorePath(us, undefined)]), [
      path.join("tokens", "1.json"),
      path.join("tokens", "2.json"),
      path.join("tokens", "qbo-us.json")
    ])
  })
})

describe("atqbo sandbox", () => {
  it.live("prints URLs, credentials and export lines that a separate `plan` runs against; stops cleanly on SIGINT", () =>
    withTempDir((cwd) =>
      Effect.gen(function*() {
        const data = yield* Effect.promise(() => writeDataset(path.join(cwd, "data")))
        const second = "4620816365212676460" // a second company: its own credentials are printed too
        yield* Effect.promise(() => mkdir(path.join(data, "qbo", second)).then(() => writeFile(path.join(data, "qbo", second, "Item.json"), "[]")))
        yield* writeScaffold(path.join(cwd, "cfg"))
        const server = yield* Effect.acquireRelease(
          Effect.sync(() => spawnAtqbo(["sandbox", "--data", data, "--config", "cfg"], { cwd })),
          (running) => Effect.promise(() => stop(running))
        )
        yield* Effect.promise(() => server.waitFor(/^export QBO_REALM_ID=\d+$/m, "stdout"))
        const autotaskUrl = server.stdout.match(/^ {2}Autotask REST API +(http:\/\/127\.0\.0\.1:\d+\/)$/m)?.[1]
        const qboUrl = server.stdout.match(/^ {2}QBO API +(http:\/\/127\.0\.0\.1:\d+)$/m)?.[1]
        assert.isDefined(autotaskUrl, server.stdout)
        assert.isDefined(qboUrl, server.stdout)
        assert.include(server.stdout, `with ${data}. Press Ctrl-C to stop.`)

        const env = parseExports(server.stdout)
        assert.deepStrictEqual(Object.keys(env).sort(), [
          "ATQBO_AUTOTASK_DISCOVERY_URL",
          "ATQBO_QBO_API_URL",
          "ATQBO_QBO_AUTHORIZE_URL",
          "ATQBO_QBO_TOKEN_STORE",
          "ATQBO_QBO_TOKEN_URL",
          "AUTOTASK_INTEGRATION_CODE",
          "AUTOTASK_SECRET",
          "AUTOTASK_USERNAME",
          "QBO_CLIENT_ID",
          "QBO_CLIENT_SECRET",
          "QBO_REALM_ID",
          "QBO_REFRESH_TOKEN"
        ])
        assert.strictEqual(env["ATQBO_QBO_API_URL"], qboUrl)
        assert.isTrue(env["ATQBO_AUTOTASK_DISCOVERY_URL"]!.startsWith(autotaskUrl!))
        assert.strictEqual(env["ATQBO_QBO_TOKEN_STORE"], ".atqbo/sandbox-qbo-tokens/")
        const tokens = [...server.stdout.matchAll(/^ {2}QBO company (\d+) {2}refresh token (\S+)$/gm)].map((match) => [match[1], match[2]])
        assert.deepStrictEqual(tokens.map(([realm]) => realm), [env["QBO_REALM_ID"], second])
        assert.strictEqual(tokens[0]![1], env["QBO_REFRESH_TOKEN"])
        assert.notStrictEqual(tokens[1]![1], env["QBO_REFRESH_TOKEN"], "each company has its own refresh token")

        // A real end to end: a separate process, live code paths (zone discovery, OAuth refresh), loopback only.
        const plan = yield* atqbo(["plan", "--config", "cfg"], { cwd, env })
        assert.strictEqual(plan.code, 0, plan.stderr)
        assert.match(plan.stdout, /^atqbo plan · QBO company \d+ · invoices dated/m)
        assert.match(plan.stdout, /^Plan: 5 invoices, 4 customers to create; 5 write-backs; 0 errors; 3 warnings\.$/m)
        const store = yield* Effect.promise(() => stat(path.join(cwd, ".atqbo", "sandbox-qbo-tokens", `${env["QBO_REALM_ID"]}.json`)))
        assert.strictEqual(store.mode & 0o777, 0o600, "the refreshed token went to the company's sandbox token store")
        const real = yield* Effect.promise(() => stat(path.join(cwd, ".atqbo", "qbo-token.json")).then(() => true, () => false))
        assert.isFalse(real, "the real token store is untouched")

        server.child.kill("SIGINT")
        const exit = yield* Effect.promise(() => server.exited)
        assert.deepStrictEqual(exit, { code: 0, signal: null }, server.stderr)
        assert.match(server.stderr, /Received SIGINT; stopping the simulators/)
        assert.match(server.stderr, /Stopped: served [1-9]\d* Autotask and [1-9]\d* QBO requests; both simulators are closed\./)
        const closed = yield* Effect.promise(() => fetch(qboUrl!).then(() => false, () => true))
        assert.isTrue(closed, "the QBO port no longer answers")
      })
    ))
})
