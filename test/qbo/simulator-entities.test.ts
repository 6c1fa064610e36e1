/**
 * Raw HTTP probes of the simulator's entity behaviour: envelopes, server-filled fields,
 * computed amounts, DocNumber rules, name rules, uniqueness, references, updates, void,
 * delete, send and payments. Exact statuses, codes and texts.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { type JsonObject, parseSimOptions, type QboSimulator } from "../../src/sandbox/qbo/index.ts"
import { baseRealm, firstError, invoiceBody, raw, REALM, startSim } from "./helpers.ts"

describe("QBO simulator: create and read", () => {
  let sim: QboSimulator
  beforeAll(async () => {
    sim = await startSim()
  })
  afterAll(() => sim.close())

  it("creates a customer with string Id/SyncToken, MetaData, domain/sparse and only set fields", async () => {
    const response = await raw(sim, "/customer?minorversion=75", { body: { DisplayName: "Cool Cars" } })
    assert.strictEqual(response.status, 200)
    assert.match(response.headers.get("content-type") ?? "", /^application\/json;charset=UTF-8$/)
    assert.match(response.headers.get("intuit_tid") ?? "", /^[0-9a-f-]{36}$/)
    const customer = response.json.Customer
    assert.strictEqual(typeof customer.Id, "string")
    assert.strictEqual(customer.SyncToken, "0")
    assert.strictEqual(customer.domain, "QBO")
    assert.strictEqual(customer.sparse, false)
    assert.match(customer.MetaData.CreateTime, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-0[78]:00$/)
    assert.match(response.json.time, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?-0[78]:00$/)
    assert.isFalse("CompanyName" in customer, "unset fields are absent, not null")
    assert.isFalse(Object.values(customer).includes(null))
    const read = await raw(sim, `/customer/${customer.Id}`)
    assert.strictEqual(read.status, 200)
    assert.deepStrictEqual(read.json.Customer, customer)
  })

  it("fills an invoice: line ids, SubTotal line, TotalAmt, Balance, DocNumber, DueDate from the customer's term", async () => {
    const response = await raw(sim, "/invoice", {
      body: invoiceBody({
        TxnDate: "2026-01-10",
        Line: [
          { DetailType: "SalesItemLineDetail", Amount: 10.1, SalesItemLineDetail: { ItemRef: { value: "1" }, Qty: 1, UnitPrice: 10.1 } },
          { DetailType: "SalesItemLineDetail", Amount: 20.2, SalesItemLineDetail: { ItemRef: { value: "1" }, Qty: 2, UnitPrice: 10.1 } }
        ]
      })
    })
    assert.strictEqual(response.status, 200)
    const invoice = response.json.Invoice
    assert.deepStrictEqual(
      invoice.Line.map((line: any) => [line.Id, line.LineNum, line.DetailType]),
      [["1", 1, "SalesItemLineDetail"], ["2", 2, "SalesItemLineDetail"], [undefined, undefined, "SubTotalLineDetail"]]
    )
    assert.deepStrictEqual(invoice.Line[2], { Amount: 30.3, DetailType: "SubTotalLineDetail", SubTotalLineDetail: {} })
    assert.strictEqual(invoice.TotalAmt, 30.3, "decimal sum, not 30.299999999999997")
    assert.strictEqual(invoice.Balance, 30.3)
    assert.deepStrictEqual(invoice.TxnTaxDetail, { TotalTax: 0 })
    assert.strictEqual(invoice.DocNumber, "1001")
    assert.isFalse("SalesTermRef" in invoice, "an omitted term stays omitted (quickbooks-online-mcp-server #91)")
    assert.strictEqual(invoice.DueDate, "2026-02-09", "TxnDate + the customer's Net 30")
    assert.deepStrictEqual(invoice.CustomerRef, { value: "1", name: "Amy's Bird Sanctuary" })
    assert.deepStrictEqual(invoice.Line[0].SalesItemLineDetail.ItemRef, { value: "1", name: "Labor" })
    assert.deepStrictEqual(invoice.Line[0].SalesItemLineDetail.TaxCodeRef, { value: "NON" })
    assert.deepStrictEqual(invoice.BillEmail, { Address: "birds@example.com" })
    const second = await raw(sim, "/invoice", { body: invoiceBody() })
    assert.strictEqual(second.json.Invoice.DocNumber, "1002")
  })

  it("rejects a line whose Amount is not Qty × UnitPrice (to the cent)", async () => {
    const response = await raw(sim, "/invoice", {
      body: invoiceBody({ Line: [{ DetailType: "SalesItemLineDetail", Amount: 100, SalesItemLineDetail: { ItemRef: { value: "1" }, Qty: 3, UnitPrice: 33.33 } }] })
    })
    assert.strictEqual(response.status, 400)
    assert.strictEqual(firstError(response).code, "6000")
    assert.strictEqual(firstError(response).Detail, "Business Validation Error: Amount is not equal to UnitPrice * Qty. Supplied value:100")
    const rounded = await raw(sim, "/invoice", {
      body: invoiceBody({ Line: [{ DetailType: "SalesItemLineDetail", Amount: 100, SalesItemLineDetail: { ItemRef: { value: "1" }, Qty: 3, UnitPrice: 33.3333 } }] })
    })
    assert.strictEqual(rounded.status, 200, "99.9999 rounds to 100.00")
  })

  it("requires CustomerRef, Line and a Service item's IncomeAccountRef (2020)", async () => {
    const noCustomer = await raw(sim, "/invoice", { body: { Line: invoiceBody()["Line"] } })
    assert.strictEqual(noCustomer.status, 400)
    assert.deepStrictEqual(firstError(noCustomer), {
      Message: "Required param missing, need to supply the required value for the API",
      Detail: "Required parameter CustomerRef is missing in the request",
      code: "2020",
      element: "CustomerRef"
    })
    assert.strictEqual(noCustomer.json.Fault.type, "ValidationFault")
    const noLines = await raw(sim, "/invoice", { body: { CustomerRef: { value: "1" }, Line: [] } })
    assert.strictEqual(firstError(noLines).code, "2020")
    assert.strictEqual(firstError(noLines).element, "Line")
    const noAccount = await raw(sim, "/item", { body: { Name: "Setup", Type: "Service" } })
    assert.strictEqual(firstError(noAccount).code, "2020")
    assert.strictEqual(firstError(noAccount).element, "IncomeAccountRef")
  })

  it("rejects unknown or inactive references: 610 for customers, 2500 for items and accounts", async () => {
    const unknownCustomer = await raw(sim, "/invoice", { body: invoiceBody({ CustomerRef: { value: "999" } }) })
    assert.strictEqual(firstError(unknownCustomer).code, "610")
    assert.strictEqual(firstError(unknownCustomer).Message, "Object Not Found")
    const inactiveCustomer = await raw(sim, "/invoice", { body: invoiceBody({ CustomerRef: { value: "2" } }) })
    assert.strictEqual(firstError(inactiveCustomer).code, "610")
    const inactiveItem = await raw(sim, "/invoice", {
      body: invoiceBody({ Line: [{ DetailType: "SalesItemLineDetail", Amount: 5, SalesItemLineDetail: { ItemRef: { value: "2" } } }] })
    })
    assert.strictEqual(firstError(inactiveItem).code, "2500")
    assert.strictEqual(firstError(inactiveItem).Message, "Invalid Reference Id")
    const category = await raw(sim, "/invoice", {
      body: invoiceBody({ Line: [{ DetailType: "SalesItemLineDetail", Amount: 5, SalesItemLineDetail: { ItemRef: { value: "3" } } }] })
    })
    assert.strictEqual(firstError(category).code, "2500")
    assert.include(firstError(category).Detail, "category instead of a product or service")
    const inactiveAccount = await raw(sim, "/item", { body: { Name: "Setup", Type: "Service", IncomeAccountRef: { value: "2" } } })
    assert.strictEqual(firstError(inactiveAccount).code, "2500")
    const unknownTerm = await raw(sim, "/invoice", { body: invoiceBody({ SalesTermRef: { value: "77" } }) })
    assert.strictEqual(firstError(unknownTerm).code, "610")
  })

  it("rejects negative invoice totals", async () => {
    const response = await raw(sim, "/invoice", {
      body: invoiceBody({ Line: [{ DetailType: "SalesItemLineDetail", Amount: -5, SalesItemLineDetail: { ItemRef: { value: "1" } } }] })
    })
    assert.strictEqual(response.status, 400)
    assert.strictEqual(firstError(response).Detail, "Business Validation Error: Transaction amount must be positive.")
  })

  it("answers 610 for an unknown Id", async () => {
    const response = await raw(sim, "/invoice/424242")
    assert.strictEqual(response.status, 400)
    assert.strictEqual(firstError(response).code, "610")
  })
})

describe("QBO simulator: names and uniqueness", () => {
  let sim: QboSimulator
  beforeAll(async () => {
    sim = await startSim()
  })
  afterAll(() => sim.close())

  it.each([
    ["colon", "Acme: East"],
    ["tab", "Acme\tEast"],
    ["newline", "Acme\nEast"]
  ])("rejects a %s in a customer DisplayName", async (_label, name) => {
    const response = await raw(sim, "/customer", { body: { DisplayName: name } })
    assert.strictEqual(response.status, 400)
    assert.strictEqual(firstError(response).code, "6000")
    assert.strictEqual(firstError(response).element, "DisplayName")
    assert.include(firstError(response).Detail, "can't contain a colon (:), tab or new line")
  })

  it("enforces name lengths: item 100, term 31, customer 500 (2050)", async () => {
    const item = await raw(sim, "/item", { body: { Name: "x".repeat(101), Type: "Service", IncomeAccountRef: { value: "1" } } })
    assert.deepStrictEqual(firstError(item), { Message: "Length exceeds limit", Detail: "Length of the field exceeds 100 chars", code: "2050", element: "Name" })
    const term = await raw(sim, "/term", { body: { Name: "t".repeat(32), DueDays: 10 } })
    assert.strictEqual(firstError(term).Detail, "Length of the field exceeds 31 chars")
    const okTerm = await raw(sim, "/term", { body: { Name: "t".repeat(31), DueDays: "120" } })
    assert.strictEqual(okTerm.status, 200)
    assert.strictEqual(okTerm.json.Term.DueDays, 120, "string DueDays accepted as a number")
    assert.strictEqual(okTerm.json.Term.Type, "STANDARD")
    const customer = await raw(sim, "/customer", { body: { DisplayName: "c".repeat(501) } })
    assert.strictEqual(firstError(customer).code, "2050")
    assert.strictEqual((await raw(sim, "/customer", { body: { DisplayName: "c".repeat(500) } })).status, 200)
  })

  it("keeps DisplayName unique across customers, vendors and employees, inactive and case included (6240)", async () => {
    for (const name of ["books by bessie", "EMILY PLATT", "Dormant Co"]) {
      const response = await raw(sim, "/customer", { body: { DisplayName: name } })
      assert.strictEqual(response.status, 400, name)
      assert.deepStrictEqual(firstError(response), {
        Message: "Duplicate Name Exists Error",
        Detail: "The name supplied already exists. : Another customer, vendor or employee is already using this name. Please use a different name.",
        code: "6240",
        element: ""
      })
    }
  })

  it("keeps item names unique (6240), inactive ones included", async () => {
    const response = await raw(sim, "/item", { body: { Name: "retired service", Type: "Service", IncomeAccountRef: { value: "1" } } })
    assert.strictEqual(firstError(response).code, "6240")
  })

  it("rejects ':' in item, class and account names and '\"' in account names", async () => {
    const item = await raw(sim, "/item", { body: { Name: "Parent:Child", Type: "Service", IncomeAccountRef: { value: "1" } } })
    assert.strictEqual(firstError(item).element, "Name")
    const klass = await raw(sim, "/class", { body: { Name: "A:B" } })
    assert.strictEqual(firstError(klass).code, "6000")
    const account = await raw(sim, "/account", { body: { Name: 'The "Best"', AccountType: "Income" } })
    assert.strictEqual(firstError(account).code, "6000")
  })
})

describe("QBO simulator: terms of a new invoice", () => {
  const dueDateOf = async (sim: QboSimulator, overrides: JsonObject) => {
    const response = await raw(sim, "/invoice", { body: invoiceBody({ TxnDate: "2026-03-01", ...overrides }) })
    assert.strictEqual(response.status, 200)
    return response.json.Invoice
  }

  it("dates an invoice without SalesTermRef by the customer's term, else the company's DefaultTerms, else TxnDate", async () => {
    const customers: Array<JsonObject> = [
      { Id: "1", DisplayName: "Net 30 Customer", SalesTermRef: { value: "3" } },
      { Id: "2", DisplayName: "Plain Customer" },
      { Id: "3", DisplayName: "Retired Term Customer", SalesTermRef: { value: "9" } }
    ]
    const terms: Array<JsonObject> = [
      { Id: "2", Name: "Net 15", DueDays: 15 },
      { Id: "3", Name: "Net 30", DueDays: 30 },
      { Id: "9", Name: "Net 90", DueDays: 90, Active: false }
    ]
    const withDefault = await startSim({ [REALM]: baseRealm({ Customer: customers, Term: terms, Preferences: { SalesFormsPrefs: { DefaultTerms: { value: "2" } } } }) })
    const withoutDefault = await startSim({ [REALM]: baseRealm({ Customer: customers, Term: terms }) })
    try {
      const customerTerm = await dueDateOf(withDefault, { CustomerRef: { value: "1" } })
      assert.strictEqual(customerTerm.DueDate, "2026-03-31")
      assert.isFalse("SalesTermRef" in customerTerm)
      const companyTerm = await dueDateOf(withDefault, { CustomerRef: { value: "2" } })
      assert.strictEqual(companyTerm.DueDate, "2026-03-16", "company default Net 15")
      assert.isFalse("SalesTermRef" in companyTerm)
      assert.strictEqual((await dueDateOf(withDefault, { CustomerRef: { value: "3" } })).DueDate, "2026-03-16", "an inactive customer term falls back")
      assert.strictEqual((await dueDateOf(withoutDefault, { CustomerRef: { value: "2" } })).DueDate, "2026-03-01")
      const sent = await dueDateOf(withDefault, { CustomerRef: { value: "1" }, SalesTermRef: { value: "2" } })
      assert.deepStrictEqual(sent.SalesTermRef, { value: "2", name: "Net 15" }, "a sent term is kept")
      assert.strictEqual(sent.DueDate, "2026-03-16")
      assert.strictEqual((await dueDateOf(withDefault, { CustomerRef: { value: "1" }, DueDate: "2026-04-02" })).DueDate, "2026-04-02")
    } finally {
      await withDefault.close()
      await withoutDefault.close()
    }
  })
})

describe("QBO simulator: DocNumber and class tracking", () => {
  it("numbers invoices and credit memos from one sequence by default, per type as an option", async () => {
    const creditMemo = invoiceBody()
    const numbers = async (sim: QboSimulator) => [
      (await raw(sim, "/invoice", { body: invoiceBody() })).json.Invoice.DocNumber,
      (await raw(sim, "/creditmemo", { body: creditMemo })).json.CreditMemo.DocNumber,
      (await raw(sim, "/invoice", { body: invoiceBody() })).json.Invoice.DocNumber
    ]
    const existing = [{ Id: "70", DocNumber: "1040", CustomerRef: { value: "1" }, Line: invoiceBody()["Line"] as Array<JsonObject> }]
    const shared = await startSim({ [REALM]: baseRealm({ CreditMemo: existing }) })
    const perType = await startSim({ [REALM]: baseRealm({ CreditMemo: existing }) }, { salesFormNumbering: "perType" })
    try {
      assert.deepStrictEqual(await numbers(shared), ["1041", "1042", "1043"], "one sequence, continuing from the highest form number")
      assert.deepStrictEqual(await numbers(perType), ["1001", "1041", "1002"])
    } finally {
      await shared.close()
      await perType.close()
    }
    assert.throws(() => parseSimOptions({ salesFormNumbering: "byType" }, "sandbox.yaml"), /sandbox\.yaml: qbo\.salesFormNumbering: expected one of shared, perType, got "byType"/)
  })


  it("numbers automatically when CustomTxnNumbers is off, keeps none when on", async () => {
    const sim = await startSim({
      [REALM]: baseRealm({ Preferences: { SalesFormsPrefs: { CustomTxnNumbers: true } } })
    })
    try {
      const none = await raw(sim, "/invoice", { body: invoiceBody() })
      assert.strictEqual(none.status, 200)
      assert.isFalse("DocNumber" in none.json.Invoice, "no DocNumber when custom numbers are on and none sent")
      const long = await raw(sim, "/invoice", { body: invoiceBody({ DocNumber: "X".repeat(22) }) })
      assert.deepStrictEqual(firstError(long), { Message: "Length exceeds limit", Detail: "Length of the field exceeds 21 chars", code: "2050", element: "DocNumber" })
      const first = await raw(sim, "/invoice", { body: invoiceBody({ DocNumber: "AT-1001" }) })
      assert.strictEqual(first.json.Invoice.DocNumber, "AT-1001")
      const duplicate = await raw(sim, "/invoice", { body: invoiceBody({ DocNumber: "AT-1001" }) })
      assert.strictEqual(duplicate.status, 400)
      assert.deepStrictEqual(firstError(duplicate), {
        Message: "Duplicate Document Number Error",
        Detail: `Duplicate Document Number Error : You must specify a different number. This number has already been used. DocNumber=AT-1001 is assigned to TxnType=Invoice with TxnId=${first.json.Invoice.Id}`,
        code: "6140",
        element: ""
      })
      const allowed = await raw(sim, "/invoice?include=allowduplicatedocnum", { body: invoiceBody({ DocNumber: "AT-1001" }) })
      assert.strictEqual(allowed.status, 200)
      sim.setOptions({ warnDuplicateDocNumber: false })
      assert.strictEqual((await raw(sim, "/invoice", { body: invoiceBody({ DocNumber: "AT-1001" }) })).status, 200)
    } finally {
      await sim.close()
    }
  })

  it("allows ClassRef on the transaction only with ClassTrackingPerTxn, on lines only with ClassTrackingPerTxnLine", async () => {
    const line = (classRef?: JsonObject): Array<JsonObject> => [
      { DetailType: "SalesItemLineDetail", Amount: 5, SalesItemLineDetail: { ItemRef: { value: "1" }, ...(classRef ? { ClassRef: classRef } : {}) } }
    ]
    const perTxn = await startSim({ [REALM]: baseRealm({ Preferences: { AccountingInfoPrefs: { ClassTrackingPerTxn: true } } }) })
    const perLine = await startSim({ [REALM]: baseRealm({ Preferences: { AccountingInfoPrefs: { ClassTrackingPerTxnLine: true } } }) })
    try {
      const ok = await raw(perTxn, "/invoice", { body: invoiceBody({ ClassRef: { value: "5000000000000007280" }, Line: line() }) })
      assert.strictEqual(ok.status, 200)
      assert.deepStrictEqual(ok.json.Invoice.ClassRef, { value: "5000000000000007280", name: "Consulting" })
      const lineClassOff = await raw(perTxn, "/invoice", { body: invoiceBody({ Line: line({ value: "5000000000000007280" }) }) })
      assert.strictEqual(firstError(lineClassOff).element, "Line.SalesItemLineDetail.ClassRef")
      const txnClassOff = await raw(perLine, "/invoice", { body: invoiceBody({ ClassRef: { value: "5000000000000007280" }, Line: line() }) })
      assert.strictEqual(firstError(txnClassOff).element, "ClassRef")
      const lineOk = await raw(perLine, "/invoice", { body: invoiceBody({ Line: line({ value: "5000000000000007280" }) }) })
      assert.strictEqual(lineOk.status, 200)
      const unknownClass = await raw(perLine, "/invoice", { body: invoiceBody({ Line: line({ value: "1" }) }) })
      assert.strictEqual(firstError(unknownClass).code, "610")
    } finally {
      await perTxn.close()
      await perLine.close()
    }
  })

  it("can switch the line amount check off", async () => {
    const sim = await startSim(undefined, { lineAmountCheck: { enabled: false } })
    try {
      const response = await raw(sim, "/invoice", {
        body: invoiceBody({ Line: [{ DetailType: "SalesItemLineDetail", Amount: 1, SalesItemLineDetail: { ItemRef: { value: "1" }, Qty: 3, UnitPrice: 9 } }] })
      })
      assert.strictEqual(response.status, 200)
      assert.strictEqual(response.json.Invoice.TotalAmt, 1)
    } finally {
      await sim.close()
    }
  })
})

describe("QBO simulator: updates, void, delete, send", () => {
  let sim: QboSimulator
  beforeAll(async () => {
    sim = await startSim()
  })
  afterAll(() => sim.close())

  const create = async (overrides = {}) => (await raw(sim, "/invoice", { body: invoiceBody({ PrivateNote: "[atqbo:autotask-invoice=7]", ...overrides }) })).json.Invoice

  it("sparse update changes only sent fields and bumps SyncToken; a stale SyncToken is 5010", async () => {
    const invoice = await create()
    const updated = await raw(sim, "/invoice", { body: { Id: invoice.Id, SyncToken: "0", sparse: true, CustomerMemo: { value: "Thanks" } } })
    assert.strictEqual(updated.status, 200)
    assert.strictEqual(updated.json.Invoice.SyncToken, "1")
    assert.deepStrictEqual(updated.json.Invoice.CustomerMemo, { value: "Thanks" })
    assert.strictEqual(updated.json.Invoice.PrivateNote, invoice.PrivateNote)
    assert.strictEqual(updated.json.Invoice.DocNumber, invoice.DocNumber)
    assert.strictEqual(updated.json.Invoice.TotalAmt, 150)
    const stale = await raw(sim, "/invoice", { body: { Id: invoice.Id, SyncToken: "0", sparse: true, CustomerMemo: { value: "late" } } })
    assert.strictEqual(stale.status, 400)
    assert.deepStrictEqual(firstError(stale), {
      Message: "Stale Object Error",
      Detail: "Stale Object Error : You and API API were working on this at the same time. API API finished before you did, so your work was not saved.",
      code: "5010",
      element: ""
    })
  })

  it("full update replaces lines (matching Ids kept) and drops omitted writable fields", async () => {
    const invoice = await create({ CustomerMemo: { value: "memo" } })
    const lines = [
      { ...invoice.Line[0], Amount: 200, SalesItemLineDetail: { ItemRef: { value: "1" }, Qty: 2, UnitPrice: 100 } },
      { DetailType: "SalesItemLineDetail", Amount: 50, SalesItemLineDetail: { ItemRef: { value: "1" } } },
      invoice.Line[1]
    ]
    const updated = await raw(sim, "/invoice", { body: { Id: invoice.Id, SyncToken: invoice.SyncToken, CustomerRef: { value: "1" }, Line: lines } })
    assert.strictEqual(updated.status, 200)
    const result = updated.json.Invoice
    assert.deepStrictEqual(result.Line.map((l: any) => l.Id), ["1", "2", undefined])
    assert.strictEqual(result.TotalAmt, 250)
    assert.isFalse("CustomerMemo" in result, "full update: omitted fields are cleared")
    assert.isFalse("PrivateNote" in result)
    const echoed = await raw(sim, "/invoice", { body: { ...result, DeliveryInfo: { DeliveryType: "Email" } } })
    assert.strictEqual(echoed.status, 400, "echoing read-only DeliveryInfo breaks a full update")
  })

  it("void zeroes amounts, prepends Voided to PrivateNote, bumps SyncToken and keeps the record", async () => {
    const invoice = await create()
    const voided = await raw(sim, "/invoice?operation=void", { body: { Id: invoice.Id, SyncToken: invoice.SyncToken } })
    assert.strictEqual(voided.status, 200)
    const result = voided.json.Invoice
    assert.strictEqual(result.TotalAmt, 0)
    assert.strictEqual(result.Balance, 0)
    assert.strictEqual(result.Line[0].Amount, 0)
    assert.strictEqual(result.Line[0].SalesItemLineDetail.Qty, 0)
    assert.strictEqual(result.PrivateNote, "Voided - [atqbo:autotask-invoice=7]")
    assert.strictEqual(result.SyncToken, "1")
    assert.strictEqual(result.DocNumber, invoice.DocNumber)
    assert.isTrue(sim.store(REALM).get("Invoice", invoice.Id)?.voided)
    assert.strictEqual((await raw(sim, `/invoice/${invoice.Id}`)).json.Invoice.TotalAmt, 0)
  })

  it("delete answers status Deleted; the record then reads as 610 and leaves queries", async () => {
    const invoice = await create()
    const deleted = await raw(sim, "/invoice?operation=delete", { body: { Id: invoice.Id, SyncToken: invoice.SyncToken } })
    assert.strictEqual(deleted.status, 200)
    assert.deepStrictEqual(deleted.json.Invoice, { domain: "QBO", status: "Deleted", Id: invoice.Id })
    const read = await raw(sim, `/invoice/${invoice.Id}`)
    assert.strictEqual(firstError(read).Detail, "Object Not Found : Another user has deleted this transaction.")
    assert.isTrue(sim.store(REALM).get("Invoice", invoice.Id)?.deleted)
    const listDelete = await raw(sim, "/customer?operation=delete", { body: { Id: "1", SyncToken: "0" } })
    assert.strictEqual(firstError(listDelete).code, "500")
  })

  it("send sets EmailStatus and DeliveryInfo; without any address it faults", async () => {
    const invoice = await create()
    const sent = await raw(sim, `/invoice/${invoice.Id}/send?sendTo=${encodeURIComponent("ap@example.com")}`, { method: "POST" })
    assert.strictEqual(sent.status, 200)
    assert.strictEqual(sent.json.Invoice.EmailStatus, "EmailSent")
    assert.strictEqual(sent.json.Invoice.DeliveryInfo.DeliveryType, "Email")
    assert.deepStrictEqual(sent.json.Invoice.BillEmail, { Address: "ap@example.com" })
    const bare = await raw(sim, "/customer", { body: { DisplayName: "No Mail Inc" } })
    const noMail = (await raw(sim, "/invoice", { body: invoiceBody({ CustomerRef: { value: bare.json.Customer.Id } }) })).json.Invoice
    assert.isFalse("BillEmail" in noMail)
    const failed = await raw(sim, `/invoice/${noMail.Id}/send`, { method: "POST" })
    assert.strictEqual(failed.status, 400)
    assert.strictEqual(firstError(failed).element, "BillEmail")
  })
})

describe("QBO simulator: payments", () => {
  it("applies partial payments: UnappliedAmt, invoice Balance and SyncToken, customer Balance", async () => {
    const sim = await startSim()
    try {
      const invoice = (await raw(sim, "/invoice", { body: invoiceBody() })).json.Invoice
      const payment = await raw(sim, "/payment", {
        body: { CustomerRef: { value: "1" }, TotalAmt: 100, Line: [{ Amount: 60.1, LinkedTxn: [{ TxnId: invoice.Id, TxnType: "Invoice" }] }] }
      })
      assert.strictEqual(payment.status, 200)
      assert.strictEqual(payment.json.Payment.UnappliedAmt, 39.9)
      const after = (await raw(sim, `/invoice/${invoice.Id}`)).json.Invoice
      assert.strictEqual(after.Balance, 89.9)
      assert.strictEqual(after.SyncToken, "1", "applying a payment changes the invoice behind the caller's back")
      assert.deepStrictEqual(after.LinkedTxn, [{ TxnId: payment.json.Payment.Id, TxnType: "Payment" }])
      const customer = (await raw(sim, "/customer/1")).json.Customer
      assert.strictEqual(customer.Balance, 50, "89.90 open less 39.90 unapplied")
      const over = await raw(sim, "/payment", {
        body: { CustomerRef: { value: "1" }, TotalAmt: 100, Line: [{ Amount: 100, LinkedTxn: [{ TxnId: invoice.Id, TxnType: "Invoice" }] }] }
      })
      assert.strictEqual(over.status, 400)
      const found = await raw(sim, `/query?query=${encodeURIComponent(`select * from Payment where CustomerRef = '1'`)}`)
      assert.strictEqual(found.json.QueryResponse.Payment.length, 1)
      const blocked = await raw(sim, "/invoice?operation=delete", { body: { Id: invoice.Id, SyncToken: "1" } })
      assert.strictEqual(blocked.status, 400, "linked payments block a delete")
      const removed = await raw(sim, "/payment?operation=delete", { body: { Id: payment.json.Payment.Id, SyncToken: "0" } })
      assert.strictEqual(removed.status, 200)
      assert.strictEqual((await raw(sim, `/invoice/${invoice.Id}`)).json.Invoice.Balance, 150)
    } finally {
      await sim.close()
    }
  })
})
