/**
 * Live layers of the Autotask client over `effect/http` (undici on Node). `layer` provides
 * both `AutotaskReader` and `AutotaskWriter` over one shared transport (one zone cache, one
 * set of per-entity concurrency limits); `readerLayer` provides only the reader, for `plan`.
 * The `…NoDeps` variants leave `HttpClient` to the caller (tests, a custom dispatcher).
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { Effect, Layer } from "effect"
import type { HttpClient } from "effect/http"
import {
  AutotaskError,
  type AutotaskQueryOptions,
  AutotaskReader,
  type AutotaskReaderService,
  AutotaskWriteNotApplied,
  type InvoiceUpdateOutcome,
  AutotaskWriter
} from "./AutotaskClient.ts"
import { unexpectedResponse } from "./failure.ts"
import type { AtEntityName, AtFilter, AtInvoice, AtInvoiceWrite, AtThresholdInfo } from "./model.ts"
import { chunkDistinct, countOrConditions, MAX_OR_CONDITIONS, orderedById, queryAllPages } from "./paging.ts"
import { type AutotaskClientOptions, AutotaskTransport, type AutotaskTransportService } from "./transport.ts"
import { firstUnappliedField } from "./verify.ts"

export { autotaskCredentialsFromEnv, type AutotaskCredentialEnv, AutotaskCredentialsError } from "./credentials.ts"
export type { AutotaskRetryPolicy } from "./retry.ts"
export type { AutotaskClientOptions } from "./transport.ts"

const record = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : undefined

/** `GET {Entity}/{id}` → the row, or null when Autotask has none. */
const getRow = (transport: AutotaskTransportService, entity: AtEntityName, id: number) => {
  const operation = `GET ${entity}/{id}`
  return transport.run((call) =>
    call({ method: "GET", resource: entity, operation, path: `${entity}/${id}` }).pipe(
      Effect.flatMap((body) => {
        const item = record(body)?.["item"]
        if (item === null || body === null) return Effect.succeed(null)
        return record(item) === undefined
          ? Effect.fail(unexpectedResponse(operation, 200, `expected {item} but got ${JSON.stringify(body).slice(0, 120)}`))
          : Effect.succeed(item as Record<string, unknown>)
      })
    )
  )
}

const makeReader = (transport: AutotaskTransportService): AutotaskReaderService => {
  const queryRows = Effect.fn("AutotaskReader.query")(
    function*(entity: AtEntityName, filter: ReadonlyArray<AtFilter>, options?: AutotaskQueryOptions) {
      return yield* transport.run((call) => queryAllPages(call, entity, filter, options?.includeFields))
    }
  )

  const queryInRows = Effect.fn("AutotaskReader.queryIn")(function*(
    entity: AtEntityName,
    field: string,
    values: ReadonlyArray<number | string>,
    options?: AutotaskQueryOptions & { readonly filter?: ReadonlyArray<AtFilter> }
  ) {
    const extra = options?.filter ?? []
    // The extra filter's own OR conditions share the 500 budget with the `in` list.
    const size = Math.max(1, Math.min(transport.inChunkSize, MAX_OR_CONDITIONS - countOrConditions(extra)))
    const chunks = chunkDistinct(values, size)
    const pages = yield* Effect.forEach(
      chunks,
      (chunk) =>
        transport.run((call) =>
          queryAllPages(call, entity, [...extra, { op: "in", field, value: chunk }], options?.includeFields)
        ),
      { concurrency: transport.maxConcurrentPerEntity }
    )
    return orderedById(pages.flat())
  })

  const count = Effect.fn("AutotaskReader.count")(function*(entity: AtEntityName, filter: ReadonlyArray<AtFilter>) {
    const operation = `POST ${entity}/query/count`
    return yield* transport.run((call) =>
      call({ method: "POST", resource: entity, operation, path: `${entity}/query/count`, body: JSON.stringify({ filter }) })
        .pipe(Effect.flatMap((body) => {
          const queryCount = record(body)?.["queryCount"]
          return typeof queryCount === "number"
            ? Effect.succeed(queryCount)
            : Effect.fail(unexpectedResponse(operation, 200, `expected {queryCount} but got ${JSON.stringify(body)}`))
        }))
    )
  })

  const threshold = transport.run((call) => {
    const operation = "GET ThresholdInformation"
    return call({ method: "GET", resource: "ThresholdInformation", operation, path: "ThresholdInformation" }).pipe(
      Effect.flatMap((body) => {
        const info = record(body)
        const valid = info !== undefined &&
          ["externalRequestThreshold", "requestThresholdTimeframe", "currentTimeframeRequestCount"].every((key) =>
            typeof info[key] === "number"
          )
        return valid
          ? Effect.succeed(info as unknown as AtThresholdInfo)
          : Effect.fail(unexpectedResponse(operation, 200, `unexpected body ${JSON.stringify(body).slice(0, 120)}`))
      })
    )
  }).pipe(Effect.withSpan("AutotaskReader.threshold"))

  return {
    query: <A>(entity: AtEntityName, filter: ReadonlyArray<AtFilter>, options?: AutotaskQueryOptions) =>
      queryRows(entity, filter, options) as Effect.Effect<ReadonlyArray<A>, AutotaskError>,
    queryIn: <A>(
      entity: AtEntityName,
      field: string,
      values: ReadonlyArray<number | string>,
      options?: AutotaskQueryOptions & { readonly filter?: ReadonlyArray<AtFilter> }
    ) => queryInRows(entity, field, values, options) as Effect.Effect<ReadonlyArray<A>, AutotaskError>,
    count,
    get: <A>(entity: AtEntityName, id: number) =>
      getRow(transport, entity, id).pipe(Effect.withSpan("AutotaskReader.get")) as Effect.Effect<A | null, AutotaskError>,
    threshold,
    zone: transport.zone
  }
}

/** PATCHes the given fields of one invoice (no read-back). */
const patchInvoice = (transport: AutotaskTransportService, id: number, fields: AtInvoiceWrite) =>
  Effect.gen(function*() {
    const written: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(fields)) if (value !== undefined) written[key] = value
    if (Object.keys(written).length === 0) return
    const operation = "PATCH Invoices"
    const answer = yield* transport.run((call) =>
      call({ method: "PATCH", resource: "Invoices", operation, path: "Invoices", body: JSON.stringify({ id, ...written }), write: true })
    )
    const itemId = record(answer)?.["itemId"]
    if (itemId !== id) {
      return yield* new AutotaskError({
        kind: "unexpected-response",
        message: `Autotask answered ${operation} for invoice ${id} with ${JSON.stringify(answer)} instead of {"itemId":${id}}.`,
        status: 200,
        errors: [],
        operation
      })
    }
  })

/** Compares what was written with the invoice read back. */
const verifyInvoice = (id: number, fields: AtInvoiceWrite, invoice: AtInvoice | null | undefined) => {
  if (invoice === null || invoice === undefined) {
    return new AutotaskError({
      kind: "invalid-request",
      message: `Autotask invoice ${id} does not exist, or the API user cannot see it (its security level may ` +
        `restrict invoices by line of business).`,
      status: 200,
      errors: [],
      operation: "GET Invoices/{id}"
    })
  }
  const unapplied = firstUnappliedField(fields, invoice)
  if (unapplied === undefined) return undefined
  return new AutotaskWriteNotApplied({
    message: `Autotask accepted the update of invoice ${id} but did not apply it: ${unapplied.field} is ` +
      `${JSON.stringify(unapplied.actual)}, expected ${JSON.stringify(unapplied.expected)}. Run apply again; if it ` +
      `persists, check that the API user's security level may edit invoices.`,
    entity: "Invoices",
    id,
    field: unapplied.field,
    expected: unapplied.expected,
    actual: unapplied.actual
  })
}

const makeWriter = (transport: AutotaskTransportService, reader: ReturnType<typeof makeReader>) => ({
  updateInvoices: Effect.fn("AutotaskWriter.updateInvoices")(function*(
    updates: ReadonlyArray<{ readonly id: number; readonly fields: AtInvoiceWrite }>,
    options?: { readonly before?: (id: number) => Effect.Effect<void, AutotaskError> }
  ) {
    const patch = (update: { readonly id: number; readonly fields: AtInvoiceWrite }) =>
      Effect.result((options?.before?.(update.id) ?? Effect.void).pipe(Effect.andThen(patchInvoice(transport, update.id, update.fields))))
    const patched = yield* Effect.forEach(updates, patch, { concurrency: 3 })
    const readBack = updates.filter((_, index) => patched[index]!._tag === "Success").map((update) => update.id)
    const rows = yield* Effect.result(reader.queryIn<AtInvoice>("Invoices", "id", readBack))
    const byId = rows._tag === "Success" ? new Map(rows.success.map((row) => [row.id, row])) : undefined
    return updates.map((update, index): InvoiceUpdateOutcome => {
      const patch = patched[index]!
      if (patch._tag === "Failure") return { id: update.id, ok: false, error: patch.failure }
      if (rows._tag === "Failure") return { id: update.id, ok: false, error: rows.failure }
      const invoice = byId!.get(update.id)
      const problem = verifyInvoice(update.id, update.fields, invoice)
      return problem ? { id: update.id, ok: false, error: problem } : { id: update.id, ok: true, invoice: invoice! }
    })
  }),
  updateInvoice: Effect.fn("AutotaskWriter.updateInvoice")(function*(id: number, fields: AtInvoiceWrite) {
    yield* patchInvoice(transport, id, fields)
    const invoice = (yield* getRow(transport, "Invoices", id)) as AtInvoice | null
    const problem = verifyInvoice(id, fields, invoice)
    if (problem) return yield* problem
    return invoice!
  })
})

const readerFromTransport = Layer.effect(
  AutotaskReader,
  Effect.gen(function*() {
    return AutotaskReader.of(makeReader(yield* AutotaskTransport))
  })
)
const writerFromTransport = Layer.effect(
  AutotaskWriter,
  Effect.gen(function*() {
    const transport = yield* AutotaskTransport
    return AutotaskWriter.of(makeWriter(transport, makeReader(transport)))
  })
)

const layerNoDeps = (options: AutotaskClientOptions): Layer.Layer<AutotaskReader | AutotaskWriter, never, HttpClient.HttpClient> =>
  Layer.merge(readerFromTransport, writerFromTransport).pipe(Layer.provide(AutotaskTransport.layer(options)))

const readerLayerNoDeps = (options: AutotaskClientOptions): Layer.Layer<AutotaskReader, never, HttpClient.HttpClient> =>
  readerFromTransport.pipe(Layer.provide(AutotaskTransport.layer(options)))

export const AutotaskClientLive = {
  /** Reader and writer over undici. */
  layer: (options: AutotaskClientOptions): Layer.Layer<AutotaskReader | AutotaskWriter> =>
    layerNoDeps(options).pipe(Layer.provide(NodeHttpClient.layerUndici)),
  /** Reader only (plan mode cannot write), over undici. */
  readerLayer: (options: AutotaskClientOptions): Layer.Layer<AutotaskReader> =>
    readerLayerNoDeps(options).pipe(Layer.provide(NodeHttpClient.layerUndici)),
  layerNoDeps,
  readerLayerNoDeps
} as const
