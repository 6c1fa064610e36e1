/**
 * `POST /batch` (reference §5): up to `maxBatchItems` items run in order, each against the
 * state before the batch (items cannot see each other's creates), each answering its own
 * entity, QueryResponse or Fault under HTTP 200. A requestid joined with a bId longer than
 * 50 characters fails that item with the documented 6000.
 */
import { Faults, SimFault } from "./faults.ts"
import { type JsonObject, type JsonValue, isObject } from "./json.ts"
import * as Operations from "./operations.ts"
import { executeQuery } from "./query/execute.ts"
import type { OpContext } from "./rules.ts"
import { envelopeTime } from "./time.ts"

/** `transient()` decides, per item, whether the injected transient 6000 hits it. */
export const runBatch = (ctx: OpContext, body: JsonObject, requestId: string | undefined, transient: () => boolean): JsonObject => {
  const items = body["BatchItemRequest"]
  if (!Array.isArray(items)) throw Faults.required("BatchItemRequest")
  if (items.length > ctx.options.maxBatchItems) {
    throw Faults.business(`A batch request can have at most ${ctx.options.maxBatchItems} items; this one has ${items.length}.`, "BatchItemRequest")
  }
  const batchCtx: OpContext = { ...ctx, visibleSeq: ctx.store.currentSeq }
  const responses = (items as ReadonlyArray<JsonValue>).map((raw, index): JsonObject => {
    const item = isObject(raw) ? raw : {}
    const bId = typeof item["bId"] === "string" ? item["bId"] : String(item["bId"] ?? index)
    try {
      return { bId, ...runItem(batchCtx, item, bId, requestId, transient) }
    } catch (error) {
      if (error instanceof SimFault) return { bId, Fault: error.toFault() }
      throw error
    }
  })
  return { BatchItemResponse: responses, time: envelopeTime(ctx.now) }
}

const runItem = (ctx: OpContext, item: JsonObject, bId: string, requestId: string | undefined, transient: () => boolean): JsonObject => {
  if (requestId !== undefined && requestId.length + bId.length > 50) {
    const combined = `${requestId}${bId}`
    throw Faults.business(
      `You cannot enter more than 50 characters in the request_id field. You tried entering ${combined}, which is ${combined.length} characters.`
    )
  }
  if (transient()) throw Faults.transient()
  if (typeof item["Query"] === "string") return { QueryResponse: executeQuery(ctx.store, item["Query"], ctx.options, ctx.now) }
  const key = Object.keys(item).find((k) => Operations.entityByName(k) !== undefined && isObject(item[k]))
  if (key === undefined) throw Faults.required("Entity")
  const entity = Operations.entityByName(key)!
  const payload = item[key] as JsonObject
  const optionsData = typeof item["optionsData"] === "string" ? item["optionsData"].toLowerCase() : ""
  const itemCtx: OpContext = {
    ...ctx,
    include: new Set([...ctx.include, ...optionsData.split(",").map((s) => s.trim()).filter((s) => s !== "")])
  }
  const operation = typeof item["operation"] === "string" ? item["operation"].toLowerCase() : undefined
  switch (operation) {
    case "create":
      return { [entity]: Operations.create(itemCtx, entity, payload) }
    case "update":
      return { [entity]: Operations.update(itemCtx, entity, payload) }
    case "delete":
      return { [entity]: Operations.remove(itemCtx, entity, payload) }
    case "void":
      return { [entity]: Operations.voidTransaction(itemCtx, entity, payload) }
    case "send":
      return { [entity]: Operations.send(itemCtx, entity, String(payload["Id"] ?? ""), undefined) }
    case undefined:
      throw Faults.required("operation")
    default:
      throw Faults.invalidEnumeration(operation, "operation")
  }
}
