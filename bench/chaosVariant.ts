/**
 * What a chaos round varies besides the faults (seeded, so a round can be replayed): how long
 * QBO remembers request ids (down to 0: nothing may depend on replay), negative invoices as
 * credit memos, Autotask numbering, e-mail on create, invoices voided in Autotask, QBO payments
 * that set Autotask paid dates, response faults (truncated or garbled bodies, hangs), and one
 * or two QBO companies (two realms of one simulator, part of the Autotask companies routed to
 * the second by `connections:`). Each variant changes the generated dataset, the configuration
 * and what the invariants expect.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { DEFAULT_REALM_ID } from "../src/sandbox/qbo/defaults.ts"
import type { QboSimOptionsInput } from "../src/sandbox/qbo/index.ts"
import type { BenchCompany } from "./config.ts"
import type { DatasetMeta } from "./generate.ts"
import type { Expectation } from "./invariants.ts"
import type { Random } from "./random.ts"

export interface RoundVariant {
  /** QBO's requestid memory in simulated seconds (null: forever). */
  readonly requestIdRetentionSeconds: number | null
  readonly creditMemos: boolean
  readonly numbering: "qbo" | "autotask"
  readonly emailOnCreate: boolean
  /** History invoices voided in Autotask (their QBO documents must end voided). */
  readonly voidedIds: ReadonlyArray<number>
  /** History invoices whose QBO documents get paid in full (their Autotask paid date must be set). */
  readonly paidIds: ReadonlyArray<number>
  /** Truncated / garbled 200 bodies and hung answers, per request. */
  readonly responseFaults: { readonly truncatedBodyRate: number; readonly garbledBodyRate: number; readonly hangRate: number }
  /**
   * The QBO companies, one connection each: one (the dataset's), or two, the first the default
   * and the second taking the Autotask companies it lists (with their QBO customers and history).
   */
  readonly qboCompanies: ReadonlyArray<BenchCompany>
}

export const PREFIX = "AT-"

/** The second QBO company of a two-company round: `qbo/<realmId>/` in the dataset. */
export const SECOND_REALM_ID = "9341453129584573"

/** Share of rounds with two QBO companies, unless the run says otherwise. */
export const TWO_COMPANY_SHARE = 0.3

const ONE_COMPANY: ReadonlyArray<BenchCompany> = [{ realmId: DEFAULT_REALM_ID }]

/** Two companies: a seeded part of the Autotask companies (at least one, never all) goes to the second. */
const twoCompanies = (random: Random, meta: DatasetMeta): ReadonlyArray<BenchCompany> => {
  const routed = random.shuffle(meta.companyIds).slice(0, random.int(1, Math.max(1, meta.companyIds.length - 1)))
  return [
    { name: "main", realmId: DEFAULT_REALM_ID },
    { name: "second", realmId: SECOND_REALM_ID, autotaskCompanyIds: routed.sort((a, b) => a - b) }
  ]
}

export const pickVariant = (random: Random, meta: DatasetMeta, twoCompanyShare = TWO_COMPANY_SHARE): RoundVariant => {
  const numbering = random.chance(0.3) ? "autotask" : "qbo"
  const history = [...meta.historyIds]
  const take = (count: number) => Array.from({ length: Math.min(count, history.length) }, () => history.splice(random.int(0, history.length - 1), 1)[0]!)
  return {
    requestIdRetentionSeconds: random.pick([null, 600, 0]),
    creditMemos: random.chance(0.5),
    numbering,
    emailOnCreate: random.chance(0.3),
    // Voided history is found by its number, which only `qbo` numbering keeps as the DocNumber.
    voidedIds: numbering === "qbo" ? take(random.int(0, 3)) : [],
    paidIds: take(random.int(0, 3)),
    responseFaults: random.chance(0.5)
      ? { truncatedBodyRate: 0.005, garbledBodyRate: 0.005, hangRate: 0.005 }
      : { truncatedBodyRate: 0, garbledBodyRate: 0, hangRate: 0 },
    qboCompanies: random.chance(twoCompanyShare) ? twoCompanies(random, meta) : ONE_COMPANY
  }
}

/** "two QBO companies (7 Autotask companies routed to the second)", or nothing for one. */
const describeCompanies = (companies: ReadonlyArray<BenchCompany>): string | undefined => {
  const routed = companies.flatMap((company) => company.autotaskCompanyIds ?? []).length
  return companies.length < 2 ? undefined : `two QBO companies (${routed} Autotask companies routed to the second)`
}

export const describeVariant = (variant: RoundVariant): string =>
  [
    `requestids ${variant.requestIdRetentionSeconds === null ? "kept" : `kept ${variant.requestIdRetentionSeconds} s`}`,
    variant.creditMemos ? "credit memos" : undefined,
    variant.numbering === "autotask" ? "Autotask numbering" : undefined,
    variant.emailOnCreate ? "e-mail" : undefined,
    variant.voidedIds.length > 0 ? `${variant.voidedIds.length} voids` : undefined,
    variant.paidIds.length > 0 ? `${variant.paidIds.length} payments` : undefined,
    variant.responseFaults.hangRate > 0 ? "bad bodies and hangs" : undefined,
    describeCompanies(variant.qboCompanies)
  ].filter((part) => part !== undefined).join(", ")

export const qboOptionsOf = (variant: RoundVariant): QboSimOptionsInput => ({
  requestIdRetentionSeconds: variant.requestIdRetentionSeconds,
  faults: { ...variant.responseFaults, hangMs: 3000 }
})

/** Lines under `sync:` in atqbo.yaml. */
export const syncLines = (variant: RoundVariant): ReadonlyArray<string> => [
  ...(variant.numbering === "autotask" ? ["  numbering:", "    mode: autotask", `    prefix: "${PREFIX}"`] : []),
  `  negativeInvoices: ${variant.creditMemos ? "credit-memo" : "reject"}`,
  "  voids:",
  "    sync: true",
  "  email:",
  `    onCreate: ${variant.emailOnCreate}`
]

type Row = Record<string, unknown>

const readRows = async (path: string): Promise<Array<Row>> => {
  try {
    return JSON.parse(await readFile(path, "utf8")) as Array<Row>
  } catch {
    return []
  }
}

/** A QBO company's directory in the dataset: the top level is the default realm, any other `qbo/<realmId>/`. */
const qboDirOf = (meta: DatasetMeta, company: BenchCompany): string =>
  company.realmId === DEFAULT_REALM_ID ? join(meta.dir, "qbo") : join(meta.dir, "qbo", company.realmId)

const writeRows = (path: string, rows: ReadonlyArray<Row>) => writeFile(path, JSON.stringify(rows))

const voidInvoices = async (variant: RoundVariant, meta: DatasetMeta, now: Date): Promise<void> => {
  const yesterday = new Date(now.getTime() - 86_400_000).toISOString().slice(0, 19)
  const invoicesPath = join(meta.dir, "autotask", "Invoices.json")
  const invoices = await readRows(invoicesPath)
  for (const invoice of invoices) {
    if (variant.voidedIds.includes(Number(invoice["id"]))) Object.assign(invoice, { isVoided: true, voidedDate: yesterday })
  }
  await writeRows(invoicesPath, invoices)
}

/**
 * Moves what belongs to a routed company's Autotask companies out of the generated (default)
 * QBO company into its own: their customers and the history documents booked to them. Both
 * companies sell the same services, so each has the items.
 */
const splitCompany = async (meta: DatasetMeta, company: BenchCompany): Promise<void> => {
  const routed = new Set(company.autotaskCompanyIds ?? [])
  const names = new Set((await readRows(join(meta.dir, "autotask", "Companies.json"))).filter((row) => routed.has(Number(row["id"]))).map((row) => String(row["companyName"])))
  const from = join(meta.dir, "qbo")
  const to = qboDirOf(meta, company)
  await mkdir(to, { recursive: true })
  const customers = await readRows(join(from, "Customer.json"))
  const moved = new Set(customers.filter((customer) => names.has(String(customer["DisplayName"]))).map((customer) => String(customer["Id"])))
  const documents = await readRows(join(from, "Invoice.json"))
  const items = await readRows(join(from, "Item.json"))
  const isMoved = (doc: Row) => moved.has(String((doc["CustomerRef"] as { value?: unknown } | undefined)?.value))
  await Promise.all([
    writeRows(join(from, "Customer.json"), customers.filter((customer) => !moved.has(String(customer["Id"])))),
    writeRows(join(to, "Customer.json"), customers.filter((customer) => moved.has(String(customer["Id"])))),
    writeRows(join(from, "Invoice.json"), documents.filter((doc) => !isMoved(doc))),
    writeRows(join(to, "Invoice.json"), documents.filter(isMoved)),
    writeRows(join(to, "Item.json"), items)
  ])
}

/** Payments in full of the paid history documents this company holds. */
const payDocuments = async (variant: RoundVariant, dir: string, now: Date): Promise<void> => {
  const documents = await readRows(join(dir, "Invoice.json"))
  const payments = variant.paidIds.flatMap((id, index) => {
    const doc = documents.find((candidate) => String(candidate["PrivateNote"] ?? "").includes(`[atqbo:autotask-invoice=${id}]`))
    if (doc === undefined) return []
    // In cents: the payment must equal the document's total exactly to pay it in full.
    const cents = (doc["Line"] as ReadonlyArray<Row>).reduce((sum, line) => sum + Math.round(Number(line["Amount"]) * 100), 0)
    const total = cents / 100
    return [{
      Id: String(90_000 + index),
      TxnDate: now.toISOString().slice(0, 10),
      CustomerRef: doc["CustomerRef"],
      TotalAmt: total,
      Line: [{ Amount: total, LinkedTxn: [{ TxnId: doc["Id"], TxnType: "Invoice" }] }]
    }]
  })
  if (payments.length > 0) await writeRows(join(dir, "Payment.json"), payments)
}

/** Voids, the second QBO company, payments and QBO preferences in the generated dataset. */
export const applyVariant = async (variant: RoundVariant, meta: DatasetMeta, now = new Date()): Promise<void> => {
  await voidInvoices(variant, meta, now)
  for (const company of variant.qboCompanies) if (company.autotaskCompanyIds !== undefined) await splitCompany(meta, company)
  for (const company of variant.qboCompanies) {
    const dir = qboDirOf(meta, company)
    await payDocuments(variant, dir, now)
    if (variant.numbering === "autotask") {
      await writeFile(join(dir, "Preferences.json"), JSON.stringify({ SalesFormsPrefs: { CustomTxnNumbers: true } }))
    }
  }
}

/** What the invariants expect of a round with this variant. */
export const expectationOf = (variant: RoundVariant, meta: DatasetMeta): Expectation => ({
  eligibleIds: variant.creditMemos ? [...meta.eligibleIds, ...meta.rejectedIds] : meta.eligibleIds,
  rejectedIds: variant.creditMemos ? [] : meta.rejectedIds,
  historyIds: meta.historyIds.filter((id) => !variant.voidedIds.includes(id)),
  voidedIds: variant.voidedIds,
  paidIds: variant.paidIds,
  numbering: { mode: variant.numbering, prefix: variant.numbering === "autotask" ? PREFIX : "" },
  qboCompanies: variant.qboCompanies
})
