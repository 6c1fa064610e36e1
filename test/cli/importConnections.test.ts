/**
 * `atqbo import` with atqbo.yaml `connections` (a US and a Canadian QBO company): the live code
 * path against the simulators with the environment `atqbo sandbox` prints. Each connection gets
 * proposals from its own QBO company for the billed companies routed to it.
 */
import { access, mkdir, readFile } from "node:fs/promises"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { sandboxEnvironment } from "../../src/cli/sandbox.ts"
import { loadConfig } from "../../src/config/loadConfig.ts"
import { validateConfigDir } from "../../src/config/index.ts"
import { runCli, writeConfig } from "../support/cli.ts"
import { connections, dataset, US } from "../support/companies.ts"
import { withSandbox } from "../support/sandbox.ts"

const missing = (file: string) => Effect.promise(() => access(file).then(() => false, () => true))

describe("atqbo import with connections", () => {
  it.live("--connection picks the QBO company and the companies routed to it, and writes into its mapping directory", () =>
    Effect.scoped(Effect.gen(function*() {
      const sandbox = yield* withSandbox({ dataDir: yield* Effect.promise(dataset) })
      const base = yield* Effect.promise(() => writeConfig(US))
      // Connection canada keeps its mapping files in ca/.
      const top = connections(base.stateDir).replace("  - name: canada\n", "  - name: canada\n    mappings: ca\n")
      const config = yield* Effect.promise(() => writeConfig(US, { top }))
      const own = join(config.dir, "ca")
      yield* Effect.promise(() => mkdir(own))
      const env = Object.fromEntries(sandboxEnvironment(sandbox, yield* loadConfig(config.dir)).map((variable) => [variable.name, variable.value]))
      const run = (args: ReadonlyArray<string>) => Effect.promise(() => runCli(["import", "--config", config.dir, ...args], { cwd: base.stateDir, env }))

      const unnamed = yield* run([])
      assert.strictEqual(unnamed.code, 1)
      assert.include(unnamed.stderr, "atqbo.yaml defines connections us, canada: say which company with --connection NAME")

      const canada = yield* run(["--connection", "canada"])
      assert.strictEqual(canada.code, 0, canada.stderr)
      assert.include(canada.stdout, "Maple Leaf Dental")
      assert.include(canada.stdout, "Northern Lights Legal")
      assert.notInclude(canada.stdout, "Acme US Inc", "routed to us")
      assert.notInclude(canada.stdout, "Globex Holdings", "routed to us")
      const customers = yield* Effect.promise(() => readFile(join(own, "customers.yaml"), "utf8"))
      assert.include(customers, "routed to connection canada")
      assert.match(customers, /^# yaml-language-server: \$schema=\.\.\/\.\.\/node_modules\/atqbo\/schemas\/customers\.schema\.json\n/, "the modeline rebased into ca/")
      assert.isTrue(yield* missing(join(config.dir, "customers.yaml")), "nothing written to the shared mapping files")
      const validation = yield* validateConfigDir(config.dir)
      assert.strictEqual(validation.errors, 0, JSON.stringify(validation.problems))

      const out = join(base.stateDir, "us-proposals")
      const us = yield* run(["--connection", "us", "--out", out])
      assert.strictEqual(us.code, 0, us.stderr)
      assert.include(us.stdout, "Acme US Inc")
      assert.include(us.stdout, "Globex Holdings")
      assert.notInclude(us.stdout, "Maple Leaf Dental")
      assert.include(us.stderr, `copy them into ${config.dir} and run`)
      assert.include(yield* Effect.promise(() => readFile(join(out, "items.yaml"), "utf8")), "Managed Services")

      const misspelt = yield* run(["--connection", "canda", "--out", out, "--force"])
      assert.strictEqual(misspelt.code, 1)
      assert.include(misspelt.stderr, "no such connection in atqbo.yaml (connections: us, canada); did you mean canada?")
    })))
})
