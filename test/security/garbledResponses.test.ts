/**
 * A 200 answer whose body is not JSON (a proxy's error page, a cut-off response) is reported
 * as exactly that by both clients — not as an HTTP error status nobody sent.
 */
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import { AutotaskReader } from "../../src/autotask/AutotaskClient.ts"
import { AutotaskClientLive } from "../../src/autotask/AutotaskClientLive.ts"
import { layerQboAuthStatic } from "../../src/qbo/auth/QboAuth.ts"
import { QboReader } from "../../src/qbo/QboClient.ts"
import { layerQboClient } from "../../src/qbo/QboClientLive.ts"

const GARBLED = "<html><body>Service Unavail"

let served = 0

/** A loopback server that answers every request 200 with a body that is not JSON. */
const garbledServer = Effect.acquireRelease(
  Effect.promise(() =>
    new Promise<Server>((resolve) => {
      const server = createServer((_, response) => {
        served += 1
        response.writeHead(200, { "content-type": "application/json" })
        response.end(GARBLED)
      })
      server.listen(0, "127.0.0.1", () => resolve(server))
    })
  ),
  (server) => Effect.promise(() => new Promise<void>((resolve) => server.close(() => resolve())))
).pipe(Effect.map((server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}`))

describe("garbled 200 responses", () => {
  it.live("QBO: sent again like a lost answer, then named as a 200 that is not JSON, with what came back", () =>
    Effect.gen(function*() {
      const base = yield* garbledServer
      served = 0
      const layer = layerQboClient({ realmId: "1", apiBaseUrl: base, retry: { baseDelayMs: 1, maxDelayMs: 2, maxAttempts: 3, throttleWaitMs: 1 } }).pipe(
        Layer.provide(layerQboAuthStatic("1", "x".repeat(40))),
        Layer.provide(NodeHttpClient.layerUndici)
      )
      const error = yield* Effect.flip(QboReader.use((reader) => reader.queryAll("Item")).pipe(Effect.provide(layer)))
      assert.strictEqual(error._tag === "QboError" ? error.kind : error._tag, "unexpected-response")
      assert.match(error.message, /HTTP 200 with a body that is not JSON \("<html><body>Service Unavail"\)/)
      assert.notMatch(error.message, /HTTP 400/)
      assert.strictEqual(served, 3, "a read is sent again (maxAttempts 3), as after a lost answer")
    }))

  it.live("Autotask: named as a 200 that is not JSON, with what came back", () =>
    Effect.gen(function*() {
      const base = yield* garbledServer
      const layer = AutotaskClientLive.layer({
        credentials: { username: "api@example.com", secret: Redacted.make("s"), integrationCode: Redacted.make("c"), impersonationResourceId: undefined, source: undefined },
        discoveryUrl: base,
        zoneUrl: `${base}/ATServicesRest/`,
        retry: { baseDelayMs: 1, maxDelayMs: 2, maxAttempts: 3 }
      })
      const error = yield* Effect.flip(AutotaskReader.use((reader) => reader.query("Invoices", [{ op: "exist", field: "id" }])).pipe(Effect.provide(layer)))
      assert.strictEqual(error._tag, "AutotaskError")
      assert.match(error.message, /\(HTTP 200\) with a response atqbo does not understand: invalid JSON: <html><body>Service Unavail/)
    }))
})
