/**
 * Raw probes of the simulator's limits, fault injection and zone moves (reference §9, §15).
 */
import { assert, describe, it } from "@effect/vitest"
import { AutotaskSimOptionsError, type AutotaskSimulator } from "../../src/sandbox/autotask/index.ts"
import {
  authHeaders,
  getJson,
  invoices,
  patchJson,
  postJson,
  probe,
  restUrl,
  sampleDataset,
  withSimulator
} from "./fixtures.ts"

const everything = { filter: [{ op: "exist", field: "id" }] }
const data = sampleDataset

const statuses = (responses: ReadonlyArray<{ readonly status: number }>) =>
  responses.map((response) => response.status).sort((a, b) => a - b)

/** Resolves once the simulator has answered `status` (no deadline: the test's timeout catches a hang). */
const answered = async (sim: AutotaskSimulator, status: number): Promise<void> => {
  while (!sim.requests.some((record) => record.status === status)) await new Promise((resolve) => setTimeout(resolve, 5))
}

/** Sends `requests` while the simulator holds every admitted one, so they are all in flight at once. */
const inFlightTogether = async <A>(sim: AutotaskSimulator, refusal: number, requests: () => Promise<A>): Promise<A> => {
  const release = sim.hold()
  const all = requests()
  await answered(sim, refusal)
  release()
  return all
}

describe("thread limit", () => {
  it("refuses the 4th concurrent request per entity with 429; other entities and zoneInformation are separate", () =>
    withSimulator({ data }, async (sim) => {
      const [limited, other, zones] = await inFlightTogether(sim, 429, () =>
        Promise.all([
          Promise.all(Array.from({ length: 4 }, () => postJson(sim, "Invoices/query", everything))),
          Promise.all(Array.from({ length: 3 }, () => postJson(sim, "BillingItems/query", everything))),
          Promise.all(Array.from({ length: 5 }, () => probe(`${sim.discoveryUrl}?user=${sim.credentials.username}`)))
        ]))
      assert.deepStrictEqual(statuses(limited), [200, 200, 200, 429])
      const refused = limited.find((response) => response.status === 429)
      assert.lengthOf(refused?.json.errors, 1)
      assert.deepStrictEqual(statuses(other), [200, 200, 200])
      assert.deepStrictEqual(statuses(zones), [200, 200, 200, 200, 200])
    }))

  it("uses the configured status, text and Retry-After", () =>
    withSimulator({
      data,
      options: {
        faults: { retryAfterSeconds: 3 },
        limits: { concurrentPerEntity: 1, concurrencyLimitStatus: 500, concurrencyLimitMessage: "Thread limit hit." }
      }
    }, async (sim) => {
      const responses = await inFlightTogether(sim, 500, () => Promise.all([postJson(sim, "Invoices/query", everything), postJson(sim, "Invoices/query", everything)]))
      const refused = responses.find((response) => response.status !== 200)
      assert.strictEqual(refused?.status, 500)
      assert.strictEqual(refused?.text, "{\"errors\":[\"Thread limit hit.\"]}")
      assert.strictEqual(refused?.headers.get("retry-after"), "3")
    }))
})

describe("hourly threshold", () => {
  it("slows calls at 50 % and 75 %, blocks at 100 %, and exempts zoneInformation", () =>
    withSimulator({ data, options: { timeScale: 0.3, limits: { hourlyThreshold: 8 } } }, async (sim) => {
      const held: Array<number> = []
      for (let index = 1; index <= 8; index++) {
        const response = await getJson(sim, "ThresholdInformation")
        assert.strictEqual(response.json.currentTimeframeRequestCount, index)
        assert.strictEqual(response.json.externalRequestThreshold, 8)
        const record = sim.requests[sim.requests.length - 1]!
        // The band is read from the record; the clock only ever bounds it from below.
        assert.isAtLeast(record.durationMs, record.throttledMs - 1)
        held.push(Math.round(record.throttledMs))
      }
      // Bands by the count including the call: 1–3 none, 4–5 +500 ms, 6–8 +1 s (× timeScale 0.3).
      assert.deepStrictEqual(held, [0, 0, 0, 150, 150, 300, 300, 300])

      const blocked = await postJson(sim, "Invoices/query", everything)
      assert.strictEqual(blocked.status, 429)
      assert.match(blocked.json.errors[0], /Request Threshold Exceeded/)
      const zone = await probe(`${sim.discoveryUrl}?user=${sim.credentials.username}`)
      assert.strictEqual(zone.status, 200)
    }))

  it("frees the budget when the rolling hour passes", () =>
    withSimulator({ data, options: { limits: { hourlyThreshold: 2, thresholdLatency: false } } }, async (sim) => {
      await getJson(sim, "Invoices/155")
      await getJson(sim, "Invoices/155")
      assert.strictEqual((await getJson(sim, "Invoices/155")).status, 429)
      sim.advanceTime(3_599_000)
      assert.strictEqual((await getJson(sim, "Invoices/155")).status, 429, "still inside the hour")
      sim.advanceTime(1_000)
      assert.strictEqual((await getJson(sim, "Invoices/155")).status, 200)
      assert.strictEqual(sim.threshold().currentTimeframeRequestCount, 1)
    }))
})

describe("latency and time scale", () => {
  it("scales configured latency by timeScale", () =>
    withSimulator({ data, options: { latency: { fixedMs: 3_000_000 }, processingMs: 0, timeScale: 0.00003 } }, async (sim) => {
      const started = Date.now()
      assert.strictEqual((await getJson(sim, "Invoices/155")).status, 200)
      const elapsed = Date.now() - started
      assert.isAtLeast(elapsed, 85)
      assert.isBelow(elapsed, 1_500_000, "scaled: 90 ms, not 50 minutes")
    }))

  it("holds every API request a few milliseconds by default, so requests overlap; configurable, 0 allowed", () =>
    withSimulator({ data }, async (sim) => {
      assert.strictEqual(sim.options().processingMs, 5)
      // Long enough that a loaded machine cannot make the discovery request look held.
      sim.setOptions({ processingMs: 1500 })
      await getJson(sim, "Invoices/155")
      await probe(`${sim.discoveryUrl}?user=${sim.credentials.username}`)
      const [api, discovery] = sim.requests.map((record) => record.durationMs)
      assert.isAtLeast(api!, 1500, "an API request takes its processing time")
      assert.isBelow(discovery!, 1500, "zone discovery is no API request")
      sim.setOptions({ processingMs: 0 })
      assert.throws(() => sim.setOptions({ processingMs: -1 }), /processingMs must be a number from 0 to 3600000, got -1/)
    }))
})

describe("fault injection", () => {
  const drawStatuses = async (sim: AutotaskSimulator) => {
    const seen: Array<number> = []
    for (let index = 0; index < 40; index++) seen.push((await getJson(sim, "Invoices/155")).status)
    return seen
  }
  const mixed = { seed: 42, faults: { serverErrorRate: 0.2, unavailableRate: 0.2, rateLimitRate: 0.2 } }

  it("is deterministic for a seed", async () => {
    const first = await withSimulator({ data, options: mixed }, drawStatuses)
    const second = await withSimulator({ data, options: mixed }, drawStatuses)
    assert.deepStrictEqual(first, second)
    assert.includeMembers(first, [200, 429, 500, 503])
  })

  it("answers 500 in ASP.NET's shape, 503 as a gateway page, 429 with Retry-After", () =>
    withSimulator({ data, options: { faults: { serverErrorRate: 1 } } }, async (sim) => {
      const error = await getJson(sim, "Invoices/155")
      assert.deepStrictEqual([error.status, error.text], [500, "{\"Message\":\"An error has occurred.\"}"])
      sim.setOptions({ faults: { serverErrorRate: 0, unavailableRate: 1 } })
      const unavailable = await getJson(sim, "Invoices/155")
      assert.strictEqual(unavailable.status, 503)
      assert.match(unavailable.headers.get("content-type") ?? "", /text\/html/)
      sim.setOptions({ faults: { unavailableRate: 0, rateLimitRate: 1, retryAfterSeconds: 2 } })
      const limited = await getJson(sim, "Invoices/155")
      assert.strictEqual(limited.status, 429)
      assert.strictEqual(limited.headers.get("retry-after"), "2")
      assert.deepStrictEqual(sim.requests.map((record) => record.fault), ["500", "503", "429"])
    }))

  it("drops connections before or in the middle of the response", () =>
    withSimulator({ data, options: { seed: 1, faults: { dropConnectionRate: 1 } } }, async (sim) => {
      const failures: Array<string> = []
      for (let index = 0; index < 6; index++) { // one at a time: the thread limit is not the point
        failures.push(await getJson(sim, "Invoices/155").then(() => "answered", (error: unknown) => (error instanceof Error ? "failed" : "?")))
      }
      assert.deepStrictEqual(failures, Array(6).fill("failed"))
      const kinds = new Set(sim.requests.map((record) => record.fault))
      assert.isTrue(kinds.has("drop") && kinds.has("drop-mid-body"), [...kinds].join())
      assert.isTrue(sim.requests.every((record) => record.status === 0))
    }))

  it("acknowledges silent no-op writes without changing anything", () =>
    withSimulator({ data, options: { faults: { noopWriteRate: 1 } } }, async (sim) => {
      const response = await patchJson(sim, "Invoices", { id: 156, invoiceNumber: "QB-1" })
      assert.strictEqual(response.text, "{\"itemId\":156}")
      assert.deepStrictEqual(sim.store.get("Invoices", 156), invoices[1])
      assert.strictEqual(sim.requests[0]?.fault, "noop-write")
    }))

  it("never corrupts stored data, whatever the fault storm", () =>
    withSimulator({
      data,
      options: { seed: 9, faults: { serverErrorRate: 0.15, unavailableRate: 0.15, dropConnectionRate: 0.15, rateLimitRate: 0.1 } }
    }, async (sim) => {
      let lastApplied = -1
      for (let index = 0; index < 30; index++) {
        const status = await patchJson(sim, "Invoices", { id: 156, invoiceNumber: `try-${index}` })
          .then((response) => response.status, () => 0)
        if (status === 200) lastApplied = index
      }
      const faulted = sim.requests.filter((record) => record.fault !== undefined).length
      assert.isAbove(faulted, 5)
      assert.isAtLeast(lastApplied, 0)
      assert.strictEqual(sim.store.get("Invoices", 156)?.["invoiceNumber"], `try-${lastApplied}`)
      const expected: Record<string, unknown> = { ...invoices[1], invoiceNumber: `try-${lastApplied}` }
      assert.deepStrictEqual<Record<string, unknown> | undefined>(sim.store.get("Invoices", 156), expected)
    }))

  it("validates runtime option changes", () =>
    withSimulator({ data }, async (sim) => {
      assert.throws(() => sim.setOptions({ faults: { serverErrorRate: 2 } }), AutotaskSimOptionsError, /serverErrorRate/)
      assert.throws(() => sim.setOptions({ fautls: {} } as never), AutotaskSimOptionsError, /unknown option fautls; did you mean faults/)
      assert.strictEqual(sim.options().faults.serverErrorRate, 0)
    }))
})

describe("zone move", () => {
  it("sends the old zone 401s and discovery a new URL", () =>
    withSimulator({ data }, async (sim) => {
      const before = sim.zone().url
      assert.strictEqual((await postJson(sim, "Invoices/query", everything)).status, 200)
      const moved = sim.moveZone()
      assert.notStrictEqual(moved.url, before)
      assert.isTrue(moved.url.endsWith("/ATServicesRest/"))

      const old = await probe(`${before}V1.0/Invoices/query`, {
        method: "POST",
        headers: authHeaders(sim),
        body: JSON.stringify(everything)
      })
      assert.deepStrictEqual([old.status, old.text], [401, "{\"errors\":[\"Authentication failed\"]}"])

      // Discovery answers on the old host too, with the new zone.
      const discovery = await probe(`${before}V1.0/zoneInformation?user=${sim.credentials.username}`)
      assert.strictEqual(discovery.json.url, moved.url)
      const fresh = await probe(restUrl(sim, "Invoices/query"), {
        method: "POST",
        headers: authHeaders(sim),
        body: JSON.stringify(everything)
      })
      assert.strictEqual(fresh.status, 200)
    }))
})
