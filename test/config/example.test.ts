import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { parse } from "yaml"
import { readFileSync } from "node:fs"
import { CONFIG_FILES } from "../../src/config/files.ts"
import { ConfigInvalid, loadConfig, validateConfigDir } from "../../src/config/index.ts"
import { readExample } from "./helpers.ts"
import { schemaSettings } from "./schemaTree.ts"

/** Whether some value reachable through `path` (`[]` = any list entry) has the final key. */
const uses = (data: unknown, path: ReadonlyArray<string>): boolean => {
  const [head, ...rest] = path
  if (head === undefined) return true
  if (head === "[]") return Array.isArray(data) && data.some((entry) => uses(entry, rest))
  if (typeof data !== "object" || data === null || !(head in data)) return false
  return uses((data as Record<string, unknown>)[head], rest)
}

describe("the example configuration in mappings/", () => {
  it.effect("validates with no errors and no warnings", () =>
    Effect.gen(function*() {
      const report = yield* validateConfigDir("mappings")
      assert.deepStrictEqual(report.problems, [])
      assert.isTrue(report.valid)
      assert.deepStrictEqual(report.files, CONFIG_FILES.map((spec) => `mappings/${spec.fileName}`))
    }))

  it("shows every setting of every schema (optional ones may be commented out)", () => {
    for (const spec of CONFIG_FILES) {
      const data = readExample(spec.fileName)
      const unused = schemaSettings(spec.schema).filter((setting) => !uses(data, setting.path)).map((setting) => setting.path.join("."))
      assert.deepStrictEqual(unused, [], spec.fileName)
    }
  })

  it("comments out only the settings a first real run should not pick up from the example", () => {
    const commentedOut = CONFIG_FILES.flatMap((spec) => {
      const live: unknown = parse(readFileSync(`mappings/${spec.fileName}`, "utf8"))
      const shown = readExample(spec.fileName)
      const paths = schemaSettings(spec.schema).map((setting) => setting.path).filter((path) => uses(shown, path) && !uses(live, path))
      // The outermost commented-out setting of each block.
      return paths.filter((path) => !paths.some((other) => other.length < path.length && other.every((key, index) => path[index] === key)))
        .map((path) => `${spec.fileName} ${path.join(".")}`)
    })
    assert.deepStrictEqual(commentedOut, [
      "atqbo.yaml autotask.zoneUrl",
      "atqbo.yaml qbo.realmId",
      "atqbo.yaml notifications",
      "atqbo.yaml connections",
      "taxes.yaml us.taxCode"
    ])
  })

  it.effect("loads as the typed config", () =>
    Effect.gen(function*() {
      const config = yield* loadConfig("mappings")
      assert.strictEqual(config.dir, "mappings")
      assert.strictEqual(config.sync.timeZone, "America/New_York")
      assert.strictEqual(config.items.map.length, 3)
      assert.deepStrictEqual(config.items.map[0]?.source, { file: "mappings/items.yaml", line: 11, column: 5 })
      assert.deepStrictEqual(config.terms.aliases.map(({ autotask, qbo }) => [autotask, qbo]), [
        ["Net 30 Days", "Net 30"],
        ["Net 15 Days", "Net 15"],
        ["Due Upon Receipt", "Due on receipt"]
      ])
    }))
})

describe("loading from disk", () => {
  const withCopy = <A, E>(use: (dir: string) => Effect.Effect<A, E>) =>
    Effect.acquireUseRelease(
      Effect.promise(async () => {
        const dir = await mkdtemp(path.join(tmpdir(), "atqbo-config-"))
        await cp("mappings", dir, { recursive: true })
        return dir
      }),
      use,
      (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true }))
    )

  it.effect("fails with ConfigInvalid carrying every problem and a summary message", () =>
    withCopy((dir) =>
      Effect.gen(function*() {
        yield* Effect.promise(() => writeFile(path.join(dir, "terms.yaml"), "aliases:\n  A: B\n  B: C\nunmatched: skip\n"))
        yield* Effect.promise(() => rm(path.join(dir, "atqbo.yaml")))
        const exit = yield* Effect.exit(loadConfig(dir))
        assert.isTrue(Exit.isFailure(exit))
        const error = yield* Effect.flip(loadConfig(dir))
        assert.instanceOf(error, ConfigInvalid)
        assert.strictEqual(error._tag, "ConfigInvalid")
        assert.deepStrictEqual(error.problems.map((problem) => [path.basename(problem.file), problem.line, problem.column]), [
          ["atqbo.yaml", 1, 1],
          ["terms.yaml", 2, 6],
          ["terms.yaml", 4, 12]
        ])
        assert.match(error.message, /^The configuration in .* has 3 errors:\n {2}.*atqbo\.yaml:1:1 error: /)
      })
    ))

  it.effect("reports a missing directory instead of throwing", () =>
    Effect.gen(function*() {
      const report = yield* validateConfigDir("does/not/exist")
      assert.isFalse(report.valid)
      assert.deepStrictEqual(report.problems.map((problem) => `${problem.file}:${problem.line}:${problem.column} ${problem.message}`), [
        "does/not/exist:1:1 The configuration directory does/not/exist does not exist."
      ])
    }))

  it.effect("warns about a misnamed mapping file", () =>
    withCopy((dir) =>
      Effect.gen(function*() {
        yield* Effect.promise(() => cp(path.join(dir, "items.yaml"), path.join(dir, "custmers.yaml")))
        const report = yield* validateConfigDir(dir)
        assert.isTrue(report.valid)
        assert.deepStrictEqual(report.problems.map((problem) => problem.message), [
          "atqbo does not read custmers.yaml, so its settings are ignored; did you mean customers.yaml?"
        ])
      })
    ))
})
