/**
 * Pure pieces of the client: query escaping and IN chunking, retry classification and
 * delays, fault parsing and the sentences people read.
 */
import { assert, describe, it } from "@effect/vitest"
import { classify, explainFault, faultErrors, qboErrorFromResponse } from "../../src/qbo/errors.ts"
import { qboString } from "../../src/qbo/QboClient.ts"
import { countStatement, inClauses, selectStatement } from "../../src/qbo/query.ts"
import { backoffMs, DEFAULT_RETRY_OPTIONS, isRetryable, parseRetryAfter, retryDelayMs } from "../../src/qbo/retry.ts"
import { apiBaseUrlFor, QBO_API_BASE_PRODUCTION, QBO_API_BASE_SANDBOX, QBO_TOKEN_URL } from "../../src/qbo/auth/endpoints.ts"

describe("query building", () => {
  it("escapes backslash first, then quotes", () => {
    assert.strictEqual(qboString("O'Brien \\ Sons"), "'O\\'Brien \\\\ Sons'")
    assert.strictEqual(qboString("a' OR '1'='1"), "'a\\' OR \\'1\\'=\\'1'")
    assert.strictEqual(qboString("\\'"), "'\\\\\\''")
  })

  it("builds paged and count statements", () => {
    assert.strictEqual(selectStatement("Invoice", "TxnDate >= '2026-01-01'", 1001), "SELECT * FROM Invoice WHERE TxnDate >= '2026-01-01' ORDERBY Id STARTPOSITION 1001 MAXRESULTS 1000")
    assert.strictEqual(selectStatement("Term", undefined, 1), "SELECT * FROM Term ORDERBY Id STARTPOSITION 1 MAXRESULTS 1000")
    assert.strictEqual(countStatement("Customer", " "), "SELECT COUNT(*) FROM Customer")
  })

  it("chunks IN lists by value count and by length, distinct values only", () => {
    assert.deepStrictEqual(inClauses("DocNumber", ["1", "2", "2", "3"], { maxValues: 2, maxLength: 1000 }), ["DocNumber IN ('1','2')", "DocNumber IN ('3')"])
    const long = inClauses("DisplayName", ["a".repeat(10), "b".repeat(10), "c".repeat(10)], { maxValues: 100, maxLength: 30 })
    assert.deepStrictEqual(long, [`DisplayName IN ('${"a".repeat(10)}','${"b".repeat(10)}')`, `DisplayName IN ('${"c".repeat(10)}')`])
    assert.deepStrictEqual(inClauses("Id", []), [])
    assert.deepStrictEqual(inClauses("Id", ["x".repeat(50)], { maxValues: 10, maxLength: 5 }), [`Id IN ('${"x".repeat(50)}')`], "one oversized value still goes alone")
  })

  it("exports Intuit's endpoints", () => {
    assert.strictEqual(apiBaseUrlFor("production"), QBO_API_BASE_PRODUCTION)
    assert.strictEqual(apiBaseUrlFor("sandbox"), QBO_API_BASE_SANDBOX)
    assert.strictEqual(QBO_TOKEN_URL, "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer")
  })
})

describe("retry policy", () => {
  const response = (status: number, code?: string, detail?: string) =>
    ({ _tag: "response", status, errors: code === undefined ? [] : [{ Message: "m", code, ...(detail === undefined ? {} : { Detail: detail }) }], intuitTid: undefined, retryAfterMs: undefined }) as const

  it("retries 429, 5xx, network and the transient 6000 only", () => {
    assert.isTrue(isRetryable({ _tag: "network", reason: "reset" }))
    assert.isTrue(isRetryable(response(429, "3001")))
    assert.isTrue(isRetryable(response(502)))
    assert.isTrue(isRetryable(response(400, "6000", "Business Validation Error: An unexpected error occurred while accessing or saving your data. Please wait a few minutes and try again.")))
    assert.isFalse(isRetryable(response(400, "6000", "Business Validation Error: You must set a transaction amount.")))
    assert.isFalse(isRetryable(response(400, "6240")))
    assert.isFalse(isRetryable(response(400, "5010")))
  })

  it("backs off exponentially with equal jitter under a cap", () => {
    const options = { ...DEFAULT_RETRY_OPTIONS, baseDelayMs: 100, maxDelayMs: 1000 }
    assert.strictEqual(backoffMs(1, options, 0), 50)
    assert.strictEqual(backoffMs(1, options, 0.999), 100)
    assert.strictEqual(backoffMs(3, options, 0), 200)
    assert.strictEqual(backoffMs(10, options, 0.999), 1000)
  })

  it("waits Retry-After on a 429, else about throttleWaitMs", () => {
    assert.strictEqual(parseRetryAfter("7", 0), 7000)
    assert.strictEqual(parseRetryAfter(new Date(60_000).toUTCString(), 0), 60_000)
    assert.isUndefined(parseRetryAfter("soon", 0))
    assert.strictEqual(retryDelayMs({ ...response(429, "3001"), retryAfterMs: 2000 }, 1, DEFAULT_RETRY_OPTIONS, 0.5), 2000)
    const wait = retryDelayMs(response(429, "3001"), 1, DEFAULT_RETRY_OPTIONS, 0.5)
    assert.strictEqual(wait, 60_000)
  })
})

describe("fault parsing and sentences", () => {
  it("reads the JSON Fault, the lowercase gateway fault and the XML throttle body", () => {
    assert.deepStrictEqual(faultErrors({ Fault: { Error: [{ Message: "M", Detail: "D", code: "610", element: "CustomerRef" }], type: "ValidationFault" } }, ""), [
      { Message: "M", Detail: "D", code: "610", element: "CustomerRef" }
    ])
    assert.deepStrictEqual(faultErrors({ fault: { error: [{ message: "message=AuthenticationFailed", detail: null, code: "3200", element: null }] } }, ""), [
      { Message: "message=AuthenticationFailed", code: "3200" }
    ])
    const xml = `<IntuitResponse><Fault type="SERVICE"><Error code="3001"><Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message><Detail>The request limit was reached.  Try again later</Detail></Error></Fault></IntuitResponse>`
    assert.deepStrictEqual(faultErrors(undefined, xml), [
      { Message: "message=ThrottleExceeded; errorCode=003001; statusCode=429", code: "3001", Detail: "The request limit was reached.  Try again later" }
    ])
  })

  it("classifies by status and code", () => {
    assert.strictEqual(classify(401, []), "auth")
    assert.strictEqual(classify(429, []), "rate-limited")
    assert.strictEqual(classify(503, []), "server")
    assert.strictEqual(classify(400, [{ Message: "", code: "5010" }]), "stale")
    assert.strictEqual(classify(400, [{ Message: "", code: "6240" }]), "validation")
  })

  it("says what a 6240 means for customers and for items", () => {
    assert.strictEqual(explainFault({ Message: "Duplicate Name Exists Error", code: "6240" }, "Customer", 400), "the name is already used by a customer, vendor or employee (maybe inactive)")
    assert.strictEqual(explainFault({ Message: "Duplicate Name Exists Error", code: "6240" }, "Item", 400), "the name is already used by another product or service (maybe inactive)")
  })

  it("drops auth details, which echo the token", () => {
    const error = qboErrorFromResponse({
      operation: "read Customer 1",
      entity: "Customer",
      status: 401,
      errors: [{ Message: "message=AuthenticationFailed; errorCode=003200; statusCode=401", Detail: "Token expired: eyJsecret", code: "3200" }],
      intuitTid: "tid-1"
    })
    assert.strictEqual(error.kind, "auth")
    assert.isUndefined(error.detail)
    assert.notInclude(JSON.stringify(error.errors), "eyJsecret")
    assert.strictEqual(error.message, "read Customer 1 failed: QuickBooks rejected the access token (401) even after a refresh; run `atqbo auth qbo` to reconnect [QBO 3200] (intuit_tid tid-1)")
  })
})
