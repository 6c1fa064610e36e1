/**
 * Raw probes of the simulator's query language: grammar, operators, escapes, case rules,
 * active-only default, paging, COUNT, empty results and the 4000/4001 faults.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import type { JsonObject, QboSimulator } from "../../src/sandbox/qbo/index.ts"
import { baseRealm, firstError, postQuery, query, REALM, startSim } from "./helpers.ts"

const customers: Array<JsonObject> = [
  ...Array.from({ length: 250 }, (_, i) => ({ Id: String(100 + i), DisplayName: `Client ${String(i).padStart(3, "0")}`, Active: true, Balance: i })),
  { Id: "1", DisplayName: "O'Brien \\ Sons", Active: true, CompanyName: "Smith Co", AcctNum: "77" },
  { Id: "2", DisplayName: "Dormant Co", Active: false },
  { Id: "3", DisplayName: "50% Off", Active: true }
]

describe("QBO simulator: query language", () => {
  let sim: QboSimulator
  beforeAll(async () => {
    sim = await startSim({ [REALM]: baseRealm({ Customer: customers }) })
  })
  afterAll(() => sim.close())

  it("is case-insensitive in keywords, entity and field names", async () => {
    const response = await query(sim, "sElEcT * fRoM cUsToMeR wHeRe dIsPlAyNaMe = 'Client 007'")
    assert.strictEqual(response.status, 200)
    assert.deepStrictEqual(response.json.QueryResponse.Customer.map((c: any) => c.Id), ["107"])
    assert.strictEqual(response.json.QueryResponse.startPosition, 1)
    assert.strictEqual(response.json.QueryResponse.maxResults, 1)
  })

  it("matches string values case-insensitively by default (an option)", async () => {
    assert.strictEqual((await query(sim, "select * from Customer where DisplayName = 'client 007'")).json.QueryResponse.Customer.length, 1)
    const strict = await startSim({ [REALM]: baseRealm({ Customer: customers }) }, { caseInsensitiveQueryValues: false })
    try {
      assert.deepStrictEqual((await query(strict, "select * from Customer where DisplayName = 'client 007'")).json.QueryResponse, {})
    } finally {
      await strict.close()
    }
  })

  it("reads backslash escapes: \\' and \\\\", async () => {
    const response = await query(sim, "select * from Customer where DisplayName = 'O\\'Brien \\\\ Sons'")
    assert.deepStrictEqual(response.json.QueryResponse.Customer.map((c: any) => c.Id), ["1"])
  })

  it("supports IN, LIKE with %, comparisons and AND", async () => {
    const inList = await query(sim, "select * from Customer where Id in ('100', '101', '999')")
    assert.deepStrictEqual(inList.json.QueryResponse.Customer.map((c: any) => c.Id), ["100", "101"])
    const like = await query(sim, "select * from Customer where DisplayName like 'Client 24%'")
    assert.strictEqual(like.json.QueryResponse.Customer.length, 10)
    const percent = await query(sim, "select * from Customer where DisplayName like '%\\% Off'")
    assert.deepStrictEqual(percent.json.QueryResponse.Customer.map((c: any) => c.Id), ["3"])
    const range = await query(sim, "select * from Customer where Balance >= '10' and Balance < 12.5 and DisplayName like 'Client%'")
    assert.deepStrictEqual(range.json.QueryResponse.Customer.map((c: any) => c.Id), ["110", "111", "112"])
    const exact = await query(sim, "select * from Customer where Balance > 248")
    assert.deepStrictEqual(exact.json.QueryResponse.Customer.map((c: any) => c.Id), ["349"])
  })

  it("returns active records only unless Active is filtered", async () => {
    assert.deepStrictEqual((await query(sim, "select * from Customer where DisplayName = 'Dormant Co'")).json.QueryResponse, {})
    const both = await query(sim, "select * from Customer where DisplayName = 'Dormant Co' and Active in (true, false)")
    assert.deepStrictEqual(both.json.QueryResponse.Customer.map((c: any) => c.Id), ["2"])
    const inactive = await query(sim, "select * from Customer where Active = false")
    assert.deepStrictEqual(inactive.json.QueryResponse.Customer.map((c: any) => c.Id), ["2"])
  })

  it("pages: default 100, MAXRESULTS up to 1000, maxResults = rows returned, 1-based STARTPOSITION", async () => {
    const first = await query(sim, "select * from Customer")
    assert.strictEqual(first.json.QueryResponse.Customer.length, 100)
    assert.strictEqual(first.json.QueryResponse.maxResults, 100)
    assert.isFalse("totalCount" in first.json.QueryResponse)
    const all = await query(sim, "select * from Customer maxresults 5000")
    assert.strictEqual(all.json.QueryResponse.Customer.length, 252, "1000 cap not reached; inactive excluded")
    const last = await query(sim, "select * from Customer orderby Id startposition 251 maxresults 1000")
    assert.strictEqual(last.json.QueryResponse.startPosition, 251)
    assert.strictEqual(last.json.QueryResponse.maxResults, 2)
    assert.deepStrictEqual(last.json.QueryResponse.Customer.map((c: any) => c.Id), ["348", "349"])
    const zero = await query(sim, "select * from Customer maxresults 0")
    assert.strictEqual(zero.status, 400)
    assert.strictEqual(firstError(zero).code, "4001")
    assert.strictEqual(firstError(zero).Detail, "QueryValidationError: value 0 is too small. Min allowed value is 1")
  })

  it("caps a page at 1000 rows", async () => {
    const many = await startSim({
      [REALM]: baseRealm({ Item: Array.from({ length: 1005 }, (_, i) => ({ Id: String(i + 1), Name: `Item ${i}`, Type: "NonInventory" })) })
    })
    try {
      const page = await postQuery(many, "SELECT * FROM Item MAXRESULTS 1000")
      assert.strictEqual(page.json.QueryResponse.Item.length, 1000)
      const capped = await postQuery(many, "SELECT * FROM Item STARTPOSITION 1 MAXRESULTS 1001")
      assert.strictEqual(capped.json.QueryResponse.maxResults, 1000)
    } finally {
      await many.close()
    }
  })

  it("orders by a field, descending, with ORDERBY or ORDER BY", async () => {
    const desc = await query(sim, "select * from Customer where DisplayName like 'Client%' orderby DisplayName desc maxresults 2")
    assert.deepStrictEqual(desc.json.QueryResponse.Customer.map((c: any) => c.DisplayName), ["Client 249", "Client 248"])
    const spaced = await query(sim, "select * from Customer where Id in ('101','100') order by Id")
    assert.deepStrictEqual(spaced.json.QueryResponse.Customer.map((c: any) => c.Id), ["100", "101"])
  })

  it("answers COUNT(*) with totalCount only, and {} for no rows", async () => {
    const count = await query(sim, "SELECT COUNT(*) FROM Customer WHERE DisplayName LIKE 'Client%'")
    assert.deepStrictEqual(count.json.QueryResponse, { totalCount: 250 })
    const empty = await query(sim, "SELECT * FROM Invoice")
    assert.deepStrictEqual(empty.json.QueryResponse, {})
    const countNone = await query(sim, "SELECT COUNT(*) FROM Invoice")
    assert.deepStrictEqual(countNone.json.QueryResponse, { totalCount: 0 })
  })

  it("accepts the POST application/text form", async () => {
    const response = await postQuery(sim, "select * from Customer where DisplayName = 'O\\'Brien \\\\ Sons'")
    assert.strictEqual(response.status, 200)
    assert.strictEqual(response.json.QueryResponse.Customer[0].Id, "1")
    assert.strictEqual(sim.counts()["POST /query Customer"], 1)
  })

  it("answers 4000 QueryParserError for an unescaped quote", async () => {
    const response = await query(sim, "select * from Customer where DisplayName = 'O'Brien'")
    assert.strictEqual(response.status, 400)
    assert.deepStrictEqual(firstError(response), {
      Message: "Error parsing query",
      Detail:
        'QueryParserError: Encountered " <IDENTIFIER> "Brien "" at line 1, column 47.\nWas expecting one of: <EOF> <AND> "iterator" "maxresults" <OR> "order" "orderby" "startposition" ...',
      code: "4000",
      element: ""
    })
  })

  it("answers 4000 with a lexical error for an en dash outside quotes", async () => {
    const response = await query(sim, "select * from Invoice where TotalAmt \u2013 5")
    assert.strictEqual(firstError(response).code, "4000")
    assert.strictEqual(firstError(response).Detail, 'QueryParserError: Invalid content. Lexical error at line 1, column 38. Encountered: "\\u2013" (8211), after : ""')
  })

  it("answers 4001 for non-queryable properties and Id with a range operator", async () => {
    for (const [statement, property] of [
      ["select * from Invoice where PrivateNote = 'x'", "PrivateNote"],
      ["select * from Customer where AcctNum = '77'", "AcctNum"],
      ["select * from Invoice where Line.Amount > '5'", "Line.Amount"],
      ["select * from Class where Name = 'Consulting'", "Name"]
    ] as const) {
      const response = await query(sim, statement)
      assert.strictEqual(response.status, 400)
      assert.deepStrictEqual(firstError(response), {
        Message: "Invalid query",
        Detail: `QueryValidationError: property '${property}' is not queryable`,
        code: "4001",
        element: ""
      })
    }
    const idRange = await query(sim, "select * from Customer where Id > '5'")
    assert.strictEqual(firstError(idRange).code, "4001")
    const orQuery = await query(sim, "select * from Customer where Id = '1' or Id = '2'")
    assert.strictEqual(firstError(orQuery).code, "4001")
  })

  it("queries Preferences, CompanyInfo and sandbox default terms", async () => {
    const preferences = await query(sim, "select * from Preferences")
    assert.strictEqual(preferences.json.QueryResponse.Preferences[0].SalesFormsPrefs.CustomTxnNumbers, false)
    const terms = await query(sim, "select * from Term")
    assert.deepStrictEqual(
      terms.json.QueryResponse.Term.map((t: any) => [t.Id, t.Name]),
      [["1", "Due on receipt"], ["2", "Net 15"], ["3", "Net 30"], ["4", "Net 60"], ["5", "Net 10"]]
    )
    const company = await query(sim, "select * from CompanyInfo")
    assert.strictEqual(company.json.QueryResponse.CompanyInfo[0].Country, "US")
  })
})
