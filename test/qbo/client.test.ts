/**
 * The live client against the simulator: hostile names through create and query, error
 * sentences, paging and IN chunking, batch outcomes, replay after a lost response, retries
 * (429 storms, 5xx, transient 6000) with the same requestid, no retry of validation faults,
 * and the client-side budgets (concurrency, requests per minute).
 */
import { NodeHttpClient } from "@effect/platform-node"
import { assert, describe, it } from "@effect/vitest"
import { Context, Effect, Layer } from "effect"
import { layerQboAuthStatic } from "../../src/qbo/auth/QboAuth.ts"
import type { QboCustomer, QboInvoice, QboItem } from "../../src/qbo/model.ts"
import { layerQboClient, layerQboReader } from "../../src/qbo/QboClientLive.ts"
import { qboString, QboReader, QboWriter } from "../../src/qbo/QboClient.ts"
import type { JsonObject, QboSimOptionsInput, QboSimulator } from "../../src/sandbox/qbo/index.ts"
import { baseRealm, clientLayer, clientOptions, invoiceBody, OTHER_REALM, REALM, startSim } from "./helpers.ts"

/** A simulator for one test, closed with the test's scope. */
const simulator = (realmData = baseRealm(), options: QboSimOptionsInput = {}, extraRealms = {}) =>
  Effect.acquireRelease(
    Effect.promise(() => startSim({ [REALM]: realmData, ...extraRealms }, options)),
    (sim) => Effect.promise(() => sim.close())
  )

/** Reader and writer for `sim`, built in the test's scope. */
const client = (sim: QboSimulator, overrides: Parameters<typeof clientLayer>[1] = {}) =>
  Effect.map(Layer.build(clientLayer(sim, overrides)), (context) => ({ reader: Context.get(context, QboReader), writer: Context.get(context, QboWriter) }))

const HOSTILE = ["O'Brien \\ Sons", "50% Off", "“Smart” quotes", "Café 🚀 Ltd", "a' OR '1'='1", "Back\\slash\\'quote"]

describe("QBO client", () => {
  it.live("hostile names round-trip through create, exact query and queryIn", () =>
    Effect.gen(function*() {
      const sim = yield* simulator()
      const { reader, writer } = yield* client(sim)
      for (const [index, name] of HOSTILE.entries()) {
        const created = yield* writer.create<QboCustomer>("Customer", { DisplayName: name }, `cust-${index}`)
        assert.strictEqual(created.DisplayName, name)
        const item = yield* writer.create<QboItem>("Item", { Name: name, Type: "Service", IncomeAccountRef: { value: "1" } }, `item-${index}`)
        assert.strictEqual(item.Name, name)
      }
      for (const name of HOSTILE) {
        const rows = yield* reader.queryAll<QboCustomer>("Customer", `DisplayName = ${qboString(name)}`)
        assert.deepStrictEqual(rows.map((row) => row.DisplayName), [name], name)
      }
      const customers = yield* reader.queryIn<QboCustomer>("Customer", "DisplayName", [...HOSTILE, "Nobody"])
      assert.deepStrictEqual(customers.map((c) => c.DisplayName).sort(), [...HOSTILE].sort())
      const items = yield* reader.queryIn<QboItem>("Item", "Name", HOSTILE, "Active IN (true,false)")
      assert.strictEqual(items.length, HOSTILE.length)
      assert.strictEqual(sim.store(REALM).list("Customer").length, 2 + HOSTILE.length, "no injection created or matched extra rows")
    }))

  it.live("a colon name is rejected with a clear message; a duplicate name names the namespace", () =>
    Effect.gen(function*() {
      const sim = yield* simulator()
      const { writer } = yield* client(sim)
      const colon = yield* Effect.flip(writer.create("Customer", { DisplayName: "Acme: East" }, "colon-1"))
      assert.strictEqual(colon._tag, "QboError")
      if (colon._tag !== "QboError") return
      assert.strictEqual(colon.kind, "validation")
      assert.strictEqual(colon.code, "6000")
      assert.strictEqual(colon.element, "DisplayName")
      assert.match(colon.message, /^create Customer failed: QuickBooks rejected the change \(field DisplayName\): DisplayName can't contain a colon \(:\), tab or new line/)
      assert.match(colon.message, /\[QBO 6000\] \(intuit_tid [0-9a-f-]{36}\)$/)
      assert.match(colon.intuitTid ?? "", /^[0-9a-f-]{36}$/)
      assert.strictEqual(sim.counts()["POST /customer"], 1, "validation faults are not retried")

      const duplicate = yield* Effect.flip(writer.create("Customer", { DisplayName: "books by bessie" }, "dup-1"))
      assert.strictEqual(duplicate._tag === "QboError" && duplicate.code, "6240")
      assert.include(duplicate.message, "the name is already used by a customer, vendor or employee (maybe inactive)")
      const duplicateItem = yield* Effect.flip(writer.create("Item", { Name: "LABOR", Type: "Service", IncomeAccountRef: { value: "1" } }, "dup-2"))
      assert.include(duplicateItem.message, "another product or service")
    }))

  it.live("validation faults carry code, detail and element and are not retried", () =>
    Effect.gen(function*() {
      const sim = yield* simulator()
      const { writer } = yield* client(sim)
      const error = yield* Effect.flip(writer.create("Invoice", invoiceBody({ CustomerRef: { value: "999" } }), "inv-bad"))
      assert.strictEqual(error._tag, "QboError")
      if (error._tag !== "QboError") return
      assert.strictEqual(error.kind, "validation")
      assert.strictEqual(error.code, "610")
      assert.strictEqual(error.element, "CustomerRef")
      assert.strictEqual(error.status, 400)
      assert.strictEqual(error.operation, "create Invoice")
      assert.include(error.detail ?? "", "Object Not Found")
      assert.strictEqual(sim.counts()["POST /invoice"], 1)
      const stale = yield* Effect.flip(writer.update("Customer", { Id: "1", SyncToken: "7", sparse: true, CompanyName: "x" }, "upd-stale"))
      assert.strictEqual(stale._tag === "QboError" && stale.kind, "stale")
      const tooLong = yield* Effect.flip(writer.create("Customer", { DisplayName: "x" }, "r".repeat(51)))
      assert.include(tooLong.message, "QBO allows 50")
      assert.strictEqual(sim.counts()["POST /customer"], 1, "an over-long requestid never reaches QBO")
    }))

  it.live("pages queryAll by 1000 ordered by Id, chunks queryIn, counts", () =>
    Effect.gen(function*() {
      const items: Array<JsonObject> = Array.from({ length: 2300 }, (_, i) => ({
        Id: String(i + 10),
        Name: `Item ${String(i).padStart(4, "0")}`,
        Type: "NonInventory",
        Active: i % 100 !== 0
      }))
      const sim = yield* simulator(baseRealm({ Item: items }))
      const { reader } = yield* client(sim, { inChunk: { maxValues: 400 } })
      const all = yield* reader.queryAll<QboItem>("Item", "Active IN (true,false)")
      assert.strictEqual(all.length, 2300)
      assert.deepStrictEqual(all.slice(0, 3).map((i) => i.Id), ["10", "11", "12"])
      assert.strictEqual(sim.counts()["POST /query Item"], 3)
      const statements = sim.requests.filter((r) => r.key === "POST /query Item")
      assert.strictEqual(statements.length, 3)

      sim.resetStats()
      const names = items.slice(0, 1000).map((i) => String(i["Name"]))
      const found = yield* reader.queryIn<QboItem>("Item", "Name", [...names, ...names.slice(0, 10)])
      assert.strictEqual(found.length, 990, "inactive items excluded by default; duplicates asked once")
      assert.strictEqual(sim.counts()["POST /query Item"], 3, "1000 distinct values in chunks of 400")
      assert.deepStrictEqual(yield* reader.queryIn("Item", "Name", []), [], "no values, no request")
      assert.strictEqual(sim.counts()["POST /query Item"], 3)

      assert.strictEqual(yield* reader.count("Item"), 2277)
      assert.strictEqual(yield* reader.count("Invoice"), 0)
      const page = yield* reader.queryPage<QboItem>("SELECT * FROM Item WHERE Name = 'Item 0001'")
      assert.deepStrictEqual([page.rows.length, page.startPosition, page.maxResults], [1, 1, 1])
    }))

  it.live("reads entities, preferences and company info", () =>
    Effect.gen(function*() {
      const sim = yield* simulator(baseRealm({ Preferences: { SalesFormsPrefs: { CustomTxnNumbers: true } } }))
      const { reader } = yield* client(sim)
      const customer = yield* reader.read<QboCustomer>("Customer", "1")
      assert.strictEqual(customer.DisplayName, "Amy's Bird Sanctuary")
      assert.strictEqual((yield* reader.preferences).SalesFormsPrefs?.CustomTxnNumbers, true)
      assert.strictEqual((yield* reader.companyInfo).Country, "US")
      const missing = yield* Effect.flip(reader.read("Invoice", "404"))
      assert.strictEqual(missing._tag === "QboError" && missing.code, "610")
      assert.strictEqual(sim.requests.every((r) => r.minorVersion === "75"), true, "minorversion=75 on every call")
    }))

  it.live("update, void and send go through with the caller's requestid", () =>
    Effect.gen(function*() {
      const sim = yield* simulator()
      const { writer } = yield* client(sim)
      const invoice = yield* writer.create<QboInvoice>("Invoice", invoiceBody({ PrivateNote: "[atqbo:autotask-invoice=1]" }), "inv-c")
      const updated = yield* writer.update<QboInvoice>("Invoice", { Id: invoice.Id, SyncToken: invoice.SyncToken, sparse: true, CustomerMemo: { value: "Thanks" } }, "inv-u")
      assert.strictEqual(updated.SyncToken, "1")
      const sent = yield* writer.send<QboInvoice>(invoice.Id, undefined, "inv-s")
      assert.strictEqual(sent.EmailStatus, "EmailSent")
      const voided = yield* writer.void<QboInvoice>("Invoice", { Id: sent.Id, SyncToken: sent.SyncToken }, "inv-v")
      assert.strictEqual(voided.TotalAmt, 0)
      assert.strictEqual(voided.PrivateNote, "Voided - [atqbo:autotask-invoice=1]")
      assert.deepStrictEqual(
        sim.requests.map((r) => r.requestId),
        ["inv-c", "inv-u", "inv-s", "inv-v"]
      )
      const noId = yield* Effect.flip(writer.update("Invoice", { sparse: true }, "inv-x"))
      assert.include(noId.message, "Id and SyncToken")
    }))

  it.live("batch: per-item outcomes correlated by bId; over-long ids refused before sending", () =>
    Effect.gen(function*() {
      const sim = yield* simulator()
      const { writer } = yield* client(sim)
      const results = yield* writer.batch(
        [
          { bId: "a", operation: "create", entity: "Customer", body: { DisplayName: "Batch A" } },
          { bId: "b", operation: "create", entity: "Customer", body: { DisplayName: "Emily Platt" } },
          { bId: "c", operation: "create", entity: "Invoice", body: invoiceBody() },
          { bId: "d", operation: "update", entity: "Customer", body: { Id: "1", SyncToken: "3", sparse: true, CompanyName: "x" } }
        ],
        "batch-1"
      )
      assert.deepStrictEqual(results.map((r) => [r.bId, r.ok]), [["a", true], ["b", false], ["c", true], ["d", false]])
      const [a, b, , d] = results
      assert.strictEqual(a?.ok === true && a.entity["DisplayName"], "Batch A")
      assert.strictEqual(b?.ok === false && b.fault.Error[0]?.code, "6240")
      assert.strictEqual(d?.ok === false && d.fault.Error[0]?.code, "5010")
      const tooLong = yield* Effect.flip(
        writer.batch([{ bId: "x".repeat(20), operation: "create", entity: "Customer", body: { DisplayName: "Y" } }], "r".repeat(31))
      )
      assert.include(tooLong.message, "QBO allows 50")
      const tooMany = yield* Effect.flip(
        writer.batch(Array.from({ length: 31 }, (_, i) => ({ bId: String(i), operation: "create" as const, entity: "Customer" as const, body: { DisplayName: `N${i}` } })), "b")
      )
      assert.include(tooMany.message, "at most 30 items")
      assert.strictEqual(sim.counts()["POST /batch"], 1)
    }))

  it.live("a response lost after the commit is retried with the same requestid and replays the original", () =>
    Effect.gen(function*() {
      const sim = yield* simulator()
      const { writer } = yield* client(sim)
      sim.injectFault({ kind: "loseResponse", match: { path: "/invoice" } })
      const invoice = yield* writer.create<QboInvoice>("Invoice", invoiceBody(), "crash-1")
      assert.strictEqual(sim.store(REALM).list("Invoice").length, 1, "no duplicate")
      assert.strictEqual(invoice.Id, sim.store(REALM).list("Invoice")[0]?.["Id"])
      const posts = sim.requests.filter((r) => r.key === "POST /invoice")
      assert.deepStrictEqual(posts.map((r) => [r.requestId, r.outcome]), [["crash-1", "lost"], ["crash-1", "replayed"]])

      sim.injectFault({ kind: "loseResponse", match: { path: "/batch" } })
      const results = yield* writer.batch([{ bId: "1", operation: "create", entity: "Invoice", body: invoiceBody() }], "crash-b")
      assert.strictEqual(results[0]?.ok, true)
      assert.strictEqual(sim.store(REALM).list("Invoice").length, 2)
    }))

  it.live("a batch sent with resend: throttled comes back on a lost answer (the caller re-checks) but waits out a 429", () =>
    Effect.gen(function*() {
      const sim = yield* simulator()
      const { writer } = yield* client(sim)
      const items = [{ bId: "1", operation: "create" as const, entity: "Invoice" as const, body: invoiceBody() }]
      sim.injectFault({ kind: "loseResponse", match: { path: "/batch" } })
      const lost = yield* writer.batch(items, "careful-1", { resend: "throttled" }).pipe(Effect.flip)
      assert.strictEqual(lost._tag === "QboError" ? lost.kind : lost._tag, "network")
      assert.strictEqual(sim.counts()["POST /batch"], 1, "not sent again by the client")
      sim.injectFault({ kind: "throttle", match: { path: "/batch" } })
      const results = yield* writer.batch(items, "careful-2", { resend: "throttled" })
      assert.strictEqual(results[0]?.ok, true)
      assert.strictEqual(sim.counts()["POST /batch"], 3, "the 429 was waited out and sent again")
    }))

  it.live("429 storms: waits and retries the same request until it succeeds or retries run out", () =>
    Effect.gen(function*() {
      const sim = yield* simulator()
      const { reader, writer } = yield* client(sim)
      sim.injectFault({ kind: "throttle", times: 4 })
      assert.strictEqual((yield* reader.read<QboCustomer>("Customer", "1")).Id, "1")
      assert.deepStrictEqual(sim.requests.map((r) => r.status), [429, 429, 429, 429, 200])

      sim.resetStats()
      sim.setOptions({ faults: { throttleRate: 0.4, seed: 7 } })
      const created = yield* Effect.forEach(Array.from({ length: 20 }, (_, i) => i), (i) =>
        writer.create<QboCustomer>("Customer", { DisplayName: `Storm ${i}` }, `storm-${i}`), { concurrency: 10 })
      assert.strictEqual(created.length, 20)
      assert.isTrue(sim.requests.some((r) => r.status === 429), "the storm happened")
      assert.strictEqual(sim.store(REALM).list("Customer").filter((c) => String(c["DisplayName"]).startsWith("Storm ")).length, 20)
      sim.setOptions({ faults: { throttleRate: 0 } })

      sim.injectFault({ kind: "throttle", times: 10 })
      const exhausted = yield* Effect.flip(reader.read("Customer", "1"))
      assert.strictEqual(exhausted._tag === "QboError" && exhausted.kind, "rate-limited")
      assert.include(exhausted.message, "429")
      sim.clearFaults()
    }))

  it.live("after a 429, queued requests wait out the pause too", () =>
    Effect.gen(function*() {
      const sim = yield* simulator()
      const { reader } = yield* client(sim, { maxConcurrent: 2, retry: { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 4, throttleWaitMs: 200 } })
      sim.injectFault({ kind: "throttle" })
      yield* Effect.forEach(Array.from({ length: 6 }, () => "1"), (id) => reader.read("Customer", id), { concurrency: "unbounded" })
      const throttled = sim.requests.find((r) => r.status === 429)!
      const pausedFrom = Date.parse(throttled.at)
      const during = sim.requests.filter((r) => r !== throttled && Date.parse(r.at) >= pausedFrom && Date.parse(r.at) < pausedFrom + 150)
      assert.isAtMost(during.length, 1, "only the request already in flight beside it")
      assert.strictEqual(sim.requests.length, 7)
    }))

  it.live("honours Retry-After instead of the default throttle wait", () =>
    Effect.gen(function*() {
      const sim = yield* simulator(undefined, { throttle: { retryAfterSeconds: 0 } })
      const { reader } = yield* client(sim, { retry: { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 3, throttleWaitMs: 30_000 } })
      sim.injectFault({ kind: "throttle" })
      const started = Date.now()
      yield* reader.read("Customer", "1")
      assert.isBelow(Date.now() - started, 20_000, "Retry-After: 0 beats the 30 s default")
      assert.strictEqual(sim.requests.length, 2)
    }))

  it.live("retries 5xx, gateway HTML, dropped connections and the transient 6000", () =>
    Effect.gen(function*() {
      const sim = yield* simulator(undefined, { throttle: { xmlBody: true } })
      const { writer } = yield* client(sim, { retry: { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 7, throttleWaitMs: 20 } })
      for (const kind of ["http500", "http502", "http503", "dropConnection", "transient6000", "throttle"] as const) {
        sim.injectFault({ kind, match: { path: "/customer" } })
      }
      const created = yield* writer.create<QboCustomer>("Customer", { DisplayName: "Persistent Co" }, "persist-1")
      assert.strictEqual(created.DisplayName, "Persistent Co")
      assert.deepStrictEqual(
        sim.requests.map((r) => r.status),
        [429, 0, 500, 502, 503, 400, 200] // pipeline order: throttle, drop, 5xx, transient 6000
      )
      assert.isTrue(sim.requests.every((r) => r.requestId === "persist-1"), "the same requestid every time")
      for (let i = 0; i < 7; i++) sim.injectFault({ kind: "http503" })
      const failed = yield* Effect.flip(writer.create("Customer", { DisplayName: "Never Co" }, "persist-2"))
      assert.strictEqual(failed._tag === "QboError" && failed.kind, "server")
      assert.include(failed.message, "HTTP 503")
      sim.clearFaults()
    }))

  it.live("auth failures: a rejected token is never echoed; another company's token is a clear 403", () =>
    Effect.gen(function*() {
      const sim = yield* simulator(baseRealm(), {}, { [OTHER_REALM]: {} })
      const badToken = "eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0..not-a-real-token-0000000"
      const reader = Context.get(
        yield* Layer.build(
          layerQboReader(clientOptions(sim)).pipe(Layer.provide(layerQboAuthStatic(REALM, badToken)), Layer.provide(NodeHttpClient.layerUndici))
        ),
        QboReader
      )
      const unauthorized = yield* Effect.flip(reader.read("Customer", "1"))
      assert.strictEqual(unauthorized._tag === "QboError" && unauthorized.kind, "auth")
      assert.notInclude(JSON.stringify(unauthorized), "not-a-real-token")
      assert.include(unauthorized.message, "atqbo auth qbo")
      assert.strictEqual(sim.requests.length, 2, "one refresh-and-retry, then give up")

      const wrongRealm = Context.get(
        yield* Layer.build(
          layerQboClient(clientOptions(sim)).pipe(
            Layer.provide(layerQboAuthStatic(REALM, sim.issueAccessToken(OTHER_REALM))),
            Layer.provide(NodeHttpClient.layerUndici)
          )
        ),
        QboReader
      )
      const forbidden = yield* Effect.flip(wrongRealm.read("Customer", "1"))
      assert.strictEqual(forbidden._tag === "QboError" && forbidden.status, 403)
      assert.include(forbidden.message, "not authorized for this company")
    }))

  it.live("keeps at most maxConcurrent requests in flight", () =>
    Effect.gen(function*() {
      const sim = yield* simulator(undefined, { faults: { latencyMs: 200 } }) // requests overlap even on a busy machine
      const { reader } = yield* client(sim, { maxConcurrent: 3 })
      yield* Effect.forEach(Array.from({ length: 12 }, () => "1"), (id) => reader.read("Customer", id), { concurrency: "unbounded" })
      assert.strictEqual(sim.concurrency(REALM).peak, 3)
      assert.isFalse(sim.requests.some((r) => r.status === 429))
    }))

  it.live("keeps within the per-minute budget so the server never throttles", () =>
    Effect.gen(function*() {
      // 5 requests per simulated minute; the simulator's minute lasts 100 ms (timeScale), the
      // client's window 400 ms: a request delivered up to 300 ms late on a busy machine still
      // lands in a window of its own.
      const sim = yield* simulator(undefined, { timeScale: 100 / 60_000, limits: { requestsPerMinute: 5, batchesPerMinute: 2 } })
      const { reader, writer } = yield* client(sim, { requestsPerMinute: 5, batchesPerMinute: 2, rateWindowMs: 400 })
      const started = Date.now()
      yield* Effect.forEach(Array.from({ length: 12 }, () => "1"), (id) => reader.read("Customer", id), { concurrency: "unbounded" })
      yield* Effect.forEach([1, 2, 3], (i) => writer.batch([{ bId: "1", operation: "create", entity: "Customer", body: { DisplayName: `Budget ${i}` } }], `budget-${i}`))
      assert.isAtLeast(Date.now() - started, 800, "15 requests at 5 per window need three windows")
      assert.isFalse(sim.requests.some((r) => r.status === 429), "no 429 from the simulator")
      assert.strictEqual(sim.requests.length, 15)
    }))
})
