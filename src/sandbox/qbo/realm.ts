/**
 * Builds a realm's store from dataset data (filling what QBO would have: ids, SyncTokens,
 * MetaData, sandbox defaults, SubTotal lines and totals) and exposes a read-only view of it
 * for tests and invariant checkers.
 */
import { Option } from "effect"
import * as Money from "../../domain/money.ts"
import {
  DEFAULT_ACCOUNTS,
  DEFAULT_COMPANY_INFO,
  DEFAULT_PREFERENCES,
  DEFAULT_TAX_CODES,
  DEFAULT_TERMS,
  type QboRealmData
} from "./defaults.ts"
import { type JsonObject, type JsonValue, type MutableJson, arrayField, clone, isObject } from "./json.ts"
import { refValue } from "./json.ts"
import { paidAmount, refreshCustomerBalances } from "./payments.ts"
import { RealmStore, SIM_ENTITIES, type SimEntity } from "./store.ts"
import { metaTime } from "./time.ts"

const deepMerge = (base: JsonObject, override: JsonObject): MutableJson => {
  const result: MutableJson = { ...base }
  for (const [key, value] of Object.entries(override)) {
    const before = base[key]
    result[key] = isObject(before) && isObject(value) ? deepMerge(before, value) : value
  }
  return result
}

const DEFAULTS: Partial<Record<SimEntity, ReadonlyArray<JsonObject>>> = {
  Term: DEFAULT_TERMS,
  Account: DEFAULT_ACCOUNTS,
  TaxCode: DEFAULT_TAX_CODES
}

const amount = (value: JsonValue | undefined): Money.Decimal =>
  typeof value === "number" || typeof value === "string" ? Option.getOrElse(Money.parseDecimal(value), () => Money.ZERO) : Money.ZERO

/** Adds what a stored sales document always has when a hand-written dataset leaves it out. */
const completeSalesDocument = (data: MutableJson): void => {
  const lines = (arrayField(data, "Line") ?? []).filter(isObject)
  let subtotal = Money.ZERO
  let number = 0
  const kept: Array<JsonObject> = []
  for (const line of lines) {
    if (line["DetailType"] === "SubTotalLineDetail") continue
    number += 1
    const value = amount(line["Amount"])
    if (line["DetailType"] === "DiscountLineDetail") subtotal = Money.subtract(subtotal, value)
    else if (line["DetailType"] !== "DescriptionOnly") subtotal = Money.add(subtotal, value)
    kept.push({ Id: String(number), LineNum: number, ...line })
  }
  const hadSubtotal = lines.some((line) => line["DetailType"] === "SubTotalLineDetail")
  data["Line"] = hadSubtotal
    ? lines
    : [...kept, { Amount: Money.toApiNumber(Money.toCents(subtotal)), DetailType: "SubTotalLineDetail", SubTotalLineDetail: {} }]
  const tax = amount(isObject(data["TxnTaxDetail"]) ? data["TxnTaxDetail"]["TotalTax"] : undefined)
  if (data["TotalAmt"] === undefined) data["TotalAmt"] = Money.toApiNumber(Money.toCents(Money.add(subtotal, tax)))
  if (data["TxnTaxDetail"] === undefined) data["TxnTaxDetail"] = { TotalTax: 0 }
}

const normalise = (entity: SimEntity, raw: JsonObject, store: RealmStore, stamp: string, source: string): JsonObject => {
  const data: MutableJson = clone(raw) as MutableJson
  data["Id"] = data["Id"] === undefined || data["Id"] === null ? store.nextId(entity) : String(data["Id"])
  data["SyncToken"] = data["SyncToken"] === undefined || data["SyncToken"] === null ? "0" : String(data["SyncToken"])
  data["domain"] ??= "QBO"
  data["sparse"] ??= false
  data["MetaData"] ??= { CreateTime: stamp, LastUpdatedTime: stamp }
  switch (entity) {
    case "Customer":
      if (typeof data["DisplayName"] !== "string") throw new Error(`${source}: Customer ${data["Id"]} has no DisplayName`)
      data["FullyQualifiedName"] ??= data["DisplayName"]
      break
    case "Item":
    case "Class":
    case "Account":
    case "Term":
      if (typeof data["Name"] !== "string") throw new Error(`${source}: ${entity} ${data["Id"]} has no Name`)
      if (entity !== "Term") data["FullyQualifiedName"] ??= data["Name"]
      break
    case "Invoice":
    case "CreditMemo":
      if (refValue(data, "CustomerRef") === undefined) throw new Error(`${source}: ${entity} ${data["Id"]} has no CustomerRef`)
      completeSalesDocument(data)
      store.noteDocNumber(entity, typeof data["DocNumber"] === "string" ? data["DocNumber"] : undefined)
      break
    default:
      break
  }
  return data
}

export const createRealmStore = (realmId: string, data: QboRealmData, now: Date): RealmStore => {
  const stamp = metaTime(now)
  const envelope = (base: JsonObject, given: JsonObject | undefined): MutableJson => ({
    ...deepMerge(base, given ?? {}),
    Id: String(given?.["Id"] ?? "1"),
    SyncToken: String(given?.["SyncToken"] ?? "0"),
    domain: "QBO",
    sparse: false,
    MetaData: isObject(given?.["MetaData"]) ? given["MetaData"] : { CreateTime: stamp, LastUpdatedTime: stamp }
  })
  const store = new RealmStore(realmId, envelope(DEFAULT_PREFERENCES, data.Preferences), envelope(DEFAULT_COMPANY_INFO, data.CompanyInfo))
  for (const entity of SIM_ENTITIES) {
    const rows = data[entity] ?? DEFAULTS[entity] ?? []
    if (!Array.isArray(rows)) throw new Error(`realm ${realmId}: ${entity} must be an array`)
    for (const [index, row] of rows.entries()) {
      const source = `realm ${realmId} ${entity}[${index}]`
      if (!isObject(row)) throw new Error(`${source}: expected an object`)
      store.insert(entity, normalise(entity, row, store, stamp, source))
    }
  }
  // Derived amounts a dataset may leave out.
  for (const invoice of store.live("Invoice")) {
    if (invoice.data["Balance"] !== undefined) continue
    const balance = Money.subtract(amount(invoice.data["TotalAmt"]), paidAmount(store, String(invoice.data["Id"])))
    store.put("Invoice", { ...invoice.data, Balance: Money.toApiNumber(balance), LinkedTxn: invoice.data["LinkedTxn"] ?? [] })
  }
  for (const memo of store.live("CreditMemo")) {
    if (memo.data["Balance"] !== undefined) continue
    store.put("CreditMemo", { ...memo.data, Balance: memo.data["TotalAmt"] ?? 0, RemainingCredit: memo.data["RemainingCredit"] ?? memo.data["TotalAmt"] ?? 0 })
  }
  const withoutBalance = store.live("Customer").filter((c) => c.data["Balance"] === undefined).map((c) => String(c.data["Id"]))
  refreshCustomerBalances(store, withoutBalance)
  return store
}

/** One stored record with its lifecycle flags. */
export interface QboStoredRecord {
  readonly data: JsonObject
  readonly deleted: boolean
  readonly voided: boolean
}

/** Read access to a realm for tests and invariant checkers; returns copies. */
export interface QboRealmView {
  readonly realmId: string
  readonly preferences: JsonObject
  readonly companyInfo: JsonObject
  /** Live records (inactive and voided included, deleted excluded), in Id order. */
  list(entity: SimEntity): ReadonlyArray<JsonObject>
  /** Every record with its deleted/voided flags. */
  records(entity: SimEntity): ReadonlyArray<QboStoredRecord>
  /** A record by Id, deleted ones included. */
  get(entity: SimEntity, id: string): QboStoredRecord | undefined
  /** `requestid`s the realm remembers. */
  requestIds(): ReadonlyArray<string>
}

const byId = (a: { data: JsonObject }, b: { data: JsonObject }): number => {
  const x = String(a.data["Id"])
  const y = String(b.data["Id"])
  return x.length !== y.length ? x.length - y.length : x < y ? -1 : x > y ? 1 : 0
}

export const realmView = (store: RealmStore): QboRealmView => ({
  realmId: store.realmId,
  get preferences() {
    return clone(store.preferences)
  },
  get companyInfo() {
    return clone(store.companyInfo)
  },
  list: (entity) =>
    [...store.table(entity).values()]
      .filter((record) => !record.deleted)
      .sort(byId)
      .map((record) => clone(record.data)),
  records: (entity) =>
    [...store.table(entity).values()].sort(byId).map((record) => ({ data: clone(record.data), deleted: record.deleted, voided: record.voided })),
  get: (entity, id) => {
    const record = store.table(entity).get(id)
    return record === undefined ? undefined : { data: clone(record.data), deleted: record.deleted, voided: record.voided }
  },
  requestIds: () => [...store.requestIds.keys()]
})
