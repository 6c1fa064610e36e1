/**
 * Inputs that cannot be right are errors, exit 1, before anything is read or written (issue 16
 * item 8): a `--data` directory that does not exist, `--since` after `--until`, scope flags
 * with a saved plan, `--invoice` with dates, `plan --out` onto a file that is not a plan, and
 * unset credential variables (all named at once).
 */
import { cp, mkdtemp, readFile, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { assert, describe, it } from "@effect/vitest"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Effect, Option } from "effect"
import { Command } from "effect/cli"
import { applyCommand } from "../../src/cli/apply.ts"
import { planCommand } from "../../src/cli/plan.ts"
import { checkPlanOut, scopeFlagsGiven, windowRequest } from "../../src/cli/common.ts"
import { REPO_ROOT, runCli } from "../support/cli.ts"
import { config } from "../support/fixtures.ts"

const flags = (extra: { since?: string; until?: string; invoice?: Array<number>; connection?: string } = {}) => ({
  since: Option.fromNullishOr(extra.since),
  until: Option.fromNullishOr(extra.until),
  invoice: extra.invoice ?? [],
  connection: Option.fromNullishOr(extra.connection)
})

const failure = <A, E extends { message: string }>(effect: Effect.Effect<A, E>) =>
  effect.pipe(Effect.flip, Effect.map((error) => error.message), Effect.orElseSucceed(() => "(no error)"))

describe("inputs that cannot be right (in process)", () => {
  it.effect("windowRequest refuses --invoice with dates and a window without a day", () =>
    Effect.gen(function*() {
      const cfg = config({ sync: { timeZone: "UTC" } })
      assert.match(yield* failure(windowRequest(flags({ invoice: [7], since: "2026-01-01" }), cfg)), /--invoice selects invoices by id whatever their date/)
      assert.match(yield* failure(windowRequest(flags({ since: "2026-02-02", until: "2026-02-01" }), cfg)), /--since 2026-02-02 is after --until 2026-02-01: that window holds no day/)
      assert.deepStrictEqual(yield* windowRequest(flags({ since: "2026-02-01", until: "2026-02-01" }), cfg), { since: "2026-02-01", until: "2026-02-01", invoiceIds: undefined })
      assert.deepStrictEqual(yield* windowRequest(flags({ invoice: [7, 8] }), cfg), { since: undefined, until: undefined, invoiceIds: [7, 8] })
    }))

  it("names every scope flag a saved plan rules out", () => {
    assert.deepStrictEqual(scopeFlagsGiven(flags()), [])
    assert.deepStrictEqual(scopeFlagsGiven(flags({ since: "2026-01-01", invoice: [1], connection: "us" })), ["--since", "--invoice", "--connection"])
    assert.deepStrictEqual(scopeFlagsGiven(flags({ until: "2026-01-01" })), ["--until"])
  })

  it.effect("plan --out replaces a plan or writes a new file, and refuses anything else", () =>
    Effect.gen(function*() {
      const dir = yield* Effect.promise(() => mkdtemp(join(tmpdir(), "atqbo-out-")))
      const plan = join(dir, "plan.json")
      yield* Effect.promise(() => writeFile(plan, JSON.stringify({ format_version: "1.1", tool: { name: "atqbo", version: "0.1.0" } })))
      const yaml = join(dir, "atqbo.yaml")
      yield* Effect.promise(() => writeFile(yaml, "version: 1\n"))
      const json = join(dir, "package.json")
      yield* Effect.promise(() => writeFile(json, "{\"name\":\"x\"}"))
      assert.strictEqual(yield* failure(checkPlanOut(plan)), "(no error)")
      assert.strictEqual(yield* failure(checkPlanOut(join(dir, "new.json"))), "(no error)")
      assert.match(yield* failure(checkPlanOut(yaml)), /refusing to write the plan to .*atqbo\.yaml: it exists and is not an atqbo plan/)
      assert.match(yield* failure(checkPlanOut(json)), /is not an atqbo plan/)
    }))
})

/** A command run in this process with real argument parsing (no child process: cheap). */
const command = (cmd: typeof planCommand | typeof applyCommand, args: ReadonlyArray<string>) =>
  failure(Command.runWith(cmd as typeof planCommand, { version: "test" })(args).pipe(Effect.provide(NodeServices.layer)) as Effect.Effect<void, { message: string }>)

describe("inputs that cannot be right (commands, exit 1, nothing read)", () => {
  it.live("dates that hold no day and scope flags with a saved plan are refused by the commands", () =>
    Effect.gen(function*() {
      const configDir = join(REPO_ROOT, "mappings")
      assert.include(yield* command(planCommand, ["--sandbox", "--config", configDir, "--since", "2026-11-20", "--until", "2026-11-10"]), "--since 2026-11-20 is after --until 2026-11-10")
      assert.include(yield* command(applyCommand, ["no-such-plan.json", "--config", configDir, "--since", "2026-11-01"]), "--since cannot be used with a saved plan")
      assert.include(yield* command(applyCommand, ["no-such-plan.json", "--connection", "us"]), "--connection cannot be used with a saved plan")
    }))

  it.live("the CLI exits 1 for a --data that does not exist and for plan --out onto a file that is not a plan", () =>
    Effect.gen(function*() {
      const dir = yield* Effect.promise(() => mkdtemp(join(tmpdir(), "atqbo-inputs-")))
      const configDir = join(dir, "mappings")
      yield* Effect.promise(() => cp(join(REPO_ROOT, "mappings"), configDir, { recursive: true }))
      const original = yield* Effect.promise(() => readFile(join(configDir, "atqbo.yaml"), "utf8"))
      const run = (args: ReadonlyArray<string>) => Effect.promise(() => runCli(args, { cwd: dir }))

      const data = yield* run(["plan", "--sandbox", "--config", configDir, "--data", join(dir, "no-such-dataset")])
      assert.strictEqual(data.code, 1, data.stdout)
      assert.match(data.stderr, /--data .*no-such-dataset: no such directory/)
      assert.notInclude(data.stdout, "No changes")

      const out = yield* run(["plan", "--sandbox", "--config", configDir, "--out", join(configDir, "atqbo.yaml")])
      assert.strictEqual(out.code, 1, out.stdout)
      assert.include(out.stderr, "it exists and is not an atqbo plan")
      assert.strictEqual(yield* Effect.promise(() => readFile(join(configDir, "atqbo.yaml"), "utf8")), original, "atqbo.yaml is untouched")
    }))

  it.live("a live run names every unset credential variable at once, before any request", () =>
    Effect.gen(function*() {
      const dir = yield* Effect.promise(() => mkdtemp(join(tmpdir(), "atqbo-env-")))
      // Discovery points at a closed port: a request made before the check would fail differently.
      const env = { AUTOTASK_USERNAME: "api@example.com", QBO_CLIENT_ID: " ", ATQBO_AUTOTASK_DISCOVERY_URL: "http://127.0.0.1:9/" }
      const result = yield* Effect.promise(() => runCli(["plan", "--config", join(REPO_ROOT, "mappings")], { cwd: dir, env }))
      assert.strictEqual(result.code, 1, result.stdout)
      assert.include(
        result.stderr,
        "environment variables not set: AUTOTASK_SECRET, AUTOTASK_INTEGRATION_CODE, QBO_CLIENT_ID, QBO_CLIENT_SECRET, QBO_REALM_ID, QBO_REFRESH_TOKEN (the names atqbo.yaml gives"
      )
      assert.include(result.stderr, "`atqbo auth qbo` gets the QBO refresh token and prints the realm id")
    }))
})
