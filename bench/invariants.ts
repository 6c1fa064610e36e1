/**
 * The convergence invariants (SPEC §6, §8 "chaos"), checked against both simulators' state
 * (their stores, not the API), after a run that exited 0:
 *
 * - every eligible Autotask invoice has exactly one QBO document carrying its ownership marker
 *   (none missing, none duplicated — no Autotask invoice with more than one live QBO document;
 *   extras atqbo voided or deleted do not count), booked to the customer named like its
 *   company, with the same total to the cent and one line per billing item whose item,
 *   quantity, rate, amount and description are the billing item's (see `lineProblems`);
 * - its Autotask write-back is done: `invoiceNumber` equals the QBO DocNumber (in `autotask`
 *   numbering: the DocNumber is the prefixed Autotask number) and `webServiceDate` is set;
 * - no QBO document exists for a rejected (negative) invoice, and it was not written back;
 * - no QBO document carries a marker of an invoice the dataset does not know;
 * - no two QBO customers, and no two QBO items, share a name (case-insensitive);
 * - history documents are untouched (still exactly one each);
 * - an invoice voided in Autotask has its QBO document voided; one paid in QBO has its
 *   Autotask paid date.
 */
import { ownerOf } from "../src/reconcile/marker.ts"
import type { Sandbox } from "../src/sandbox/sandbox.ts"

export interface Violation {
  readonly kind:
    | "missing-document"
    | "duplicate-document"
    | "total-mismatch"
    | "line-mismatch"
    | "line-content"
    | "wrong-customer"
    | "write-back"
    | "rejected-has-document"
    | "rejected-written-back"
    | "foreign-document"
    | "duplicate-customer"
    | "duplicate-item"
    | "not-voided"
    | "paid-date"
  readonly message: string
}

export interface Expectation {
  readonly eligibleIds: ReadonlyArray<number>
  readonly rejectedIds: ReadonlyArray<number>
  readonly historyIds?: ReadonlyArray<number>
  /** Invoices voided in Autotask (void sync on): their one QBO document is voided. */
  readonly voidedIds?: ReadonlyArray<number>
  /** Invoices whose QBO document was paid in full: Autotask has their paid date. */
  readonly paidIds?: ReadonlyArray<number>
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
  /** Voided ones included. */
  const all = new Map<number, Array<Doc>>()
  for (const entity of ["Invoice", "CreditMemo"] as const) {
    for (const doc of realm.list(entity)) {
      const owner = ownerOf(doc["PrivateNote"] as string | undefined)
      if (owner === undefined) continue
      all.set(owner, [...(all.get(owner) ?? []), doc])
      if (isVoided(doc)) continue
      owned.set(owner, [...(owned.get(owner) ?? []), { entity, doc }])
    }
  }
  const customers = new Map(realm.list("Customer").map((customer) => [String(customer["Id"]), customer]))
  const items = new Map(realm.list("Item").map((item) => [String(item["Id"]), item]))
  const codes = new Map(autotask.all("BillingCodes").map((code) => [Number(code["id"]), code]))
  const billingItems = new Map<number, Array<Doc>>()
  for (const item of autotask.all("BillingItems")) {
    const invoiceId = Number(item["invoiceID"])
    billingItems.set(invoiceId, [...(billingItems.get(invoiceId) ?? []), item])
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
    const lines = Array.isArray(doc["Line"]) ? (doc["Line"] as ReadonlyArray<Doc>).filter((line) => line["DetailType"] === "SalesItemLineDetail") : []
    const sources = billingItems.get(id) ?? []
    if (lines.length !== sources.length) {
      add("line-mismatch", `Autotask invoice ${id}: ${sources.length} billing items but QBO ${entity} ${String(doc["Id"])} has ${lines.length} item lines`)
    } else {
      for (const problem of lineProblems(sources, lines, (line) => items.get(String((detailOf(line)["ItemRef"] as { value?: unknown } | undefined)?.value))?.["Name"], (code) => codes.get(code)?.["name"])) {
        add("line-content", `Autotask invoice ${id}, QBO ${entity} ${String(doc["Id"])}: ${problem}`)
      }
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

  for (const id of expected.voidedIds ?? []) {
    const docs = all.get(id) ?? []
    if (docs.length !== 1 || !isVoided(docs[0]!)) add("not-voided", `Autotask invoice ${id} was voided, but QBO holds ${docs.length} documents for it${docs.length === 1 ? ", not voided" : ""}`)
  }
  for (const id of expected.paidIds ?? []) {
    if (blank(autotask.get("Invoices", id)?.["paidDate"])) add("paid-date", `Autotask invoice ${id} was paid in QBO but has no paid date`)
  }

  const known = new Set([...expected.eligibleIds, ...expected.rejectedIds, ...(expected.historyIds ?? []), ...(expected.voidedIds ?? [])])
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

const isVoided = (doc: Doc): boolean => String(doc["PrivateNote"] ?? "").startsWith("Voided")

const detailOf = (line: Doc): Doc => (line["SalesItemLineDetail"] as Doc | undefined) ?? {}
const num = (value: unknown): number => Number(value ?? Number.NaN)
/** Equal to 1e-9: the values are decimals that JSON carries as numbers. */
const same = (a: number, b: number): boolean => Math.abs(a - b) < 1e-9

/**
 * Each billing item must have its own line (matched by amount and description, in any order)
 * whose item is the billing code's QBO item (matched by name), whose description is the
 * billing item's, whose amount is its extended price to the cent, and whose quantity and rate
 * are Autotask's: exactly when quantity × rate gives the amount to the cent, else the quantity
 * with the rate QBO needs for that amount (≤ 5 decimals), else quantity 1 at the amount.
 * Written from the data, not from atqbo's code, so a build that swaps or drops a field fails.
 */
export const lineProblems = (
  sources: ReadonlyArray<Doc>,
  lines: ReadonlyArray<Doc>,
  itemNameOf: (line: Doc) => unknown,
  codeNameOf: (codeId: number) => unknown
): Array<string> => {
  const problems: Array<string> = []
  const unmatched = [...lines]
  for (const source of [...sources].sort((a, b) => num(a["id"]) - num(b["id"]))) {
    const quantity = source["quantity"] === null || source["quantity"] === undefined ? 1 : Math.abs(num(source["quantity"]))
    const rate = Math.abs(num(source["rate"]))
    const amount = Math.abs(cents(source["extendedPrice"] ?? quantity * rate)) / 100
    const codeName = codeNameOf(num(source["billingCodeID"]))
    const description = String(source["description"] ?? source["itemName"] ?? codeName ?? "").trim().slice(0, 4000)
    const index = unmatched.findIndex((line) => same(num(line["Amount"]), amount) && String(line["Description"] ?? "") === description)
    const label = `billing item ${String(source["id"])} (${description}, ${quantity} × ${rate} = ${amount.toFixed(2)})`
    if (index < 0) {
      problems.push(`${label} has no line with its amount and description`)
      continue
    }
    const line = unmatched.splice(index, 1)[0]!
    const detail = detailOf(line)
    if (nameKey(itemNameOf(line)) !== nameKey(codeName)) problems.push(`${label} is on item ${JSON.stringify(itemNameOf(line))}, not ${JSON.stringify(codeName)}`)
    const qty = num(detail["Qty"])
    const unitPrice = num(detail["UnitPrice"])
    const exact = quantity !== 0 && Math.round(quantity * rate * 100) === Math.round(amount * 100)
    const derived = quantity !== 0 && same(qty, quantity) && Math.round(qty * unitPrice * 100) === Math.round(amount * 100) && same(unitPrice, Math.round(unitPrice * 1e5) / 1e5)
    const ok = exact ? same(qty, quantity) && same(unitPrice, rate) : derived || (same(qty, 1) && same(unitPrice, amount))
    if (!ok) problems.push(`${label} has quantity ${String(detail["Qty"])} × rate ${String(detail["UnitPrice"])}`)
  }
  return problems
}

/** Violations per kind, for summaries. */
export const countViolations = (violations: ReadonlyArray<Violation>): Record<string, number> => {
  const counts: Record<string, number> = {}
  for (const violation of violations) counts[violation.kind] = (counts[violation.kind] ?? 0) + 1
  return counts
}
