/**
 * The QBO client of each company a run talks to: one for a single-company configuration
 * (name `undefined`), one per connection otherwise. Each is built once per command, so plan
 * and apply share its rate budget and access token.
 */
import { Context, type Layer } from "effect"
import type { QboReader, QboWriter } from "../qbo/QboClient.ts"

export interface QboCompaniesService {
  readonly reader: (connection: string | undefined) => Layer.Layer<QboReader>
  /** In plan mode there is no writer: the layer dies instead of writing. */
  readonly writer: (connection: string | undefined) => Layer.Layer<QboReader | QboWriter>
}

export class QboCompanies extends Context.Service<QboCompanies, QboCompaniesService>()("atqbo/reconcile/QboCompanies") {}
