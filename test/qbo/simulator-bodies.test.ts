/**
 * The simulator's response faults after a request was carried out: a 200 whose JSON is cut
 * short, a 200 that is not JSON, and an answer that comes only after `hangMs`.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import type { QboSimulator } from "../../src/sandbox/qbo/index.ts"
import { raw, REALM, startSim } from "./helpers.ts"

describe("QBO simulator: bad bodies and hangs", () => {
  let sim: QboSimulator
  beforeAll(async () => {
    sim = await startSim()
  })
  afterAll(() => sim.close())

  it("commits the write, then answers 200 with half the JSON, or with an HTML page", async () => {
    sim.injectFault({ kind: "truncateBody", match: { path: "/customer" } })
    const truncated = await raw(sim, "/customer", { body: { DisplayName: "Cut Short Ltd" } })
    assert.strictEqual(truncated.status, 200)
    assert.isUndefined(truncated.json, "not JSON")
    sim.injectFault({ kind: "garbleBody", match: { path: "/customer" } })
    const garbled = await raw(sim, "/customer", { body: { DisplayName: "Garbled Ltd" } })
    assert.strictEqual(garbled.status, 200)
    assert.match(garbled.headers.get("content-type") ?? "", /text\/html/)
    const names = sim.store(REALM).list("Customer").map((customer) => customer.DisplayName)
    assert.includeMembers(names, ["Cut Short Ltd", "Garbled Ltd"], "both writes were carried out")
    assert.deepStrictEqual(sim.requests.slice(-2).map((entry) => entry.outcome), ["truncated", "garbled"])
  })

  it("answers a hung request after hangMs (scaled by timeScale)", async () => {
    sim.setOptions({ timeScale: 0.001, faults: { hangMs: 60_000 } })
    sim.injectFault({ kind: "hang", match: { path: "/customer/1" } })
    const answer = await raw(sim, "/customer/1")
    assert.strictEqual(answer.status, 200)
    assert.strictEqual(sim.requests.at(-1)?.outcome, "hung")
    sim.setOptions({ timeScale: 1 })
  })
})
