/**
 * Bench and chaos dataset generator: a SPEC §7 dataset directory (Autotask entities as the
 * REST API returns them, QBO entities as QBO returns them) for an MSP of a given size, with
 * invoice dates inside the default 14-day window (UTC) and a realistic mix:
 *
 * - most Autotask companies already exist as QBO customers; the rest become `+ customer`;
 * - most billing codes exist as QBO items; the rest become `+ item`;
 * - a few invoices are negative (credit) and are rejected under the default policy;
 * - payment terms that match QBO's, PO numbers and comments on some invoices;
 * - optional history: synced invoices older than the window, in both systems, which a plan
 *   must not read (SPEC §8: memory proportional to the window, not to the ledger).
 *
 * Run directly to write one: `node --experimental-strip-types bench/generate.ts --invoices 500 --out DIR`.
 */
import { mkdir, mkdtemp, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { ownershipMarker } from "../src/reconcile/marker.ts"
import { seededRandom } from "./random.ts"

export interface GenerateOptions {
  /** Autotask invoices dated inside the window. */
  readonly invoices: number
  /** Billing items of those invoices (at least one per invoice). */
  readonly items: number
  readonly companies: number
  readonly codes: number
  readonly seed: number
  /** Synced invoices older than the window (one billing item each), in both systems. */
  readonly history: number
  /** Share of companies with no QBO customer yet (→ `+ customer`). */
  readonly newCompanyShare: number
  /** Share of billing codes with no QBO item yet (→ `+ item`). */
  readonly missingCodeShare: number
  /** Share of window invoices with a negative total (→ rejected). */
  readonly negativeShare: number
  /** QBO customers and items that no Autotask company or code refers to. */
  readonly extraQboCustomers: number
  readonly extraQboItems: number
  /** Write here instead of a new temp directory. */
  readonly dir?: string
  /** Extra lines for sandbox.yaml (simulator options). */
  readonly sandboxYaml?: string
}

export const DEFAULT_GENERATE_OPTIONS: GenerateOptions = {
  invoices: 2000,
  items: 10_000,
  companies: 300,
  codes: 60,
  seed: 42,
  history: 2000,
  newCompanyShare: 0.1,
  missingCodeShare: 0.1,
  negativeShare: 0.01,
  extraQboCustomers: 100,
  extraQboItems: 20
}

/** What the generator made, for invariant checks and the minimum-request formulas. */
export interface DatasetMeta {
  readonly dir: string
  readonly options: Omit<GenerateOptions, "dir" | "sandboxYaml">
  /** Window invoices with a non-negative total: each must end with exactly one QBO document. */
  readonly eligibleIds: ReadonlyArray<number>
  /** Window invoices with a negative total: rejected, never a QBO document. */
  readonly rejectedIds: ReadonlyArray<number>
  /** Synced invoices older than the window. */
  readonly historyIds: ReadonlyArray<number>
  /** Every Autotask company (ids), for routing them to QBO companies. */
  readonly companyIds: ReadonlyArray<number>
  readonly windowBillingItems: number
  /** Distinct companies / billing codes / payment terms the window invoices use. */
  readonly windowCompanies: number
  readonly windowCodes: number
  readonly windowTerms: number
  /** Companies and codes of eligible invoices that QBO lacks (→ creates). */
  readonly newCustomers: number
  readonly newItems: number
  readonly qboCustomers: number
  readonly qboItems: number
  readonly qboHistoryDocuments: number
}

const DAY_MS = 86_400_000
/** A calendar date (UTC) `days` before now. */
export const daysAgo = (days: number, now = Date.now()): string => new Date(now - days * DAY_MS).toISOString().slice(0, 10)

const PREFIXES = [
  "Acme", "Blue Harbor", "Northwind", "Summit", "Pioneer", "Riverside", "Oakridge", "Cedar Point", "Granite", "Lakeside",
  "Evergreen", "Silverline", "Redwood", "Maple Grove", "Sterling", "Atlas", "Beacon", "Crescent", "Horizon", "O'Connor",
  "St. Mary's", "Bayview", "Copper Creek", "Fairfield", "Ironwood", "Juniper", "Kingsley", "Larkspur", "Meridian", "Westbrook"
]
const KINDS = [
  "Dental", "Legal", "Accounting", "Logistics", "Medical", "Realty", "Construction", "Insurance", "Consulting",
  "Manufacturing", "Veterinary", "Architects", "Pharmacy", "Engineering", "Wealth Management", "Auto Repair"
]
const SUFFIXES = ["LLC", "Inc.", "Ltd", "& Sons", "Group", "Partners", "Co.", "PLLC"]
const SERVICES = [
  "Managed Services", "Backup Monitoring", "Remote Support", "Onsite Labor", "Microsoft 365 Business Premium",
  "Firewall Subscription", "Endpoint Protection", "Project Labor", "After Hours Support", "Hardware", "Email Security",
  "Domain Renewal", "VoIP Seat", "Server Monitoring", "Network Audit", "Security Awareness Training", "Dark Web Monitoring",
  "Cloud Backup 1TB", "Printer Support", "Wi-Fi Management"
]
const TIERS = ["", " - Tier 1", " - Tier 2", " - Tier 3", " (Annual)", " (Monthly)"]
const QUANTITIES = [1, 1, 1, 1, 2, 3, 4, 5, 8, 10, 12, 25, 0.5, 1.5, 2.25, 0.75]
const TERMS = [
  { id: 1, name: "Net 30", isActive: true, paymentDueInDays: 30 },
  { id: 2, name: "Net 15", isActive: true, paymentDueInDays: 15 },
  { id: 3, name: "Due on Receipt", isActive: true, paymentDueInDays: 0 }
]

const uniqueNames = (count: number, make: (index: number) => string): Array<string> => {
  const seen = new Set<string>()
  const names: Array<string> = []
  for (let index = 0; names.length < count; index++) {
    let name = make(index)
    for (let n = 2; seen.has(name.toLowerCase()); n++) name = `${make(index)} ${n}`
    seen.add(name.toLowerCase())
    names.push(name)
  }
  return names
}

const money = (cents: number): number => Number((cents / 100).toFixed(2))

export const generateDataset = async (input: Partial<GenerateOptions> = {}): Promise<DatasetMeta> => {
  const options: GenerateOptions = { ...DEFAULT_GENERATE_OPTIONS, ...input }
  if (options.items < options.invoices) throw new Error(`--items (${options.items}) must be at least --invoices (${options.invoices})`)
  const random = seededRandom(options.seed)
  const now = Date.now()

  // Companies and their QBO customers (most exist already).
  const companyNames = uniqueNames(options.companies + options.extraQboCustomers, () =>
    `${random.pick(PREFIXES)} ${random.pick(KINDS)} ${random.pick(SUFFIXES)}`)
  const companies = companyNames.slice(0, options.companies).map((companyName, index) => ({
    id: 29_683_000 + index,
    companyName,
    companyNumber: `C${1000 + index}`,
    isActive: true,
    companyType: 1,
    phone: `(555) ${String(100 + (index % 900)).padStart(3, "0")}-${String(1000 + index).slice(-4)}`,
    address1: `${100 + index} Main Street`,
    address2: null,
    city: random.pick(["Springfield", "Riverton", "Fairview", "Madison", "Georgetown"]),
    state: random.pick(["IL", "TX", "CA", "NY", "WA", "FL"]),
    postalCode: String(10_000 + index * 7).slice(0, 5)
  }))
  const newCompany = new Set(random.shuffle(companies.map((company) => company.id)).slice(0, Math.round(options.companies * options.newCompanyShare)))
  const qboCustomers: Array<Record<string, unknown>> = []
  const customerIdOf = new Map<number, string>()
  for (const company of companies) {
    if (newCompany.has(company.id)) continue
    const Id = String(100 + qboCustomers.length)
    customerIdOf.set(company.id, Id)
    qboCustomers.push({ Id, SyncToken: "0", DisplayName: company.companyName, CompanyName: company.companyName, Active: true })
  }
  for (const name of companyNames.slice(options.companies)) {
    qboCustomers.push({ Id: String(100 + qboCustomers.length), SyncToken: "0", DisplayName: name, Active: true })
  }

  // Billing codes and their QBO items (most exist already).
  const codeNames = uniqueNames(options.codes + options.extraQboItems, () => `${random.pick(SERVICES)}${random.pick(TIERS)}`)
  const codes = codeNames.slice(0, options.codes).map((name, index) => ({
    id: 29_682_800 + index,
    name,
    externalNumber: `SKU-${String(index + 1).padStart(4, "0")}`,
    description: `${name} (billing code)`,
    isActive: true,
    billingCodeType: 0,
    unitPrice: null
  }))
  const missingCode = new Set(random.shuffle(codes.map((code) => code.id)).slice(0, Math.round(options.codes * options.missingCodeShare)))
  const qboItems: Array<Record<string, unknown>> = []
  const itemOf = new Map<number, Record<string, unknown>>()
  for (const code of codes) {
    if (missingCode.has(code.id)) continue
    const item = { Id: String(100 + qboItems.length), SyncToken: "0", Name: code.name, Type: "Service", Active: true, IncomeAccountRef: { value: "1", name: "Services" } }
    itemOf.set(code.id, item)
    qboItems.push(item)
  }
  for (const name of codeNames.slice(options.codes)) {
    qboItems.push({ Id: String(100 + qboItems.length), SyncToken: "0", Name: name, Type: "Service", Active: true, IncomeAccountRef: { value: "1", name: "Services" } })
  }

  // Window invoices: at least one line each, the rest spread at random.
  const lineCounts = Array.from({ length: options.invoices }, () => 1)
  for (let extra = options.items - options.invoices; extra > 0; extra--) {
    const index = random.int(0, options.invoices - 1)
    lineCounts[index] = lineCounts[index]! + 1
  }
  const negative = new Set(random.shuffle(Array.from({ length: options.invoices }, (_, index) => index)).slice(0, Math.round(options.invoices * options.negativeShare)))
  const invoices: Array<Record<string, unknown>> = []
  const billingItems: Array<Record<string, unknown>> = []
  const eligibleIds: Array<number> = []
  const rejectedIds: Array<number> = []
  const windowCompanies = new Set<number>()
  const windowCodes = new Set<number>()
  const windowTerms = new Set<number>()
  const neededCustomers = new Set<number>()
  const neededItems = new Set<number>()
  let billingItemId = 40_000_000
  for (let index = 0; index < options.invoices; index++) {
    const id = 30_000_000 + index
    // Dates 0–12 days ago: inside the 14-day window even if the day turns during a run.
    const date = daysAgo(random.int(0, 12), now)
    const company = random.pick(companies)
    const sign = negative.has(index) ? -1 : 1
    const term = random.chance(0.85) ? random.pick(TERMS).id : null
    let totalCents = 0
    for (let line = 0; line < lineCounts[index]!; line++) {
      const code = random.pick(codes)
      const quantity = random.pick(QUANTITIES)
      // Quarter quantities times rates in multiples of 4 cents stay whole cents.
      const rateCents = random.int(125, 25_000) * 4 * sign
      const cents = Math.round(quantity * rateCents)
      totalCents += cents
      windowCodes.add(code.id)
      if (sign > 0 && missingCode.has(code.id)) neededItems.add(code.id)
      billingItems.push({
        id: billingItemId++,
        invoiceID: id,
        companyID: company.id,
        billingCodeID: code.id,
        billingItemType: 1,
        subType: null,
        itemName: code.name,
        description: `${code.name} — ${date.slice(0, 7)}`,
        itemDate: `${date}T00:00:00`,
        quantity,
        rate: money(rateCents),
        extendedPrice: money(cents),
        taxDollars: 0,
        totalAmount: money(cents),
        sortOrderID: line + 1,
        nonBillable: 0,
        webServiceDate: null
      })
    }
    if (term !== null) windowTerms.add(term)
    windowCompanies.add(company.id)
    if (sign > 0 && newCompany.has(company.id)) neededCustomers.add(company.id)
    ;(sign > 0 ? eligibleIds : rejectedIds).push(id)
    invoices.push({
      id,
      companyID: company.id,
      batchID: 1,
      createDateTime: `${date}T06:00:00Z`,
      invoiceDateTime: `${date}T00:00:00`,
      fromDate: `${date}T00:00:00`,
      toDate: `${date}T00:00:00`,
      dueDate: `${date}T00:00:00`,
      invoiceNumber: null,
      invoiceTotal: money(totalCents),
      totalTaxValue: 0,
      isVoided: false,
      voidedDate: null,
      orderNumber: random.chance(0.3) ? `PO-${random.int(1000, 99_999)}` : "",
      comments: random.chance(0.2) ? "Thank you for your business." : null,
      paymentTerm: term,
      paidDate: null,
      webServiceDate: null,
      taxGroup: null,
      taxRegionName: null,
      invoiceEditorTemplateID: 1
    })
  }

  // History: synced long ago, in both systems, outside the window.
  const historyIds: Array<number> = []
  const qboInvoices: Array<Record<string, unknown>> = []
  const knownCompanies = companies.filter((company) => customerIdOf.has(company.id))
  const knownCodes = codes.filter((code) => itemOf.has(code.id))
  for (let index = 0; index < options.history && knownCompanies.length > 0 && knownCodes.length > 0; index++) {
    const id = 20_000_000 + index
    const date = daysAgo(30 + Math.floor((index * 370) / Math.max(1, options.history)), now)
    const company = random.pick(knownCompanies)
    const code = random.pick(knownCodes)
    const cents = random.int(125, 25_000) * 4
    const docNumber = String(5001 + index)
    historyIds.push(id)
    invoices.push({
      id,
      companyID: company.id,
      invoiceDateTime: `${date}T00:00:00`,
      invoiceNumber: docNumber,
      invoiceTotal: money(cents),
      totalTaxValue: 0,
      isVoided: false,
      voidedDate: null,
      orderNumber: "",
      comments: null,
      paymentTerm: 1,
      paidDate: null,
      webServiceDate: `${date}T12:00:00Z`
    })
    billingItems.push({
      id: billingItemId++,
      invoiceID: id,
      companyID: company.id,
      billingCodeID: code.id,
      billingItemType: 1,
      description: code.name,
      itemDate: `${date}T00:00:00`,
      quantity: 1,
      rate: money(cents),
      extendedPrice: money(cents),
      taxDollars: 0,
      webServiceDate: `${date}T12:00:00Z`
    })
    const item = itemOf.get(code.id)!
    qboInvoices.push({
      Id: String(10_000 + index),
      SyncToken: "0",
      DocNumber: docNumber,
      TxnDate: date,
      CustomerRef: { value: customerIdOf.get(company.id)!, name: company.companyName },
      SalesTermRef: { value: "3", name: "Net 30" },
      PrivateNote: `${ownershipMarker(id)} Synced from Autotask invoice ${docNumber} (id ${id}) by atqbo.`,
      Line: [{
        DetailType: "SalesItemLineDetail",
        Amount: money(cents),
        Description: code.name,
        SalesItemLineDetail: { ItemRef: { value: item["Id"], name: item["Name"] }, Qty: 1, UnitPrice: money(cents) }
      }]
    })
  }

  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), "atqbo-bench-")))
  await mkdir(join(dir, "autotask"), { recursive: true })
  await mkdir(join(dir, "qbo"), { recursive: true })
  const write = (path: string, value: unknown) => writeFile(join(dir, path), JSON.stringify(value))
  invoices.sort((a, b) => Number(a["id"]) - Number(b["id"]))
  billingItems.sort((a, b) => Number(a["id"]) - Number(b["id"]))
  await Promise.all([
    write("autotask/Invoices.json", invoices),
    write("autotask/BillingItems.json", billingItems),
    write("autotask/BillingCodes.json", codes),
    write("autotask/Companies.json", companies),
    write("autotask/PaymentTerms.json", TERMS),
    write("qbo/Customer.json", qboCustomers),
    write("qbo/Item.json", qboItems),
    write("qbo/Invoice.json", qboInvoices),
    ...(options.sandboxYaml ? [writeFile(join(dir, "sandbox.yaml"), options.sandboxYaml)] : [])
  ])

  const { dir: _dir, sandboxYaml: _yaml, ...recorded } = options
  return {
    dir,
    options: recorded,
    eligibleIds,
    rejectedIds,
    historyIds,
    companyIds: companies.map((company) => company.id),
    windowBillingItems: options.items,
    windowCompanies: windowCompanies.size,
    windowCodes: windowCodes.size,
    windowTerms: windowTerms.size,
    newCustomers: neededCustomers.size,
    newItems: neededItems.size,
    qboCustomers: qboCustomers.length,
    qboItems: qboItems.length,
    qboHistoryDocuments: qboInvoices.length
  }
}

// ---------------------------------------------------------------------------------------------
// Command line

/** `--name value` flags as numbers/strings; `--flag` alone is `true`. */
export const parseFlags = (argv: ReadonlyArray<string>): Map<string, string | true> => {
  const flags = new Map<string, string | true>()
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!
    if (!arg.startsWith("--")) throw new Error(`unexpected argument "${arg}"`)
    const [name, inline] = arg.slice(2).split("=", 2) as [string, string | undefined]
    const next = argv[index + 1]
    if (inline !== undefined) flags.set(name, inline)
    else if (next !== undefined && !next.startsWith("--")) {
      flags.set(name, next)
      index++
    } else flags.set(name, true)
  }
  return flags
}

export const numberFlag = (flags: Map<string, string | true>, name: string, fallback: number): number => {
  const value = flags.get(name)
  if (value === undefined) return fallback
  const parsed = Number(value)
  if (value === true || !Number.isFinite(parsed) || parsed < 0) throw new Error(`--${name} expects a non-negative number`)
  return parsed
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const flags = parseFlags(process.argv.slice(2))
  const out = flags.get("out")
  const meta = await generateDataset({
    invoices: numberFlag(flags, "invoices", DEFAULT_GENERATE_OPTIONS.invoices),
    items: numberFlag(flags, "items", DEFAULT_GENERATE_OPTIONS.items),
    companies: numberFlag(flags, "companies", DEFAULT_GENERATE_OPTIONS.companies),
    codes: numberFlag(flags, "codes", DEFAULT_GENERATE_OPTIONS.codes),
    history: numberFlag(flags, "history", DEFAULT_GENERATE_OPTIONS.history),
    seed: numberFlag(flags, "seed", DEFAULT_GENERATE_OPTIONS.seed),
    ...(typeof out === "string" ? { dir: out } : {})
  })
  const { eligibleIds, rejectedIds, historyIds, companyIds: _companyIds, ...summary } = meta
  console.log(JSON.stringify({ ...summary, eligible: eligibleIds.length, rejected: rejectedIds.length, history: historyIds.length }, null, 2))
}
