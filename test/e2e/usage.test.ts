/**
 * A command line atqbo cannot read: one line on stderr with the nearest valid name and where the
 * help is, exit 1, nothing on stdout (issue 17 item 5). The errors are effect/cli's own, made by
 * parsing in this process; one real CLI run proves the wiring.
 */
import { assert, describe, it } from "@effect/vitest"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Effect, Layer } from "effect"
import { Command, CliOutput } from "effect/cli"
import { applyCommand } from "../../src/cli/apply.ts"
import { planCommand } from "../../src/cli/plan.ts"
import { usageLine } from "../../src/cli/usage.ts"
import { runCli } from "../support/cli.ts"

const root = Command.make("atqbo").pipe(Command.withSubcommands([planCommand, applyCommand]))

/** The line atqbo prints for `args`, from the invocation effect/cli reports. */
const lineFor = (args: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const events: Array<CliOutput.Presenter.Event> = []
    const capture = CliOutput.layerPresenter({ present: (event) => Effect.sync(() => void events.push(event)) })
    yield* Command.runWith(root, { version: "test" })(args).pipe(Effect.ignore, Effect.provide(Layer.merge(capture, NodeServices.layer)))
    const invalid = events.find((event) => event._tag === "InvalidInvocation")
    return invalid?._tag === "InvalidInvocation" ? usageLine(invalid.commandPath, invalid.errors[0]!) : "(no usage error)"
  })

describe("usage errors", () => {
  it.live("name what was wrong and the nearest valid name, in one line", () =>
    Effect.gen(function*() {
      assert.strictEqual(yield* lineFor(["plna", "--sandbox"]), `atqbo: unknown command "plna"; did you mean "plan"? see atqbo --help`)
      assert.strictEqual(yield* lineFor(["plan", "--sandbx"]), "atqbo plan: unknown flag --sandbx; did you mean --sandbox? see atqbo plan --help")
      assert.strictEqual(yield* lineFor(["apply", "--auto-aprove"]), "atqbo apply: unknown flag --auto-aprove; did you mean --auto-approve? see atqbo apply --help")
      assert.match(yield* lineFor(["plan", "--format", "xml"]), /^atqbo plan: invalid value for flag --format: "xml"\. Expected: .*"markdown".*; see atqbo plan --help$/)
    }))

  it("the CLI prints only that line on stderr and exits 1", async () => {
    const result = await runCli(["plan", "--sandbx"])
    assert.strictEqual(result.code, 1)
    assert.strictEqual(result.stdout, "")
    assert.strictEqual(result.stderr.trim(), "atqbo plan: unknown flag --sandbx; did you mean --sandbox? see atqbo plan --help")
  })
})
