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
 *
 * With several QBO companies (`connections:`), each invoice's document is looked for in the
 * company its Autotask company routes to, and every check above holds there; a live document
 * of it in any other company is a violation too (`wrong-company`). Customers, items and
 * unknown markers are checked per company.
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
    | "wrong-company"
  readonly message: string
}

/** A QBO company of the world and the Autotask companies booked there. */
export interface ExpectedCompany {
  readonly realmId: string
  /** Absent: the default company, which takes every Autotask company no other one lists. */
  readonly autotaskCompanyIds?: ReadonlyArray<number>
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
  /** The QBO companies invoices are routed to (absent: the world's one company takes them all). */
  readonly qboCompanies?: ReadonlyArray<ExpectedCompany>
}

/** The world as the checker needs it; `Sandbox` satisfies it. */
export type World = Pick<Sandbox, "autotask" | "qbo" | "realmId">

const nameKey = (name: unknown): string => String(name ?? "").normalize("NFC").trim().toLocaleLowerCase("en-US")
const cents = (value: unknown): number => Math.round(Number(value ?? 0) * 100)
const blank = (value: unknown): boolean => value === null || value === undefined || String(value).trim() === ""

type Doc = Readonly<Record<string, unknown>>

type Owned = { readonly entity: string; readonly doc: Doc }

/** One QBO company's documents by the Autotask invoice their marker names, customers and items. */
interface CompanyView {
  readonly realmId: string
  /** Live documents (voided ones left out). */
  readonly owned: ReadonlyMap<number, ReadonlyArray<Owned>>
  /** Voided ones included. */
  readonly all: ReadonlyMap<number, ReadonlyArray<Doc>>
  readonly customers: ReadonlyMap<string, Doc>
  readonly items: ReadonlyMap<string, Doc>
}

const push = <K, V>(map: Map<K, Array<V>>, key: K, value: V) => map.set(key, [...(map.get(key) ?? []), value])

const viewOf = (world: World, realmId: string): CompanyView => {
  const realm = world.qbo.store(realmId)
  const owned = new Map<number, Array<Owned>>()
  const all = new Map<number, Array<Doc>>()
  for (const entity of ["Invoice", "CreditMemo"] as const) {
    for (const doc of realm.list(entity)) {
      const owner = ownerOf(doc["PrivateNote"] as string | undefined)
      if (owner === undefined) continue
      push(all, owner, doc)
      if (!isVoided(doc)) push(owned, owner, { entity, doc })
    }
  }
  return {
    realmId,
    owned,
    all,
    customers: new Map(realm.list("Customer").map((customer) => [String(customer["Id"]), customer])),
    items: new Map(realm.list("Item").map((item) => [String(item["Id"]), item]))
  }
}

/** Which company an Autotask invoice belongs in: the one listing its Autotask company, else the default. */
const routerOf = (views: ReadonlyArray<CompanyView>, companies: ReadonlyArray<ExpectedCompany>, world: World) => (invoiceId: number): CompanyView => {
  const companyId = Number(world.autotask.store.get("Invoices", invoiceId)?.["companyID"])
  const company = companies.find((candidate) => candidate.autotaskCompanyIds?.includes(companyId)) ?? companies.find((candidate) => candidate.autotaskCompanyIds === undefined) ?? companies[0]!
  return views.find((view) => view.realmId === company.realmId)!
}

const labelOf = (docs: ReadonlyArray<Owned>): string => docs.map(({ entity, doc }) => `${entity} ${String(doc["Id"])}`).join(", ")

export const checkInvariants = (world: World, expected: Expectation): Array<Violation> => {
  const violations: Array<Violation> = []
  const add = (kind: Violation["kind"], message: string) => violations.push({ kind, message })
  const companies = expected.qboCompanies ?? [{ realmId: world.realmId }]
  const views = companies.map((company) => viewOf(world, company.realmId))
  const homeOf = routerOf(views, companies, world)
  const autotask = world.autotask.store

  const codes = new Map(autotask.all("BillingCodes").map((code) => [Number(code["id"]), code]))
  const billingItems = new Map<number, Array<Doc>>()
  for (const item of autotask.all("BillingItems")) push(billingItems, Number(item["invoiceID"]), item)

  for (const id of expected.eligibleIds) {
    const home = homeOf(id)
    const docs = home.owned.get(id) ?? []
    if (docs.length === 0) {
      add("missing-document", `Autotask invoice ${id} has no QBO document${views.length > 1 ? ` in QBO company ${home.realmId}` : ""}`)
      continue
    }
    if (docs.length > 1) {
      add("duplicate-document", `Autotask invoice ${id} has ${docs.length} QBO documents: ${labelOf(docs)}`)
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
      for (const problem of lineProblems(sources, lines, (line) => home.items.get(String((detailOf(line)["ItemRef"] as { value?: unknown } | undefined)?.value))?.["Name"], (code) => codes.get(code)?.["name"])) {
        add("line-content", `Autotask invoice ${id}, QBO ${entity} ${String(doc["Id"])}: ${problem}`)
      }
    }
    const company = autotask.get("Companies", Number(invoice["companyID"]))
    const customerRef = (doc["CustomerRef"] as { value?: unknown } | undefined)?.value
    const customer = home.customers.get(String(customerRef))
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
    const docs = views.flatMap((view) => view.owned.get(id) ?? [])
    if (docs.length > 0) add("rejected-has-document", `rejected Autotask invoice ${id} has QBO documents: ${labelOf(docs)}`)
    const invoice = autotask.get("Invoices", id)
    if (invoice !== undefined && !blank(invoice["webServiceDate"])) add("rejected-written-back", `rejected Autotask invoice ${id} was marked synced (webServiceDate ${String(invoice["webServiceDate"])})`)
  }

  for (const id of expected.voidedIds ?? []) {
    const docs = homeOf(id).all.get(id) ?? []
    if (docs.length !== 1 || !isVoided(docs[0]!)) add("not-voided", `Autotask invoice ${id} was voided, but QBO holds ${docs.length} documents for it${docs.length === 1 ? ", not voided" : ""}`)
  }
  for (const id of expected.paidIds ?? []) {
    if (blank(autotask.get("Invoices", id)?.["paidDate"])) add("paid-date", `Autotask invoice ${id} was paid in QBO but has no paid date`)
  }

  for (const id of expected.historyIds ?? []) {
    const count = homeOf(id).owned.get(id)?.length ?? 0
    if (count !== 1) add(count === 0 ? "missing-document" : "duplicate-document", `history invoice ${id} has ${count} QBO documents (expected 1, untouched)`)
  }
  // A live document in a company the invoice does not route to (never booked twice across companies).
  for (const id of [...expected.eligibleIds, ...(expected.historyIds ?? []), ...(expected.voidedIds ?? [])]) {
    const home = homeOf(id)
    for (const view of views) {
      const docs = view === home ? [] : (view.owned.get(id) ?? [])
      if (docs.length > 0) add("wrong-company", `Autotask invoice ${id} routes to QBO company ${home.realmId}, but QBO company ${view.realmId} holds ${labelOf(docs)} for it`)
    }
  }

  const known = new Set([...expected.eligibleIds, ...expected.rejectedIds, ...(expected.historyIds ?? []), ...(expected.voidedIds ?? [])])
  const duplicates = (view: CompanyView, rows: ReadonlyMap<string, Doc>, field: string, kind: "duplicate-customer" | "duplicate-item") => {
    const seen = new Map<string, Array<string>>()
    for (const row of rows.values()) push(seen, nameKey(row[field]), String(row["Id"]))
    for (const [name, ids] of seen) if (ids.length > 1) add(kind, `${ids.length} QBO ${kind === "duplicate-customer" ? "customers" : "items"} named "${name}" (Ids ${ids.join(", ")})${views.length > 1 ? ` in QBO company ${view.realmId}` : ""}`)
  }
  for (const view of views) {
    for (const [id, docs] of view.owned) {
      if (!known.has(id)) add("foreign-document", `QBO documents ${docs.map(({ doc }) => String(doc["Id"])).join(", ")} carry the marker of unknown Autotask invoice ${id}`)
    }
    duplicates(view, view.customers, "DisplayName", "duplicate-customer")
    duplicates(view, view.items, "Name", "duplicate-item")
  }
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
