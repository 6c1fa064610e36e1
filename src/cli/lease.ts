/**
 * The apply lease for the `apply` command: held around everything apply does (observe, plan,
 * confirm, write), one per QBO company it writes to; and `--force-unlock LEASE_ID`.
 */
import { Console, Effect } from "effect"
import { AutotaskWriter } from "../autotask/AutotaskClient.ts"
import type { Config } from "../config/types.ts"
import { QboWriters } from "../reconcile/companies.ts"
import { forceUnlock, LeaseNotFound } from "../reconcile/lease.ts"
import { holdLeases, type LeasedCompany, leaseHolder } from "../reconcile/leases.ts"

/** The companies a run writes to: every connection, or the one `--connection` names. */
export const leasedCompanies = (config: Config, only: string | undefined): ReadonlyArray<LeasedCompany> =>
  config.connections.length === 0
    ? [{ name: undefined, label: `QBO company ${config.qbo.realmId ?? ""}` }]
    : config.connections
      .filter((connection) => only === undefined || connection.name === only)
      .map((connection) => ({ name: connection.name, label: `connection ${connection.name} (QBO company ${connection.config.qbo.realmId ?? ""})` }))

/** Runs `use` holding the lease of every company it may write to; its writers refuse once a lease is lost. */
export const underLease = <A, E, R>(config: Config, only: string | undefined, runId: string, use: Effect.Effect<A, E, R>) =>
  Effect.scoped(
    Effect.gen(function*() {
      const held = yield* holdLeases(leasedCompanies(config, only), {
        holder: leaseHolder(runId),
        expirySeconds: config.lease.expirySeconds,
        waitSeconds: config.lease.waitSeconds,
        onWait: (message) => Console.error(message)
      })
      for (const lease of held.leases) {
        if (lease.tookOver) yield* Console.error(`warning: took over the expired ${lease.tookOver} for ${lease.label}`)
      }
      return yield* use.pipe(Effect.provideService(QboWriters, held.writers), Effect.provideService(AutotaskWriter, held.autotask))
    })
  )

/** `--force-unlock LEASE_ID`: frees that lease in whichever company holds it, and says whose it was. */
export const breakLease = Effect.fn("breakLease")(function*(config: Config, only: string | undefined, leaseId: string, runId: string) {
  const writers = yield* QboWriters
  const misses: Array<string> = []
  for (const company of leasedCompanies(config, only)) {
    const broken = yield* forceUnlock(leaseId, company.label, leaseHolder(runId)).pipe(
      Effect.provideContext(writers.get(company.name)),
      Effect.catchTag("LeaseNotFound", (error) => Effect.sync(() => misses.push(error.message)).pipe(Effect.as(undefined)))
    )
    if (broken !== undefined) {
      yield* Console.log(`Broke the ${broken} of ${company.label}. That apply stops before its next write; run \`atqbo plan\` to see what is left to do.`)
      return
    }
  }
  return yield* new LeaseNotFound({ message: `no lease ${leaseId} to unlock: ${misses.join("; ")}` })
})
