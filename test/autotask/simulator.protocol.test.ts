/**
 * Raw HTTP probes of the Autotask simulator's protocol (reference §15), with global fetch:
 * exact statuses and bodies, no client code involved.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { type AutotaskSimulator, startAutotaskSimulator } from "../../src/sandbox/autotask/index.ts"
import { authHeaders, getJson, invoices, postJson, probe, restUrl, sampleDataset, withSimulator } from "./fixtures.ts"

let sim: AutotaskSimulator
beforeAll(async () => {
  sim = await startAutotaskSimulator({ data: sampleDataset })
})
afterAll(() => sim.close())

const ids = (body: { readonly items: ReadonlyArray<{ readonly id: number }> }) => body.items.map((item) => item.id)

const queryIds = async (entity: string, filter: unknown) => {
  const response = await postJson(sim, `${entity}/query`, { filter })
  assert.strictEqual(response.status, 200, response.text)
  return ids(response.json)
}

const queryError = async (entity: string, body: unknown) => {
  const response = await postJson(sim, `${entity}/query`, body)
  return { status: response.status, errors: response.json?.errors as ReadonlyArray<string> | undefined }
}

describe("discovery", () => {
  it("answers versioninformation under any casing", async () => {
    for (const path of ["atservicesrest/versioninformation", "ATServicesRest/VersionInformation"]) {
      const response = await probe(`${sim.baseUrl}${path}`)
      assert.strictEqual(response.status, 200)
      assert.strictEqual(response.text, "{\"apiVersions\":[\"1.0\"]}")
    }
  })

  it("serves zoneInformation without credentials, with a REST root ending in /ATServicesRest/", async () => {
    const response = await probe(`${sim.discoveryUrl}?user=${encodeURIComponent("SANDBOX@atqbo.local")}`)
    assert.strictEqual(response.status, 200)
    assert.deepStrictEqual(Object.keys(response.json), ["zoneName", "url", "webUrl", "ci"])
    assert.isTrue(response.json.url.startsWith(sim.baseUrl))
    assert.isTrue(response.json.url.endsWith("/ATServicesRest/"))
    assert.strictEqual(typeof response.json.ci, "number")
  })

  it("answers an unknown or blank user with a JSON 500", async () => {
    for (const user of ["nobody@example.com", ""]) {
      const response = await probe(`${sim.discoveryUrl}?user=${encodeURIComponent(user)}`)
      assert.strictEqual(response.status, 500)
      assert.strictEqual(response.headers.get("content-type"), "application/json; charset=utf-8")
      assert.lengthOf(response.json.errors, 1)
    }
  })
})

describe("authentication", () => {
  const body = JSON.stringify({ filter: [{ op: "exist", field: "id" }] })

  it("rejects missing or wrong credentials with 401 {errors:[Authentication failed]}", async () => {
    const wrongSecret = { ...authHeaders(sim), Secret: "nope" }
    const wrongCode = { ...authHeaders(sim), ApiIntegrationCode: "OTHER" }
    for (const headers of [{ "Content-Type": "application/json" }, wrongSecret, wrongCode]) {
      const response = await probe(restUrl(sim, "Invoices/query"), { method: "POST", headers, body })
      assert.strictEqual(response.status, 401)
      assert.strictEqual(response.text, "{\"errors\":[\"Authentication failed\"]}")
    }
  })

  it("accepts header names in any casing", async () => {
    const headers = {
      apiintegrationcode: sim.credentials.integrationCode,
      USERNAME: sim.credentials.username,
      sEcReT: sim.credentials.secret,
      "content-type": "application/json"
    }
    const response = await probe(restUrl(sim, "Invoices/query"), { method: "POST", headers, body })
    assert.strictEqual(response.status, 200)
  })

  it("accepts any casing of atservicesrest, v1.0, entity and sub-resource", async () => {
    for (const path of ["atservicesrest/v1.0/invoices/query", "ATSERVICESREST/V1.0/INVOICES/QUERY"]) {
      const response = await probe(`${sim.baseUrl}${path}`, { method: "POST", headers: authHeaders(sim), body })
      assert.strictEqual(response.status, 200, path)
      assert.deepStrictEqual(ids(response.json), [155, 156, 157])
    }
  })
})

describe("query filters", () => {
  it.each([
    ["eq string (case-insensitive)", "Invoices", [{ op: "eq", field: "invoiceNumber", value: "error" }], [157]],
    ["eq number", "Invoices", [{ op: "eq", field: "companyID", value: 370 }], [156]],
    ["eq number sent as string", "Invoices", [{ op: "eq", field: "companyID", value: "370" }], [156]],
    ["eq boolean", "Invoices", [{ op: "eq", field: "isVoided", value: true }], [157]],
    ["noteq", "Invoices", [{ op: "noteq", field: "companyID", value: 369 }], [156]],
    ["gt decimal", "Invoices", [{ op: "gt", field: "invoiceTotal", value: 52.7775 }], [156]],
    ["gte decimal", "Invoices", [{ op: "gte", field: "invoiceTotal", value: 52.7775 }], [155, 156]],
    ["lt", "Invoices", [{ op: "lt", field: "invoiceTotal", value: 0 }], [157]],
    ["lte", "Invoices", [{ op: "lte", field: "invoiceTotal", value: 100 }], [155, 156, 157]],
    ["gte date-only", "Invoices", [{ op: "gte", field: "invoiceDateTime", value: "2025-09-06" }], [156, 157]],
    ["lt timestamp with Z", "Invoices", [{ op: "lt", field: "invoiceDateTime", value: "2025-09-06T00:00:00Z" }], [155]],
    ["lte timestamp without Z", "Invoices", [{ op: "lte", field: "invoiceDateTime", value: "2025-09-06T00:00:00" }], [
      155,
      156
    ]],
    ["beginsWith", "BillingItems", [{ op: "beginsWith", field: "itemName", value: "remote" }], [26039]],
    ["endsWith", "BillingItems", [{ op: "endsWith", field: "itemName", value: "SUBSCRIPTION" }], [26040]],
    ["contains", "BillingItems", [{ op: "contains", field: "itemName", value: "site" }], [26041]],
    ["exist (null and \"\" are empty)", "Invoices", [{ op: "exist", field: "invoiceNumber" }], [155, 157]],
    ["notExist", "Invoices", [{ op: "notExist", field: "orderNumber" }], [155, 157]],
    ["in", "Invoices", [{ op: "in", field: "companyID", value: [370, 999] }], [156]],
    ["notIn", "Invoices", [{ op: "notIn", field: "companyID", value: [370] }], [155, 157]],
    ["top-level items are AND-ed", "Invoices", [
      { op: "eq", field: "companyID", value: 369 },
      { op: "eq", field: "isVoided", value: false }
    ], [155]],
    ["nested or/and", "Invoices", [{
      op: "or",
      items: [
        { op: "eq", field: "companyID", value: 370 },
        { op: "and", items: [{ op: "eq", field: "companyID", value: 369 }, { op: "eq", field: "isVoided", value: true }] }
      ]
    }], [156, 157]],
    ["one udf condition", "BillingItems", [{ op: "eq", field: "customerranking", udf: true, value: "GOLDEN" }], [26039]],
    ["field names and operators in any casing", "Invoices", [{ op: "NotExist", field: "InvoiceNumber" }], [156]]
  ])("%s", async (_name, entity, filter, expected) => {
    assert.deepStrictEqual(await queryIds(entity, filter), expected)
  })

  it("accepts query keys in any casing and orders rows by id", async () => {
    const response = await postJson(sim, "Invoices/query", {
      FILTER: [{ op: "gte", field: "id", value: 0 }],
      maxrecords: 2,
      includefields: ["INVOICENUMBER"]
    })
    assert.strictEqual(response.status, 200)
    assert.deepStrictEqual(response.json.items, [{ id: 155, invoiceNumber: "1085" }, { id: 156, invoiceNumber: null }])
    assert.strictEqual(response.json.pageDetails.requestCount, 2)
  })

  it("projects IncludeFields, always with id, and userDefinedFields on UDF entities", async () => {
    const response = await postJson(sim, "BillingItems/query", {
      IncludeFields: ["rate"],
      filter: [{ op: "eq", field: "id", value: 26041 }]
    })
    assert.deepStrictEqual(response.json.items, [{ id: 26041, rate: 120, userDefinedFields: [] }])
  })

  it.each([
    ["unknown operator", [{ op: "startsWith", field: "itemName", value: "a" }], 500],
    ["boolean given as a string", [{ op: "eq", field: "isVoided", value: "True" }], 500],
    ["boolean given as null", [{ op: "eq", field: "isVoided", value: null }], 500],
    ["no value for eq", [{ op: "eq", field: "companyID" }], 500],
    ["in without a list", [{ op: "in", field: "companyID", value: 3 }], 500],
    ["unknown field", [{ op: "eq", field: "lastModifiedDate", value: "2025-01-01" }], 500],
    ["non-queryable dueDate", [{ op: "exist", field: "dueDate" }], 500],
    ["non-queryable taxRegionID", [{ op: "eq", field: "taxRegionID", value: 1 }], 500],
    ["empty filter", [], 500],
    ["group without items", [{ op: "or", items: [] }], 500]
  ])("rejects %s with {errors:[…]}", async (_name, filter, status) => {
    const result = await queryError("Invoices", { filter })
    assert.strictEqual(result.status, status)
    assert.isArray(result.errors)
    assert.lengthOf(result.errors ?? [], 1)
  })

  it("rejects BillingItems' non-queryable description fields", async () => {
    for (const field of ["lineItemFullDescription", "lineItemGroupDescription"]) {
      const result = await queryError("BillingItems", { filter: [{ op: "exist", field }] })
      assert.strictEqual(result.status, 500)
      assert.match(result.errors?.[0] ?? "", /not queryable/)
    }
  })

  it("allows one udf condition per query, not two, and none on Invoices", async () => {
    const udf = { op: "eq", field: "CustomerRanking", udf: true, value: "Golden" }
    assert.strictEqual((await queryError("BillingItems", { filter: [udf, udf] })).status, 500)
    assert.strictEqual((await queryError("Invoices", { filter: [udf] })).status, 500)
  })

  it("limits MaxRecords to 1–500", async () => {
    const filter = [{ op: "exist", field: "id" }]
    for (const MaxRecords of [0, 501, 2.5, "10"]) {
      assert.strictEqual((await queryError("Invoices", { MaxRecords, filter })).status, 500, String(MaxRecords))
    }
    const ok = await postJson(sim, "Invoices/query", { filter })
    assert.strictEqual(ok.json.pageDetails.requestCount, 500)
  })

  it("limits a query to 500 OR conditions, counting each in-list value", async () => {
    const values = (n: number) => Array.from({ length: n }, (_, index) => index + 1)
    const within = await postJson(sim, "Invoices/query", { filter: [{ op: "in", field: "id", value: values(500) }] })
    assert.strictEqual(within.status, 200)
    const message = "Invalid query syntax. Queries are limited to 500 or fewer 'OR' conditions."
    const over = await queryError("Invoices", { filter: [{ op: "in", field: "id", value: values(501) }] })
    assert.deepStrictEqual(over, { status: 500, errors: [message] })
    const mixed = await queryError("Invoices", {
      filter: [{
        op: "or",
        items: [{ op: "in", field: "id", value: values(499) }, { op: "eq", field: "id", value: 1 }]
      }]
    })
    assert.deepStrictEqual(mixed, { status: 500, errors: [message] })
  })

  it("answers malformed JSON with 400", async () => {
    const response = await postJson(sim, "Invoices/query", "{not json")
    assert.strictEqual(response.status, 400)
    assert.isArray(response.json.errors)
  })
})

describe("paging", () => {
  const body = { MaxRecords: 1, filter: [{ op: "exist", field: "id" }] }

  it("follows POST paging with the same body; GET on a POST page is 405", async () => {
    const first = await postJson(sim, "Invoices/query", body)
    assert.deepStrictEqual(ids(first.json), [155])
    assert.deepStrictEqual(
      { count: first.json.pageDetails.count, requestCount: first.json.pageDetails.requestCount, prev: first.json.pageDetails.prevPageUrl },
      { count: 1, requestCount: 1, prev: null }
    )
    const next: string = first.json.pageDetails.nextPageUrl
    assert.isTrue(next.startsWith(`${sim.zone().url}V1.0/Invoices/query/next?paging=`), next)

    const viaGet = await probe(next, { headers: authHeaders(sim) })
    assert.strictEqual(viaGet.status, 405)
    assert.strictEqual(viaGet.text, "{\"Message\":\"The requested resource does not support http method 'GET'.\"}")

    const otherBody = await probe(next, {
      method: "POST",
      headers: authHeaders(sim),
      body: JSON.stringify({ ...body, filter: [{ op: "gte", field: "id", value: 0 }] })
    })
    assert.strictEqual(otherBody.status, 500)

    const seen = [...ids(first.json)]
    let url: string | null = next
    let pages = 1
    while (url !== null) {
      const page = await probe(url, { method: "POST", headers: authHeaders(sim), body: JSON.stringify(body) })
      assert.strictEqual(page.status, 200)
      assert.isString(page.json.pageDetails.prevPageUrl)
      seen.push(...ids(page.json))
      url = page.json.pageDetails.nextPageUrl
      pages += 1
    }
    assert.deepStrictEqual(seen, invoices.map((invoice) => invoice.id))
    assert.strictEqual(pages, 3)
  })

  it("re-reading the same page URL returns the same page (retries are safe)", async () => {
    const first = await postJson(sim, "Invoices/query", body)
    const next: string = first.json.pageDetails.nextPageUrl
    const init = { method: "POST", headers: authHeaders(sim), body: JSON.stringify(body) }
    const [a, b] = await Promise.all([probe(next, init), probe(next, init)])
    assert.strictEqual(a.text, b.text)
  })

  it("follows GET ?search= paging with GET", async () => {
    const search = encodeURIComponent(JSON.stringify({ MaxRecords: 2, filter: [{ op: "exist", field: "id" }] }))
    const first = await getJson(sim, `Invoices/query?search=${search}`)
    assert.strictEqual(first.status, 200)
    const next: string = first.json.pageDetails.nextPageUrl
    assert.include(next, "&search=")
    const second = await probe(next, { headers: authHeaders(sim) })
    assert.strictEqual(second.status, 200)
    assert.deepStrictEqual([...ids(first.json), ...ids(second.json)], [155, 156, 157])
    assert.isNull(second.json.pageDetails.nextPageUrl)
  })
})

describe("count and single GET", () => {
  it("counts with POST and GET", async () => {
    const filter = [{ op: "eq", field: "companyID", value: 369 }]
    const viaPost = await postJson(sim, "Invoices/query/count", { filter })
    assert.strictEqual(viaPost.text, "{\"queryCount\":2}")
    const viaGet = await getJson(sim, `Invoices/query/count?search=${encodeURIComponent(JSON.stringify({ filter }))}`)
    assert.deepStrictEqual(viaGet.json, { queryCount: 2 })
  })

  it("returns {item} by id and {item:null} for a missing id", async () => {
    const found = await getJson(sim, "Invoices/156")
    assert.deepStrictEqual(found.json, { item: invoices[1] })
    const missing = await getJson(sim, "Invoices/999999")
    assert.strictEqual(missing.status, 200)
    assert.strictEqual(missing.text, "{\"item\":null}")
    const withoutUdfs = await getJson(sim, "BillingItems/26041")
    assert.deepStrictEqual(withoutUdfs.json.item.userDefinedFields, [])
  })

  it("serves data quirks as stored: \"\" vs null, timestamps with and without Z", async () => {
    const response = await getJson(sim, "Invoices/155")
    assert.include(response.text, "\"orderNumber\":\"\"")
    assert.include(response.text, "\"comments\":null")
    assert.include(response.text, "\"invoiceDateTime\":\"2025-09-05T00:00:00\"")
    assert.include(response.text, "\"createDateTime\":\"2025-09-05T09:47:15.227Z\"")
    assert.include(response.text, "\"invoiceTotal\":52.7775")
  })
})

describe("routing errors", () => {
  it("answers unknown routes and entities with an ASP.NET 404", async () => {
    for (const path of ["Tickets/query", "Invoices/abc", "Invoices/query/other"]) {
      const response = await getJson(sim, path)
      assert.strictEqual(response.status, 404, path)
      assert.match(response.json.Message, /^No HTTP resource was found/)
    }
  })

  it("answers unsupported verbs with 405", async () => {
    const create = await postJson(sim, "Invoices", { companyID: 1 })
    assert.strictEqual(create.status, 405)
    assert.strictEqual(create.text, "{\"Message\":\"The requested resource does not support http method 'POST'.\"}")
    const patchCompany = await probe(restUrl(sim, "Companies"), {
      method: "PATCH",
      headers: authHeaders(sim),
      body: JSON.stringify({ id: 369, companyName: "X" })
    })
    assert.strictEqual(patchCompany.status, 405)
  })
})

describe("ThresholdInformation and entity information", () => {
  it("reports the hourly threshold, counting this call", async () => {
    const first = await getJson(sim, "ThresholdInformation")
    const second = await getJson(sim, "ThresholdInformation")
    assert.deepStrictEqual(Object.keys(first.json), [
      "externalRequestThreshold",
      "requestThresholdTimeframe",
      "currentTimeframeRequestCount"
    ])
    assert.strictEqual(first.json.externalRequestThreshold, 10_000)
    assert.strictEqual(first.json.requestThresholdTimeframe, 60)
    assert.strictEqual(second.json.currentTimeframeRequestCount, first.json.currentTimeframeRequestCount + 1)
  })

  const picklist = async (entity: string, field: string) => {
    const response = await getJson(sim, `${entity}/entityInformation/fields`)
    assert.strictEqual(response.status, 200)
    const spec = response.json.fields.find((candidate: { name: string }) => candidate.name === field)
    assert.isDefined(spec, `${entity}.${field}`)
    return spec
  }

  it("serves picklists with string values", async () => {
    const paymentTerm = await picklist("Invoices", "paymentTerm")
    assert.isTrue(paymentTerm.isPickList)
    assert.deepStrictEqual(
      paymentTerm.picklistValues.map((value: { value: string; label: string }) => [value.value, value.label]),
      [["1", "Net 30 Days"], ["2", "Due on Receipt"]]
    )
    for (const [entity, field] of [
      ["BillingItems", "billingItemType"],
      ["BillingCodes", "billingCodeType"],
      ["BillingCodes", "useType"],
      ["Companies", "companyType"]
    ] as const) {
      const spec = await picklist(entity, field)
      assert.isTrue(spec.isPickList, field)
      assert.isAbove(spec.picklistValues.length, 1)
      assert.isTrue(spec.picklistValues.every((value: { value: unknown }) => typeof value.value === "string"))
    }
    const labor = (await picklist("BillingItems", "billingItemType")).picklistValues[0]
    assert.deepStrictEqual([labor.value, labor.label], ["1", "Labor"])
  })

  it("describes which fields are writable and queryable", async () => {
    assert.isFalse((await picklist("Invoices", "invoiceNumber")).isReadOnly)
    assert.isTrue((await picklist("Invoices", "invoiceTotal")).isReadOnly)
    assert.isFalse((await picklist("Invoices", "dueDate")).isQueryable)
    const info = await getJson(sim, "Invoices/entityInformation")
    assert.deepStrictEqual([info.json.info.canQuery, info.json.info.canUpdate, info.json.info.canCreate], [true, true, false])
  })
})

describe("Currencies (Multi-currency module)", () => {
  it("serves Currencies with the ISO name, rate and internal flag, and company currencyID", () =>
    withSimulator({
      data: {
        entities: {
          Currencies: [
            { id: 1, name: "CAD", description: "Canadian Dollar", displaySymbol: 1, exchangeRate: 1.0000, isActive: true, isInternalCurrency: true },
            { id: 2, name: "USD", description: "US Dollar", displaySymbol: 1, exchangeRate: 0.7400, isActive: true, isInternalCurrency: false }
          ],
          Companies: [{ id: 10, companyName: "Yankee Inc", companyType: 1, isActive: true, currencyID: 2 }]
        }
      }
    }, async (sim) => {
      const foreign = await postJson(sim, "Currencies/query", { filter: [{ op: "eq", field: "isInternalCurrency", value: false }] })
      assert.deepStrictEqual(foreign.json.items.map((row: { name: string; exchangeRate: number }) => [row.name, row.exchangeRate]), [["USD", 0.74]])
      const company = await postJson(sim, "Companies/query", { filter: [{ op: "eq", field: "currencyID", value: 2 }] })
      assert.deepStrictEqual(company.json.items.map((row: { id: number }) => row.id), [10])
      const fields = await getJson(sim, "Currencies/entityInformation/fields")
      const name = fields.json.fields.find((field: { name: string }) => field.name === "name")
      assert.strictEqual(name.length, 3)
    }))
})
