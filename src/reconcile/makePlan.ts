/** Observe then plan: the read-only half shared by `plan` and `apply`. */
import { Clock, Data, Effect } from "effect"
import { AutotaskReader } from "../autotask/AutotaskClient.ts"
import type { AtCompany, AtInvoice } from "../autotask/model.ts"
import type { Config } from "../config/types.ts"
import { configChecksum } from "../domain/checksum.ts"
import type { Plan, PlanAction } from "../domain/plan.ts"
import { QboCompanies } from "./companies.ts"
import { combinePlans, routingRejection } from "./connections.ts"
import { ownerOf } from "./marker.ts"
import { observe, readInvoices, windowFor, type WindowRequest } from "./observe.ts"
import { buildPlan } from "./plan.ts"
import { Progress } from "./progress.ts"
import { routeCompany, routingProblem } from "./routing.ts"
import type { Snapshot } from "./snapshot.ts"

/** Plans one QBO company with the QboReader in context. */
export const makePlan = Effect.fn("makePlan")(function*(config: Config, request: WindowRequest, toolVersion: string) {
  const snapshot = yield* observe(config, request)
  const progress = yield* Progress
  yield* progress.step("Planning")
  const createdAt = new Date(yield* Clock.currentTimeMillis).toISOString()
  const plan: Plan = buildPlan(snapshot, config, { toolVersion, createdAt })
  return plan
})

export class UnknownConnection extends Data.TaggedError("UnknownConnection")<{ readonly message: string }> {}

/**
 * Plans every QBO company of the configuration. With connections, Autotask's invoices and
 * their companies are read once and routed; each connection is observed with its own QBO
 * client; an invoice whose document another connection holds is refused, never duplicated.
 * `only` restricts the resulting plan to one connection (all are still observed, so such
 * conflicts are seen).
 */
export const makePlanAll = Effect.fn("makePlanAll")(function*(config: Config, request: WindowRequest, toolVersion: string, only?: string) {
  const companies = yield* QboCompanies
  if (config.connections.length === 0) {
    if (only !== undefined) return yield* new UnknownConnection({ message: `--connection ${only}: atqbo.yaml defines no connections (a single QBO company)` })
    return yield* makePlan(config, request, toolVersion).pipe(Effect.provide(companies.reader(undefined)))
  }
  if (only !== undefined && !config.connections.some((connection) => connection.name === only)) {
    return yield* new UnknownConnection({
      message: `--connection ${only}: no such connection in atqbo.yaml (connections: ${config.connections.map((connection) => connection.name).join(", ")})`
    })
  }
  const autotask = yield* AutotaskReader
  const progress = yield* Progress
  const now = new Date(yield* Clock.currentTimeMillis)
  const window = windowFor(config, request, now)

  yield* progress.step("Reading Autotask invoices and routing them to QBO companies")
  const invoices = yield* readInvoices(config, window)
  const companyRows = yield* autotask.queryIn<AtCompany>("Companies", "id", [...new Set(invoices.map((invoice) => invoice.companyID))])
  const companyById = new Map(companyRows.map((company) => [company.id, company]))
  const routes = config.connections.map((connection) => ({ name: connection.name, routes: connection.routes, isDefault: connection.isDefault }))
  const routed = new Map<string, Array<AtInvoice>>(config.connections.map((connection) => [connection.name, []]))
  const unrouted: Array<PlanAction> = []
  for (const invoice of invoices) {
    const company = companyById.get(invoice.companyID)
    const routing = company ? routeCompany(company, routes) : undefined
    const problem = company && routing ? routingProblem(company, routing) : `Autotask company ${invoice.companyID} could not be read`
    if (problem !== undefined || routing?.kind !== "routed") {
      unrouted.push(routingRejection(invoice, company, problem ?? "not routed", "USD"))
      continue
    }
    routed.get(routing.connection)!.push(invoice)
  }

  const snapshots = yield* Effect.forEach(config.connections, (connection) =>
    observe(connection.config, request, { invoices: routed.get(connection.name) ?? [], companies: companyRows }).pipe(
      Effect.provide(companies.reader(connection.name)),
      Effect.map((snapshot): [string, Snapshot] => [connection.name, snapshot])
    ), { concurrency: "unbounded" })

  // Which connection holds each invoice's document (by the ownership marker).
  const holders = new Map<number, string>()
  for (const [name, snapshot] of snapshots) {
    for (const doc of [...snapshot.qbo.invoices, ...snapshot.qbo.creditMemos]) {
      const owner = ownerOf(doc.PrivateNote)
      if (owner !== undefined && !holders.has(owner)) holders.set(owner, name)
    }
  }
  const createdAt = now.toISOString()
  const parts = snapshots
    .filter(([name]) => only === undefined || name === only)
    .map(([name, snapshot]) => {
      const connection = config.connections.find((entry) => entry.name === name)!
      const elsewhere = new Map([...holders].filter(([, holder]) => holder !== name))
      return { name, plan: buildPlan(snapshot, connection.config, { toolVersion, createdAt, elsewhere }) }
    })
  yield* progress.step("Planning")
  // --connection keeps its word: invoices no connection takes belong to none, so not to this one.
  return { ...combinePlans(parts, only === undefined ? unrouted : []), configChecksum: configChecksum(config) }
})
