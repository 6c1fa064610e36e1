/**
 * Hostile names — quotes, backslashes, `%`, Unicode quotes and dashes, `:` in item names,
 * 1,000-character names, HTML in names and memo fields — must never break or inject into a
 * QBO query or an Autotask filter. They either round-trip exactly through the simulators
 * (escaped), or the plan rejects the invoice with a reason that says why.
 */
import { Effect } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { AutotaskReader } from "../../src/autotask/AutotaskClient.ts"
import type { AtCompany } from "../../src/autotask/model.ts"
import { layersForSandbox } from "../../src/cli/connect.ts"
import type { Plan } from "../../src/domain/plan.ts"
import type { QboCustomer, QboItem } from "../../src/qbo/model.ts"
import { QboReader } from "../../src/qbo/QboClient.ts"
import { renderPlan } from "../../src/render/index.ts"
import { type Sandbox, startSandbox } from "../../src/sandbox/sandbox.ts"
import { billingCode, billingItem, company, config, invoice } from "../support/fixtures.ts"
import { daysAgo, FAST_RETRY, planAndApply, planIn, writeDataset } from "../support/sandbox.ts"

const LONG = `Long ${"x".repeat(995)}`
/** Legal QBO names that need escaping (or care) in a query. */
const CUSTOMERS = [
  "O'Brien \\ Sons",
  "100% Legit % Co",
  "Smith's \"Best\" Plumbing",
  "Müller – Söhne GmbH",
  "O’Brien “Quoted” Ltd",
  "<script>alert(1)</script> Ltd",
  "Trailing Backslash \\",
  "x' OR DisplayName LIKE '%",
  "Semi; colon & ampersand",
  "Dash—Em – En Co"
]
/** The first of these already exists in QBO: it must be matched, not created again. */
const EXISTING_CUSTOMER = CUSTOMERS[0]!
const ITEMS = ["50% Off \\ Promo", "Tech's \"Special\" Rate", "Spécial – Œuvre ’24", "<b>Bold</b> Support"]
const EXISTING_ITEM = ITEMS[0]!
const MEMO_HTML = "</details><script>alert('memo')</script><img src=x onerror=alert(1)>"
const at = (days: number) => `${daysAgo(days)}T00:00:00`
const cfg = config({ sync: { timeZone: "UTC" } })

let sandbox: Sandbox
let first: { plan: Plan; report: { counts: Record<string, number> } }

beforeAll(async () => {
  const companies = [
    ...CUSTOMERS.map((name, index) => company(index + 1, name)),
    company(50, "Colon: Holdings"),
    company(51, LONG),
    company(52, "Plain Co")
  ]
  const codes = [
    ...ITEMS.map((name, index) => billingCode(index + 10, name)),
    billingCode(30, "Labor: Onsite"),
    billingCode(31, `Item ${"y".repeat(995)}`)
  ]
  // One invoice per company (each with every legal item), plus invoices with an illegal item name.
  const invoices = [
    ...companies.map((row, index) => invoice(100 + index, row.id, 10 * ITEMS.length, { invoiceDateTime: at(2), orderNumber: `PO <${index}>`, comments: MEMO_HTML })),
    invoice(200, 52, 10, { invoiceDateTime: at(2) }),
    invoice(201, 52, 10, { invoiceDateTime: at(2) })
  ]
  let lineId = 1
  const lines = [
    ...companies.flatMap((_row, index) => ITEMS.map((_name, item) => billingItem(lineId++, 100 + index, item + 10, 1, 10, { itemDate: at(2) }))),
    billingItem(lineId++, 200, 30, 1, 10, { itemDate: at(2) }),
    billingItem(lineId++, 201, 31, 1, 10, { itemDate: at(2) })
  ]
  const dir = await writeDataset({
    autotask: { Invoices: invoices, BillingItems: lines, BillingCodes: codes, Companies: companies, PaymentTerms: [] },
    qbo: {
      Customer: [{ Id: "7", SyncToken: "0", DisplayName: EXISTING_CUSTOMER, Active: true }],
      Item: [{ Id: "5", SyncToken: "0", Name: EXISTING_ITEM, Type: "Service", Active: true, IncomeAccountRef: { value: "1" } }]
    }
  })
  sandbox = await startSandbox({ dataDir: dir })
  first = await Effect.runPromise(planAndApply(sandbox, cfg))
})

afterAll(async () => {
  await sandbox?.close()
})

const readers = () => layersForSandbox(sandbox, false, FAST_RETRY)

describe("hostile names", () => {
  it("round-trip exactly through QBO queries: each name finds itself and nothing else", async () => {
    const realm = sandbox.qbo.store(sandbox.realmId)
    const results = await Effect.runPromise(
      Effect.gen(function*() {
        const qbo = yield* QboReader
        const customers = []
        for (const name of CUSTOMERS) customers.push(yield* qbo.queryIn<QboCustomer>("Customer", "DisplayName", [name], "Active IN (true,false)"))
        const items = []
        for (const name of ITEMS) items.push(yield* qbo.queryIn<QboItem>("Item", "Name", [name], "Active IN (true,false)"))
        // An injection attempt that is nobody's name must match nothing, not everything.
        const injected = yield* qbo.queryIn<QboCustomer>("Customer", "DisplayName", ["nobody' OR DisplayName LIKE '%", "%", "\\' OR ''='"])
        const all = yield* qbo.queryIn<QboCustomer>("Customer", "DisplayName", CUSTOMERS)
        return { customers, items, injected, all }
      }).pipe(Effect.provide(readers()))
    )
    results.customers.forEach((rows, index) => expect(rows.map((row) => row.DisplayName)).toEqual([CUSTOMERS[index]]))
    results.items.forEach((rows, index) => expect(rows.map((row) => row.Name)).toEqual([ITEMS[index]]))
    expect(results.injected).toEqual([])
    expect(results.all.map((row) => row.DisplayName).sort()).toEqual([...CUSTOMERS].sort())
    // The names stored in QBO are exactly the Autotask names (nothing escaped twice or mangled).
    expect(realm.list("Customer").map((row) => row["DisplayName"])).toEqual(expect.arrayContaining(CUSTOMERS))
  })

  it("round-trip exactly through Autotask filters", async () => {
    const results = await Effect.runPromise(
      Effect.gen(function*() {
        const autotask = yield* AutotaskReader
        const each = []
        for (const name of CUSTOMERS) each.push(yield* autotask.queryIn<AtCompany>("Companies", "companyName", [name]))
        const injected = yield* autotask.query<AtCompany>("Companies", [{ op: "eq", field: "companyName", value: "x\" OR 1=1 --" }])
        const quoteJson = yield* autotask.query<AtCompany>("Companies", [{ op: "eq", field: "companyName", value: "\"},{\"op\":\"exist\",\"field\":\"id\"}" }])
        const contains = yield* autotask.query<AtCompany>("Companies", [{ op: "contains", field: "companyName", value: "%" }])
        return { each, injected, quoteJson, contains }
      }).pipe(Effect.provide(readers()))
    )
    results.each.forEach((rows, index) => expect(rows.map((row) => row.companyName)).toEqual([CUSTOMERS[index]]))
    expect(results.injected).toEqual([])
    expect(results.quoteJson).toEqual([])
    // `%` is a literal character in Autotask filters, not a wildcard.
    expect(results.contains.map((row) => row.companyName)).toEqual(["100% Legit % Co", "x' OR DisplayName LIKE '%"])
  })

  it("legal names are created once with the exact name; the re-plan finds them (no duplicates)", async () => {
    const realm = sandbox.qbo.store(sandbox.realmId)
    const customers = realm.list("Customer").map((row) => String(row["DisplayName"]))
    const items = realm.list("Item").map((row) => String(row["Name"]))
    for (const name of [...CUSTOMERS, "Plain Co"]) expect(customers.filter((candidate) => candidate === name)).toHaveLength(1)
    for (const name of ITEMS) expect(items.filter((candidate) => candidate === name)).toHaveLength(1)
    const creates = first.plan.actions.filter((action) => action.type === "customer.create").map((action) => action.name)
    expect(creates).not.toContain(EXISTING_CUSTOMER)
    expect(first.plan.actions.filter((action) => action.type === "item.create").map((action) => action.name)).not.toContain(EXISTING_ITEM)
    expect(first.report.counts.failed).toBe(0)

    const again = await Effect.runPromise(planIn(sandbox, cfg))
    expect(again.actions.map((action) => action.type).filter((type) => type !== "invoice.reject")).toEqual([])
  })

  it("names QBO cannot take are rejected with the reason, before any request", () => {
    const reasons = (id: number) => first.plan.actions.find((action) => action.address === `reject:${id}`)?.reasons.join(" ") ?? ""
    const colonCompany = 100 + CUSTOMERS.length
    expect(reasons(colonCompany)).toMatch(/customer name "Colon: Holdings" contains a colon, which QBO does not allow/)
    expect(reasons(colonCompany + 1)).toMatch(/customer name is 1000 characters long; QBO allows at most 500/)
    expect(reasons(200)).toMatch(/item name "Labor: Onsite" contains a colon/)
    expect(reasons(201)).toMatch(/item name is 1000 characters long; QBO allows at most 100/)
    const realm = sandbox.qbo.store(sandbox.realmId)
    expect(realm.list("Customer").map((row) => row["DisplayName"])).not.toContain("Colon: Holdings")
    expect(realm.list("Item").map((row) => String(row["Name"]))).not.toContain("Labor: Onsite")
  })

  it("HTML in memo fields is stored as text in QBO and escaped in the Markdown plan", async () => {
    const realm = sandbox.qbo.store(sandbox.realmId)
    const memos = realm.list("Invoice").map((doc) => (doc["CustomerMemo"] as { value?: string } | undefined)?.value ?? "")
    expect(memos.length).toBeGreaterThan(0)
    for (const memo of memos) expect(memo).toContain(MEMO_HTML)
    const markdown = renderPlan(first.plan, "markdown", { verbose: true })
    expect(markdown).not.toContain("<script>")
    expect(markdown).not.toContain("<img")
    expect(markdown).toContain("&lt;script&gt;alert(1)&lt;/script&gt; Ltd")
  })
})
