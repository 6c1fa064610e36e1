/**
 * Entity operations shared by the single endpoints and `/batch`: read, create, update
 * (full or sparse, SyncToken-checked), delete and void (transactions), send (invoices).
 * Each returns the entity as QBO would; failures throw `SimFault`.
 */
import { buildCompanyCurrency, checkCurrencyPrefsUnchanged } from "./currency.ts"
import { Faults } from "./faults.ts"
import { type JsonObject, type MutableJson, isObject, objectField, refValue, stringField } from "./json.ts"
import { buildAttachable } from "./attachables.ts"
import { LIST_READ_ONLY, buildAccount, buildClass, buildItem, buildParty, buildTerm } from "./lists.ts"
import { buildPayment, linkedInvoiceIds, refreshCustomerBalances, refreshInvoices, voidPayment } from "./payments.ts"
import { COMMON_READ_ONLY, type OpContext, checkEmail, findVisible, withoutKeys } from "./rules.ts"
import { SALES_READ_ONLY, buildSalesDocument, isSalesEntity, voidSalesDocument } from "./sales.ts"
import { SIM_ENTITIES, type SimEntity, type StoredRecord, TRANSACTION_ENTITIES } from "./store.ts"
import { metaTime } from "./time.ts"

/** Lowercase path segment → entity (`/invoice`, `/creditmemo`, …). */
export const ENTITY_BY_SEGMENT: ReadonlyMap<string, SimEntity> = new Map(SIM_ENTITIES.map((entity) => [entity.toLowerCase(), entity]))

export const entityByName = (name: string): SimEntity | undefined => ENTITY_BY_SEGMENT.get(name.toLowerCase())

const READ_ONLY: Record<SimEntity, ReadonlyArray<string>> = Object.fromEntries(
  SIM_ENTITIES.map((entity) => [
    entity,
    [
      ...COMMON_READ_ONLY,
      ...(LIST_READ_ONLY[entity] ?? []),
      ...(isSalesEntity(entity) ? SALES_READ_ONLY : []),
      ...(entity === "Payment" ? ["UnappliedAmt"] : [])
    ]
  ])
) as unknown as Record<SimEntity, ReadonlyArray<string>>

const build = (ctx: OpContext, entity: SimEntity, input: JsonObject, existing: StoredRecord | undefined, sent: JsonObject): MutableJson => {
  switch (entity) {
    case "Customer":
    case "Vendor":
    case "Employee":
      return buildParty(ctx, entity, input, existing)
    case "Item":
      return buildItem(ctx, input, existing)
    case "Term":
      return buildTerm(ctx, input, existing)
    case "Class":
      return buildClass(ctx, input, existing)
    case "Account":
      return buildAccount(ctx, input, existing)
    case "Invoice":
    case "CreditMemo":
      return buildSalesDocument(ctx, entity, input, existing, sent)
    case "Payment":
      return buildPayment(ctx, input, existing)
    case "Attachable":
      return buildAttachable(input)
    case "CompanyCurrency":
      return buildCompanyCurrency(ctx, input, existing)
    case "TaxCode":
    case "TaxRate":
    case "ExchangeRate":
      throw Faults.unsupportedOperation(`Operation Create is not supported for ${entity}; use the TaxService endpoint.`)
  }
}

/** Orders the envelope fields the way QBO does: data, then domain, sparse, Id, SyncToken, MetaData. */
const envelope = (fields: MutableJson, id: string, syncToken: string, meta: JsonObject): JsonObject => {
  const data: MutableJson = { ...fields }
  for (const key of COMMON_READ_ONLY) delete data[key]
  return { ...data, domain: "QBO", sparse: false, Id: id, SyncToken: syncToken, MetaData: meta }
}

const customersTouched = (...records: ReadonlyArray<JsonObject | undefined>): Set<string> =>
  new Set(records.flatMap((data) => (data === undefined ? [] : [refValue(data, "CustomerRef")].filter((v): v is string => v !== undefined))))

/** Consequences of a transaction write: invoice balances and customer balances. */
const afterTransactionWrite = (ctx: OpContext, entity: SimEntity, before: JsonObject | undefined, after: JsonObject | undefined): void => {
  if (!TRANSACTION_ENTITIES.has(entity)) return
  if (entity === "Payment") refreshInvoices(ctx.store, linkedInvoiceIds(before, after), ctx.now)
  const customers = customersTouched(before, after)
  if (entity === "Payment") {
    for (const invoiceId of linkedInvoiceIds(before, after)) {
      const invoice = ctx.store.table("Invoice").get(invoiceId)
      for (const id of customersTouched(invoice?.data)) customers.add(id)
    }
  }
  refreshCustomerBalances(ctx.store, customers)
}

export const read = (ctx: OpContext, entity: SimEntity, id: string): JsonObject => {
  const record = ctx.store.table(entity).get(id)
  if (record === undefined) throw Faults.notFound("", `Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees.`)
  if (record.deleted) throw Faults.deletedTransaction()
  return record.data
}

export const create = (ctx: OpContext, entity: SimEntity, body: JsonObject): JsonObject => {
  if (body["Id"] !== undefined && body["Id"] !== null && body["Id"] !== "") return update(ctx, entity, body)
  const input = withoutKeys(body, READ_ONLY[entity])
  const fields = build(ctx, entity, input, undefined, body)
  const id = ctx.store.nextId(entity)
  const stamp = metaTime(ctx.now)
  const data = envelope(fields, id, "0", { CreateTime: stamp, LastUpdatedTime: stamp })
  ctx.store.insert(entity, data)
  afterTransactionWrite(ctx, entity, undefined, data)
  return ctx.store.table(entity).get(id)!.data
}

/** Finds the record an update/delete/void names and checks its SyncToken. */
const current = (ctx: OpContext, entity: SimEntity, body: JsonObject): StoredRecord => {
  const id = stringField(body, "Id")
  if (id === undefined || id === "") throw Faults.required("Id")
  const syncToken = stringField(body, "SyncToken")
  if (syncToken === undefined) throw Faults.required("SyncToken")
  const record = ctx.store.table(entity).get(id)
  if (record !== undefined && record.deleted) throw Faults.deletedTransaction()
  if (record === undefined || findVisible(ctx, entity, id) === undefined) throw Faults.notFound("Id", "Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees.")
  if (String(record.data["SyncToken"]) !== syncToken) throw Faults.stale()
  return record
}

const bump = (record: StoredRecord, ctx: OpContext, fields: MutableJson): JsonObject => {
  const meta = objectField(record.data, "MetaData") ?? {}
  return envelope(fields, String(record.data["Id"]), String(Number(record.data["SyncToken"] ?? "0") + 1), {
    ...meta,
    LastUpdatedTime: metaTime(ctx.now)
  })
}

export const update = (ctx: OpContext, entity: SimEntity, body: JsonObject): JsonObject => {
  if (entity === "TaxCode" || entity === "TaxRate") throw Faults.unsupportedOperation(`Operation Update is not supported for ${entity}.`)
  const record = current(ctx, entity, body)
  const sent = withoutKeys(body, READ_ONLY[entity])
  const sparse = body["sparse"] === true || body["sparse"] === "true"
  if (sparse && entity !== "Invoice" && entity !== "CreditMemo" && "DisplayName" in body && (body["DisplayName"] === "" || body["DisplayName"] === null)) {
    throw Faults.business("DisplayName can't be removed with a sparse update.", "DisplayName")
  }
  const input = sparse ? { ...withoutKeys(record.data, READ_ONLY[entity]), ...sent } : sent
  const fields = build(ctx, entity, input, record, body)
  const data = bump(record, ctx, fields)
  ctx.store.put(entity, data)
  afterTransactionWrite(ctx, entity, record.data, data)
  return ctx.store.table(entity).get(String(data["Id"]))!.data
}

export const remove = (ctx: OpContext, entity: SimEntity, body: JsonObject): JsonObject => {
  if (!TRANSACTION_ENTITIES.has(entity)) {
    throw Faults.unsupportedOperation(`Operation Delete is not supported for ${entity}; make it inactive (Active: false) instead.`)
  }
  const record = current(ctx, entity, body)
  if (entity === "Invoice" && Array.isArray(record.data["LinkedTxn"]) && record.data["LinkedTxn"].length > 0) {
    throw Faults.business("This transaction has payments linked to it. Unlink or delete the payments before deleting it.")
  }
  // The deletion is a change: CDC reports it at this time (cdc.ts).
  const meta = objectField(record.data, "MetaData") ?? {}
  ctx.store.put(entity, { ...record.data, MetaData: { ...meta, LastUpdatedTime: metaTime(ctx.now) } }, { deleted: true })
  afterTransactionWrite(ctx, entity, record.data, undefined)
  return { domain: "QBO", status: "Deleted", Id: String(record.data["Id"]) }
}

export const voidTransaction = (ctx: OpContext, entity: SimEntity, body: JsonObject): JsonObject => {
  if (!TRANSACTION_ENTITIES.has(entity)) throw Faults.unsupportedOperation(`Operation Void is not supported for ${entity}.`)
  const record = current(ctx, entity, body)
  const voided = isSalesEntity(entity) ? voidSalesDocument(record.data) : voidPayment(record.data)
  const data = bump(record, ctx, voided)
  ctx.store.put(entity, data, { voided: true })
  afterTransactionWrite(ctx, entity, record.data, data)
  return ctx.store.table(entity).get(String(data["Id"]))!.data
}

/** `POST /invoice/{id}/send[?sendTo=]`: e-mails the invoice (to `sendTo` or its BillEmail). */
export const send = (ctx: OpContext, entity: SimEntity, id: string, sendTo: string | undefined): JsonObject => {
  if (entity !== "Invoice" && entity !== "CreditMemo") throw Faults.unsupportedOperation(`Operation Send is not supported for ${entity}.`)
  const record = findVisible(ctx, entity, id)
  if (record === undefined) {
    if (ctx.store.table(entity).get(id)?.deleted === true) throw Faults.deletedTransaction()
    throw Faults.notFound("Id")
  }
  const fields: MutableJson = { ...record.data }
  if (sendTo !== undefined) {
    fields["BillEmail"] = { Address: sendTo }
    checkEmail(fields, "BillEmail")
  } else if (typeof objectField(record.data, "BillEmail")?.["Address"] !== "string") {
    throw Faults.business("Need to specify a valid email address: the invoice has no BillEmail and no sendTo was given.", "BillEmail")
  }
  fields["EmailStatus"] = "EmailSent"
  fields["DeliveryInfo"] = { DeliveryType: "Email", DeliveryTime: metaTime(ctx.now) }
  const data = bump(record, ctx, fields)
  ctx.store.put(entity, data)
  return data
}

/** `POST /preferences`: a few sections are updatable; SyncToken-checked. */
export const updatePreferences = (ctx: OpContext, body: JsonObject): JsonObject => {
  const syncToken = stringField(body, "SyncToken")
  if (syncToken === undefined) throw Faults.required("SyncToken")
  const existing = ctx.store.preferences
  if (String(existing["SyncToken"]) !== syncToken) throw Faults.stale()
  checkCurrencyPrefsUnchanged(ctx, body)
  const merged: MutableJson = { ...existing }
  for (const [key, value] of Object.entries(body)) {
    if (COMMON_READ_ONLY.includes(key)) continue
    const before = existing[key]
    merged[key] = isObject(before) && isObject(value) ? { ...before, ...value } : value
  }
  const meta = objectField(existing, "MetaData") ?? {}
  merged["SyncToken"] = String(Number(syncToken) + 1)
  merged["MetaData"] = { ...meta, LastUpdatedTime: metaTime(ctx.now) }
  ctx.store.preferences = merged
  return merged
}
