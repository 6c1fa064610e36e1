/**
 * The run journal: one JSON line per event (run start, each action's outcome, run end) under
 * the configured directory, one file per run. Payloads are summarised, never dumped, and
 * nothing here ever holds a credential.
 */
import { mkdir, appendFile } from "node:fs/promises"
import { join } from "node:path"
import { Context, Effect, Layer } from "effect"

export interface JournalEntry {
  readonly event: "run.start" | "action" | "run.end"
  readonly runId: string
  readonly at: string
  readonly [key: string]: unknown
}

export interface JournalService {
  readonly record: (entry: Omit<JournalEntry, "at" | "runId">) => Effect.Effect<void>
  /** Where the journal is written (for the final report), if anywhere. */
  readonly location: string | undefined
}

export class Journal extends Context.Service<Journal, JournalService>()("atqbo/reconcile/Journal") {
  /** Appends to `<dir>/<timestamp>-<runId>.jsonl`; a failing disk never fails the run, it warns once. */
  static readonly file = (dir: string, runId: string, startedAt: Date): Layer.Layer<Journal> =>
    Layer.sync(Journal, () => {
      const location = join(dir, `${startedAt.toISOString().replace(/[:.]/g, "-")}-${runId}.jsonl`)
      let warned = false
      let ready: Promise<unknown> | undefined
      const record = (entry: Omit<JournalEntry, "at" | "runId">) =>
        Effect.promise(async () => {
          ready ??= mkdir(dir, { recursive: true, mode: 0o700 })
          await ready
          const line = JSON.stringify({ at: new Date().toISOString(), runId, ...entry })
          await appendFile(location, `${line}\n`, { mode: 0o600 })
        }).pipe(
          Effect.catchCause(() =>
            Effect.sync(() => {
              if (!warned) process.stderr.write(`warning: could not write the journal to ${location}\n`)
              warned = true
            })
          )
        )
      return Journal.of({ record, location })
    })

  /** Keeps entries in memory (tests). */
  static readonly memory = (runId: string, entries: Array<JournalEntry>): Layer.Layer<Journal> =>
    Layer.succeed(Journal, Journal.of({
      record: (entry) => Effect.sync(() => entries.push({ ...entry, runId, at: new Date().toISOString() } as JournalEntry)),
      location: undefined
    }))
}
