/**
 * Apply never writes what it cannot record (issue 16 item 10), through the real CLI: a journal
 * that cannot be written stops apply before its first write; Ctrl-C (SIGINT) or SIGTERM stops new writes, lets those
 * in flight finish, and every write the simulators received is in the journal. The signal is
 * sent at a point read from the QBO simulator's request log (its first document batch has
 * arrived), not after a timer; each QBO answer takes 100 ms, so that batch is still in flight.
 */
import { readdir, readFile, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { signalExitCode } from "../../src/cli/exitCode.ts"
import { ownerOf } from "../../src/reconcile/marker.ts"
import type { Sandbox } from "../../src/sandbox/sandbox.ts"
import { runCli, sandboxEnv, startCli, until, writeConfig } from "../support/cli.ts"
import { mixedDataset } from "../support/datasets.ts"
import { bookWrites, withSandbox } from "../support/sandbox.ts"

interface Line {
  readonly event: string
  readonly type?: string
  readonly status?: string
  readonly qboId?: string
  readonly reason?: string
  readonly request?: { readonly batchRequestId?: string; readonly requestId?: string; readonly entity?: string; readonly id?: number }
}

const setup = Effect.gen(function*() {
  const sandbox = yield* withSandbox({ dataDir: yield* Effect.promise(mixedDataset) })
  const { dir, stateDir } = yield* Effect.promise(() => writeConfig(sandbox.realmId, { sync: "  voids:\n    sync: true" }))
  return { sandbox, dir, journalDir: join(stateDir, "journal"), env: sandboxEnv(sandbox) }
})

const readJournal = async (dir: string): Promise<ReadonlyArray<Line>> => {
  const [file, ...others] = await readdir(dir)
  assert.isEmpty(others, "one journal per run")
  return (await readFile(join(dir, file!), "utf8")).trim().split("\n").map((line) => JSON.parse(line) as Line)
}

/** QBO writes to the books (not the lease note, nor token refreshes) as the simulator received them. */
const qboWrites = (sandbox: Sandbox) =>
  sandbox.qbo.requests.filter((entry) => entry.method === "POST" && !/query|attachable|oauth2/i.test(entry.key))

/** Documents created in QBO during the run (the dataset's own are Ids 900 and 901). */
const createdDocuments = (sandbox: Sandbox): ReadonlyArray<string> =>
  (["Invoice", "CreditMemo"] as const).flatMap((entity) =>
    sandbox.qbo.store(sandbox.realmId).list(entity).filter((doc) => ownerOf(doc.PrivateNote as string | undefined) !== undefined && doc.Id !== "900" && doc.Id !== "901").map((doc) => String(doc.Id))
  ).sort()

describe("apply never writes what it cannot record (CLI)", () => {
  it("a run stopped by a signal exits 128 + its number, as shells report it", () => {
    assert.deepStrictEqual([signalExitCode("SIGINT"), signalExitCode("SIGTERM")], [130, 143])
  })

  it.live("a journal that cannot be written stops apply before its first write, exit 1 with the reason", () =>
    Effect.scoped(Effect.gen(function*() {
      const { sandbox, dir, journalDir, env } = yield* setup
      yield* Effect.promise(() => writeFile(journalDir, "a file where the journal directory should be"))
      const result = yield* Effect.promise(() => runCli(["apply", "--config", dir, "--auto-approve"], { env }))
      assert.strictEqual(result.code, 1, result.stdout)
      assert.include(result.stderr, `error: cannot write the run journal ${journalDir}/`)
      assert.include(result.stderr, "nothing was written. Make the directory writable, or set journal.dir in atqbo.yaml")
      assert.strictEqual(bookWrites(sandbox), 0)
    })), 120_000)

  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    it.live(`${signal} mid-apply: in-flight writes finish, none starts after, all are journalled with an interrupted record; exit ${signalExitCode(signal)}`, () =>
      Effect.scoped(Effect.gen(function*() {
        const { sandbox, dir, journalDir, env } = yield* setup
        sandbox.qbo.setOptions({ faults: { latencyMs: 100 } })
        const apply = startCli(["apply", "--config", dir, "--auto-approve"], { env })
        // The first batch holds the new customers and item; the second, the documents.
        const batches = () => sandbox.qbo.requests.filter((entry) => entry.key === "POST /batch").length
        yield* Effect.promise(() => until(() => batches() >= 2))
        apply.child.kill(signal)
        const result = yield* Effect.promise(() => apply.done)

        assert.strictEqual(result.code, signalExitCode(signal), result.stderr)
        assert.include(result.stderr, `Received ${signal}: finishing the requests in flight and starting no new writes`)
        assert.include(result.stderr, `Stopped early: apply was interrupted (${signal}).`)
        const journal = yield* Effect.promise(() => readJournal(journalDir))
        const actions = journal.filter((line) => line.event === "action")
        assert.deepStrictEqual(journal.map((line) => line.event).slice(-2), ["interrupted", "run.end"])
        assert.strictEqual(journal.at(-2)!.reason, `apply was interrupted (${signal})`)

        // Every write QBO received is journalled under its request id, and what it created too.
        const journalledIds = new Set(actions.flatMap((line) => [line.request?.batchRequestId, line.request?.requestId]).filter((id): id is string => id !== undefined))
        const received = qboWrites(sandbox)
        assert.isNotEmpty(received)
        for (const entry of received) assert.isTrue(entry.requestId !== undefined && journalledIds.has(entry.requestId), `${entry.key} ${entry.requestId} is not in the journal`)
        const documents = actions.filter((line) => (line.type === "invoice.create" || line.type === "creditmemo.create") && line.status === "applied")
        assert.isNotEmpty(documents, "the documents in flight were finished")
        assert.deepStrictEqual(documents.map((line) => line.qboId!).sort(), createdDocuments(sandbox))
        // Every Autotask write too; the write-backs that had not started are journalled as skipped.
        const patches = actions.filter((line) => line.request?.entity === "Invoices" && line.status !== "skipped")
        assert.strictEqual(sandbox.autotask.writeCount(), patches.length)
        // The signal came while the documents were in flight: their write-backs never started.
        const notStarted = actions.filter((line) => line.status === "skipped")
        assert.includeMembers(notStarted.map((line) => line.type), ["autotask.writeback"])
        for (const line of notStarted) assert.include(JSON.stringify(line), `not sent: apply was interrupted (${signal})`)
        assert.match(result.stdout, new RegExp(`Apply: \\d+ applied, 0 adopted, 0 failed, ${notStarted.length} skipped, \\d+ rejected\\.`))
      })), 120_000)
  }
})
