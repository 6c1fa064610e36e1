/**
 * The real CLI in a child process against simulators started here, through the endpoint
 * override variables and the real OAuth refresh flow: exit codes, saved plans, stale plans,
 * safety limits, confirmation, and that no secret ever reaches output, plans or journals.
 */
import { readdir, readFile, stat, writeFile } from "node:fs/promises"
import { createServer, type Server } from "node:http"
import type { AddressInfo } from "node:net"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { layersForSandbox } from "../../src/cli/connect.ts"
import { QboWriter } from "../../src/qbo/QboClient.ts"
import { ownershipMarker } from "../../src/reconcile/marker.ts"
import { planProblem } from "../../src/reconcile/planFile.ts"
import { DEFAULT_REALM_ID } from "../../src/sandbox/qbo/index.ts"
import type { Sandbox } from "../../src/sandbox/sandbox.ts"
import { runCli, sandboxEnv, writeConfig } from "../support/cli.ts"
import { mixedDataset } from "../support/datasets.ts"
import { bookWrites, FAST_RETRY, withSandbox } from "../support/sandbox.ts"

const SECRETS = {
  autotaskSecret: "AT-SECRET-7a1c9e55-do-not-print",
  integrationCode: "ATINTEGRATION-SECRET-42f0",
  qboClientSecret: "QBO-CLIENT-SECRET-0b9d21",
  refreshToken: "RT1-SECRET-REFRESH-TOKEN-8c3e"
}

const sandboxWithSecrets = Effect.gen(function*() {
  return yield* withSandbox({
    dataDir: yield* Effect.promise(mixedDataset),
    autotaskCredentials: { username: "api-user@msp.test", secret: SECRETS.autotaskSecret, integrationCode: SECRETS.integrationCode },
    qboOAuth: { clientId: "ABtestclient", clientSecret: SECRETS.qboClientSecret, refreshTokens: { [DEFAULT_REALM_ID]: SECRETS.refreshToken } }
  })
})

/** A QBO payment that closes the document of an Autotask invoice (as a bookkeeper would record it). */
const payInFull = (sandbox: Sandbox, autotaskId: number) => {
  const document = sandbox.qbo.store(sandbox.realmId).list("Invoice").find((row) => String(row.PrivateNote ?? "").includes(ownershipMarker(autotaskId)))!
  return Effect.gen(function*() {
    const writer = yield* QboWriter
    yield* writer.create("Payment", {
      CustomerRef: document.CustomerRef as never,
      TotalAmt: document.TotalAmt as number,
      TxnDate: new Date().toISOString().slice(0, 10),
      Line: [{ Amount: document.TotalAmt, LinkedTxn: [{ TxnId: String(document.Id), TxnType: "Invoice" }] }]
    }, `pay-${autotaskId}`)
  }).pipe(Effect.provide(layersForSandbox(sandbox, true, FAST_RETRY)))
}

/** Bodies POSTed to a loopback webhook started for the test. */
const received: Array<string> = []
const notifications = "notifications:\n  webhook:\n    urlEnv: ATQBO_TEST_WEBHOOK\n    format: json"
const webhookReceiver = Effect.acquireRelease(
  Effect.promise(() =>
    new Promise<Server>((resolve) => {
      const server = createServer((request, response) => {
        let body = ""
        request.on("data", (chunk) => (body += chunk))
        request.on("end", () => {
          received.push(body)
          response.end("ok")
        })
      })
      server.listen(0, "127.0.0.1", () => resolve(server))
    })
  ),
  (server) => Effect.promise(() => new Promise<void>((resolve) => server.close(() => resolve())))
).pipe(Effect.map((server) => `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`))

const assertNoSecrets = (text: string, where: string) => {
  for (const [name, value] of Object.entries(SECRETS)) assert.notInclude(text, value, `${name} leaked into ${where}`)
}

const readAll = async (dir: string): Promise<string> => {
  const files = await readdir(dir, { recursive: true }).catch(() => [] as Array<string>)
  const texts = await Promise.all(files.map((file) => readFile(join(dir, String(file)), "utf8").catch(() => "")))
  return texts.join("\n")
}

describe("atqbo CLI end to end", () => {
  it.live("plan never writes; --detailed-exitcode says 2; a saved plan applies and the next plan is clean", () =>
    Effect.scoped(Effect.gen(function*() {
      const sandbox = yield* sandboxWithSecrets
      const env = { ...sandboxEnv(sandbox), ATQBO_TEST_WEBHOOK: yield* webhookReceiver }
      const { dir, stateDir } = yield* Effect.promise(() => writeConfig(sandbox.realmId, { sync: "  voids:\n    sync: true", top: notifications }))
      const planFile = join(stateDir, "plan.json")

      const plan = yield* Effect.promise(() => runCli(["plan", "--config", dir, "--out", planFile, "--detailed-exitcode"], { env }))
      assert.strictEqual(plan.code, 2, plan.stderr)
      assert.match(plan.stdout, /Plan: 3 invoices, 2 customers, 1 item to create; 1 invoice to void; 4 write-backs; 1 error; 0 warnings\./)
      assert.strictEqual(sandbox.qbo.writeCount(), 0, "plan wrote to QBO")
      assert.strictEqual(sandbox.autotask.writeCount(), 0, "plan wrote to Autotask")
      const saved = JSON.parse(yield* Effect.promise(() => readFile(planFile, "utf8")))
      assert.isUndefined(planProblem(saved))

      const show = yield* Effect.promise(() => runCli(["show", planFile, "--format", "markdown"]))
      assert.strictEqual(show.code, 0, show.stderr)
      assert.include(show.stdout, "#### ❌ Errors (1)")

      const apply = yield* Effect.promise(() => runCli(["apply", planFile, "--config", dir], { env }))
      assert.strictEqual(apply.code, 0, apply.stderr + apply.stdout)
      assert.match(apply.stdout, /Apply: 11 applied, 0 adopted, 0 failed, 0 skipped, 1 rejected\./)

      const again = yield* Effect.promise(() => runCli(["plan", "--config", dir, "--detailed-exitcode", "--format", "json"], { env }))
      assert.strictEqual(again.code, 0, again.stderr)
      assert.deepStrictEqual(JSON.parse(again.stdout).actions.map((action: { type: string }) => action.type), ["invoice.reject"])

      // Only a rejection is left: nothing to write, yet it is journalled, notified and
      // annotated like any rejection (issue 16 item 12), and the run exits 0.
      const journals = async () => (await readdir(join(stateDir, "journal"))).length
      const [journalsBefore, noticesBefore] = [yield* Effect.promise(journals), received.length]
      const rejectedOnly = yield* Effect.promise(() => runCli(["apply", "--config", dir, "--auto-approve", "--format", "github"], { env }))
      assert.strictEqual(rejectedOnly.code, 0, rejectedOnly.stderr)
      assert.include(rejectedOnly.stdout, "Nothing to write; recording the rejected invoices.")
      assert.match(rejectedOnly.stdout, /^::warning title=atqbo apply%3A reject%3A102 rejected::/m)
      assert.match(rejectedOnly.stdout, /Apply: 0 applied, 0 adopted, 0 failed, 0 skipped, 1 rejected\./)
      assert.strictEqual(yield* Effect.promise(journals), journalsBefore + 1)
      assert.strictEqual(received.length, noticesBefore + 1)
      assert.include(received.at(-1)!, "reject:102")

      // The rotated refresh token was stored, 0600, and no secret appeared anywhere.
      const token = yield* Effect.promise(() => stat(join(stateDir, "qbo-token.json")))
      assert.strictEqual(token.mode & 0o777, 0o600)
      for (const [where, text] of [["plan output", plan.stdout + plan.stderr], ["apply output", apply.stdout + apply.stderr], ["plan file", JSON.stringify(saved)]] as const) {
        assertNoSecrets(text, where)
      }
      assertNoSecrets(yield* Effect.promise(() => readAll(join(stateDir, "journal"))), "the journal")
    })))

  it.live("shows and refuses a plan over the safety limits (notified), and explains a stale plan, writing nothing", () =>
    Effect.scoped(Effect.gen(function*() {
      const sandbox = yield* sandboxWithSecrets
      const env = { ...sandboxEnv(sandbox), ATQBO_TEST_WEBHOOK: yield* webhookReceiver }
      const { dir, stateDir } = yield* Effect.promise(() => writeConfig(sandbox.realmId, { top: `limits:\n  maxInvoices: 1\n${notifications}` }))
      const planFile = join(stateDir, "plan.json")
      const plan = yield* Effect.promise(() => runCli(["plan", "--config", dir, "--out", planFile], { env }))
      assert.strictEqual(plan.code, 0, plan.stderr)
      // The reviewer is told at plan time what apply will refuse (issue 16 item 7).
      assert.include(plan.stdout, "Over the safety limits (1)\n  ⛔ 3 new QBO invoices and credit memos planned, limit maxInvoices: 1 (2 over)")
      assert.match(plan.stdout, /; over 1 safety limit\.$/m)

      const limited = yield* Effect.promise(() => runCli(["apply", planFile, "--config", dir], { env }))
      assert.strictEqual(limited.code, 1)
      assert.include(limited.stderr, "refusing to apply: the plan exceeds the safety limits in atqbo.yaml; nothing was written.")
      assert.include(limited.stderr, "3 new QBO invoices and credit memos planned, limit maxInvoices: 1 (2 over)")
      assert.include(limited.stderr, "--force")
      assert.strictEqual(bookWrites(sandbox), 0)
      // A failure before the first write is notified like one after it (issue 16 item 16).
      assert.include(limited.stderr, "notified (webhook): HTTP 200")
      const notice = JSON.parse(received.at(-1)!) as { event: string; reason: string }
      assert.strictEqual(notice.event, "atqbo.apply.failed")
      assert.include(notice.reason, "maxInvoices: 1 (2 over)")

      // Someone syncs one invoice meanwhile: the saved plan is now stale. Invoice 103's document
      // is paid meanwhile too, and `--invoice 100` keeps its word: no paid date for 103.
      yield* payInFull(sandbox, 103)
      const one = yield* Effect.promise(() => runCli(["apply", "--config", dir, "--invoice", "100", "--auto-approve"], { env }))
      assert.strictEqual(one.code, 0, one.stderr + one.stdout)
      assert.isNull(sandbox.autotask.store.get("Invoices", 103)!.paidDate ?? null, "apply --invoice 100 wrote a paid date to invoice 103")
      const journalled = (yield* Effect.promise(() => readAll(join(stateDir, "journal")))).split("\n").filter((line) => line.includes("\"event\":\"action\""))
      assert.isNotEmpty(journalled)
      for (const line of journalled) assert.include([100, undefined], JSON.parse(line).autotaskInvoiceId, line)
      const writes = bookWrites(sandbox)
      const stale = yield* Effect.promise(() => runCli(["apply", planFile, "--config", dir, "--force"], { env }))
      assert.strictEqual(stale.code, 1)
      assert.include(stale.stderr, "stale plan: Autotask or QBO changed since the plan was made (the configuration is the same)")
      assert.match(stale.stderr, /invoice \(invoice\.create\): 3 in the saved plan, 2 now/)
      assert.include(stale.stderr, "removed (2): invoice:100 (invoice), writeback:100 (write-back)")
      assert.strictEqual(bookWrites(sandbox), writes, "a stale plan writes nothing")
      // Stale plans and bad credentials are told like any failure (issue 16 item 16).
      const failureNotices = () => received.map((body) => JSON.parse(body) as { event?: string; reason?: string }).filter((notice) => notice.event === "atqbo.apply.failed")
      assert.include(failureNotices().at(-1)!.reason, "stale plan: Autotask or QBO changed since the plan was made")
      const badCredentials = yield* Effect.promise(() => runCli(["apply", "--config", dir, "--auto-approve"], { env: { ...env, AUTOTASK_SECRET: "wrong-secret" } }))
      assert.strictEqual(badCredentials.code, 1)
      assert.include(badCredentials.stderr, "notified (webhook): HTTP 200")
      assert.match(failureNotices().at(-1)!.reason!, /Autotask/)
      assert.strictEqual(bookWrites(sandbox), writes)

      const forced = yield* Effect.promise(() => runCli(["apply", "--config", dir, "--auto-approve", "--force"], { env }))
      assert.strictEqual(forced.code, 0, forced.stderr)
    })))

  it.live("asks before applying, refuses a tampered plan, and fails cleanly on bad credentials", () =>
    Effect.scoped(Effect.gen(function*() {
      const sandbox = yield* sandboxWithSecrets
      const env = sandboxEnv(sandbox)
      const { dir, stateDir } = yield* Effect.promise(() => writeConfig(sandbox.realmId))

      const unconfirmed = yield* Effect.promise(() => runCli(["apply", "--config", dir], { env }))
      assert.strictEqual(unconfirmed.code, 1)
      assert.include(unconfirmed.stderr, "refusing to apply without confirmation")
      assert.strictEqual(bookWrites(sandbox), 0)

      const planFile = join(stateDir, "plan.json")
      yield* Effect.promise(() => runCli(["plan", "--config", dir, "--out", planFile], { env }))
      const tampered = JSON.parse(yield* Effect.promise(() => readFile(planFile, "utf8")))
      tampered.actions[0].payload.DisplayName = "Mallory Ltd"
      yield* Effect.promise(() => writeFile(planFile, JSON.stringify(tampered)))
      const refused = yield* Effect.promise(() => runCli(["apply", planFile, "--config", dir], { env }))
      assert.strictEqual(refused.code, 1)
      assert.include(refused.stderr, "the file was edited after `atqbo plan` wrote it")

      const badAutotask = yield* Effect.promise(() => runCli(["plan", "--config", dir], { env: { ...env, AUTOTASK_SECRET: "wrong-secret" } }))
      assert.strictEqual(badAutotask.code, 1)
      assert.match(badAutotask.stderr, /error: .*Autotask/)
      // A fresh token store (the first one already holds a valid access token).
      const fresh = yield* Effect.promise(() => writeConfig(sandbox.realmId))
      const noQbo = yield* Effect.promise(() => runCli(["plan", "--config", fresh.dir], { env: { ...env, QBO_CLIENT_SECRET: "" } }))
      assert.strictEqual(noQbo.code, 1)
      assert.match(noQbo.stderr, /QBO_CLIENT_SECRET/)
      for (const result of [unconfirmed, refused, badAutotask, noQbo]) assertNoSecrets(result.stdout + result.stderr, "error output")
    })))
})
