/**
 * The QBO client of each company a run talks to, by connection name (`undefined`: the implicit
 * target of a single-company configuration). Readers and writers are two services so that
 * `plan`, given only `QboReaders`, cannot write to any company: a write there does not compile.
 *
 * Not a `LayerMap`: that builds a key's layer on first use and releases it when unused, and two
 * of them would build two clients per company. Here every client is built once per command,
 * before anything runs (a missing credential fails up front), and a company's reader and writer
 * are one client, so plan and apply share its rate budget and access token.
 */
import { Context, Effect, Layer } from "effect"
import type { QboReader, QboWriter } from "../qbo/QboClient.ts"

export type ClientOf<S> = (connection: string | undefined) => Context.Context<S>

export class QboReaders extends Context.Service<QboReaders, { readonly get: ClientOf<QboReader> }>()("atqbo/reconcile/QboReaders") {}

export class QboWriters extends Context.Service<QboWriters, { readonly get: ClientOf<QboReader | QboWriter> }>()("atqbo/reconcile/QboWriters") {}

/** Plan's view: readers only. */
export const readersContext = (get: ClientOf<QboReader>) => Context.make(QboReaders, { get })

/** Apply's view: a company's reader and writer are its one client. */
export const writersContext = (get: ClientOf<QboReader | QboWriter>) => Context.make(QboReaders, { get }).pipe(Context.add(QboWriters, { get }))

/** A connection the run has no client for is a bug: targets come from the same configuration. */
const noClient = (name: string | undefined): never => {
  throw new Error(`no QBO client for connection ${String(name)}`)
}

/** Builds every company's QBO client once, for the whole command, and offers them by name. */
export const companiesLayer = <S, K>(
  companies: ReadonlyArray<{ readonly name: string | undefined; readonly layer: Layer.Layer<S> }>,
  services: (get: ClientOf<S>) => Context.Context<K>
): Layer.Layer<K> =>
  Layer.effectContext(Effect.gen(function*() {
    const built = new Map<string | undefined, Context.Context<S>>()
    for (const company of companies) built.set(company.name, yield* Layer.build(company.layer))
    return services((name) => built.get(name) ?? noClient(name))
  }))
