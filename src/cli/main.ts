/**
 * `atqbo` entry: the command tree, the platform layer and the exit-code policy. Each command
 * lives in its own module; this file only wires them.
 */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Effect, Exit, Layer, Logger } from "effect"
import { Command } from "effect/cli"
import { progressToStderr } from "../reconcile/progress.ts"
import { applyCommand } from "./apply.ts"
import { authCommand } from "./auth.ts"
import { failureExitCode, noteSignal, requestedExitCode } from "./exitCode.ts"
import { doctorCommand } from "./doctor.ts"
import { reportDefect, reportFailure } from "./failure.ts"
import { importCommand } from "./import.ts"
import { initCommand } from "./init.ts"
import { planCommand } from "./plan.ts"
import { sandboxCommand } from "./sandbox.ts"
import { showCommand } from "./show.ts"
import { usagePresenter } from "./usage.ts"
import { validateCommand } from "./validate.ts"
import { VERSION } from "./version.ts"

const root = Command.make("atqbo").pipe(
  Command.withDescription(
    "Autotask PSA → QuickBooks Online invoice sync as code. Mappings live in YAML files in git; " +
      "`plan` shows what would change in both systems, `apply` makes it so, idempotently."
  ),
  Command.withSubcommands([validateCommand, planCommand, applyCommand, showCommand, initCommand, importCommand, doctorCommand, authCommand, sandboxCommand])
)

const program = Command.run(root, { version: VERSION }).pipe(
  Effect.catch(reportFailure),
  Effect.catchDefect(reportDefect),
  Effect.provide(usagePresenter),
  Effect.provide(progressToStderr),
  // Logs (`--log-level debug`) are not data: stderr, so stdout stays the plan or the report.
  Effect.provide(Layer.succeed(Logger.LogToStderr, true)),
  Effect.provide(NodeServices.layer)
)

// The runtime interrupts the command on SIGINT/SIGTERM; the exit code says which (130, 143).
// (apply takes both signals while it writes: src/cli/apply.ts.)
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => noteSignal(signal))

NodeRuntime.runMain(program, {
  disableErrorReporting: true,
  teardown: (exit, onExit) => onExit(Exit.isSuccess(exit) ? requestedExitCode() : failureExitCode())
})
