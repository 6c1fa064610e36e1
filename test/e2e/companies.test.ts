/**
 * Several QBO companies from one Autotask database (issue: a US and a Canadian company):
 * the real CLI against one Autotask simulator and a QBO simulator with two companies, with
 * the environment `atqbo sandbox` prints for the configuration (each company's own refresh
 * token, one token store per company under ATQBO_QBO_TOKEN_STORE).
 */
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { ownerOf } from "../../src/reconcile/marker.ts"
import type { Sandbox } from "../../src/sandbox/sandbox.ts"
import { sandboxEnvironment } from "../../src/cli/sandbox.ts"
import { loadConfig } from "../../src/config/loadConfig.ts"
import { readTokenStore } from "../../src/qbo/auth/tokenStore.ts"
import { runCli as runCliIn, writeConfig } from "../support/cli.ts"
import { CA, connections, dataset, US } from "../support/companies.ts"
import { bookWrites, withSandbox } from "../support/sandbox.ts"

const owners = (sandbox: Sandbox, realm: string): Array<number> =>
  sandbox.qbo.store(realm).list("Invoice").map((doc) => ownerOf(doc.PrivateNote as string)).filter((id): id is number => id !== undefined).sort()

describe("several QBO companies", () => {
  it.live("routes each invoice to its company, applies once, refuses to move a document, and limits per company", () =>
    Effect.scoped(Effect.gen(function*() {
      const sandbox = yield* withSandbox({ dataDir: yield* Effect.promise(dataset) })
      assert.deepStrictEqual([...sandbox.qbo.realmIds].sort(), [US, CA])
      const first = yield* Effect.promise(() => writeConfig(US))
      const config = yield* Effect.promise(() => writeConfig(US, { top: connections(first.stateDir) }))
      const loaded = yield* loadConfig(config.dir)
      const printed = sandboxEnvironment(sandbox, { autotask: loaded.autotask, qbo: loaded.qbo, connections: loaded.connections })
      const env = Object.fromEntries(printed.map((variable) => [variable.name, variable.value]))
      assert.strictEqual(env["QBO_US_REFRESH_TOKEN"], sandbox.qbo.oauth.refreshTokens[US])
      assert.strictEqual(env["QBO_CA_REFRESH_TOKEN"], sandbox.qbo.oauth.refreshTokens[CA])
      const cwd = first.stateDir // where the relative ATQBO_QBO_TOKEN_STORE directory goes
      const runCli = (args: ReadonlyArray<string>, options: { env: Record<string, string> }) => runCliIn(args, { ...options, cwd })

      const plan = yield* Effect.promise(() => runCli(["plan", "--config", config.dir, "--format", "json"], { env }))
      assert.strictEqual(plan.code, 0, plan.stderr)
      const json = JSON.parse(plan.stdout)
      assert.deepStrictEqual(json.connections.map((c: { name: string; realmId: string }) => [c.name, c.realmId]), [["us", US], ["canada", CA]])
      const creates = json.actions.filter((a: { type: string }) => a.type === "invoice.create").map((a: { address: string }) => a.address)
      assert.deepStrictEqual(creates, ["us/invoice:500", "us/invoice:503", "canada/invoice:501", "canada/invoice:502"])
      const text = yield* Effect.promise(() => runCli(["plan", "--config", config.dir], { env }))
      assert.include(text.stdout, `atqbo plan · QBO companies us (${US}), canada (${CA})`)
      assert.include(text.stdout, `== Connection canada · QBO company ${CA} ==`)

      const strict = yield* Effect.promise(() => writeConfig(US, { top: connections(first.stateDir, undefined, "      maxNewCustomers: 1") }))
      const limited = yield* Effect.promise(() => runCli(["apply", "--config", strict.dir, "--auto-approve"], { env }))
      assert.strictEqual(limited.code, 1)
      assert.include(limited.stderr, "2 new QBO customers in connection canada planned, limit maxNewCustomers: 1")
      assert.strictEqual(bookWrites(sandbox), 0)

      const apply = yield* Effect.promise(() => runCli(["apply", "--config", config.dir, "--auto-approve"], { env }))
      assert.strictEqual(apply.code, 0, apply.stderr + apply.stdout)
      assert.deepStrictEqual(owners(sandbox, US), [500, 503])
      assert.deepStrictEqual(owners(sandbox, CA), [501, 502])
      for (const id of [500, 501, 502, 503]) assert.isNotEmpty(String(sandbox.autotask.store.get("Invoices", id)!.invoiceNumber ?? ""))

      const writes = bookWrites(sandbox)
      const again = yield* Effect.promise(() => runCli(["apply", "--config", config.dir, "--auto-approve"], { env }))
      assert.strictEqual(again.code, 0, again.stderr)
      assert.include(again.stdout, "Nothing to apply.")
      assert.strictEqual(bookWrites(sandbox), writes, "a second apply writes nothing")
      for (const realm of [US, CA]) {
        const store = Option.getOrThrow(yield* readTokenStore(join(cwd, env["ATQBO_QBO_TOKEN_STORE"]!, `${realm}.json`)))
        assert.strictEqual(store.realmId, realm, "one token store per company under the override")
      }

      // Company 2 moves to the US company by a routing change: never a second document.
      const moved = yield* Effect.promise(() => writeConfig(US, { top: connections(first.stateDir, ["      - udf: { name: Billing Entity, values: [CA] }"]) }))
      const replanned = yield* Effect.promise(() => runCli(["plan", "--config", moved.dir, "--format", "json"], { env }))
      assert.strictEqual(replanned.code, 0, replanned.stderr)
      const after = JSON.parse(replanned.stdout)
      assert.deepStrictEqual(after.actions.filter((a: { type: string }) => a.type === "invoice.create"), [])
      const refused = after.actions.find((a: { type: string; autotaskInvoiceId?: number }) => a.type === "invoice.reject" && a.autotaskInvoiceId === 501)
      assert.strictEqual(refused?.address, "us/reject:501")
      assert.match(refused?.reasons[0], /its QBO document is in connection "canada", but the routing rules now send it here/)

      const only = yield* Effect.promise(() => runCli(["plan", "--config", config.dir, "--connection", "canada", "--format", "json"], { env }))
      assert.strictEqual(only.code, 0, only.stderr)
      assert.deepStrictEqual(JSON.parse(only.stdout).connections.map((c: { name: string }) => c.name), ["canada"])
      const unknown = yield* Effect.promise(() => runCli(["plan", "--config", config.dir, "--connection", "mexico"], { env }))
      assert.strictEqual(unknown.code, 1)
      assert.include(unknown.stderr, "--connection mexico: no such connection in atqbo.yaml (connections: us, canada)")
    })))
})
