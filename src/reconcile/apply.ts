/**
 * Apply (Effect): execute a plan's actions in dependency order — items and customers, then
 * documents and voids, then e-mails, then Autotask write-backs — with an outcome per action.
 * QBO creates go through `/batch` (≤ 30 per request; a batch never holds an action and its
 * dependency, since they are in different phases). Every QBO write carries a deterministic
 * requestid. An action whose dependency did not succeed is skipped; independent ones go on.
 */
import { Effect, Fiber } from "effect"
import { AutotaskReader, AutotaskWriter } from "../autotask/AutotaskClient.ts"
import type { AtInvoiceWrite } from "../autotask/model.ts"
import { ACTION_PHASE, type ActionType, type Json, type Plan, type PlanAction } from "../domain/plan.ts"
import { isTransient6000 } from "../qbo/errors.ts"
import type { QboCustomer, QboFaultError, QboItem } from "../qbo/model.ts"
import { type QboBatchItem, type QboBatchResult, QboReader, QboWriter } from "../qbo/QboClient.ts"
import { Journal } from "./journal.ts"
import { Progress } from "./progress.ts"
import { batchRequestIdFor, requestIdFor } from "./requestIds.ts"
import { resolvePayload } from "./resolve.ts"

export type OutcomeStatus = "applied" | "adopted" | "failed" | "skipped" | "rejected"

export interface ActionOutcome {
  readonly address: string
  readonly type: ActionType
  readonly autotaskInvoiceId: number | undefined
  readonly status: OutcomeStatus
  /** A sentence: what happened, or why not. */
  readonly message: string
  readonly qboId?: string
  readonly docNumber?: string
  readonly code?: string
}

export interface ApplyReport {
  readonly runId: string
  readonly outcomes: ReadonlyArray<ActionOutcome>
  readonly counts: Readonly<Record<OutcomeStatus, number>>
  readonly journal: string | undefined
}

export const BATCH_SIZE = 30
/** Stop short of this share of Autotask's hourly request budget (shared by every integration). */
const AUTOTASK_BUDGET_SHARE = 0.9
/** Re-submissions of batch items that failed transiently (6000 "unexpected", 10000, 3001). */
const ITEM_RETRIES = 4
const ITEM_RETRY_DELAY_MS = 250
const BATCH_CONCURRENCY = 3
const SEND_CONCURRENCY = 4
/** Documents per group whose write-backs start once the group exists (17 batches). */
const GROUP_SIZE = 17 * 30

interface Done {
  readonly status: OutcomeStatus
  /** The QBO entity (or Autotask record) the action produced, for later `$ref`s. */
  readonly entity: Record<string, unknown> | undefined
}

const faultText = (result: Extract<QboBatchResult, { ok: false }>): { code: string | undefined; message: string } => {
  const first = result.fault.Error[0]
  return {
    code: first?.code,
    message: result.fault.Error.map((error) => `${error.Message}${error.Detail ? `: ${error.Detail}` : ""} (code ${error.code})`).join("; ")
  }
}

const TRANSIENT_CODES = new Set(["10000", "3001"])
const isTransientFault = (errors: ReadonlyArray<QboFaultError>): boolean =>
  isTransient6000(errors) || errors.some((error) => TRANSIENT_CODES.has(error.code))

const errorText = (error: unknown): { code: string | undefined; message: string } => {
  const record = error as { message?: unknown; code?: unknown }
  return {
    code: typeof record.code === "string" ? record.code : undefined,
    message: typeof record.message === "string" ? record.message : String(error)
  }
}

export const applyPlan = Effect.fn("apply")(function*(plan: Plan, options: { readonly runId: string }) {
  const writer = yield* QboWriter
  const reader = yield* QboReader
  const autotask = yield* AutotaskWriter
  const journal = yield* Journal
  const progress = yield* Progress
  const autotaskReader = yield* AutotaskReader
  const realmId = plan.realmId

  /**
   * Autotask's 10,000 requests per hour are shared by every integration of the tenant, and at
   * 100 % the API is blocked for all of them. A write-back costs one PATCH, and read-backs one
   * query per 500; if they would take the budget past 90 %, say so instead of starting.
   */
  const autotaskBudget = (updates: number) =>
    autotaskReader.threshold.pipe(
      Effect.map((info) => {
        const needed = updates + Math.ceil(updates / 500)
        const after = info.currentTimeframeRequestCount + needed
        return after > info.externalRequestThreshold * AUTOTASK_BUDGET_SHARE
          ? `not started: Autotask's hourly request budget is at ${info.currentTimeframeRequestCount} of ${info.externalRequestThreshold} and ${updates} write-backs need about ${needed} more; the next run (or one in an hour) does them`
          : undefined
      }),
      // If the budget cannot be read, go ahead: the client backs off on 429 anyway.
      Effect.orElseSucceed(() => undefined)
    )
  const done = new Map<string, Done>()
  const outcomes: Array<ActionOutcome> = []
  const startedAt = new Date()

  const record = (action: PlanAction, outcome: Omit<ActionOutcome, "address" | "type" | "autotaskInvoiceId">, entity?: Record<string, unknown>, request?: Record<string, unknown>) =>
    Effect.gen(function*() {
      const full: ActionOutcome = { address: action.address, type: action.type, autotaskInvoiceId: action.autotaskInvoiceId, ...outcome }
      done.set(action.address, { status: outcome.status, entity })
      outcomes.push(full)
      yield* journal.record({ event: "action", ...full, target: action.target, ...(request ? { request } : {}) })
    })

  /** The failed or skipped dependency that blocks this action, if any. */
  const blockedBy = (action: PlanAction): string | undefined =>
    action.dependsOn.find((address) => {
      const status = done.get(address)?.status
      return status !== "applied" && status !== "adopted"
    })

  const skip = (action: PlanAction, dependency: string) =>
    record(action, { status: "skipped", message: `skipped because ${dependency} did not succeed` })

  /** Resolves placeholders, or records the action as failed and returns undefined. */
  const prepare = (action: PlanAction, value: Json) =>
    Effect.gen(function*() {
      const resolved = resolvePayload(value, (address) => done.get(address)?.entity, startedAt)
      if (resolved.ok) return resolved.value
      yield* record(action, { status: "failed", message: `cannot build the request: ${resolved.missing.join("; ")}` })
      return undefined
    })

  // A 6240 on a create means the name exists already (e.g. created by an interrupted run
  // or meanwhile): adopt the existing active record instead of failing.
  const adoptExisting = (action: PlanAction) =>
    Effect.gen(function*() {
      if (action.type !== "customer.create" && action.type !== "item.create") return undefined
      const isCustomer = action.type === "customer.create"
      const rows = yield* reader.queryIn<QboCustomer | QboItem>(
        isCustomer ? "Customer" : "Item",
        isCustomer ? "DisplayName" : "Name",
        [action.name ?? ""],
        "Active IN (true,false)"
      ).pipe(Effect.orElseSucceed(() => []))
      return rows.find((row) => row.Active !== false) as Record<string, unknown> | undefined
    })

  // -------------------------------------------------------------------------------------------
  // QBO writes through /batch (creates and voids)

  type Ready = { readonly action: PlanAction; readonly item: QboBatchItem; readonly requestId: string }

  const recordResult = (entry: Ready, result: QboBatchResult | undefined, request: Record<string, unknown>) =>
    Effect.gen(function*() {
      if (!result) return yield* record(entry.action, { status: "failed", message: "QBO's batch response had no result for this item" }, undefined, request)
      if (result.ok) {
        const entity = result.entity
        return yield* record(entry.action, {
          status: "applied",
          message: `${entry.item.operation === "void" ? "voided" : "created"} QBO ${entry.item.entity} ${String(entity.Id ?? "")}`.trim(),
          ...(typeof entity.Id === "string" ? { qboId: entity.Id } : {}),
          ...(typeof entity.DocNumber === "string" ? { docNumber: entity.DocNumber } : {})
        }, entity, request)
      }
      const { code, message } = faultText(result)
      const existing = code === "6240" ? yield* adoptExisting(entry.action) : undefined
      if (existing) {
        return yield* record(entry.action, {
          status: "adopted",
          message: `QBO already had "${entry.action.name}" (Id ${String(existing.Id)}); using it`,
          qboId: String(existing.Id),
          code
        }, existing, request)
      }
      yield* record(entry.action, { status: "failed", message, ...(code ? { code } : {}) }, undefined, request)
    })

  /** Submits one batch; items failing with a transient fault are re-submitted in a new batch. */
  const submit = (ready: ReadonlyArray<Ready>) =>
    Effect.gen(function*() {
      let pending = ready
      const itemIds = ready.map((entry) => entry.requestId)
      for (let attempt = 0; pending.length > 0; attempt++) {
        const salt = attempt === 0 ? "" : `retry-${attempt}-${startedAt.toISOString().slice(0, 10)}`
        const batchId = batchRequestIdFor(realmId, pending === ready ? itemIds : pending.map((entry) => entry.requestId), salt)
        const results = yield* writer.batch(pending.map((entry) => entry.item), batchId).pipe(Effect.result)
        const retry: Array<Ready> = []
        for (const entry of pending) {
          const request = { operation: entry.item.operation, entity: entry.item.entity, batchRequestId: batchId, bId: entry.item.bId, attempt }
          if (results._tag === "Failure") {
            const { code, message } = errorText(results.failure)
            yield* record(entry.action, { status: "failed", message, ...(code ? { code } : {}) }, undefined, request)
            continue
          }
          const result = results.success.find((candidate) => candidate.bId === entry.item.bId)
          if (result && !result.ok && isTransientFault(result.fault.Error) && attempt < ITEM_RETRIES) retry.push(entry)
          else yield* recordResult(entry, result, request)
        }
        pending = retry
        if (pending.length > 0) yield* Effect.sleep(ITEM_RETRY_DELAY_MS * 2 ** attempt)
      }
    })

  const runBatch = (actions: ReadonlyArray<PlanAction>) =>
    Effect.gen(function*() {
      const ready: Array<Ready> = []
      for (const action of actions) {
        const dependency = blockedBy(action)
        if (dependency) {
          yield* skip(action, dependency)
          continue
        }
        const payload = yield* prepare(action, action.payload)
        if (payload === undefined || action.target.system !== "qbo") continue
        ready.push({
          action,
          requestId: requestIdFor(realmId, action.address, payload),
          item: {
            bId: String(ready.length),
            operation: action.target.operation === "void" ? "void" : "create",
            entity: action.target.entity,
            body: payload as Record<string, unknown>
          }
        })
      }
      if (ready.length > 0) yield* submit(ready)
    })

  const runBatches = (actions: ReadonlyArray<PlanAction>) => {
    const chunks: Array<ReadonlyArray<PlanAction>> = []
    for (let index = 0; index < actions.length; index += BATCH_SIZE) chunks.push(actions.slice(index, index + BATCH_SIZE))
    return Effect.forEach(chunks, runBatch, { concurrency: BATCH_CONCURRENCY, discard: true })
  }

  // -------------------------------------------------------------------------------------------
  // E-mails and Autotask writes

  const runSend = (action: PlanAction) =>
    Effect.gen(function*() {
      const dependency = blockedBy(action)
      if (dependency) return yield* skip(action, dependency)
      if (action.target.system !== "qbo" || action.target.operation !== "send") return
      const id = yield* prepare(action, action.target.id as Json)
      if (id === undefined) return
      const sendTo = (action.payload as { sendTo?: string }).sendTo
      const requestId = requestIdFor(realmId, action.address, { id, sendTo })
      const result = yield* writer.send<Record<string, unknown>>(String(id), sendTo, requestId).pipe(Effect.result)
      if (result._tag === "Failure") {
        const { code, message } = errorText(result.failure)
        return yield* record(action, { status: "failed", message, ...(code ? { code } : {}) }, undefined, { requestId })
      }
      yield* record(action, { status: "applied", message: `e-mailed QBO invoice ${String(id)} to ${sendTo ?? "its billing address"}`, qboId: String(id) }, result.success, { requestId })
    })

  /** Autotask invoice updates together: one PATCH each, read back in `id in […]` queries. */
  const runAutotaskUpdates = (actions: ReadonlyArray<PlanAction>) =>
    Effect.gen(function*() {
      const ready: Array<{ action: PlanAction; id: number; fields: AtInvoiceWrite }> = []
      for (const action of actions) {
        const dependency = blockedBy(action)
        if (dependency) {
          yield* skip(action, dependency)
          continue
        }
        if (action.target.system !== "autotask") continue
        const payload = yield* prepare(action, action.payload)
        if (payload === undefined) continue
        const { id: _id, ...fields } = payload as Record<string, unknown>
        ready.push({ action, id: action.target.id, fields: fields as AtInvoiceWrite })
      }
      if (ready.length === 0) return
      const results = yield* autotask.updateInvoices(ready.map(({ id, fields }) => ({ id, fields })))
      for (const [index, entry] of ready.entries()) {
        const result = results[index]!
        const request = { entity: "Invoices", id: entry.id, fields: Object.keys(entry.fields) }
        if (!result.ok) {
          const { code, message } = errorText(result.error)
          yield* record(entry.action, { status: "failed", message, ...(code ? { code } : {}) }, undefined, request)
          continue
        }
        const rejected = entry.action.type === "invoice.reject"
        const message = rejected
          ? `rejected; wrote the error marker to Autotask: ${entry.action.reasons.join("; ")}`
          : `updated Autotask invoice ${entry.id} (${Object.entries(entry.fields).map(([key, value]) => `${key} = ${String(value)}`).join(", ")})`
        yield* record(entry.action, { status: rejected ? "rejected" : "applied", message }, result.invoice as unknown as Record<string, unknown>, request)
      }
    })

  // -------------------------------------------------------------------------------------------

  const byPhase = (phase: number) => plan.actions.filter((action) => ACTION_PHASE[action.type] === phase)
  yield* journal.record({ event: "run.start", checksum: plan.checksum, realmId, actions: plan.actions.length })

  // The Autotask budget is checked once, before any write, for everything this run would do.
  const autotaskActions = plan.actions.filter((action) => action.target.system === "autotask")
  const budget = autotaskActions.length > 0 ? yield* autotaskBudget(autotaskActions.length) : undefined

  /** E-mails, then Autotask updates, of the given actions (their documents exist by now). */
  const runFollowers = (actions: ReadonlyArray<PlanAction>) =>
    Effect.gen(function*() {
      yield* Effect.forEach(actions.filter((action) => ACTION_PHASE[action.type] === 3), runSend, { concurrency: SEND_CONCURRENCY, discard: true })
      for (const action of actions.filter((candidate) => candidate.type === "invoice.reject" && candidate.target.system !== "autotask")) {
        yield* record(action, { status: "rejected", message: `rejected: ${action.reasons.join("; ")}` })
      }
      const updates = actions.filter((action) => action.target.system === "autotask")
      // Over the shared hourly budget: the documents exist, and the next run repairs the write-backs.
      if (budget) for (const action of updates) yield* record(action, { status: "skipped", message: budget })
      else yield* runAutotaskUpdates(updates)
    })

  yield* progress.step(`Creating ${byPhase(1).length} QBO items and customers`)
  yield* runBatches(byPhase(1))

  // Documents go out in groups; each group's e-mails and write-backs start as soon as its
  // documents exist, so Autotask is not idle while QBO's 40-batches-a-minute window makes
  // later groups wait. Actions needing no new document start at once.
  const documents = byPhase(2)
  const documentAddresses = new Set(documents.map((action) => action.address))
  const followers = plan.actions.filter((action) => ACTION_PHASE[action.type] >= 3)
  const groups: Array<ReadonlyArray<PlanAction>> = []
  for (let index = 0; index < documents.length; index += GROUP_SIZE) groups.push(documents.slice(index, index + GROUP_SIZE))
  const followersOf = (group: ReadonlyArray<PlanAction>) => {
    const addresses = new Set(group.map((action) => action.address))
    return followers.filter((action) => action.dependsOn.some((address) => addresses.has(address)))
  }
  const independent = followers.filter((action) => !action.dependsOn.some((address) => documentAddresses.has(address)))
  if (documents.length > 0) yield* progress.step(`Creating and voiding ${documents.length} QBO documents, writing back as they exist`)
  // Groups go out one after another (so each completes as early as the batch window allows);
  // each group's followers run in the background while the next group's batches wait.
  const started = [yield* Effect.forkChild(runFollowers(independent))]
  for (const group of groups) {
    yield* runBatches(group)
    started.push(yield* Effect.forkChild(runFollowers(followersOf(group))))
  }
  yield* Fiber.joinAll(started)

  const order = new Map(plan.actions.map((action, index) => [action.address, index]))
  outcomes.sort((a, b) => (order.get(a.address) ?? 0) - (order.get(b.address) ?? 0))
  const counts: Record<OutcomeStatus, number> = { applied: 0, adopted: 0, failed: 0, skipped: 0, rejected: 0 }
  for (const outcome of outcomes) counts[outcome.status] += 1
  yield* journal.record({ event: "run.end", counts })
  const report: ApplyReport = { runId: options.runId, outcomes, counts, journal: journal.location }
  return report
})
