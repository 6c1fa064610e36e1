/**
 * One company's data. Records keep their deleted/voided state so invariant checkers can see
 * everything; `createdSeq` lets a batch resolve references against the state before it
 * started. Id sequences follow QBO: customers, vendors and employees share one name-list
 * sequence, transactions share another, classes have long ids.
 */
import type { JsonObject } from "./json.ts"

export type SimEntity =
  | "Item"
  | "Customer"
  | "Vendor"
  | "Employee"
  | "Term"
  | "Class"
  | "Account"
  | "TaxCode"
  | "TaxRate"
  | "Invoice"
  | "CreditMemo"
  | "Payment"
  | "Attachable"
  | "CompanyCurrency"
  | "ExchangeRate"

export const SIM_ENTITIES: ReadonlyArray<SimEntity> = [
  "Item",
  "Customer",
  "Vendor",
  "Employee",
  "Term",
  "Class",
  "Account",
  "TaxCode",
  "TaxRate",
  "Invoice",
  "CreditMemo",
  "Payment",
  "Attachable",
  "CompanyCurrency",
  "ExchangeRate"
]

export const TRANSACTION_ENTITIES: ReadonlySet<SimEntity> = new Set(["Invoice", "CreditMemo", "Payment"])

/** Name lists answer queries with active records only unless `Active` is filtered. */
export const NAME_LIST_ENTITIES: ReadonlySet<string> = new Set([
  "Customer",
  "Vendor",
  "Employee",
  "Item",
  "Account",
  "Class",
  "Term"
])

export interface StoredRecord {
  readonly data: JsonObject
  readonly deleted: boolean
  readonly voided: boolean
  /** Store sequence at creation. */
  readonly createdSeq: number
}

export interface StoredResponse {
  readonly status: number
  readonly contentType: string
  readonly body: string
  /** Simulated ms, for the optional retention window. */
  readonly storedAt: number
}

const sequenceOf = (entity: SimEntity): string => {
  switch (entity) {
    case "Customer":
    case "Vendor":
    case "Employee":
      return "Name"
    case "Invoice":
    case "CreditMemo":
    case "Payment":
      return "Txn"
    default:
      return entity
  }
}

const SEQUENCE_START: Record<string, bigint> = { Class: 5000000000000000000n }

export class RealmStore {
  readonly realmId: string
  preferences: JsonObject
  companyInfo: JsonObject
  readonly requestIds = new Map<string, StoredResponse>()
  private readonly tables = new Map<SimEntity, Map<string, StoredRecord>>()
  private readonly sequences = new Map<string, bigint>()
  private readonly lastDocNumbers = new Map<SimEntity, number>()
  private seq = 0

  constructor(realmId: string, preferences: JsonObject, companyInfo: JsonObject) {
    this.realmId = realmId
    this.preferences = preferences
    this.companyInfo = companyInfo
    for (const entity of SIM_ENTITIES) this.tables.set(entity, new Map())
  }

  table(entity: SimEntity): Map<string, StoredRecord> {
    return this.tables.get(entity)!
  }

  get currentSeq(): number {
    return this.seq
  }

  /** Next Id of the entity's sequence, always above every numeric Id already stored. */
  nextId(entity: SimEntity): string {
    const key = sequenceOf(entity)
    const next = (this.sequences.get(key) ?? SEQUENCE_START[key] ?? 0n) + 1n
    this.sequences.set(key, next)
    return next.toString()
  }

  private noteId(entity: SimEntity, id: string): void {
    if (!/^\d+$/.test(id)) return
    const key = sequenceOf(entity)
    const value = BigInt(id)
    if (value > (this.sequences.get(key) ?? SEQUENCE_START[key] ?? 0n)) this.sequences.set(key, value)
  }

  /**
   * QBO's automatic numbering: the highest number used so far plus one (first is 1001). With
   * `shared`, invoices and credit memos draw from one sequence (the highest of either), as the
   * sales forms do until a form type's numbering is changed (Intuit help "Change the number on
   * invoices or other transactions", community.intuit.com/articles/1145900).
   */
  nextDocNumber(entity: SimEntity, shared: boolean): string {
    const last = shared ? Math.max(1000, ...this.lastDocNumbers.values()) : (this.lastDocNumbers.get(entity) ?? 1000)
    this.lastDocNumbers.set(entity, last + 1)
    return String(last + 1)
  }

  noteDocNumber(entity: SimEntity, docNumber: string | undefined): void {
    if (docNumber === undefined || !/^\d{1,15}$/.test(docNumber)) return
    const value = Number(docNumber)
    if (value > (this.lastDocNumbers.get(entity) ?? 1000)) this.lastDocNumbers.set(entity, value)
  }

  /** Stores a record as-is (dataset load and creates). */
  insert(entity: SimEntity, data: JsonObject): StoredRecord {
    const id = String(data["Id"])
    this.seq += 1
    const record: StoredRecord = { data, deleted: false, voided: false, createdSeq: this.seq }
    this.table(entity).set(id, record)
    this.noteId(entity, id)
    return record
  }

  /** Replaces a record's data and flags, keeping its creation sequence. */
  put(entity: SimEntity, data: JsonObject, flags?: { readonly deleted?: boolean; readonly voided?: boolean }): StoredRecord {
    const id = String(data["Id"])
    const previous = this.table(entity).get(id)
    this.seq += 1
    const record: StoredRecord = {
      data,
      deleted: flags?.deleted ?? previous?.deleted ?? false,
      voided: flags?.voided ?? previous?.voided ?? false,
      createdSeq: previous?.createdSeq ?? this.seq
    }
    this.table(entity).set(id, record)
    return record
  }

  /** Live (not deleted) records of an entity, in Id order. */
  live(entity: SimEntity): Array<StoredRecord> {
    return [...this.table(entity).values()].filter((record) => !record.deleted)
  }
}
