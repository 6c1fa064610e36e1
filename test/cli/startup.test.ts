/**
 * Start-up cost by module counts, not timings (so it cannot be flaky): `atqbo --version` runs
 * under a module-load hook, and what only some commands need — the simulators, the SMTP
 * library, the redis client behind @effect/platform-node's index — must not load.
 * bench/startup.ts measures the times.
 */
import { assert, describe, it } from "@effect/vitest"
import { execFile } from "node:child_process"
import { readFile } from "node:fs/promises"
import * as path from "node:path"
import { Effect } from "effect"
import { cleanEnv, MAIN, withTempDir } from "./helpers.ts"

const HOOK = path.resolve("test/support/moduleLog.ts")

/** The modules `atqbo ARGS` loads, as URLs. */
const loadedBy = (args: ReadonlyArray<string>) =>
  withTempDir((dir) =>
    Effect.gen(function*() {
      const log = path.join(dir, "modules.txt")
      const code = yield* Effect.callback<number>((resume) => {
        execFile(
          process.execPath,
          ["--experimental-strip-types", "--no-warnings=ExperimentalWarning", "--import", HOOK, MAIN, ...args],
          { env: cleanEnv({ ATQBO_MODULE_LOG: log }) },
          (error) => resume(Effect.succeed(error === null ? 0 : 1))
        )
      })
      assert.strictEqual(code, 0)
      return (yield* Effect.promise(() => readFile(log, "utf8"))).split("\n")
    })
  )

describe("start-up", () => {
  it.live("--version loads neither the simulators, nor the SMTP library, nor redis", () =>
    Effect.gen(function*() {
      const modules = yield* loadedBy(["--version"])
      assert.isAbove(modules.filter((url) => url.includes("/src/cli/")).length, 0, "the hook saw the CLI load")
      for (const unwanted of ["/src/sandbox/", "/nodemailer/", "/@redis/", "/redis/"]) {
        assert.deepStrictEqual(modules.filter((url) => url.includes(unwanted)), [], unwanted)
      }
    }))
})
