/**
 * The client's pure pieces: failure classification and messages, backoff, OR counting and
 * chunking, zone URLs, write-back comparison.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { TestClock } from "effect/testing"
import { AutotaskCallFailure, classifyFailure, describe as describeFailure, parseRetryAfter } from "../../src/autotask/failure.ts"
import type { AtInvoice } from "../../src/autotask/model.ts"
import { chunkDistinct, countOrConditions, orderedById } from "../../src/autotask/paging.ts"
import { backoffDelayMs, retrySchedule } from "../../src/autotask/retry.ts"
import { firstUnappliedField } from "../../src/autotask/verify.ts"
import { normalizeZoneRoot, parseZoneInfo, zoneInformationUrl } from "../../src/autotask/zone.ts"

const op = "POST Invoices/query"

describe("classifyFailure", () => {
  it.each([
    [401, { errors: ["Authentication failed"] }, "auth", false],
    [403, {}, "permission", false],
    [429, { errors: ["Too many requests"] }, "rate-limited", true],
    [400, { errors: ["bad"] }, "invalid-request", false],
    [404, { Message: "No HTTP resource" }, "invalid-request", false],
    [405, { Message: "does not support http method 'GET'" }, "invalid-request", false],
    [500, { Message: "An error has occurred." }, "server", true],
    [503, undefined, "server", true],
    [500, { errors: ["The logged in Resource does not have the adequate permissions"] }, "permission", false],
    [500, { errors: ["Request Threshold Exceeded"] }, "rate-limited", true],
    [500, { errors: ["Transaction deadlock, try again"] }, "server", true],
    [500, { errors: ["Invalid query syntax. Queries are limited to 500 or fewer 'OR' conditions."] }, "invalid-request", false],
    [200, { errors: [{ message: "object-shaped error" }] }, "invalid-request", false]
  ] as const)("%i %j → %s (retryable %s)", (status, body, kind, retryable) => {
    const failure = classifyFailure(op, status, body, JSON.stringify(body ?? "<html>"), undefined)
    assert.strictEqual(failure.kind, kind)
    assert.strictEqual(failure.retryable, retryable)
  })

  it("keeps Autotask's error strings", () => {
    const failure = classifyFailure(op, 500, { errors: ["a", "b"] }, "", undefined)
    assert.deepStrictEqual(failure.errors, ["a", "b"])
  })
})

describe("describe", () => {
  const context = { username: "api@x.com", credentialSource: "the environment variables A, B, C", pinnedZone: false }
  const failure = (kind: AutotaskCallFailure["kind"], attempts = 1) =>
    new AutotaskCallFailure({
      kind,
      status: 500,
      errors: ["x"],
      operation: op,
      detail: "x",
      retryable: false,
      retryAfterMs: undefined,
      attempts
    })

  it.each([
    ["auth", /credentials of API user "api@x\.com".*Check the environment variables A, B, C/],
    ["permission", /security level/],
    ["rate-limited", /after 4 attempts.*10,000 requests\/hour/],
    ["server", /after 4 attempts.*run again later/],
    ["network", /after 4 attempts.*network access/],
    ["invalid-request", /Autotask rejected POST Invoices\/query/],
    ["unexpected-response", /does not understand/]
  ] as const)("says what to do for %s", (kind, pattern) => {
    const error = describeFailure(failure(kind, 4), context)
    assert.strictEqual(error._tag, "AutotaskError")
    assert.strictEqual(error.kind, kind)
    assert.strictEqual(error.operation, op)
    assert.match(error.message, pattern)
  })
})

describe("parseRetryAfter", () => {
  it("reads seconds, fractions and HTTP dates", () => {
    assert.strictEqual(parseRetryAfter("2", 0), 2000)
    assert.strictEqual(parseRetryAfter("0.25", 0), 250)
    assert.strictEqual(parseRetryAfter(new Date(10_000).toUTCString(), 4_000), 6_000)
    assert.isUndefined(parseRetryAfter(undefined, 0))
    assert.isUndefined(parseRetryAfter("soon", 0))
  })
})

describe("backoff", () => {
  const policy = { baseDelayMs: 100, maxDelayMs: 1000, maxAttempts: 5 }

  it("jitters between half and all of the capped exponential step", () => {
    assert.strictEqual(backoffDelayMs(policy, 400, undefined, 0), 200)
    assert.strictEqual(backoffDelayMs(policy, 400, undefined, 0.999999), 399.9998)
    assert.strictEqual(backoffDelayMs(policy, 64_000, undefined, 1), 1000)
  })

  it("waits at least as long as Retry-After asks, up to five minutes", () => {
    assert.strictEqual(backoffDelayMs(policy, 100, 5000, 0), 5000)
    assert.strictEqual(backoffDelayMs(policy, 100, 3_600_000, 0), 300_000)
  })

  it.effect("stops after maxAttempts and never retries a non-retryable failure", () =>
    Effect.gen(function*() {
      let attempts = 0
      const failing = (retryable: boolean) =>
        Effect.suspend(() => {
          attempts += 1
          return Effect.fail(
            new AutotaskCallFailure({
              kind: retryable ? "server" : "invalid-request",
              status: 500,
              errors: [],
              operation: op,
              detail: "",
              retryable,
              retryAfterMs: undefined,
              attempts: 1
            })
          )
        })
      const fiber = yield* Effect.forkChild(Effect.flip(Effect.retry(failing(true), retrySchedule(policy))))
      yield* TestClock.adjust(60_000)
      yield* Fiber.join(fiber)
      assert.strictEqual(attempts, 5)
      attempts = 0
      yield* Effect.flip(Effect.retry(failing(false), retrySchedule(policy)))
      assert.strictEqual(attempts, 1)
    }))
})

describe("OR conditions and chunks", () => {
  it("counts or-items and in/notIn values, nested", () => {
    assert.strictEqual(countOrConditions([{ op: "eq", field: "id", value: 1 }]), 0)
    assert.strictEqual(countOrConditions([{ op: "in", field: "id", value: [1, 2, 3] }]), 3)
    assert.strictEqual(
      countOrConditions([{
        op: "and",
        items: [
          { op: "or", items: [{ op: "eq", field: "a", value: 1 }, { op: "notIn", field: "b", value: [1, 2] }] },
          { op: "in", field: "c", value: [1] }
        ]
      }]),
      2 + 2 + 1
    )
  })

  it("chunks distinct values in first-seen order", () => {
    assert.deepStrictEqual(chunkDistinct([3, 1, 3, 2, 1, 4], 2), [[3, 1], [2, 4]])
    assert.deepStrictEqual(chunkDistinct([], 500), [])
    assert.lengthOf(chunkDistinct(Array.from({ length: 1001 }, (_, index) => index), 500), 3)
  })

  it("orders rows by id and drops duplicates", () => {
    assert.deepStrictEqual(orderedById([{ id: 3, v: 1 }, { id: 1 }, { id: 3, v: 2 }]), [{ id: 1 }, { id: 3, v: 1 }])
  })
})

describe("zone URLs", () => {
  it.each([
    ["https://webservices.autotask.net", "https://webservices.autotask.net/atservicesrest/V1.0/zoneInformation?user=a%40b.c"],
    ["https://webservices2.autotask.net/ATServicesRest/", "https://webservices2.autotask.net/ATServicesRest/V1.0/zoneInformation?user=a%40b.c"],
    ["https://ws.example/atservicesrest/v1.0", "https://ws.example/atservicesrest/v1.0/zoneInformation?user=a%40b.c"],
    ["https://ws.example/atservicesrest/v1.0/zoneInformation?user=old", "https://ws.example/atservicesrest/v1.0/zoneInformation?user=a%40b.c"]
  ])("builds the zoneInformation URL from %s", (discovery, expected) => {
    assert.strictEqual(zoneInformationUrl(discovery, "a@b.c"), expected)
  })

  it("rejects what is not a URL and normalises REST roots", () => {
    assert.isUndefined(zoneInformationUrl("webservices.autotask.net", "a"))
    assert.strictEqual(normalizeZoneRoot("https://ws3.example/ATServicesRest"), "https://ws3.example/ATServicesRest/")
    assert.deepStrictEqual(parseZoneInfo({ zoneName: "Z", url: "https://ws3.example/ATServicesRest/", webUrl: "w", ci: 1 }), {
      zoneName: "Z",
      url: "https://ws3.example/ATServicesRest/",
      webUrl: "w",
      ci: 1
    })
    assert.isUndefined(parseZoneInfo({ zoneName: "Z" }))
  })
})

describe("firstUnappliedField", () => {
  const invoice = (fields: Partial<AtInvoice>): AtInvoice => ({
    id: 1,
    companyID: 1,
    invoiceDateTime: "2025-01-01T00:00:00",
    invoiceNumber: null,
    invoiceTotal: 1,
    totalTaxValue: 0,
    isVoided: false,
    ...fields
  })

  it("treats null and empty string as the same blank", () => {
    assert.isUndefined(firstUnappliedField({ invoiceNumber: null }, invoice({ invoiceNumber: "" })))
    assert.isUndefined(firstUnappliedField({ invoiceNumber: "" }, invoice({ invoiceNumber: null })))
  })

  it("compares paidDate date-only and webServiceDate as instants to the second", () => {
    assert.isUndefined(firstUnappliedField({ paidDate: "2025-03-04T15:30:00" }, invoice({ paidDate: "2025-03-04T00:00:00Z" })))
    assert.isUndefined(
      firstUnappliedField({ webServiceDate: "2025-03-04T10:00:00" }, invoice({ webServiceDate: "2025-03-04T10:00:00.000Z" }))
    )
    assert.isUndefined(
      firstUnappliedField({ webServiceDate: "2025-03-04T11:00:00+01:00" }, invoice({ webServiceDate: "2025-03-04T10:00:00Z" }))
    )
  })

  it("names the first field that did not take", () => {
    assert.deepStrictEqual(
      firstUnappliedField({ invoiceNumber: "QB-1", paidDate: "2025-03-05" }, invoice({ invoiceNumber: "QB-1", paidDate: null })),
      { field: "paidDate", expected: "2025-03-05", actual: null }
    )
    assert.deepStrictEqual(
      firstUnappliedField({ webServiceDate: "2025-03-04T10:00:00Z" }, invoice({ webServiceDate: "2025-03-04T10:00:05Z" })),
      { field: "webServiceDate", expected: "2025-03-04T10:00:00Z", actual: "2025-03-04T10:00:05Z" }
    )
  })
})
