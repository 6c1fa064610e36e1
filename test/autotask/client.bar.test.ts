/**
 * The issue's bar: with faults injected, the client reads 5,000 billing items across pages,
 * returns exactly the dataset, and spends no more than 5 % above the minimum number of
 * requests (ceil(5000/500) = 10 pages) on anything but the injected faults' retries.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import type { AtBillingItem } from "../../src/autotask/model.ts"
import { manyBillingItems, sampleDataset, simulator, withClient, withReader } from "./fixtures.ts"

const ROWS = 5000
const MINIMUM_REQUESTS = Math.ceil(ROWS / 500)

describe("reading 5,000 billing items under faults", () => {
  it.live.each([{ seed: 1 }, { seed: 2 }, { seed: 3 }])("returns exactly the dataset within 5% of the minimum requests (seed $seed)", ({ seed }) =>
    Effect.gen(function*() {
      const items = manyBillingItems(ROWS)
      const sim = yield* simulator({
        data: { entities: { ...sampleDataset.entities, BillingItems: items } },
        options: {
          seed,
          timeScale: 0.01,
          latency: { fixedMs: 50, jitterMs: 100 },
          faults: { serverErrorRate: 0.1, unavailableRate: 0.1, rateLimitRate: 0.1, dropConnectionRate: 0.1 }
        }
      })
      const rows = yield* withClient(
        sim,
        withReader((reader) => reader.query<AtBillingItem>("BillingItems", [{ op: "exist", field: "id" }]))
      )
      assert.deepStrictEqual(rows, items)

      const billingRequests = sim.requests.filter((record) => record.endpoint.startsWith("POST BillingItems/query"))
      const faulted = billingRequests.filter((record) => record.fault !== undefined)
      const clean = billingRequests.filter((record) => record.fault === undefined)
      assert.isAbove(faulted.length, 0, "faults were injected")
      assert.isAtMost(clean.length, MINIMUM_REQUESTS * 1.05, `clean requests: ${clean.length}`)
      assert.isTrue(clean.every((record) => record.status === 200))
      assert.strictEqual(sim.counts({ includeFaulted: false })["GET zoneInformation"], 1)
    }))
})
