/**
 * The run journal (issue 16 item 10): one that cannot be created fails before anything is
 * written; one that fails later throws the run's stop switch, so no new write starts.
 */
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { TestClock } from "effect/testing"
import { vi } from "vitest"
import { makeStopSwitch } from "../../src/reconcile/applyStop.ts"
import { Journal, type JournalEntry } from "../../src/reconcile/journal.ts"

const startedAt = new Date("2026-12-01T10:00:00Z")

describe("run journal", () => {
  it.live("is created 0600 before the run; one that cannot be is refused with the reason", () =>
    Effect.gen(function*() {
      const root = yield* Effect.promise(() => mkdtemp(join(tmpdir(), "atqbo-journal-")))
      const path = yield* Effect.map(Journal, (journal) => journal.location!).pipe(Effect.provide(Journal.file(join(root, "journal"), "run1", startedAt)))
      assert.strictEqual((yield* Effect.promise(() => stat(path))).mode & 0o777, 0o600)

      const blocked = join(root, "blocked")
      yield* Effect.promise(() => writeFile(blocked, "a file where the directory should be"))
      const refused = yield* Layer.build(Journal.file(blocked, "run2", startedAt)).pipe(Effect.scoped, Effect.flip)
      assert.strictEqual(refused._tag, "JournalUnwritable")
      assert.include(refused.message, `cannot write the run journal ${blocked}/`)
      assert.include(refused.message, "nothing was written")
    }))

  it.live("a line that cannot be written stops the run's writes, once, with the reason", () =>
    Effect.gen(function*() {
      const root = yield* Effect.promise(() => mkdtemp(join(tmpdir(), "atqbo-journal-")))
      const dir = join(root, "journal")
      const stop = makeStopSwitch()
      const stderr = vi.spyOn(process.stderr, "write").mockImplementation(() => true)
      const lines = yield* Effect.gen(function*() {
        const journal = yield* Journal
        yield* journal.record({ event: "run.start" })
        const written = yield* Effect.promise(() => readFile(journal.location!, "utf8"))
        // The directory disappears mid-run (a full or unmounted disk fails the same way).
        yield* Effect.promise(() => rm(dir, { recursive: true }))
        yield* journal.record({ event: "action" })
        yield* journal.record({ event: "run.end" })
        return written
      }).pipe(Effect.provide(Journal.file(dir, "run3", startedAt, stop.stop)))
      const warned = stderr.mock.calls.map((call) => String(call[0]))
      stderr.mockRestore()
      assert.strictEqual(JSON.parse(lines).event, "run.start")
      assert.strictEqual(warned.filter((line) => line.includes("starting no more writes")).length, 1)
      assert.match(stop.stopped() ?? "", /^the journal .*run3\.jsonl could not be written \(ENOENT/)
    }))

  it.effect("stamps each entry with the Clock service's time, so a test clock decides it", () =>
    Effect.gen(function*() {
      const root = yield* Effect.promise(() => mkdtemp(join(tmpdir(), "atqbo-journal-")))
      yield* TestClock.setTime(Date.parse("2026-12-05T08:30:00Z"))
      const memory: Array<JournalEntry> = []
      const written = yield* Effect.gen(function*() {
        const journal = yield* Journal
        yield* journal.record({ event: "run.start" })
        return journal.location!
      }).pipe(Effect.provide(Journal.file(join(root, "journal"), "run4", startedAt)))
      yield* Effect.flatMap(Journal, (journal) => journal.record({ event: "run.end" })).pipe(Effect.provide(Journal.memory("run5", memory)))
      const line = JSON.parse(yield* Effect.promise(() => readFile(written, "utf8")))
      assert.strictEqual(line.at, "2026-12-05T08:30:00.000Z")
      assert.strictEqual(memory[0]!.at, "2026-12-05T08:30:00.000Z")
    }))
})
