/**
 * `atqbo apply [PLANFILE]`: re-observe, re-plan and execute. With a saved plan, only when
 * the fresh plan's checksum equals the saved one; without, after showing the plan and asking
 * (or `--auto-approve`). Safety limits are checked before any write. All of it runs under the
 * apply lease of each QBO company (src/cli/lease.ts): one apply at a time per company. A
 * failure before the first write is notified like one after it; rejections are journalled,
 * notified and annotated whether or not anything else is written. Apply never writes what it
 * cannot record: no journal, no writes; Ctrl-C or SIGTERM stops new writes, not those in flight.
 */
import { randomUUID } from "node:crypto"
import { createInterface } from "node:readline/promises"
import { Console, Data, Effect, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import type { Config, NotificationsConfig } from "../config/types.ts"
import { hasChanges, type Plan } from "../domain/plan.ts"
import type { ApplyReport } from "../domain/report.ts"
import { applyAll } from "../reconcile/applyAll.ts"
import { ApplyStop, makeStopSwitch, type StopSwitch } from "../reconcile/applyStop.ts"
import { Journal } from "../reconcile/journal.ts"
import { makePlan } from "../reconcile/makePlan.ts"
import { deliver, type Delivery, failureNotice, notify } from "../reconcile/notify.ts"
import { PlanFileInvalid, readPlanFile } from "../reconcile/planFile.ts"
import { SafetyLimitExceeded } from "../reconcile/safety.ts"
import { staleness } from "../reconcile/stale.ts"
import { terminalFor } from "../render/terminal.ts"
import { APPLY_FORMATS, type ApplyFormat, applyView, planView } from "../render/views.ts"
import { configFlag, InvalidInput, loadConfig, planningFlags, scopeFlagsGiven, windowRequest } from "./common.ts"
import { withWriters } from "./connect.ts"
import { breakLease, underLease } from "./lease.ts"
import { noteSignal, setExitCode } from "./exitCode.ts"
import { emit, githubContext } from "./output.ts"
import { takeSignals } from "./signals.ts"
import { VERSION } from "./version.ts"

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

const reportDeliveries = (deliveries: ReadonlyArray<Delivery>) =>
  Effect.forEach(deliveries, (delivery) =>
    Console.error(`${delivery.ok ? "notified" : "warning: notification failed"} (${delivery.channel}): ${delivery.detail}`), { discard: true })

/** The QBO company (or companies) a configuration targets, for a notice. */
const companiesOf = (config: Config): string =>
  config.connections.length > 0 ? config.connections.map((connection) => connection.name).join(", ") : config.qbo.realmId ?? "from the environment"

/** A saved plan applies only to the companies it was made for, and only while it is fresh. */
const checkSaved = (saved: Plan, plan: Plan, file: string) =>
  Effect.gen(function*() {
    const companies = (p: Plan) => p.connections ? p.connections.map((c) => `${c.name}=${c.realmId}`).join(", ") : p.realmId
    if (companies(saved) !== companies(plan)) {
      return yield* new PlanFileInvalid({
        file,
        message: `refusing the saved plan: it was made for QBO company ${companies(saved)}, but this configuration targets ${companies(plan)}; nothing was written. Plan again with this configuration.`
      })
    }
    const stale = staleness(saved, plan)
    if (stale) return yield* stale
  })

/** What apply tells after running: annotations and job summary (GitHub), the report, notifications. */
const present = Effect.fn("present")(function*(plan: Plan, report: ApplyReport, format: ApplyFormat, notifications: NotificationsConfig) {
  const github = format === "github" ? yield* githubContext(undefined) : undefined
  yield* emit(applyView(format, { terminal: terminalFor(process.stdout), github })(plan, report), github)
  yield* reportDeliveries(yield* notify(notifications, plan, report))
})

/**
 * Runs the writes with Ctrl-C and SIGTERM turned into a stop: no new write starts, those in
 * flight finish and are journalled, then the report is printed and the run exits 130 or 143.
 * A second signal aborts at once (the runtime's handlers are back by then).
 */
const stoppingOnSignal = <A, E, R>(stop: StopSwitch, writes: Effect.Effect<A, E, R>) =>
  Effect.acquireUseRelease(
    Effect.sync(() =>
      takeSignals((signal) => {
        noteSignal(signal)
        stop.stop(`apply was interrupted (${signal})`)
        process.stderr.write(`\nReceived ${signal}: finishing the requests in flight and starting no new writes; ${signal} again aborts at once (unrecorded).\n`)
      })
    ),
    () => writes,
    (restore) => Effect.sync(restore)
  )

interface ApplyFlags {
  readonly planFile: Option.Option<string>
  readonly autoApprove: boolean
  readonly force: boolean
  readonly format: ApplyFormat
  readonly since: Option.Option<string>
  readonly until: Option.Option<string>
  readonly invoice: ReadonlyArray<number>
  readonly connection: Option.Option<string>
  readonly sandbox: boolean
  readonly data: Option.Option<string>
}

const applyWith = Effect.fnUntraced(function*(flags: ApplyFlags, config: Config, runId: string) {
  const file = Option.getOrUndefined(flags.planFile)
  const saved = file === undefined ? undefined : yield* readPlanFile(file, VERSION)
  const request = saved
    ? { since: saved.window.since, until: saved.window.until, invoiceIds: saved.window.invoiceIds ?? undefined, explicitDates: saved.window.explicitDates }
    : yield* windowRequest(flags, config)
  // A saved plan of one connection (made with --connection) is re-planned the same way.
  const only = Option.getOrUndefined(flags.connection) ??
    (saved?.connections?.length === 1 && config.connections.length > 1 ? saved.connections[0]!.name : undefined)
  // Everything from the first read to the last write happens under the companies' leases.
  yield* withWriters(config, { sandbox: flags.sandbox, data: flags.data }, (connected) =>
    underLease(connected, only, runId, Effect.gen(function*() {
      const plan: Plan = yield* makePlan(connected, request, VERSION, only)
      if (saved) yield* checkSaved(saved, plan, file!)
      else {
        yield* emit(planView("text", { verbose: false, terminal: terminalFor(process.stdout) })(plan))
        if (plan.actions.length === 0) return yield* Console.log("\nNothing to apply.")
        // Rejections that write nothing need no confirmation, but are still journalled,
        // notified and annotated below: an invoice that cannot be synced is always told.
        if (!hasChanges(plan)) yield* Console.log("\nNothing to write; recording the rejected invoices.")
        else if (!flags.autoApprove) yield* confirm()
      }
      if (plan.overLimits.length > 0 && !flags.force) return yield* new SafetyLimitExceeded({ violations: plan.overLimits })

      const stop = makeStopSwitch()
      const journal = Journal.file(connected.journal.dir, runId, new Date(), stop.stop)
      const report = yield* stoppingOnSignal(stop, applyAll(plan, { runId }).pipe(Effect.provide(journal), Effect.provideService(ApplyStop, stop.service)))
      yield* present(plan, report, flags.format, connected.notifications)
      const stopped = stop.stopped()
      if (stopped !== undefined) {
        yield* Console.error(
          `\nStopped early: ${stopped}. The writes already sent were finished; ${report.counts.skipped} actions were not started (skipped). Run \`atqbo plan\` to see what is left.`
        )
      }
      yield* setExitCode(report.counts.failed > 0 || stopped !== undefined ? 1 : 0)
    })))
})

export const applyCommand = Command.make(
  "apply",
  {
    planFile: Argument.String("PLANFILE").pipe(Argument.withDescription("A plan saved with `atqbo plan --out FILE`; applied only if nothing changed since. It carries its own window: no --since/--until/--invoice/--connection with it"), Argument.optional),
    config: configFlag,
    autoApprove: Flag.Boolean("auto-approve").pipe(Flag.withDescription("Do not ask for confirmation (CI)"), Flag.withDefault(false)),
    force: Flag.Boolean("force").pipe(Flag.withDescription("Apply even when the plan exceeds the safety limits in atqbo.yaml"), Flag.withDefault(false)),
    format: Flag.Literals("format", APPLY_FORMATS).pipe(Flag.withDescription("github adds annotations and the job summary"), Flag.withDefault("text")),
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
      return yield* withWriters(config, { sandbox: flags.sandbox, data: flags.data }, (connected) =>
        breakLease(connected, Option.getOrUndefined(flags.connection), leaseId, runId))
    }
    // From here on, a failure before the first write (credentials, a stale or edited plan, a
    // safety limit, a held lease) is told like one after it. Not for a sandbox run, nor for a
    // refusal the person at the terminal caused and sees (flags, no confirmation).
    const notifications: NotificationsConfig = flags.sandbox ? { webhook: undefined, email: undefined } : config.notifications
    yield* applyWith(flags, config, runId).pipe(
      Effect.tapError((error) =>
        error instanceof NotConfirmed || error instanceof InvalidInput
          ? Effect.void
          : deliver(notifications, failureNotice(companiesOf(config), error.message)).pipe(Effect.flatMap(reportDeliveries))
      )
    )
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
