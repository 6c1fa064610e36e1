/** `atqbo init` as a child process in an empty directory. */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { readdir, readFile, writeFile } from "node:fs/promises"
import * as path from "node:path"
import { adaptWorkflow } from "../../src/cli/init.ts"
import { validateConfigDir } from "../../src/config/index.ts"
import { atqbo, withTempDir } from "./helpers.ts"

const read = (file: string) => Effect.promise(() => readFile(file, "utf8"))
const list = (dir: string) => Effect.promise(() => readdir(dir).then((names) => names.sort(), () => [] as Array<string>))

const WORKFLOW_SOURCE = path.resolve(".github/workflows")

describe("atqbo init", () => {
  it.live("scaffolds a valid configuration, the schemas, .gitignore and the workflows; overwrites only with --force", () =>
    withTempDir((cwd) =>
      Effect.gen(function*() {
        const first = yield* atqbo(["init"], { cwd })
        assert.strictEqual(first.code, 0, first.stderr)
        assert.deepStrictEqual(yield* list(path.join(cwd, "mappings")), ["atqbo.yaml", "classes.yaml", "customers.yaml", "items.yaml", "taxes.yaml", "terms.yaml"])
        assert.deepStrictEqual(yield* list(path.join(cwd, "schemas")), [
          "atqbo.schema.json",
          "classes.schema.json",
          "customers.schema.json",
          "items.schema.json",
          "taxes.schema.json",
          "terms.schema.json"
        ])

        // Valid without a single warning, and every file names its schema on line 1.
        const report = yield* validateConfigDir(path.join(cwd, "mappings"))
        assert.isTrue(report.valid)
        assert.strictEqual(report.warnings, 0, JSON.stringify(report.problems))
        for (const name of ["atqbo", "items", "terms", "customers", "classes", "taxes"]) {
          const text = yield* read(path.join(cwd, "mappings", `${name}.yaml`))
          assert.strictEqual(text.split("\n")[0], `# yaml-language-server: $schema=../schemas/${name}.schema.json`)
          assert.strictEqual(yield* read(path.join(cwd, "schemas", `${name}.schema.json`)), yield* read(path.resolve("schemas", `${name}.schema.json`)))
        }
        assert.strictEqual(report.config!.qbo.realmId, undefined, "the company comes from QBO_REALM_ID until auth qbo prints it")

        assert.match(yield* read(path.join(cwd, ".gitignore")), /^\.atqbo\/$/m)
        const sources = (yield* list(WORKFLOW_SOURCE)).filter((name) => name.startsWith("atqbo-"))
        if (sources.length > 0) {
          assert.includeMembers(sources, ["atqbo-apply.yml", "atqbo-plan.yml"])
          assert.deepStrictEqual(yield* list(path.join(cwd, ".github", "workflows")), sources)
          for (const name of sources) {
            assert.strictEqual(yield* read(path.join(cwd, ".github", "workflows", name)), yield* read(path.join(WORKFLOW_SOURCE, name)))
          }
        } else {
          assert.include(first.stderr, "skipped the GitHub workflows")
        }
        assert.include(first.stdout, "The configuration is valid")

        // After an edit it refuses, naming the file, and writes nothing.
        yield* Effect.promise(() => writeFile(path.join(cwd, "mappings", "items.yaml"), "matchField: externalNumber\n"))
        const refused = yield* atqbo(["init"], { cwd })
        assert.strictEqual(refused.code, 1)
        assert.include(refused.stderr, "init would overwrite 1 existing file, so it wrote nothing")
        assert.include(refused.stderr, "  mappings/items.yaml")
        assert.include(refused.stderr, "--force")
        assert.strictEqual(yield* read(path.join(cwd, "mappings", "items.yaml")), "matchField: externalNumber\n")

        const forced = yield* atqbo(["init", "--force"], { cwd })
        assert.strictEqual(forced.code, 0, forced.stderr)
        assert.include(forced.stdout, "overwrote mappings/items.yaml")
        assert.include(forced.stdout, "unchanged mappings/atqbo.yaml", "files with the same content are left alone")
        assert.include(forced.stdout, "already ignores .atqbo/")
        assert.match(yield* read(path.join(cwd, "mappings", "items.yaml")), /^matchField: name/m)
      })
    ), 30_000)

  it.live("scaffolds another directory, appends to an existing .gitignore and adapts the workflows", () =>
    withTempDir((cwd) =>
      Effect.gen(function*() {
        yield* Effect.promise(() => writeFile(path.join(cwd, ".gitignore"), "node_modules/"))
        const run = yield* atqbo(["init", "config/acme"], { cwd })
        assert.strictEqual(run.code, 0, run.stderr)
        assert.isTrue((yield* validateConfigDir(path.join(cwd, "config", "acme"))).valid)
        assert.deepStrictEqual((yield* list(path.join(cwd, "config", "schemas"))).length, 6)
        assert.strictEqual(yield* read(path.join(cwd, ".gitignore")), "node_modules/\n# atqbo: token store and apply journals\n.atqbo/\n")
        const plan = path.join(cwd, ".github", "workflows", "atqbo-plan.yml")
        const text = yield* Effect.promise(() => readFile(plan, "utf8").catch(() => undefined))
        if (text !== undefined) {
          assert.include(text, "\"config/acme/**\"")
          assert.notInclude(text, "\"mappings/**\"")
          assert.match(text, /npx atqbo plan --config config\/acme /)
          assert.include(run.stderr, "adapted to config/acme/")
        }
      })
    ), 30_000)

  it("adapts workflow text to a configuration directory", () => {
    const text = "paths:\n  - \"mappings/**\"\nrun: npx atqbo validate --format github\n# names from mappings/atqbo.yaml\n"
    assert.strictEqual(adaptWorkflow(text, "mappings"), text)
    assert.strictEqual(
      adaptWorkflow(text, "cfg"),
      "paths:\n  - \"cfg/**\"\nrun: npx atqbo validate --config cfg --format github\n# names from cfg/atqbo.yaml\n"
    )
  })
})
