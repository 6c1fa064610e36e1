/** Observe then plan: the read-only half shared by `plan` and `apply`. */
import { Clock, Data, Effect } from "effect"
import type { Config } from "../config/types.ts"
import { configChecksum } from "../domain/checksum.ts"
import { QboReaders } from "./companies.ts"
import { combinePlans } from "./connections.ts"
import { ownerOf } from "./marker.ts"
import { observe, windowFor, type WindowRequest } from "./observe.ts"
import { buildPlan } from "./plan.ts"
import { Progress } from "./progress.ts"
import { routeInvoices, unroutedRejections } from "./routeInvoices.ts"
import type { Snapshot } from "./snapshot.ts"
import { targetNamed, targetsOf } from "./targets.ts"

export class UnknownConnection extends Data.TaggedError("UnknownConnection")<{ readonly message: string }> {}

const checkOnly = (config: Config, only: string | undefined) => {
  const named = only === undefined ? undefined : targetNamed(config, only)
  return named !== undefined && "problem" in named ? Effect.fail(new UnknownConnection({ message: named.problem })) : Effect.void
}

/**
 * Plans every QBO company of the configuration (one, or one per connection). With
 * connections, Autotask's invoices and their companies are read once and routed; each company
 * is observed with its own QBO client; an invoice whose document another connection holds is
 * refused, never duplicated. `only` restricts the resulting plan to one connection (all are
 * still observed, so such conflicts are seen).
 */
export const makePlan = Effect.fn("makePlan")(function*(config: Config, request: WindowRequest, toolVersion: string, only?: string) {
  yield* checkOnly(config, only)
  const readers = yield* QboReaders
  const progress = yield* Progress
  const targets = targetsOf(config)
  // The implicit target takes every invoice: its observe reads them itself, beside QBO's lists.
  const routed = config.connections.length === 0 ? undefined : yield* Effect.gen(function*() {
    yield* progress.step("Reading Autotask invoices and routing them to QBO companies")
    return yield* routeInvoices(config, config.connections, windowFor(config, request, new Date(yield* Clock.currentTimeMillis)))
  })

  const snapshots = yield* Effect.forEach(targets, (target) =>
    observe(target.config, request, target.name === undefined ? undefined : routed?.preread.get(target.name)).pipe(
      Effect.provideContext(readers.get(target.name)),
      Effect.map((snapshot): readonly [string | undefined, Snapshot] => [target.name, snapshot])
    ), { concurrency: "unbounded" })

  // Which company holds each invoice's document (by the ownership marker).
  const holders = new Map<number, string | undefined>()
  for (const [name, snapshot] of snapshots) {
    for (const doc of [...snapshot.qbo.invoices, ...snapshot.qbo.creditMemos]) {
      const owner = ownerOf(doc.PrivateNote)
      if (owner !== undefined && !holders.has(owner)) holders.set(owner, name)
    }
  }
  yield* progress.step("Planning")
  const createdAt = new Date(yield* Clock.currentTimeMillis).toISOString()
  const [first, ...rest] = snapshots.map(([name, snapshot], index) => {
    const elsewhere = new Map([...holders].flatMap(([id, holder]) => (holder !== name && holder !== undefined ? [[id, holder] as const] : [])))
    return { name, plan: buildPlan(snapshot, targets[index]!.config, { toolVersion, createdAt, elsewhere }) }
  }).filter((part) => only === undefined || part.name === only)
  // --connection keeps its word: invoices no connection takes belong to none, so not to this one.
  const unrouted = routed && only === undefined ? unroutedRejections(routed, first!.plan.currency) : []
  return { ...combinePlans([first!, ...rest], unrouted), configChecksum: configChecksum(config) }
})
