/**
 * The convergence invariants (SPEC §6, §8 "chaos"), checked against both simulators' state
 * (their stores, not the API), after a run that exited 0:
 *
 * - every eligible Autotask invoice has exactly one QBO document carrying its ownership marker
 *   (none missing, none duplicated), booked to the customer named like its company, with one
 *   line per billing item and the same total to the cent;
 * - its Autotask write-back is done: `invoiceNumber` equals the QBO DocNumber (in `autotask`
 *   numbering: the DocNumber is the prefixed Autotask number) and `webServiceDate` is set;
 * - no QBO document exists for a rejected (negative) invoice, and it was not written back;
 * - no QBO document carries a marker of an invoice the dataset does not know;
 * - no two QBO customers, and no two QBO items, share a name (case-insensitive);
 * - history documents are untouched (still exactly one each).
 */
import { ownerOf } from "../src/reconcile/marker.ts"
import type { Sandbox } from "../src/sandbox/sandbox.ts"

export interface Violation {
  readonly kind:
    | "missing-document"
    | "duplicate-document"
    | "total-mismatch"
    | "line-mismatch"
    | "wrong-customer"
    | "write-back"
    | "rejected-has-document"
    | "rejected-written-back"
    | "foreign-document"
    | "duplicate-customer"
    | "duplicate-item"
  readonly message: string
}

export interface Expectation {
  readonly eligibleIds: ReadonlyArray<number>
  readonly rejectedIds: ReadonlyArray<number>
  readonly historyIds?: ReadonlyArray<number>
  /** `qbo` (default): the write-back puts QBO's DocNumber into `invoiceNumber`; `autotask`:
   *  the DocNumber is prefix + the Autotask number (or id) and only `webServiceDate` is written. */
  readonly numbering?: { readonly mode: "qbo" | "autotask"; readonly prefix: string }
}

/** The world as the checker needs it; `Sandbox` satisfies it. */
export type World = Pick<Sandbox, "autotask" | "qbo" | "realmId">

const nameKey = (name: unknown): string => String(name ?? "").normalize("NFC").trim().toLocaleLowerCase("en-US")
const cents = (value: unknown): number => Math.round(Number(value ?? 0) * 100)
const blank = (value: unknown): boolean => value === null || value === undefined || String(value).trim() === ""

type Doc = Readonly<Record<string, unknown>>

export const checkInvariants = (world: World, expected: Expectation): Array<Violation> => {
  const violations: Array<Violation> = []
  const add = (kind: Violation["kind"], message: string) => violations.push({ kind, message })
  const realm = world.qbo.store(world.realmId)
  const autotask = world.autotask.store

  const owned = new Map<number, Array<{ entity: string; doc: Doc }>>()
  for (const entity of ["Invoice", "CreditMemo"] as const) {
    for (const doc of realm.list(entity)) {
      const owner = ownerOf(doc["PrivateNote"] as string | undefined)
      if (owner === undefined) continue
      owned.set(owner, [...(owned.get(owner) ?? []), { entity, doc }])
    }
  }
  const customers = new Map(realm.list("Customer").map((customer) => [String(customer["Id"]), customer]))
  const billingItems = new Map<number, number>()
  for (const item of autotask.all("BillingItems")) {
    const invoiceId = Number(item["invoiceID"])
    billingItems.set(invoiceId, (billingItems.get(invoiceId) ?? 0) + 1)
  }

  for (const id of expected.eligibleIds) {
    const docs = owned.get(id) ?? []
    if (docs.length === 0) {
      add("missing-document", `Autotask invoice ${id} has no QBO document`)
      continue
    }
    if (docs.length > 1) {
      add("duplicate-document", `Autotask invoice ${id} has ${docs.length} QBO documents: ${docs.map(({ entity, doc }) => `${entity} ${String(doc["Id"])}`).join(", ")}`)
    }
    const { entity, doc } = docs[0]!
    const invoice = autotask.get("Invoices", id)
    if (invoice === undefined) {
      add("foreign-document", `QBO ${entity} ${String(doc["Id"])} names Autotask invoice ${id}, which does not exist`)
      continue
    }
    const expectedCents = Math.abs(cents(invoice["invoiceTotal"]))
    if (cents(doc["TotalAmt"]) !== expectedCents) {
      add("total-mismatch", `Autotask invoice ${id}: QBO ${entity} ${String(doc["Id"])} totals ${String(doc["TotalAmt"])}, Autotask ${String(invoice["invoiceTotal"])}`)
    }
    const lines = Array.isArray(doc["Line"]) ? (doc["Line"] as ReadonlyArray<Doc>).filter((line) => line["DetailType"] === "SalesItemLineDetail").length : 0
    if (lines !== (billingItems.get(id) ?? 0)) {
      add("line-mismatch", `Autotask invoice ${id}: ${billingItems.get(id) ?? 0} billing items but QBO ${entity} ${String(doc["Id"])} has ${lines} item lines`)
    }
    const company = autotask.get("Companies", Number(invoice["companyID"]))
    const customerRef = (doc["CustomerRef"] as { value?: unknown } | undefined)?.value
    const customer = customers.get(String(customerRef))
    if (company !== undefined && nameKey(customer?.["DisplayName"]) !== nameKey(String(company["companyName"]).replace(/\s+/g, " "))) {
      add("wrong-customer", `Autotask invoice ${id} of "${String(company["companyName"])}" is booked to QBO customer ${String(customerRef)} "${String(customer?.["DisplayName"])}"`)
    }
    const numbering = expected.numbering ?? { mode: "qbo", prefix: "" }
    const numberOk = numbering.mode === "qbo"
      ? invoice["invoiceNumber"] === doc["DocNumber"]
      : doc["DocNumber"] === `${numbering.prefix}${blank(invoice["invoiceNumber"]) ? id : String(invoice["invoiceNumber"])}`
    if (!numberOk || blank(invoice["webServiceDate"])) {
      add("write-back", `Autotask invoice ${id}: invoiceNumber ${JSON.stringify(invoice["invoiceNumber"])}, webServiceDate ${JSON.stringify(invoice["webServiceDate"])}; QBO DocNumber ${JSON.stringify(doc["DocNumber"])}`)
    }
  }

  for (const id of expected.rejectedIds) {
    const docs = owned.get(id) ?? []
    if (docs.length > 0) add("rejected-has-document", `rejected Autotask invoice ${id} has QBO documents: ${docs.map(({ entity, doc }) => `${entity} ${String(doc["Id"])}`).join(", ")}`)
    const invoice = autotask.get("Invoices", id)
    if (invoice !== undefined && !blank(invoice["webServiceDate"])) add("rejected-written-back", `rejected Autotask invoice ${id} was marked synced (webServiceDate ${String(invoice["webServiceDate"])})`)
  }

  const known = new Set([...expected.eligibleIds, ...expected.rejectedIds, ...(expected.historyIds ?? [])])
  for (const id of expected.historyIds ?? []) {
    const count = owned.get(id)?.length ?? 0
    if (count !== 1) add(count === 0 ? "missing-document" : "duplicate-document", `history invoice ${id} has ${count} QBO documents (expected 1, untouched)`)
  }
  for (const [id, docs] of owned) {
    if (!known.has(id)) add("foreign-document", `QBO documents ${docs.map(({ doc }) => String(doc["Id"])).join(", ")} carry the marker of unknown Autotask invoice ${id}`)
  }

  const duplicates = (rows: ReadonlyArray<Doc>, field: string, kind: "duplicate-customer" | "duplicate-item") => {
    const seen = new Map<string, Array<string>>()
    for (const row of rows) seen.set(nameKey(row[field]), [...(seen.get(nameKey(row[field])) ?? []), String(row["Id"])])
    for (const [name, ids] of seen) if (ids.length > 1) add(kind, `${ids.length} QBO ${kind === "duplicate-customer" ? "customers" : "items"} named "${name}" (Ids ${ids.join(", ")})`)
  }
  duplicates(realm.list("Customer"), "DisplayName", "duplicate-customer")
  duplicates(realm.list("Item"), "Name", "duplicate-item")
  return violations
}

/** Violations per kind, for summaries. */
export const countViolations = (violations: ReadonlyArray<Violation>): Record<string, number> => {
  const counts: Record<string, number> = {}
  for (const violation of violations) counts[violation.kind] = (counts[violation.kind] ?? 0) + 1
  return counts
}
