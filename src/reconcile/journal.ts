/**
 * The run journal: one JSON line per event (run start, each action's outcome, an interruption,
 * run end) under the configured directory, one file per run. Payloads are summarised, never
 * dumped, and nothing here ever holds a credential. Apply never writes what it cannot record:
 * a journal that cannot be created fails the run before its first write, and one that fails
 * later stops the run's writes (`onFailure`).
 */
import { appendFile, mkdir } from "node:fs/promises"
import { join } from "node:path"
import { Clock, Context, Data, Effect, Layer } from "effect"

export interface JournalEntry {
  readonly event: "run.start" | "action" | "interrupted" | "run.end"
  readonly runId: string
  readonly at: string
  readonly [key: string]: unknown
}

export interface JournalService {
  readonly record: (entry: Omit<JournalEntry, "at" | "runId">) => Effect.Effect<void>
  /** Where the journal is written (for the final report), if anywhere. */
  readonly location: string | undefined
}

export class JournalUnwritable extends Data.TaggedError("JournalUnwritable")<{ readonly message: string }> {}

/** When an entry is recorded, from the Clock service (so TestClock controls it in tests). */
const now = Effect.map(Clock.currentTimeMillis, (millis) => new Date(millis).toISOString())

const reasonOf = (error: unknown): string => (error instanceof Error ? error.message : String(error))

export class Journal extends Context.Service<Journal, JournalService>()("atqbo/reconcile/Journal") {
  /**
   * Appends to `<dir>/<timestamp>-<runId>.jsonl`, created (0600, its directory 0700) when the
   * layer is built, so a journal that cannot be written fails before anything is written. A
   * line that fails later is reported once and passed to `onFailure`, which stops the writes.
   */
  static readonly file = (dir: string, runId: string, startedAt: Date, onFailure: (reason: string) => void = () => {}): Layer.Layer<Journal, JournalUnwritable> =>
    Layer.effect(
      Journal,
      Effect.gen(function*() {
        const location = join(dir, `${startedAt.toISOString().replace(/[:.]/g, "-")}-${runId}.jsonl`)
        yield* Effect.tryPromise({
          try: async () => {
            await mkdir(dir, { recursive: true, mode: 0o700 })
            await appendFile(location, "", { mode: 0o600 })
          },
          catch: (error) =>
            new JournalUnwritable({
              message: `cannot write the run journal ${location} (${reasonOf(error)}); nothing was written. Make the directory writable, or set journal.dir in atqbo.yaml to one that is.`
            })
        })
        let failed = false
        const record = (entry: Omit<JournalEntry, "at" | "runId">) =>
          now.pipe(
            Effect.flatMap((at) => Effect.tryPromise(() => appendFile(location, `${JSON.stringify({ at, runId, ...entry })}\n`))),
            Effect.catch((error) =>
              Effect.sync(() => {
                if (failed) return
                failed = true
                const reason = `the journal ${location} could not be written (${reasonOf(error.cause)})`
                process.stderr.write(`error: ${reason}; starting no more writes.\n`)
                onFailure(reason)
              })
            )
          )
        return Journal.of({ record, location })
      })
    )

  /** Keeps entries in memory (tests). */
  static readonly memory = (runId: string, entries: Array<JournalEntry>): Layer.Layer<Journal> =>
    Layer.succeed(Journal, Journal.of({
      record: (entry) => Effect.map(now, (at) => void entries.push({ ...entry, runId, at } as JournalEntry)),
      location: undefined
    }))
}
