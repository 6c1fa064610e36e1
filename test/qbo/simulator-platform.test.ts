/**
 * Raw probes of the simulator's platform behaviour: bearer auth shapes, minor version,
 * requestid replay, batch, throttling, fault injection, counters and the dataset loader.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { loadQboDataset, loadQboSandbox, type QboSimulator, startQboSimulator, THROTTLE_DETAIL, TRANSIENT_DETAIL } from "../../src/sandbox/qbo/index.ts"
import { baseRealm, firstError, invoiceBody, OTHER_REALM, query, raw, REALM, startSim } from "./helpers.ts"

describe("QBO simulator: bearer auth", () => {
  let sim: QboSimulator
  beforeAll(async () => {
    sim = await startSim({ [REALM]: baseRealm(), [OTHER_REALM]: {} })
  })
  afterAll(() => sim.close())

  it("answers 401 in the lowercase gateway shape without a token", async () => {
    const response = await raw(sim, "/customer/1", { token: null })
    assert.strictEqual(response.status, 401)
    assert.deepStrictEqual(response.json.fault, {
      error: [{ message: "message=AuthenticationFailed; errorCode=003200; statusCode=401", detail: null, code: "3200", element: null }],
      type: "AUTHENTICATION"
    })
    assert.strictEqual(typeof response.json.time, "number", "epoch milliseconds")
    assert.deepStrictEqual(response.json.batchItemResponse, [])
    assert.strictEqual(response.json.Fault, undefined)
  })

  it("answers 401 'Token expired' once the access token's hour is over", async () => {
    const token = sim.issueAccessToken(REALM)
    assert.strictEqual((await raw(sim, "/customer/1", { token })).status, 200)
    sim.advanceTime(3600 * 1000)
    const response = await raw(sim, "/customer/1", { token })
    assert.strictEqual(response.status, 401)
    assert.strictEqual(response.json.fault.error[0].detail, `Token expired: ${token}`)
    assert.strictEqual((await raw(sim, "/customer/1", { token: "short" })).json.fault.error[0].detail, "Malformed bearer token: too short or too long")
  })

  it("answers 403/3100 for a token issued for another company", async () => {
    const token = sim.issueAccessToken(OTHER_REALM)
    const response = await raw(sim, "/customer/1", { token })
    assert.strictEqual(response.status, 403)
    assert.deepStrictEqual(response.json.fault.error[0], {
      message: "message=AuthorizationFailed; errorCode=003100; statusCode=403",
      detail: null,
      code: "3100",
      element: null
    })
    assert.strictEqual(response.json.fault.type, "SERVICE")
  })

  it("records minorversion, and in strict mode rejects a missing or old one", async () => {
    await raw(sim, "/customer/1?minorversion=70")
    assert.strictEqual(sim.requests.at(-1)?.minorVersion, "70")
    sim.setOptions({ strictMinorVersion: true })
    try {
      assert.strictEqual((await raw(sim, "/customer/1?minorversion=74")).status, 400)
      assert.strictEqual(firstError(await raw(sim, "/customer/1")).element, "minorversion")
      assert.strictEqual((await raw(sim, "/customer/1?minorversion=75")).status, 200)
    } finally {
      sim.setOptions({ strictMinorVersion: false })
    }
  })
})

describe("QBO simulator: requestid", () => {
  let sim: QboSimulator
  beforeAll(async () => {
    sim = await startSim()
  })
  afterAll(() => sim.close())

  it("replays the stored response byte for byte, without a second write", async () => {
    const first = await raw(sim, "/invoice?requestid=rq-1", { body: invoiceBody() })
    await new Promise((resolve) => setTimeout(resolve, 5))
    const second = await raw(sim, "/invoice?requestid=rq-1", { body: invoiceBody({ Line: [] }) })
    assert.strictEqual(second.status, 200)
    assert.strictEqual(second.text, first.text)
    assert.strictEqual(sim.store(REALM).list("Invoice").length, 1)
    assert.strictEqual(sim.requests.at(-1)?.outcome, "replayed")
  })

  it("replays even after the record was deleted", async () => {
    const created = await raw(sim, "/invoice?requestid=rq-2", { body: invoiceBody() })
    const id = created.json.Invoice.Id
    await raw(sim, "/invoice?operation=delete&requestid=rq-2-del", { body: { Id: id, SyncToken: "0" } })
    const replay = await raw(sim, "/invoice?requestid=rq-2", { body: invoiceBody() })
    assert.strictEqual(replay.text, created.text)
    assert.isTrue(sim.store(REALM).get("Invoice", id)?.deleted)
  })

  it("does not remember failed requests", async () => {
    const failed = await raw(sim, "/invoice?requestid=rq-3", { body: invoiceBody({ CustomerRef: { value: "999" } }) })
    assert.strictEqual(failed.status, 400)
    const fixed = await raw(sim, "/invoice?requestid=rq-3", { body: invoiceBody() })
    assert.strictEqual(fixed.status, 200)
  })

  it("keeps requestids per company", async () => {
    const two = await startSim({ [REALM]: baseRealm(), [OTHER_REALM]: baseRealm() })
    try {
      const a = await raw(two, "/customer?requestid=same", { body: { DisplayName: "A" } })
      const b = await raw(two, "/customer?requestid=same", { body: { DisplayName: "B" }, realm: OTHER_REALM })
      assert.strictEqual(a.json.Customer.DisplayName, "A")
      assert.strictEqual(b.json.Customer.DisplayName, "B")
    } finally {
      await two.close()
    }
  })
})

describe("QBO simulator: batch", () => {
  let sim: QboSimulator
  beforeAll(async () => {
    sim = await startSim()
  })
  afterAll(() => sim.close())

  it("answers per-item results and faults under HTTP 200", async () => {
    const response = await raw(sim, "/batch?requestid=b-1", {
      body: {
        BatchItemRequest: [
          { bId: "c1", operation: "create", Customer: { DisplayName: "Batch Customer" } },
          { bId: "c2", operation: "create", Customer: { DisplayName: "Books by Bessie" } },
          { bId: "q1", Query: "select * from Term where Name = 'Net 30'" },
          { bId: "u1", operation: "update", Customer: { Id: "1", SyncToken: "9", sparse: true, CompanyName: "x" } }
        ]
      }
    })
    assert.strictEqual(response.status, 200)
    const items = response.json.BatchItemResponse
    assert.deepStrictEqual(items.map((item: any) => item.bId), ["c1", "c2", "q1", "u1"])
    assert.strictEqual(items[0].Customer.DisplayName, "Batch Customer")
    assert.strictEqual(items[1].Fault.Error[0].code, "6240")
    assert.strictEqual(items[1].Fault.type, "ValidationFault")
    assert.strictEqual(items[2].QueryResponse.Term[0].Id, "3")
    assert.strictEqual(items[3].Fault.Error[0].code, "5010")
  })

  it("items cannot see each other's creates", async () => {
    const response = await raw(sim, "/batch", {
      body: {
        BatchItemRequest: [
          { bId: "1", operation: "create", Customer: { DisplayName: "Fresh Customer" } },
          { bId: "2", operation: "create", Invoice: invoiceBody({ CustomerRef: { value: String(Number(sim.store(REALM).list("Customer").at(-1)?.["Id"]) + 1) } }) }
        ]
      }
    })
    const [customer, invoice] = response.json.BatchItemResponse
    assert.isDefined(customer.Customer)
    assert.strictEqual(invoice.Fault.Error[0].code, "610", "the customer created by item 1 is invisible to item 2")
    const after = await raw(sim, "/invoice", { body: invoiceBody({ CustomerRef: { value: customer.Customer.Id } }) })
    assert.strictEqual(after.status, 200, "…but visible to the next request")
  })

  it("fails every item with 6000 when requestid + bId exceed 50 characters", async () => {
    const requestId = "r".repeat(32)
    const bIds = ["0123456789abcdef0123", "fedcba9876543210fedc"]
    const response = await raw(sim, `/batch?requestid=${requestId}`, {
      body: { BatchItemRequest: bIds.map((bId) => ({ bId, operation: "create", Customer: { DisplayName: `Long ${bId}` } })) }
    })
    assert.strictEqual(response.status, 200)
    for (const [index, item] of response.json.BatchItemResponse.entries()) {
      assert.deepStrictEqual(item.Fault.Error[0], {
        Message: "A business validation error has occurred while processing your request",
        Detail: `Business Validation Error: You cannot enter more than 50 characters in the request_id field. You tried entering ${requestId}${bIds[index]}, which is 52 characters.`,
        code: "6000",
        element: ""
      })
    }
    assert.isFalse(sim.store(REALM).list("Customer").some((c) => String(c["DisplayName"]).startsWith("Long ")))
  })

  it("refuses more than 30 items, and replays a batch requestid", async () => {
    const items = Array.from({ length: 31 }, (_, i) => ({ bId: String(i), Query: "select * from Term" }))
    const tooMany = await raw(sim, "/batch", { body: { BatchItemRequest: items } })
    assert.strictEqual(tooMany.status, 400)
    assert.strictEqual(firstError(tooMany).code, "6000")
    const body = { BatchItemRequest: [{ bId: "1", operation: "create", Customer: { DisplayName: "Replayed Batch Co" } }] }
    const first = await raw(sim, "/batch?requestid=b-replay", { body })
    const second = await raw(sim, "/batch?requestid=b-replay", { body })
    assert.strictEqual(second.text, first.text)
    assert.strictEqual(sim.store(REALM).list("Customer").filter((c) => c["DisplayName"] === "Replayed Batch Co").length, 1)
    assert.strictEqual(sim.counts()["POST /batch"], 6)
  })
})

describe("QBO simulator: throttling", () => {
  it("answers 429 ThrottleExceeded beyond the per-minute budget, per realm", async () => {
    const sim = await startSim({ [REALM]: baseRealm(), [OTHER_REALM]: {} }, { limits: { requestsPerMinute: 3 } })
    try {
      for (let i = 0; i < 3; i++) assert.strictEqual((await raw(sim, "/customer/1")).status, 200)
      const throttled = await raw(sim, "/customer/1")
      assert.strictEqual(throttled.status, 429)
      assert.deepStrictEqual(throttled.json.Fault, {
        Error: [{ Message: "message=ThrottleExceeded; errorCode=003001; statusCode=429", Detail: "The request limit was reached.  Try again later", code: "3001", element: "" }],
        type: "SERVICE"
      })
      assert.strictEqual(THROTTLE_DETAIL, "The request limit was reached.  Try again later")
      assert.isNull(throttled.headers.get("retry-after"))
      assert.strictEqual((await raw(sim, "/companyinfo/" + OTHER_REALM, { realm: OTHER_REALM })).status, 200, "another realm has its own budget")
      sim.advanceTime(60_000)
      assert.strictEqual((await raw(sim, "/customer/1")).status, 200, "the window slides")
    } finally {
      await sim.close()
    }
  })

  it("limits batches per minute and concurrent requests; optional Retry-After and XML body", async () => {
    const sim = await startSim(undefined, {
      limits: { batchesPerMinute: 1, maxConcurrent: 2 },
      faults: { latencyMs: 600 }, // the three requests overlap even on a busy machine
      throttle: { retryAfterSeconds: 7, xmlBody: true }
    })
    try {
      const batch = { BatchItemRequest: [{ bId: "1", Query: "select * from Term" }] }
      assert.strictEqual((await raw(sim, "/batch", { body: batch })).status, 200)
      const second = await raw(sim, "/batch", { body: batch })
      assert.strictEqual(second.status, 429)
      assert.strictEqual(second.headers.get("retry-after"), "7")
      assert.match(second.text, /^<\?xml[\s\S]*<Error code="3001"><Message>message=ThrottleExceeded; errorCode=003001; statusCode=429<\/Message>/)
      const statuses = await Promise.all([1, 2, 3].map(() => raw(sim, "/customer/1").then((r) => r.status)))
      assert.deepStrictEqual(statuses.sort(), [200, 200, 429])
      assert.strictEqual(sim.concurrency(REALM).peak, 2)
    } finally {
      await sim.close()
    }
  })

  it("scales windows with timeScale", async () => {
    // A simulated minute lasts 1.2 s: long enough that three requests sent together fall into
    // one even on a busy machine, short enough to wait out.
    const sim = await startSim(undefined, { timeScale: 0.02, limits: { requestsPerMinute: 2 } })
    try {
      const statuses = await Promise.all([1, 2, 3].map(() => raw(sim, "/customer/1").then((r) => r.status)))
      assert.deepStrictEqual(statuses.sort(), [200, 200, 429])
      await new Promise((resolve) => setTimeout(resolve, 1300))
      assert.strictEqual((await raw(sim, "/customer/1")).status, 200)
    } finally {
      await sim.close()
    }
  })
})

describe("QBO simulator: fault injection", () => {
  let sim: QboSimulator
  beforeAll(async () => {
    sim = await startSim()
  })
  afterAll(() => sim.close())

  it("injects 500 (SystemFault), 502 and 503 (nginx HTML) and the transient 6000", async () => {
    sim.injectFault({ kind: "http500" })
    const system = await raw(sim, "/customer/1")
    assert.strictEqual(system.status, 500)
    assert.strictEqual(firstError(system).code, "10000")
    assert.strictEqual(system.json.Fault.type, "SystemFault")
    sim.injectFault({ kind: "http502" })
    const gateway = await raw(sim, "/customer/1")
    assert.strictEqual(gateway.status, 502)
    assert.include(gateway.text, "<center>nginx</center>")
    sim.injectFault({ kind: "http503", match: { path: "/customer/1" } })
    assert.strictEqual((await raw(sim, "/term/1")).status, 200, "the scripted fault waits for a matching path")
    assert.strictEqual((await raw(sim, "/customer/1")).status, 503)
    sim.injectFault({ kind: "transient6000" })
    const transient = await raw(sim, "/customer", { body: { DisplayName: "Transient Co" } })
    assert.strictEqual(transient.status, 400)
    assert.strictEqual(firstError(transient).Detail, `Business Validation Error: ${TRANSIENT_DETAIL}`)
    assert.strictEqual(sim.store(REALM).list("Customer").filter((c) => c["DisplayName"] === "Transient Co").length, 0)
    assert.strictEqual((await raw(sim, "/customer/1")).status, 200)
  })

  it("drops connections before processing, and loses responses after committing", async () => {
    sim.injectFault({ kind: "dropConnection" })
    let dropped = false
    try {
      await raw(sim, "/customer", { body: { DisplayName: "Dropped Co" } })
    } catch {
      dropped = true
    }
    assert.isTrue(dropped)
    assert.isFalse(sim.store(REALM).list("Customer").some((c) => c["DisplayName"] === "Dropped Co"))

    sim.injectFault({ kind: "loseResponse" })
    let lost = false
    try {
      await raw(sim, "/customer?requestid=lost-1", { body: { DisplayName: "Lost Co" } })
    } catch {
      lost = true
    }
    assert.isTrue(lost, "the client sees a broken connection")
    assert.strictEqual(sim.store(REALM).list("Customer").filter((c) => c["DisplayName"] === "Lost Co").length, 1, "…but the write happened")
    const retried = await raw(sim, "/customer?requestid=lost-1", { body: { DisplayName: "Lost Co" } })
    assert.strictEqual(retried.status, 200)
    assert.strictEqual(retried.json.Customer.DisplayName, "Lost Co")
    assert.strictEqual(sim.store(REALM).list("Customer").filter((c) => c["DisplayName"] === "Lost Co").length, 1)
  })

  it("draws random faults reproducibly from the seed", async () => {
    const run = async () => {
      const seeded = await startSim(undefined, { faults: { seed: 42, serverErrorRate: 0.3, unavailableRate: 0.2 } })
      try {
        const statuses: Array<number> = []
        for (let i = 0; i < 20; i++) statuses.push((await raw(seeded, "/term/1")).status)
        return statuses
      } finally {
        await seeded.close()
      }
    }
    const first = await run()
    assert.deepStrictEqual(await run(), first)
    assert.isTrue(first.includes(500) && first.includes(200), first.join(","))
  })

  it("counts requests by key and writes", async () => {
    const counted = await startSim()
    try {
      await query(counted, "select * from Invoice")
      await raw(counted, "/invoice", { body: invoiceBody() })
      await raw(counted, "/invoice?operation=void", { body: { Id: "1", SyncToken: "0" } })
      await raw(counted, "/batch", { body: { BatchItemRequest: [] } })
      assert.deepStrictEqual(counted.counts(), {
        "GET /query Invoice": 1,
        "POST /invoice": 1,
        "POST /invoice?operation=void": 1,
        "POST /batch": 1
      })
      assert.strictEqual(counted.writeCount(), 3)
      counted.resetStats()
      assert.deepStrictEqual(counted.counts(), {})
    } finally {
      await counted.close()
    }
  })
})

describe("QBO dataset loader", () => {
  let dir: string
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "atqbo-qbo-"))
  })
  afterAll(() => rm(dir, { recursive: true, force: true }))

  it("loads DIR/qbo as one realm, realm subdirectories as more, with defaults and sandbox.yaml options", async () => {
    await mkdir(join(dir, "qbo", "123145"), { recursive: true })
    await writeFile(join(dir, "sandbox.yaml"), "qbo:\n  realmId: '555'\n  warnDuplicateDocNumber: false\n  limits:\n    requestsPerMinute: 7\nautotask: {}\n")
    await writeFile(join(dir, "qbo", "Customer.json"), JSON.stringify([{ Id: "9", DisplayName: "Loaded Co", Active: true }]))
    await writeFile(join(dir, "qbo", "Item.json"), JSON.stringify({ QueryResponse: { Item: [{ Id: "4", Name: "Loaded", Type: "Service", IncomeAccountRef: { value: "1" } }] } }))
    await writeFile(join(dir, "qbo", "Preferences.json"), JSON.stringify({ SalesFormsPrefs: { CustomTxnNumbers: true } }))
    await writeFile(join(dir, "qbo", "123145", "Customer.json"), JSON.stringify([{ Id: "1", DisplayName: "Second Company Client" }]))
    const realms = await loadQboDataset(dir)
    assert.deepStrictEqual(Object.keys(realms).sort(), ["123145", "555"])
    const { options } = await loadQboSandbox(dir)
    assert.deepStrictEqual(options, { warnDuplicateDocNumber: false, limits: { requestsPerMinute: 7 } })
    const sim = await startQboSimulator({ realms, options })
    try {
      assert.strictEqual(sim.options.limits.requestsPerMinute, 7)
      assert.strictEqual(sim.options.limits.maxConcurrent, 10)
      const view = sim.store("555")
      assert.strictEqual(view.list("Customer")[0]?.["SyncToken"], "0")
      assert.strictEqual(view.list("Item")[0]?.["Name"], "Loaded")
      assert.deepStrictEqual(view.list("Term").map((t) => t["Name"]), ["Due on receipt", "Net 15", "Net 30", "Net 60", "Net 10"])
      assert.deepStrictEqual(view.list("Account").map((a) => a["Name"]), ["Services"])
      assert.deepStrictEqual(view.list("TaxCode").map((t) => t["Id"]).sort(), ["NON", "TAX"])
      assert.strictEqual((view.preferences["SalesFormsPrefs"] as any).CustomTxnNumbers, true)
      assert.strictEqual((view.preferences["CurrencyPrefs"] as any).HomeCurrency.value, "USD", "defaults fill the rest")
      assert.strictEqual(sim.store("123145").list("Customer")[0]?.["DisplayName"], "Second Company Client")
      const other = await raw(sim, "/customer/1", { realm: "123145" })
      assert.strictEqual(other.json.Customer.DisplayName, "Second Company Client")
    } finally {
      await sim.close()
    }
  })

  it("names sandbox.yaml in option errors", async () => {
    const bad = await mkdtemp(join(tmpdir(), "atqbo-qbo-bad-"))
    try {
      await writeFile(join(bad, "sandbox.yaml"), "qbo:\n  faults:\n    throttleRate: 2\n")
      let message = ""
      await loadQboSandbox(bad).catch((error: Error) => {
        message = error.message
      })
      assert.strictEqual(message, `${join(bad, "sandbox.yaml")}: qbo.faults.throttleRate: a rate must be between 0 and 1, got 2`)
      await writeFile(join(bad, "sandbox.yaml"), "qbo:\n  latency: 5\n")
      await loadQboSandbox(bad).catch((error: Error) => {
        message = error.message
      })
      assert.match(message, /sandbox\.yaml: qbo\.latency: unknown option; expected one of timeScale, /)
    } finally {
      await rm(bad, { recursive: true, force: true })
    }
  })
})
