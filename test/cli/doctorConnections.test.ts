/**
 * `atqbo doctor` with atqbo.yaml `connections` (a US and a Canadian QBO company): the live
 * code path against the simulators, with the environment `atqbo sandbox` prints. Shared checks
 * once, each company's QBO and token-store checks in a group naming it.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { sandboxEnvironment } from "../../src/cli/sandbox.ts"
import { loadConfig } from "../../src/config/loadConfig.ts"
import type { Check } from "../../src/onboarding/doctorChecks.ts"
import { runCli, writeConfig } from "../support/cli.ts"
import { CA, connections, dataset, US } from "../support/companies.ts"
import { withSandbox } from "../support/sandbox.ts"

interface DoctorJson {
  readonly ok: boolean
  readonly checks: ReadonlyArray<Check>
}

const where = (checks: ReadonlyArray<Check>, id: string) => checks.filter((check) => check.id === id).map((check) => check.connection)

describe("atqbo doctor with connections", () => {
  it.live("checks Autotask once and every QBO company in its own group; --connection checks one", () =>
    Effect.scoped(Effect.gen(function*() {
      const sandbox = yield* withSandbox({ dataDir: yield* Effect.promise(dataset) })
      const base = yield* Effect.promise(() => writeConfig(US))
      const config = yield* Effect.promise(() => writeConfig(US, { top: connections(base.stateDir) }))
      const loaded = yield* loadConfig(config.dir)
      const env = Object.fromEntries(sandboxEnvironment(sandbox, loaded).map((variable) => [variable.name, variable.value]))
      const doctor = (args: ReadonlyArray<string>, extra: Record<string, string | undefined> = {}) =>
        Effect.promise(() => runCli(["doctor", "--config", config.dir, ...args], { cwd: base.stateDir, env: Object.fromEntries(Object.entries({ ...env, ...extra }).filter((entry): entry is [string, string] => entry[1] !== undefined)) }))

      // Before any run stores a token: the credentials cover every company, so one company's missing refresh token is named.
      const unset = yield* doctor(["--format", "json"], { QBO_CA_REFRESH_TOKEN: undefined })
      assert.strictEqual(unset.code, 1)
      const credentials = (JSON.parse(unset.stdout) as DoctorJson).checks.find((check) => check.id === "credentials")!
      assert.strictEqual(credentials.status, "fail")
      assert.include(credentials.detail, "Not set: QBO_CA_REFRESH_TOKEN")

      const json = yield* doctor(["--format", "json"])
      const all = JSON.parse(json.stdout) as DoctorJson
      assert.strictEqual(where(all.checks, "credentials")[0], undefined, json.stdout)
      assert.strictEqual(all.checks.find((check) => check.id === "credentials")!.status, "pass", json.stdout)
      assert.deepStrictEqual(where(all.checks, "autotask.zone"), [undefined], "Autotask once, shared")
      for (const id of ["qbo.company", "qbo.numbering", "coverage.customers", "qbo.tokenStore"]) {
        assert.deepStrictEqual(where(all.checks, id), ["us", "canada"], id)
      }
      const company = (name: string) => all.checks.find((check) => check.id === "qbo.company" && check.connection === name)!
      assert.include(company("us").detail, "\"Northwind US\"")
      assert.include(company("canada").detail, "\"Northwind Canada\"")
      const customers = (name: string) => all.checks.find((check) => check.id === "coverage.customers" && check.connection === name)!.detail
      assert.match(customers("us"), /\b2 active Autotask companies\b/, "the companies routed to us")
      assert.match(customers("canada"), /\b2 active Autotask companies\b/, "the companies routed to canada")
      assert.strictEqual(json.code, all.ok ? 0 : 1)

      const text = yield* doctor([])
      const us = text.stdout.indexOf(`── connection us · QBO company ${US} ──`)
      const canada = text.stdout.indexOf(`── connection canada · QBO company ${CA} ──`)
      assert.isTrue(us > text.stdout.indexOf("Autotask zone") && canada > us, text.stdout)

      const only = yield* doctor(["--connection", "canada", "--format", "json"])
      const one = JSON.parse(only.stdout) as DoctorJson
      assert.deepStrictEqual(where(one.checks, "qbo.company"), ["canada"], only.stdout)
      assert.deepStrictEqual(where(one.checks, "qbo.tokenStore"), ["canada"])

      const unknown = yield* doctor(["--connection", "mexico"])
      assert.strictEqual(unknown.code, 1)
      assert.include(unknown.stderr, "--connection mexico: no such connection in atqbo.yaml (connections: us, canada)")
    })))
})
