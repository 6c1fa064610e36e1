/**
 * `atqbo apply [PLANFILE]`: re-observe, re-plan and execute. With a saved plan, only when
 * the fresh plan's checksum equals the saved one; without, after showing the plan and asking
 * (or `--auto-approve`). Safety limits are checked before any write. All of it runs under the
 * apply lease of each QBO company (src/cli/lease.ts): one apply at a time per company.
 */
import { randomUUID } from "node:crypto"
import { appendFile } from "node:fs/promises"
import { createInterface } from "node:readline/promises"
import { Console, Data, Effect, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { hasChanges, type Plan } from "../domain/plan.ts"
import { applyAll } from "../reconcile/applyAll.ts"
import { connectionPlan } from "../reconcile/connections.ts"
import { Journal } from "../reconcile/journal.ts"
import { makePlanAll } from "../reconcile/makePlan.ts"
import { notify } from "../reconcile/notify.ts"
import { PlanFileInvalid, readPlanFile } from "../reconcile/planFile.ts"
import { limitViolations, type LimitViolation, SafetyLimitExceeded } from "../reconcile/safety.ts"
import { addressChanges, countChanges, StalePlan } from "../reconcile/stale.ts"
import { annotationLines, applyAnnotations, applySummary, planAnnotations } from "../render/github.ts"
import { renderReportText } from "../render/report.ts"
import { renderText } from "../render/text.ts"
import type { Config } from "../config/types.ts"
import { configFlag, InvalidInput, loadConfig, planningFlags, scopeFlagsGiven, windowRequest } from "./common.ts"
import { withCompanyWriters } from "./connect.ts"
import { breakLease, underLease } from "./lease.ts"
import { setExitCode } from "./exitCode.ts"
import { VERSION } from "./version.ts"

/** Safety limits per QBO company: each connection has its own. */
const violationsOf = (plan: Plan, config: Config): ReadonlyArray<LimitViolation> =>
  plan.connections
    ? plan.connections.flatMap((connection) => {
      const limits = config.connections.find((entry) => entry.name === connection.name)?.config.limits ?? config.limits
      return limitViolations(connectionPlan(plan, connection.name), limits).map((violation) => ({ ...violation, what: `${violation.what} in connection ${connection.name}` }))
    })
    : limitViolations(plan, config.limits)

export class NotConfirmed extends Data.TaggedError("NotConfirmed")<{ readonly message: string }> {}

const confirm = Effect.fn("confirm")(function*() {
  if (!process.stdin.isTTY) {
    return yield* new NotConfirmed({
      message: "refusing to apply without confirmation: stdin is not a terminal. Review the plan, then pass --auto-approve (CI) or apply a saved plan file."
    })
  }
  const answer = yield* Effect.promise(async () => {
    const prompt = createInterface({ input: process.stdin, output: process.stderr })
    const text = await prompt.question("\nApply these changes? Only 'yes' is accepted: ")
    prompt.close()
    return text.trim()
  })
  if (answer !== "yes") return yield* new NotConfirmed({ message: "apply cancelled; nothing was written." })
})

export const applyCommand = Command.make(
  "apply",
  {
    planFile: Argument.String("PLANFILE").pipe(Argument.withDescription("A plan saved with `atqbo plan --out FILE`; applied only if nothing changed since. It carries its own window: no --since/--until/--invoice/--connection with it"), Argument.optional),
    config: configFlag,
    autoApprove: Flag.Boolean("auto-approve").pipe(Flag.withDescription("Do not ask for confirmation (CI)"), Flag.withDefault(false)),
    force: Flag.Boolean("force").pipe(Flag.withDescription("Apply even when the plan exceeds the safety limits in atqbo.yaml"), Flag.withDefault(false)),
    format: Flag.Literals("format", ["text", "github"]).pipe(Flag.withDescription("github adds annotations and the job summary"), Flag.withDefault("text")),
    forceUnlock: Flag.String("force-unlock").pipe(
      Flag.withDescription("Break the apply lease LEASE_ID (shown by the apply that found it held) when its holder is dead, and exit; the holder, if alive, stops before its next write"),
      Flag.optional
    ),
    ...planningFlags
  },
  Effect.fn("apply")(function*(flags) {
    const scopeFlags = scopeFlagsGiven(flags)
    if (Option.isSome(flags.planFile) && scopeFlags.length > 0) {
      return yield* new InvalidInput({
        message: `${scopeFlags.join(", ")} cannot be used with a saved plan: ${flags.planFile.value} carries its own window and companies. Plan again with the flags (\`atqbo plan ${scopeFlags[0]} … --out FILE\`), or drop them.`
      })
    }
    const config = yield* loadConfig(flags.config)
    const runId = randomUUID().slice(0, 8)
    if (Option.isSome(flags.forceUnlock)) {
      const leaseId = flags.forceUnlock.value
      return yield* withCompanyWriters(config, { sandbox: flags.sandbox, data: flags.data }, (connected) =>
        breakLease(connected, Option.getOrUndefined(flags.connection), leaseId, runId))
    }
    const saved = Option.isSome(flags.planFile) ? yield* readPlanFile(flags.planFile.value) : undefined
    const request = saved
      ? { since: saved.window.since, until: saved.window.until, invoiceIds: saved.window.invoiceIds ?? undefined }
      : yield* windowRequest(flags, config)

    // A saved plan of one connection (made with --connection) is re-planned the same way.
    const only = Option.getOrUndefined(flags.connection) ??
      (saved?.connections?.length === 1 && config.connections.length > 1 ? saved.connections[0]!.name : undefined)
    // Everything from the first read to the last write happens under the companies' leases.
    yield* withCompanyWriters(config, { sandbox: flags.sandbox, data: flags.data }, (connected) =>
      underLease(connected, only, runId, Effect.gen(function*() {
        const plan: Plan = yield* makePlanAll(connected, request, VERSION, only)
        if (saved) {
          const companies = (p: Plan) => p.connections ? p.connections.map((c) => `${c.name}=${c.realmId}`).join(", ") : p.realmId
          if (companies(saved) !== companies(plan)) {
            return yield* new PlanFileInvalid({
              file: flags.planFile.pipe(Option.getOrElse(() => "")),
              message: `refusing the saved plan: it was made for QBO company ${companies(saved)}, but this configuration targets ${companies(plan)}; nothing was written. Plan again with this configuration.`
            })
          }
          if (saved.checksum !== plan.checksum) {
            const { added, removed } = addressChanges(saved, plan)
            return yield* new StalePlan({ savedChecksum: saved.checksum, freshChecksum: plan.checksum, changes: countChanges(saved, plan), added, removed })
          }
        } else {
          yield* Console.log(renderText(plan, { verbose: false }).trimEnd())
          if (!hasChanges(plan)) {
            yield* Console.log("\nNothing to apply.")
            return
          }
          if (!flags.autoApprove) yield* confirm()
        }
        const violations = violationsOf(plan, connected)
        if (violations.length > 0 && !flags.force) return yield* new SafetyLimitExceeded({ violations })

        const report = yield* applyAll(plan, { runId }).pipe(
          Effect.provide(Journal.file(connected.journal.dir, runId, new Date()))
        )
        if (flags.format === "github") {
          // Failures and rejections, then the plan's warnings (drift seen by the schedule).
          const warnings = planAnnotations(plan).filter((annotation) => annotation.level === "warning")
          for (const line of annotationLines([...applyAnnotations(report), ...warnings])) yield* Console.log(line)
          const summaryFile = process.env.GITHUB_STEP_SUMMARY
          if (summaryFile) yield* Effect.promise(() => appendFile(summaryFile, applySummary(report), "utf8"))
        }
        yield* Console.log(`\n${renderReportText(report).trimEnd()}`)
        for (const delivery of yield* notify(connected.notifications, plan, report)) {
          yield* Console.error(`${delivery.ok ? "notified" : "warning: notification failed"} (${delivery.channel}): ${delivery.detail}`)
        }
        yield* setExitCode(report.counts.failed > 0 ? 1 : 0)
      })))
  })
).pipe(
  Command.withDescription(
    "Make QBO and Autotask match the plan: create items, customers and invoices, void, e-mail, and write back to Autotask. Idempotent: re-running never duplicates."
  ),
  Command.withExamples([
    { command: "atqbo apply plan.json", description: "Apply a reviewed plan; refused as stale if anything changed" },
    { command: "atqbo apply --auto-approve", description: "Plan and apply without asking (CI)" },
    { command: "atqbo apply --sandbox --auto-approve", description: "Try it against the built-in simulators" },
    { command: "atqbo apply --force-unlock 3f2a9c1e-…", description: "Break the lease of an apply that died (its id is in the message of the apply that found it held)" }
  ])
)
