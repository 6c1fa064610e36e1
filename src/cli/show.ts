/** `atqbo show PLANFILE`: render a saved plan in any format, offline. */
import { Effect } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { readPlanFile } from "../reconcile/planFile.ts"
import { PLAN_FORMATS } from "../render/index.ts"
import { terminalFor } from "../render/terminal.ts"
import { planView } from "../render/views.ts"
import { emit } from "./output.ts"
import { VERSION } from "./version.ts"

export const showCommand = Command.make(
  "show",
  {
    planFile: Argument.String("PLANFILE").pipe(Argument.withDescription("A plan saved with `atqbo plan --out FILE`")),
    format: Flag.Literals("format", PLAN_FORMATS).pipe(Flag.withDescription("text, markdown or json"), Flag.withDefault("text")),
    verbose: Flag.Boolean("verbose").pipe(Flag.withDescription("Show every field and line"), Flag.withDefault(false))
  },
  Effect.fn("show")(function*(flags) {
    const plan = yield* readPlanFile(flags.planFile, VERSION)
    yield* emit(planView(flags.format, { verbose: flags.verbose, terminal: terminalFor(process.stdout) })(plan))
  })
).pipe(
  Command.withDescription("Render a saved plan (no network, no credentials). A plan file edited after `atqbo plan` wrote it is refused: what `show` prints is what was planned."),
  Command.withExamples([{ command: "atqbo show plan.json --format markdown", description: "The plan as a PR comment would show it" }])
)
