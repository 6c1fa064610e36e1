/**
 * The simulator's Attachable notes (src/sandbox/qbo/attachables.ts): a note without a file,
 * updated only with its current SyncToken (5010 otherwise), found by Note when the option
 * says QBO filters on it and refused (4001) when it does not.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import type { QboSimulator } from "../../src/sandbox/qbo/index.ts"
import { firstError, postQuery, raw, startSim } from "./helpers.ts"

describe("QBO simulator: Attachable notes", () => {
  let sim: QboSimulator
  beforeAll(async () => {
    sim = await startSim()
  })
  afterAll(() => sim.close())

  it("creates a standalone note, updates it with the current SyncToken and answers 5010 to an older one", async () => {
    const created = await raw(sim, "/attachable", { body: { Note: "[test] first" } })
    assert.strictEqual(created.status, 200)
    const note = created.json.Attachable
    assert.strictEqual(note.SyncToken, "0")
    assert.strictEqual(note.Note, "[test] first")

    const updated = await raw(sim, "/attachable", { body: { Id: note.Id, SyncToken: "0", sparse: true, Note: "[test] second" } })
    assert.strictEqual(updated.status, 200)
    assert.strictEqual(updated.json.Attachable.SyncToken, "1")

    // The loser of a race still holds SyncToken 0.
    const stale = await raw(sim, "/attachable", { body: { Id: note.Id, SyncToken: "0", sparse: true, Note: "[test] lost" } })
    assert.strictEqual(stale.status, 400)
    assert.strictEqual(firstError(stale).code, "5010")
    assert.strictEqual((await raw(sim, `/attachable/${note.Id}`)).json.Attachable.Note, "[test] second")
  })

  it("needs a Note (or a file) and keeps it within 2000 characters", async () => {
    assert.strictEqual(firstError(await raw(sim, "/attachable", { body: { Category: "Other" } })).code, "2020")
    assert.strictEqual(firstError(await raw(sim, "/attachable", { body: { Note: "x".repeat(2001) } })).code, "2050")
  })

  it("filters on Note by default, and answers 4001 when configured as not filterable", async () => {
    await raw(sim, "/attachable", { body: { Note: "[find-me] yes" } })
    const found = await postQuery(sim, "SELECT * FROM Attachable WHERE Note LIKE '[find-me]%'")
    assert.deepStrictEqual(found.json.QueryResponse.Attachable.map((row: { Note: string }) => row.Note), ["[find-me] yes"])
    sim.setOptions({ attachableNoteQueryable: false })
    const refused = await postQuery(sim, "SELECT * FROM Attachable WHERE Note LIKE '[find-me]%'")
    assert.strictEqual(firstError(refused).code, "4001")
    sim.setOptions({ attachableNoteQueryable: true })
  })
})
