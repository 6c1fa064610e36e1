/**
 * What a chaos round varies besides the faults (seeded, so a round can be replayed): how long
 * QBO remembers request ids (down to 0: nothing may depend on replay), negative invoices as
 * credit memos, Autotask numbering, e-mail on create, invoices voided in Autotask, QBO payments
 * that set Autotask paid dates, and response faults (truncated or garbled bodies, hangs). Each
 * variant changes the generated dataset, the configuration and what the invariants expect.
 */
import { readFile, writeFile } from "node:fs/promises"
import { join } from "node:path"
import type { QboSimOptionsInput } from "../src/sandbox/qbo/index.ts"
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
}

export const PREFIX = "AT-"

export const pickVariant = (random: Random, meta: DatasetMeta): RoundVariant => {
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
      : { truncatedBodyRate: 0, garbledBodyRate: 0, hangRate: 0 }
  }
}

export const describeVariant = (variant: RoundVariant): string =>
  [
    `requestids ${variant.requestIdRetentionSeconds === null ? "kept" : `kept ${variant.requestIdRetentionSeconds} s`}`,
    variant.creditMemos ? "credit memos" : undefined,
    variant.numbering === "autotask" ? "Autotask numbering" : undefined,
    variant.emailOnCreate ? "e-mail" : undefined,
    variant.voidedIds.length > 0 ? `${variant.voidedIds.length} voids` : undefined,
    variant.paidIds.length > 0 ? `${variant.paidIds.length} payments` : undefined,
    variant.responseFaults.hangRate > 0 ? "bad bodies and hangs" : undefined
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

/** Voids, payments and QBO preferences in the generated dataset. */
export const applyVariant = async (variant: RoundVariant, meta: DatasetMeta, now = new Date()): Promise<void> => {
  const yesterday = new Date(now.getTime() - 86_400_000).toISOString().slice(0, 19)
  const invoicesPath = join(meta.dir, "autotask", "Invoices.json")
  const invoices = await readRows(invoicesPath)
  for (const invoice of invoices) {
    if (variant.voidedIds.includes(Number(invoice["id"]))) Object.assign(invoice, { isVoided: true, voidedDate: yesterday })
  }
  await writeFile(invoicesPath, JSON.stringify(invoices))

  const documents = await readRows(join(meta.dir, "qbo", "Invoice.json"))
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
  if (payments.length > 0) await writeFile(join(meta.dir, "qbo", "Payment.json"), JSON.stringify(payments))
  if (variant.numbering === "autotask") {
    await writeFile(join(meta.dir, "qbo", "Preferences.json"), JSON.stringify({ SalesFormsPrefs: { CustomTxnNumbers: true } }))
  }
}

/** What the invariants expect of a round with this variant. */
export const expectationOf = (variant: RoundVariant, meta: DatasetMeta): Expectation => ({
  eligibleIds: variant.creditMemos ? [...meta.eligibleIds, ...meta.rejectedIds] : meta.eligibleIds,
  rejectedIds: variant.creditMemos ? [] : meta.rejectedIds,
  historyIds: meta.historyIds.filter((id) => !variant.voidedIds.includes(id)),
  voidedIds: variant.voidedIds,
  paidIds: variant.paidIds,
  numbering: { mode: variant.numbering, prefix: variant.numbering === "autotask" ? PREFIX : "" }
})
