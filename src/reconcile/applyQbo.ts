/**
 * Apply's QBO writes: creates and voids through `/batch` (≤ 30 per request; a batch never
 * holds an action and its dependency, since they are in different phases), and invoice
 * e-mails. Every write carries a deterministic requestid; items failing transiently are
 * re-submitted in a new batch; a 6240 (name exists) on a create adopts the existing record.
 */
import { Effect } from "effect"
import type { PlanAction } from "../domain/plan.ts"
import { qboRecordName } from "../domain/report.ts"
import { isTransient6000 } from "../qbo/errors.ts"
import type { QboCustomer, QboFaultError, QboItem, QboSalesDocument } from "../qbo/model.ts"
import { type QboAuthError, type QboBatchResult, type QboError, QboReader, type QboWriteOperation, QboWriter } from "../qbo/QboClient.ts"
import { type ApplyLedger, failureOutcome } from "./applyLedger.ts"
import { type Creation, needsRecheck, recheckDocuments } from "./applyRecheck.ts"
import { BATCH_SIZE, chunksOf } from "./applySchedule.ts"
import { isVoidedDocument } from "./labels.ts"
import { batchRequestIdFor, requestIdFor } from "./requestIds.ts"

/** Re-submissions of batch items that failed transiently (6000 "unexpected", 10000, 3001). */
const ITEM_RETRIES = 4
const ITEM_RETRY_DELAY_MS = 250
const BATCH_CONCURRENCY = 3
const SEND_CONCURRENCY = 4

const TRANSIENT_CODES = new Set(["10000", "3001"])
const isTransientFault = (errors: ReadonlyArray<QboFaultError>): boolean =>
  isTransient6000(errors) || errors.some((error) => TRANSIENT_CODES.has(error.code))

const faultOutcome = (result: Extract<QboBatchResult, { ok: false }>) =>
  failureOutcome({
    code: result.fault.Error[0]?.code,
    message: result.fault.Error.map((error) => `${error.Message}${error.Detail ? `: ${error.Detail}` : ""} (code ${error.code})`).join("; ")
  })

const DONE: Record<QboWriteOperation, string> = { create: "created", update: "updated", delete: "deleted", void: "voided" }

/** One batch item ready to send, with the action it carries out. */
interface Ready extends Creation {
  readonly requestId: string
}

/**
 * A 6240 on a create means the name exists already (created by an interrupted run or
 * meanwhile): the existing active record, to adopt instead of failing.
 */
const existingRecord = Effect.fnUntraced(function*(action: PlanAction) {
  if (action.type !== "customer.create" && action.type !== "item.create") return undefined
  const reader = yield* QboReader
  const isCustomer = action.type === "customer.create"
  const rows = yield* reader.queryIn<QboCustomer | QboItem>(
    isCustomer ? "Customer" : "Item",
    isCustomer ? "DisplayName" : "Name",
    [action.name ?? ""],
    "Active IN (true,false)"
  ).pipe(Effect.orElseSucceed(() => []))
  return rows.find((row) => row.Active !== false) as Record<string, unknown> | undefined
})

/** The document a void names, if QBO holds it voided now. */
const alreadyVoided = Effect.fnUntraced(function*(entry: Ready) {
  const reader = yield* QboReader
  const id = entry.item.body["Id"]
  if (typeof id !== "string") return undefined
  const doc = yield* reader.read<QboSalesDocument>(entry.item.entity, id).pipe(Effect.orElseSucceed(() => undefined))
  return doc !== undefined && isVoidedDocument(doc) ? doc : undefined
})

const recordResult = Effect.fnUntraced(function*(ledger: ApplyLedger, entry: Ready, result: QboBatchResult | undefined, request: Record<string, unknown>) {
  if (!result) return yield* ledger.record(entry.action, { status: "failed", message: "QBO's batch response had no result for this item" }, undefined, request)
  if (result.ok) {
    const entity = result.entity
    return yield* ledger.record(entry.action, {
      status: "applied",
      message: `${DONE[entry.item.operation]} QBO ${qboRecordName(entry.item.entity, entity)}`,
      ...(typeof entity.Id === "string" ? { qboId: entity.Id } : {}),
      ...(typeof entity.DocNumber === "string" ? { docNumber: entity.DocNumber } : {})
    }, entity, request)
  }
  const failure = faultOutcome(result)
  const existing = failure.code === "6240" ? yield* existingRecord(entry.action) : undefined
  if (existing) {
    return yield* ledger.record(entry.action, {
      status: "adopted",
      message: `QBO already had "${entry.action.name}" (Id ${String(existing.Id)}); using it`,
      qboId: String(existing.Id),
      code: "6240"
    }, existing, request)
  }
  // A 5010 on a void: the document changed since the plan — voided by an earlier attempt whose
  // answer was lost, or by someone else. Already voided is what the action wanted.
  const voided = failure.code === "5010" && entry.item.operation === "void" ? yield* alreadyVoided(entry) : undefined
  if (voided) {
    return yield* ledger.record(entry.action, {
      status: "adopted",
      message: `QBO ${qboRecordName(entry.item.entity, voided as unknown as Record<string, unknown>)} is already voided; nothing more to do`,
      qboId: voided.Id,
      code: "5010"
    }, voided as unknown as Record<string, unknown>, request)
  }
  // A 610 on a delete: the document is gone already (an earlier attempt whose answer was lost).
  if (failure.code === "610" && entry.item.operation === "delete") {
    return yield* ledger.record(entry.action, { status: "adopted", message: `QBO ${entry.item.entity} ${String(entry.item.body["Id"])} is already deleted; nothing more to do`, code: "610" }, undefined, request)
  }
  yield* ledger.record(entry.action, failure, undefined, request)
})

/**
 * Whether QBO may have carried out a batch whose call failed: the answer was lost, unreadable
 * or a server error. Such a batch is re-checked and sent again, never failed outright.
 */
const outcomeUnknown = (error: QboError | QboAuthError): boolean =>
  error._tag === "QboError" && (error.kind === "network" || error.kind === "server" || error.kind === "unexpected-response" || (error.kind === "validation" && error.code === undefined))

/** Records the entries QBO already holds a document for as adopted; returns the others. */
const adoptCreated = Effect.fnUntraced(function*(ledger: ApplyLedger, pending: ReadonlyArray<Ready>, created: ReadonlyMap<Creation, QboSalesDocument>, attempt: number) {
  for (const [entry, doc] of created) {
    yield* ledger.record((entry as Ready).action, {
      status: "adopted",
      message: `QBO already has ${entry.item.entity === "Invoice" ? "invoice" : "credit memo"} ${doc.DocNumber ?? doc.Id} (Id ${doc.Id}) for this Autotask invoice, created since the plan${attempt > 0 ? " by an earlier attempt of this run" : ""}; using it`,
      qboId: doc.Id,
      ...(doc.DocNumber ? { docNumber: doc.DocNumber } : {})
    }, doc as unknown as Record<string, unknown>, { recheck: true, attempt })
  }
  return pending.filter((entry) => !created.has(entry))
})

/**
 * Submits one batch. A batch with document creates is re-checked first (and before every
 * re-send): what QBO already holds is adopted. Items failing with a transient fault, and a
 * whole batch whose answer was lost, are sent again in a new batch.
 */
const submit = Effect.fnUntraced(function*(realmId: string, ledger: ApplyLedger, ready: ReadonlyArray<Ready>, observedAt: Date) {
  const writer = yield* QboWriter
  const recheck = needsRecheck(ready)
  let pending = ready
  for (let attempt = 0; pending.length > 0; attempt++) {
    if (recheck) {
      const created = yield* recheckDocuments(pending, observedAt).pipe(Effect.result)
      if (created._tag === "Failure" && attempt > 0) {
        // An earlier attempt may have created them: sending again unconfirmed could duplicate.
        for (const entry of pending) {
          yield* ledger.record(entry.action, {
            status: "failed",
            message: `not sent again: QBO's answer to the last attempt was lost and the re-check failed (${created.failure.message}); the next run finds the document or creates it`
          })
        }
        return
      }
      if (created._tag === "Success") pending = yield* adoptCreated(ledger, pending, created.success, attempt)
      if (pending.length === 0) return
    }
    // A re-submission gets a new id: QBO may have stored the first response with the failures.
    const salt = attempt === 0 ? "" : `retry-${attempt}-${ledger.startedAt.toISOString().slice(0, 10)}`
    const batchId = batchRequestIdFor(realmId, pending.map((entry) => entry.requestId), salt)
    // Document creates are not sent again blindly by the client: the re-check decides.
    const results = yield* writer.batch(pending.map((entry) => entry.item), batchId, { resend: recheck ? "throttled" : "all" }).pipe(Effect.result)
    if (results._tag === "Failure") {
      if (recheck && outcomeUnknown(results.failure) && attempt < ITEM_RETRIES) {
        yield* Effect.sleep(ITEM_RETRY_DELAY_MS * 2 ** attempt)
        continue
      }
      for (const entry of pending) {
        const request = { operation: entry.item.operation, entity: entry.item.entity, batchRequestId: batchId, bId: entry.item.bId, attempt }
        yield* ledger.record(entry.action, failureOutcome(results.failure), undefined, request)
      }
      return
    }
    const retry: Array<Ready> = []
    for (const entry of pending) {
      const request = { operation: entry.item.operation, entity: entry.item.entity, batchRequestId: batchId, bId: entry.item.bId, attempt }
      const result = results.success.find((candidate) => candidate.bId === entry.item.bId)
      if (result && !result.ok && isTransientFault(result.fault.Error) && attempt < ITEM_RETRIES) retry.push(entry)
      else yield* recordResult(ledger, entry, result, request)
    }
    pending = retry
    if (pending.length > 0) yield* Effect.sleep(ITEM_RETRY_DELAY_MS * 2 ** attempt)
  }
})

/** Resolves each action's payload (skipping blocked ones) and submits the rest as one batch. */
const runBatch = Effect.fnUntraced(function*(realmId: string, ledger: ApplyLedger, actions: ReadonlyArray<PlanAction>, observedAt: Date) {
  const ready: Array<Ready> = []
  for (const action of actions) {
    const dependency = ledger.blockedBy(action)
    if (dependency) {
      yield* ledger.skip(action, dependency)
      continue
    }
    // E-mails go through runSends, never a batch.
    if (action.target.system !== "qbo" || action.target.operation === "send") continue
    const { operation, entity } = action.target
    const payload = yield* ledger.resolve(action, action.payload)
    if (payload === undefined) continue
    ready.push({
      action,
      requestId: requestIdFor(realmId, action.address, payload),
      item: {
        bId: String(ready.length),
        operation,
        entity,
        body: payload as Record<string, unknown>
      }
    })
  }
  if (ready.length > 0) yield* submit(realmId, ledger, ready, observedAt)
})

/**
 * Creates, voids and removals of duplicates, `BATCH_SIZE` per `/batch`, a few batches at a time. `observedAt` is when
 * the plan read QBO: the re-check looks for documents created since.
 */
export const runQboBatches = (realmId: string, actions: ReadonlyArray<PlanAction>, ledger: ApplyLedger, observedAt: Date) =>
  Effect.forEach(chunksOf(actions, BATCH_SIZE), (chunk) => runBatch(realmId, ledger, chunk, observedAt), { concurrency: BATCH_CONCURRENCY, discard: true })

const runSend = Effect.fnUntraced(function*(realmId: string, ledger: ApplyLedger, action: PlanAction) {
  const dependency = ledger.blockedBy(action)
  if (dependency) return yield* ledger.skip(action, dependency)
  if (action.target.system !== "qbo" || action.target.operation !== "send") return
  const id = yield* ledger.resolve(action, action.target.id)
  if (id === undefined) return
  const writer = yield* QboWriter
  const sendTo = (action.payload as { sendTo?: string }).sendTo
  const requestId = requestIdFor(realmId, action.address, { id, sendTo })
  const result = yield* writer.send<Record<string, unknown>>(String(id), sendTo, requestId).pipe(Effect.result)
  if (result._tag === "Failure") return yield* ledger.record(action, failureOutcome(result.failure), undefined, { requestId })
  yield* ledger.record(action, { status: "applied", message: `e-mailed QBO ${qboRecordName("Invoice", { Id: String(id), ...result.success })} to ${sendTo ?? "its billing address"}`, qboId: String(id) }, result.success, { requestId })
})

/** Invoice e-mails (`POST /invoice/{id}/send`), a few at a time. */
export const runSends = (realmId: string, actions: ReadonlyArray<PlanAction>, ledger: ApplyLedger) =>
  Effect.forEach(actions, (action) => runSend(realmId, ledger, action), { concurrency: SEND_CONCURRENCY, discard: true })
