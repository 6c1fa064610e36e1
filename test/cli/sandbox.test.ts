/**
 * `atqbo sandbox` end to end over loopback: the simulators in one child process, `atqbo plan`
 * in another with nothing but the printed `export` lines, then Ctrl-C (SIGINT) for a clean stop.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { stat } from "node:fs/promises"
import * as path from "node:path"
import { writeDataset } from "./dataset.ts"
import { atqbo, parseExports, spawnAtqbo, stop, withTempDir, writeScaffold } from "./helpers.ts"

describe("atqbo sandbox", () => {
  it.live("prints URLs, credentials and export lines that a separate `plan` runs against; stops cleanly on SIGINT", () =>
    withTempDir((cwd) =>
      Effect.gen(function*() {
        const data = yield* Effect.promise(() => writeDataset(path.join(cwd, "data")))
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
        assert.strictEqual(env["ATQBO_QBO_TOKEN_STORE"], ".atqbo/sandbox-qbo-token.json")

        // A real end to end: a separate process, live code paths (zone discovery, OAuth refresh), loopback only.
        const plan = yield* atqbo(["plan", "--config", "cfg"], { cwd, env })
        assert.strictEqual(plan.code, 0, plan.stderr)
        assert.match(plan.stdout, /^atqbo plan · QBO company \d+ · invoices dated/m)
        assert.match(plan.stdout, /^Plan: 5 invoices, 4 customers to create; 5 write-backs; 0 errors; 3 warnings\.$/m)
        const store = yield* Effect.promise(() => stat(path.join(cwd, ".atqbo", "sandbox-qbo-token.json")))
        assert.strictEqual(store.mode & 0o777, 0o600, "the refreshed token went to the sandbox token store")
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
    ), 40_000)
})
