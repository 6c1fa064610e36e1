/**
 * `atqbo plan`: read both systems, never write, print what apply would do.
 */
import { Console, Effect, Option } from "effect"
import { Command, Flag } from "effect/cli"
import { hasChanges } from "../domain/plan.ts"
import { makePlan } from "../reconcile/makePlan.ts"
import { renderJson } from "../render/json.ts"
import { terminalFor } from "../render/terminal.ts"
import { PLAN_VIEW_FORMATS, planView } from "../render/views.ts"
import { checkPlanOut, configFlag, loadConfig, planningFlags, windowRequest, writeOutput } from "./common.ts"
import { withReaders } from "./connect.ts"
import { setExitCode } from "./exitCode.ts"
import { emit, githubContext } from "./output.ts"
import { VERSION } from "./version.ts"

export const planCommand = Command.make(
  "plan",
  {
    config: configFlag,
    out: Flag.String("out").pipe(Flag.withDescription("Also save the plan as JSON to FILE, for `atqbo apply FILE` (replaces an earlier plan; refuses any other existing file)"), Flag.withMetavar("FILE"), Flag.optional),
    format: Flag.Literals("format", PLAN_VIEW_FORMATS).pipe(
      Flag.withDescription("text for people, markdown for PR comments, json for tools (schemas/plan.schema.json), github for Actions (annotations + job summary + --comment-file)"),
      Flag.withDefault("text")
    ),
    commentFile: Flag.String("comment-file").pipe(Flag.withDescription("With --format github: write the sticky PR comment body to FILE"), Flag.withMetavar("FILE"), Flag.optional),
    detailedExitcode: Flag.Boolean("detailed-exitcode").pipe(Flag.withDescription("Exit 2 when the plan has changes (0 none, 1 error)"), Flag.withDefault(false)),
    verbose: Flag.Boolean("verbose").pipe(Flag.withDescription("Show every field and line, not only what changes"), Flag.withDefault(false)),
    ...planningFlags
  },
  Effect.fn("plan")(function*(flags) {
    if (Option.isSome(flags.out)) yield* checkPlanOut(flags.out.value)
    const config = yield* loadConfig(flags.config)
    const request = yield* windowRequest(flags, config)
    const plan = yield* withReaders(config, { sandbox: flags.sandbox, data: flags.data }, (connected) =>
      makePlan(connected, request, VERSION, Option.getOrUndefined(flags.connection)))
    if (Option.isSome(flags.out)) yield* writeOutput(flags.out.value, renderJson(plan))
    const github = flags.format === "github" ? yield* githubContext(Option.getOrUndefined(flags.commentFile)) : undefined
    yield* emit(planView(flags.format, { verbose: flags.verbose, terminal: terminalFor(process.stdout), github })(plan), github)
    if (Option.isSome(flags.out)) yield* Console.error(`Saved the plan to ${flags.out.value}; apply exactly it with \`atqbo apply ${flags.out.value}\`.`)
    yield* setExitCode(flags.detailedExitcode && hasChanges(plan) ? 2 : 0)
  })
).pipe(
  Command.withDescription("Read Autotask and QBO and show what `apply` would change. Never writes."),
  Command.withExamples([
    { command: "atqbo plan --sandbox", description: "Plan against the built-in simulators with demo data" },
    { command: "atqbo plan --out plan.json", description: "Save the plan for `atqbo apply plan.json`" },
    { command: "atqbo plan --since 2026-10-01 --until 2026-10-31 --format markdown", description: "Plan a month, as Markdown" },
    { command: "atqbo plan --invoice 29684133 --verbose", description: "Plan one invoice with every field" }
  ])
)
