/**
 * Apply's leases (Effect): one per QBO company the run writes to, taken before it observes
 * anything (so its plan sees every earlier writer's work), and writers that refuse to write
 * once a lease is lost or the run is asked to stop (`ApplyStop`). Every QBO and Autotask write
 * of the run goes through these writers, so no write path can forget the check.
 */
import { hostname } from "node:os"
import { Context, Effect } from "effect"
import { AutotaskError, AutotaskWriter, type AutotaskWriterService } from "../autotask/AutotaskClient.ts"
import { leaseLostError, stoppedError } from "../qbo/errors.ts"
import { type QboReader, QboWriter, type QboWriterService } from "../qbo/QboClient.ts"
import { ApplyStop } from "./applyStop.ts"
import { QboWriters } from "./companies.ts"
import { type HeldLease, holdLease, type LeaseLost, type LeaseOptions } from "./lease.ts"
import type { LeaseHolder } from "./leaseNote.ts"

type Check = Effect.Effect<void, LeaseLost>

/** Whether a write may start: the run is not stopping, and holds its lease. */
const mayWrite = <E>(check: Check, stopped: (reason: string) => E, lost: (error: LeaseLost) => E): Effect.Effect<void, E> =>
  Effect.gen(function*() {
    const reason = yield* (yield* ApplyStop).reason
    if (reason !== undefined) return yield* Effect.fail(stopped(reason))
    yield* check.pipe(Effect.mapError(lost))
  })

/** A QBO writer whose every write first checks the stop switch and the lease. */
export const guardQboWriter = (writer: QboWriterService, check: Check): QboWriterService => {
  const guarded = <A, E>(operation: string, write: Effect.Effect<A, E>) =>
    mayWrite(check, (reason) => stoppedError(operation, reason), (lost) => leaseLostError(operation, lost.message)).pipe(Effect.andThen(write))
  return {
    create: (entity, body, requestId, options) => guarded(`create ${entity}`, writer.create(entity, body, requestId, options)),
    update: (entity, body, requestId) => guarded(`update ${entity}`, writer.update(entity, body, requestId)),
    void: (entity, ref, requestId) => guarded(`void ${entity} ${ref.Id}`, writer.void(entity, ref, requestId)),
    send: (invoiceId, sendTo, requestId) => guarded(`send Invoice ${invoiceId}`, writer.send(invoiceId, sendTo, requestId)),
    batch: (items, requestId, options) => guarded(`batch of ${items.length}`, writer.batch(items, requestId, options))
  }
}

const notSent = (operation: string, kind: "lease-lost" | "stopped", reason: string) =>
  new AutotaskError({ kind, message: `${operation} not sent: ${reason}`, status: undefined, errors: [], operation })

const autotaskGate = (check: Check, id: number) => {
  const operation = `PATCH Invoices ${id}`
  return mayWrite(check, (reason) => notSent(operation, "stopped", reason), (lost) => notSent(operation, "lease-lost", lost.message))
}

/** An Autotask writer whose every PATCH first checks the stop switch and the leases. */
export const guardAutotaskWriter = (writer: AutotaskWriterService, check: Check): AutotaskWriterService => ({
  updateInvoice: (id, fields) => autotaskGate(check, id).pipe(Effect.andThen(writer.updateInvoice(id, fields))),
  updateInvoices: (updates, options) =>
    writer.updateInvoices(updates, { before: (id) => (options?.before?.(id) ?? Effect.void).pipe(Effect.andThen(autotaskGate(check, id))) })
})

/** Who holds a lease: this process, and the CI job it runs in. */
export const leaseHolder = (runId: string, env: NodeJS.ProcessEnv = process.env): LeaseHolder => {
  const github = env.GITHUB_ACTIONS === "true" && env.GITHUB_RUN_ID
    ? `GitHub Actions ${env.GITHUB_SERVER_URL ?? "https://github.com"}/${env.GITHUB_REPOSITORY ?? ""}/actions/runs/${env.GITHUB_RUN_ID}${env.GITHUB_JOB ? ` job ${env.GITHUB_JOB}` : ""}`
    : undefined
  const ci = github ?? env.CI_JOB_URL ?? env.BUILD_URL ?? (env.CI ? "CI" : undefined)
  return { host: hostname().slice(0, 100), pid: process.pid, runId, ...(ci ? { ci: ci.slice(0, 300) } : {}) }
}

export interface LeasedCompany {
  /** The connection name (`undefined`: the single company). */
  readonly name: string | undefined
  /** For messages: "QBO company 9341…" or "connection us (QBO company 9341…)". */
  readonly label: string
}

export interface HeldLeases {
  readonly writers: Context.Service.Shape<typeof QboWriters>
  readonly autotask: AutotaskWriterService
  readonly leases: ReadonlyArray<HeldLease & { readonly label: string }>
}

/**
 * Takes the lease of every company (in name order, so two applies over the same companies
 * cannot each hold one and wait for the other) for the scope, and returns the run's writers.
 */
export const holdLeases = Effect.fn("holdLeases")(function*(companies: ReadonlyArray<LeasedCompany>, options: Omit<LeaseOptions, "label">) {
  const qbo = yield* QboWriters
  const autotask = yield* AutotaskWriter
  const held = new Map<string | undefined, { readonly context: Context.Context<QboReader | QboWriter>; readonly lease: HeldLease; readonly label: string }>()
  const ordered = [...companies].sort((a, b) => (a.name ?? "").localeCompare(b.name ?? ""))
  for (const company of ordered) {
    const context = qbo.get(company.name)
    const lease = yield* holdLease({ ...options, label: company.label }).pipe(Effect.provideContext(context))
    held.set(company.name, { context, lease, label: company.label })
  }
  const checkAll = Effect.forEach([...held.values()], ({ lease }) => lease.check, { discard: true })
  return {
    writers: QboWriters.of({
      get: (name) => {
        const entry = held.get(name)
        if (!entry) throw new Error(`apply holds no lease for connection ${String(name)}`)
        return Context.add(entry.context, QboWriter, guardQboWriter(Context.get(entry.context, QboWriter), entry.lease.check))
      }
    }),
    autotask: guardAutotaskWriter(autotask, checkAll),
    leases: [...held.values()].map(({ lease, label }) => ({ ...lease, label }))
  } satisfies HeldLeases
})
