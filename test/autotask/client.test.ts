/**
 * The live Autotask client against the simulator: paging, `in` chunking, retries under
 * faults, write-back verification, zone moves, error classification — with request counts
 * read from the simulator's log.
 */
import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Effect, Redacted } from "effect"
import { AutotaskError, AutotaskReader, AutotaskWriteNotApplied } from "../../src/autotask/AutotaskClient.ts"
import { autotaskCredentialsFromEnv, AutotaskCredentialsError } from "../../src/autotask/AutotaskClientLive.ts"
import type { AtBillingItem, AtInvoice } from "../../src/autotask/model.ts"
import type { AutotaskSimOptionsInput } from "../../src/sandbox/autotask/index.ts"
import {
  credentialsFor,
  invoices,
  manyBillingItems,
  sampleDataset,
  simulator,
  withClient,
  withReader,
  withWriter
} from "./fixtures.ts"

const everything = [{ op: "exist", field: "id" }] as const
const dataWith = (billingItems: ReadonlyArray<object>) => ({ entities: { ...sampleDataset.entities, BillingItems: billingItems } })

const idsOf = (rows: ReadonlyArray<{ readonly id: number }>) => rows.map((row) => row.id)

const readAllBillingItems = Effect.gen(function*() {
  const reader = yield* AutotaskReader
  return yield* reader.query<AtBillingItem>("BillingItems", everything)
})

describe("reading", () => {
  it.live("follows every page with the same POST body and returns rows in id order", () =>
    Effect.gen(function*() {
      const items = manyBillingItems(1234)
      const sim = yield* simulator({ data: dataWith([...items].reverse()) })
      const rows = yield* withClient(sim, readAllBillingItems)
      assert.deepStrictEqual(rows, items)
      assert.deepStrictEqual(sim.counts(), {
        "GET zoneInformation": 1,
        "POST BillingItems/query": 1,
        "POST BillingItems/query/next": 2
      })
    }))

  it.live("projects IncludeFields, always with id", () =>
    Effect.gen(function*() {
      const sim = yield* simulator({ data: sampleDataset })
      const rows = yield* withClient(
        sim,
        withReader((reader) =>
          reader.query<Record<string, unknown>>("Invoices", [{ op: "eq", field: "companyID", value: 369 }], {
            includeFields: ["invoiceNumber"]
          }))
      )
      assert.deepStrictEqual(rows, [{ id: 155, invoiceNumber: "1085" }, { id: 157, invoiceNumber: "ERROR" }])
    }))

  it.live("counts, gets by id (null when missing), reads the threshold and the zone", () =>
    Effect.gen(function*() {
      const sim = yield* simulator({ data: sampleDataset })
      const result = yield* withClient(
        sim,
        Effect.gen(function*() {
          const reader = yield* AutotaskReader
          return {
            count: yield* reader.count("Invoices", [{ op: "eq", field: "isVoided", value: false }]),
            found: yield* reader.get<AtInvoice>("Invoices", 156),
            missing: yield* reader.get<AtInvoice>("Invoices", 4242),
            threshold: yield* reader.threshold,
            zone: yield* reader.zone
          }
        })
      )
      assert.strictEqual(result.count, 2)
      assert.deepStrictEqual(result.found, invoices[1])
      assert.isNull(result.missing)
      assert.strictEqual(result.threshold.externalRequestThreshold, 10_000)
      assert.isAtLeast(result.threshold.currentTimeframeRequestCount, 4)
      assert.strictEqual(result.zone.url, sim.zone().url)
    }))

  it.live("uses a configured zone URL without discovery", () =>
    Effect.gen(function*() {
      const sim = yield* simulator({ data: sampleDataset })
      const zoneUrl = sim.zone().url.replace(/\/$/, "")
      const rows = yield* withClient(sim, readAllBillingItems, { zoneUrl, discoveryUrl: "http://127.0.0.1:9/" })
      assert.lengthOf(rows, 3)
      assert.isUndefined(sim.counts()["GET zoneInformation"])
    }))
})

describe("queryIn", () => {
  const invoiceIds = (count: number) => Array.from({ length: count }, (_, index) => 5000 + index)

  it.live("chunks under the 500-OR limit, de-duplicates values and rows, keeps id order", () =>
    Effect.gen(function*() {
      const items = manyBillingItems(3000, 1200)
      const sim = yield* simulator({ data: dataWith(items) })
      const values = [...invoiceIds(1200), ...invoiceIds(300)] // 300 duplicates
      const rows = yield* withClient(
        sim,
        withReader((reader) => reader.queryIn<AtBillingItem>("BillingItems", "invoiceID", values))
      )
      assert.deepStrictEqual(idsOf(rows), idsOf(items))
      // 1200 distinct values → chunks of 500, 500, 200; ≤ 500 rows per page.
      assert.strictEqual(sim.counts()["POST BillingItems/query"], 3)
      const pages = (sim.counts()["POST BillingItems/query"] ?? 0) + (sim.counts()["POST BillingItems/query/next"] ?? 0)
      assert.strictEqual(pages, 3 + 4) // 1250, 1250 and 500 rows: 3 + 3 + 1 pages
      assert.isTrue(sim.requests.every((record) => record.status === 200))
    }))

  it.live("takes the chunk size from options and leaves room for the extra filter's OR conditions", () =>
    Effect.gen(function*() {
      const items = manyBillingItems(600, 600)
      const sim = yield* simulator({ data: dataWith(items) })
      const rows = yield* withClient(
        sim,
        withReader((reader) =>
          Effect.all([
            reader.queryIn<AtBillingItem>("BillingItems", "invoiceID", invoiceIds(600)),
            reader.queryIn<AtBillingItem>("BillingItems", "invoiceID", invoiceIds(600), {
              filter: [{ op: "or", items: [{ op: "eq", field: "nonBillable", value: 0 }, { op: "eq", field: "nonBillable", value: 1 }] }]
            })
          ])),
        { inChunkSize: 250 }
      )
      assert.lengthOf(rows[0], 600)
      assert.lengthOf(rows[1], 600)
      assert.strictEqual(sim.counts()["POST BillingItems/query"], 6) // 3 chunks of ≤ 250, twice
    }))

  it.live("makes no request for an empty list", () =>
    Effect.gen(function*() {
      const sim = yield* simulator({ data: sampleDataset })
      const rows = yield* withClient(
        sim,
        withReader((reader) => reader.queryIn("Invoices", "id", []))
      )
      assert.deepStrictEqual(rows, [])
      assert.strictEqual(sim.requests.length, 0)
    }))
})

describe("retries under faults", () => {
  const faultyRead = (faults: AutotaskSimOptionsInput["faults"], seed: number) =>
    Effect.gen(function*() {
      const items = manyBillingItems(1600)
      const sim = yield* simulator({ data: dataWith(items), options: { seed, faults } })
      const rows = yield* withClient(sim, readAllBillingItems)
      assert.deepStrictEqual(rows, items)
      return sim
    })

  it.live("survives a 429 storm", () =>
    Effect.gen(function*() {
      const sim = yield* faultyRead({ rateLimitRate: 0.5 }, 3)
      assert.isAbove(sim.requests.filter((record) => record.status === 429).length, 2)
    }))

  it.live("survives 500 and 503 bursts", () =>
    Effect.gen(function*() {
      const sim = yield* faultyRead({ serverErrorRate: 0.3, unavailableRate: 0.2 }, 4)
      const statuses = new Set(sim.requests.map((record) => record.status))
      assert.isTrue(statuses.has(500) && statuses.has(503))
    }))

  it.live("survives dropped connections", () =>
    Effect.gen(function*() {
      const sim = yield* faultyRead({ dropConnectionRate: 0.4 }, 5)
      assert.isAbove(sim.requests.filter((record) => record.status === 0).length, 1)
    }))

  it.live("honours Retry-After on 429", () =>
    Effect.gen(function*() {
      const sim = yield* simulator({ data: sampleDataset, options: { faults: { rateLimitRate: 1, retryAfterSeconds: 0.15 } } })
      const started = Date.now()
      const error = yield* withClient(sim, readAllBillingItems, { retry: { baseDelayMs: 1, maxDelayMs: 2, maxAttempts: 3 } })
        .pipe(Effect.flip)
      const elapsed = Date.now() - started
      assert.instanceOf(error, AutotaskError)
      assert.strictEqual(error.kind, "rate-limited")
      assert.strictEqual(error.status, 429)
      assert.include(error.message, "after 3 attempts")
      assert.isAtLeast(elapsed, 2 * 150 - 10)
      assert.strictEqual(sim.counts()["POST BillingItems/query"], 3)
    }))

  it.live("retries requests the thread limit refused", () =>
    Effect.gen(function*() {
      const sim = yield* simulator({ data: sampleDataset })
      // The simulator holds admitted requests until one is refused: 8 in flight at once, on any machine.
      const release = sim.hold()
      yield* Effect.forkChild(Effect.gen(function*() {
        while (!sim.requests.some((record) => record.status === 429)) yield* Effect.sleep(5)
        release()
      }))
      const rows = yield* withClient(
        sim,
        withReader((reader) =>
          Effect.forEach(Array.from({ length: 8 }, () => 155), (id) => reader.get<AtInvoice>("Invoices", id), {
            concurrency: "unbounded"
          })),
        { maxConcurrentPerEntity: 8 }
      )
      assert.lengthOf(rows.filter((row) => row?.id === 155), 8)
      assert.isAbove(sim.requests.filter((record) => record.status === 429).length, 0)
    }))

  it.live("keeps at most 3 requests per entity in flight, so the thread limit never trips", () =>
    Effect.gen(function*() {
      const sim = yield* simulator({ data: sampleDataset, options: { latency: { fixedMs: 20 } } })
      yield* withClient(
        sim,
        withReader((reader) =>
          Effect.forEach(Array.from({ length: 12 }, () => 155), (id) => reader.get("Invoices", id), {
            concurrency: "unbounded"
          }))
      )
      assert.strictEqual(sim.counts()["GET Invoices/{id}"], 12)
      assert.isTrue(sim.requests.every((record) => record.status === 200))
    }))

  it.live("gives up on persistent 5xx after maxAttempts with a server error", () =>
    Effect.gen(function*() {
      const sim = yield* simulator({ data: sampleDataset, options: { faults: { unavailableRate: 1 } } })
      const error = yield* withClient(
        sim,
        withReader((reader) => reader.count("Invoices", everything)),
        { zoneUrl: sim.zone().url, retry: { baseDelayMs: 1, maxDelayMs: 2, maxAttempts: 4 } }
      ).pipe(Effect.flip)
      assert.strictEqual(error.kind, "server")
      assert.strictEqual(error.operation, "POST Invoices/query/count")
      assert.strictEqual(sim.counts()["POST Invoices/query/count"], 4)
    }))

  it.live("times out a slow answer and reports a network failure", () =>
    Effect.gen(function*() {
      const sim = yield* simulator({ data: sampleDataset, options: { latency: { fixedMs: 300 } } })
      const error = yield* withClient(
        sim,
        withReader((reader) => reader.get("Invoices", 155)),
        { requestTimeoutMs: 40, zoneUrl: sim.zone().url, retry: { baseDelayMs: 1, maxDelayMs: 1, maxAttempts: 2 } }
      ).pipe(Effect.flip)
      assert.strictEqual(error.kind, "network")
      assert.include(error.message, "no answer within 40 ms")
    }))
})

describe("errors that are not retried", () => {
  it.live("reports a validation error once, as invalid-request with Autotask's text", () =>
    Effect.gen(function*() {
      const sim = yield* simulator({ data: sampleDataset })
      const error = yield* withClient(
        sim,
        withReader((reader) => reader.query("Invoices", [{ op: "exist", field: "dueDate" }]))
      ).pipe(Effect.flip)
      assert.strictEqual(error.kind, "invalid-request")
      assert.strictEqual(error.status, 500)
      assert.deepStrictEqual(error.errors, ["The field 'dueDate' of Invoices is not queryable."])
      assert.include(error.message, "POST Invoices/query")
      assert.strictEqual(sim.counts()["POST Invoices/query"], 1)
    }))

  it.live("rejects bad credentials as auth after one re-discovery, without leaking secrets", () =>
    Effect.gen(function*() {
      const sim = yield* simulator({ data: sampleDataset })
      const wrongSecret = "s3cr3t-that-must-not-leak"
      const error = yield* withClient(sim, readAllBillingItems, { credentials: credentialsFor(sim, wrongSecret) })
        .pipe(Effect.flip)
      assert.instanceOf(error, AutotaskError)
      assert.strictEqual(error.kind, "auth")
      assert.strictEqual(error.status, 401)
      assert.include(error.message, "AUTOTASK_USERNAME")
      assert.include(error.message, sim.credentials.username)
      for (const secret of [wrongSecret, sim.credentials.integrationCode]) {
        assert.notInclude(error.message, secret)
        assert.notInclude(JSON.stringify(error), secret)
        assert.notInclude(String(error), secret)
      }
      assert.deepStrictEqual(sim.counts(), { "GET zoneInformation": 2, "POST BillingItems/query": 1 })
    }))

  it.live("reports an API user unknown to zone discovery as auth, without retrying", () =>
    Effect.gen(function*() {
      const sim = yield* simulator({ data: sampleDataset })
      const credentials = { ...credentialsFor(sim), username: "nobody@example.com" }
      const error = yield* withClient(sim, readAllBillingItems, { credentials }).pipe(Effect.flip)
      assert.strictEqual(error.kind, "auth")
      assert.strictEqual(error.operation, "GET zoneInformation")
      assert.include(error.message, "nobody@example.com")
      assert.deepStrictEqual(sim.counts(), { "GET zoneInformation": 1 })
    }))
})

describe("zone move", () => {
  it.live("re-discovers the zone once on 401 and carries on", () =>
    Effect.gen(function*() {
      const sim = yield* simulator({ data: dataWith(manyBillingItems(700)) })
      const [before, after] = yield* withClient(
        sim,
        Effect.gen(function*() {
          const reader = yield* AutotaskReader
          const first = yield* reader.query<AtBillingItem>("BillingItems", everything)
          yield* Effect.sync(() => sim.moveZone())
          const second = yield* reader.query<AtBillingItem>("BillingItems", everything)
          return [first, second] as const
        })
      )
      assert.deepStrictEqual(after, before)
      assert.lengthOf(after, 700)
      assert.strictEqual(sim.counts()["GET zoneInformation"], 2)
      const refused = sim.requests.filter((record) => record.status === 401)
      assert.lengthOf(refused, 1)
      assert.isFalse(refused[0]?.path.startsWith("/zone2/"))
      assert.isTrue(sim.requests[sim.requests.length - 1]?.path.startsWith("/zone2/ATServicesRest/V1.0/BillingItems/query"))
    }))
})

describe("zone move mid-paging", () => {
  it.live("restarts the query in the new zone when a page URL of the old zone answers 401", () =>
    Effect.gen(function*() {
      const items = manyBillingItems(1600)
      const sim = yield* simulator({ data: dataWith(items), options: { latency: { fixedMs: 30 } } })
      // Move the tenant as soon as the first page has been served.
      yield* Effect.forkChild(Effect.gen(function*() {
        while (!sim.requests.some((record) => record.endpoint === "POST BillingItems/query")) yield* Effect.sleep(1)
        sim.moveZone()
      }))
      const rows = yield* withClient(sim, readAllBillingItems)
      assert.deepStrictEqual(rows, items)
      assert.lengthOf(sim.requests.filter((record) => record.status === 401), 1)
      assert.strictEqual(sim.counts()["GET zoneInformation"], 2)
      assert.strictEqual(sim.counts()["POST BillingItems/query"], 2)
    }))
})

describe("write-back", () => {
  it.live("PATCHes the invoice and returns it as read back", () =>
    Effect.gen(function*() {
      const sim = yield* simulator({ data: sampleDataset })
      const invoice = yield* withClient(
        sim,
        withWriter((writer) =>
          writer.updateInvoice(156, { invoiceNumber: "QB-1001", webServiceDate: "2025-09-10T08:30:00Z", paidDate: "2025-09-12T18:00:00" }))
      )
      assert.deepStrictEqual(
        [invoice.invoiceNumber, invoice.webServiceDate, invoice.paidDate],
        ["QB-1001", "2025-09-10T08:30:00.000Z", "2025-09-12T00:00:00Z"]
      )
      assert.deepStrictEqual(sim.store.get("Invoices", 156), invoice as unknown as Record<string, unknown>)
      assert.deepStrictEqual(sim.counts(), { "GET zoneInformation": 1, "PATCH Invoices": 1, "GET Invoices/{id}": 1 })
    }))

  it.live("detects a write Autotask acknowledged but ignored", () =>
    Effect.gen(function*() {
      const sim = yield* simulator({ data: sampleDataset, options: { faults: { noopWriteRate: 1 } } })
      const error = yield* withClient(
        sim,
        withWriter((writer) => writer.updateInvoice(156, { invoiceNumber: "QB-1001" }))
      ).pipe(Effect.flip)
      assert.instanceOf(error, AutotaskWriteNotApplied)
      const notApplied = error as AutotaskWriteNotApplied
      assert.deepStrictEqual(
        [notApplied.entity, notApplied.id, notApplied.field, notApplied.expected, notApplied.actual],
        ["Invoices", 156, "invoiceNumber", "QB-1001", null]
      )
      assert.include(notApplied.message, "invoice 156")
      assert.strictEqual(sim.store.get("Invoices", 156)?.["invoiceNumber"], null)
    }))

  it.live("retries a write through faults and still verifies it", () =>
    Effect.gen(function*() {
      const sim = yield* simulator({
        data: sampleDataset,
        options: { seed: 11, faults: { serverErrorRate: 0.3, dropConnectionRate: 0.3 } }
      })
      const invoice = yield* withClient(
        sim,
        withWriter((writer) => writer.updateInvoice(155, { invoiceNumber: "ERROR", paidDate: null }))
      )
      assert.strictEqual(invoice.invoiceNumber, "ERROR")
      assert.strictEqual(sim.store.get("Invoices", 155)?.["invoiceNumber"], "ERROR")
    }))

  it.live("fails on an invoice that does not exist, with Autotask's text", () =>
    Effect.gen(function*() {
      const sim = yield* simulator({ data: sampleDataset })
      const error = yield* withClient(
        sim,
        withWriter((writer) => writer.updateInvoice(4242, { invoiceNumber: "X" }))
      ).pipe(Effect.flip)
      assert.instanceOf(error, AutotaskError)
      // Autotask's text blames permissions for a missing record, so the error says so too.
      assert.strictEqual((error as AutotaskError).kind, "permission")
      assert.include(error.message, "No matching records found")
      assert.strictEqual(sim.counts()["PATCH Invoices"], 1)
    }))
})

describe("autotaskCredentialsFromEnv", () => {
  const names = {
    usernameEnv: "AT_USER",
    secretEnv: "AT_SECRET",
    integrationCodeEnv: "AT_CODE",
    impersonationResourceIdEnv: "AT_IMPERSONATE"
  }
  const fromEnv = (env: Record<string, string>) =>
    autotaskCredentialsFromEnv(names).pipe(
      Effect.provideService(ConfigProvider.ConfigProvider, ConfigProvider.fromEnv({ env }))
    )

  it.effect("reads credentials with the secret and integration code redacted", () =>
    Effect.gen(function*() {
      const credentials = yield* fromEnv({ AT_USER: "api@x.com", AT_SECRET: "hunter2", AT_CODE: "CODE123", AT_IMPERSONATE: "29682885" })
      assert.strictEqual(credentials.username, "api@x.com")
      assert.strictEqual(Redacted.value(credentials.secret), "hunter2")
      assert.strictEqual(Redacted.value(credentials.integrationCode), "CODE123")
      assert.strictEqual(credentials.impersonationResourceId, "29682885")
      assert.notInclude(JSON.stringify(credentials), "hunter2")
      assert.notInclude(String(credentials.secret), "hunter2")
      assert.include(credentials.source ?? "", "AT_USER")
    }))

  it.effect.each([
    [{ AT_SECRET: "s", AT_CODE: "c" }, "AT_USER"],
    [{ AT_USER: "u", AT_CODE: "c" }, "AT_SECRET"],
    [{ AT_USER: "u", AT_SECRET: "s", AT_CODE: "" }, "AT_CODE"],
    [{ AT_USER: "u", AT_SECRET: "s", AT_CODE: "c", AT_IMPERSONATE: "me" }, "AT_IMPERSONATE"]
  ])("names the missing or invalid variable %#", ([env, variable]) =>
    Effect.gen(function*() {
      const error = yield* fromEnv(env as Record<string, string>).pipe(Effect.flip)
      assert.instanceOf(error, AutotaskCredentialsError)
      assert.strictEqual(error.variable, variable)
      assert.include(error.message, `Environment variable ${variable}`)
    }))
})
