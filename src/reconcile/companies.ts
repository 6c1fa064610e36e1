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
import { Context } from "effect"
import type { QboReader, QboWriter } from "../qbo/QboClient.ts"

/** A connection the run has no client for is a bug (targets come from the same configuration). */
export const noClient = (name: string | undefined): never => {
  throw new Error(`no QBO client for connection ${String(name)}`)
}

export class QboReaders extends Context.Service<QboReaders, {
  readonly get: (connection: string | undefined) => Context.Context<QboReader>
}>()("atqbo/reconcile/QboReaders") {}

export class QboWriters extends Context.Service<QboWriters, {
  readonly get: (connection: string | undefined) => Context.Context<QboReader | QboWriter>
}>()("atqbo/reconcile/QboWriters") {}
