/**
 * Change data capture, raw HTTP as Intuit documents it ("Change data capture operation"):
 * `GET /cdc?entities=…&changedSince=…` answers what changed since then, deleted records as
 * `status: "Deleted"`, at most 30 days back and at most 1,000 objects per entity.
 */
import { assert, describe, it } from "@effect/vitest"
import type { JsonObject, QboSimulator } from "../../src/sandbox/qbo/index.ts"
import { baseRealm, firstError, invoiceBody, raw, REALM, startSim } from "./helpers.ts"

const DAY = 86_400_000
const ago = (days: number) => new Date(Date.now() - days * DAY).toISOString().replace(/\.\d{3}Z$/, "Z")
const stamped = (days: number) => ({ MetaData: { CreateTime: ago(days), LastUpdatedTime: ago(days) } })

const cdc = (sim: QboSimulator, entities: string, changedSince: string) =>
  raw(sim, `/cdc?entities=${entities}&changedSince=${encodeURIComponent(changedSince)}&minorversion=75`)

/** Entity name → Ids per QueryResponse entry; `{}` for an entity without changes. */
const idsOf = (body: any): Array<Record<string, Array<string>>> =>
  body.CDCResponse[0].QueryResponse.map((entry: JsonObject) =>
    Object.fromEntries(Object.entries(entry).filter(([, value]) => Array.isArray(value)).map(([key, value]) => [key, (value as Array<JsonObject>).map((row) => String(row["Id"]))]))
  )

const withSim = async (realm: Parameters<typeof baseRealm>[0], use: (sim: QboSimulator) => Promise<void>, options = {}) => {
  const sim = await startSim({ [REALM]: baseRealm(realm) }, options)
  try {
    await use(sim)
  } finally {
    await sim.close()
  }
}

describe("QBO simulator: change data capture", () => {
  it("answers what changed since a time, in full, deleted records as status Deleted, one QueryResponse per entity", () =>
    withSim({
      Customer: [
        { Id: "1", DisplayName: "Old Customer", ...stamped(40) },
        { Id: "2", DisplayName: "Recent Customer", ...stamped(2) },
        { Id: "3", DisplayName: "Edited Customer", ...stamped(20) }
      ]
    }, async (sim) => {
      const edited = await raw(sim, "/customer", { body: { Id: "3", SyncToken: "0", sparse: true, CompanyName: "Edited Inc" } })
      assert.strictEqual(edited.status, 200)
      const kept = (await raw(sim, "/invoice", { body: invoiceBody({ CustomerRef: { value: "2" } }) })).json.Invoice
      const gone = (await raw(sim, "/invoice", { body: invoiceBody({ CustomerRef: { value: "2" } }) })).json.Invoice
      assert.strictEqual((await raw(sim, "/invoice?operation=delete", { body: { Id: gone.Id, SyncToken: gone.SyncToken } })).status, 200)

      const response = await cdc(sim, "Customer,Invoice,Payment", ago(10))
      assert.strictEqual(response.status, 200)
      assert.match(response.json.time, /^\d{4}-\d{2}-\d{2}T/)
      assert.deepStrictEqual(idsOf(response.json), [{ Customer: ["2", "3"] }, { Invoice: [kept.Id, gone.Id] }, {}], "oldest change first; Payment unchanged")
      const [customers, invoices, payments] = response.json.CDCResponse[0].QueryResponse
      assert.deepStrictEqual(payments, {})
      assert.strictEqual(customers.startPosition, 1)
      assert.strictEqual(customers.maxResults, 2)
      assert.strictEqual(customers.Customer[1].CompanyName, "Edited Inc", "the full, current record")
      assert.deepStrictEqual(invoices.Invoice[0], (await raw(sim, `/invoice/${kept.Id}`)).json.Invoice)
      const deleted = invoices.Invoice[1]
      assert.deepStrictEqual(Object.keys(deleted).sort(), ["Id", "MetaData", "domain", "status"])
      assert.deepStrictEqual([deleted.domain, deleted.status, deleted.Id], ["QBO", "Deleted", gone.Id])
      assert.isAtLeast(Date.parse(deleted.MetaData.LastUpdatedTime), Date.parse(ago(1)), "the time of the deletion")

      const later = await cdc(sim, "Customer", new Date(Date.now() + 60_000).toISOString())
      assert.deepStrictEqual(later.json.CDCResponse, [{ QueryResponse: [{}] }], "nothing changed after that")
    }))

  it("reaches back 30 days at most, and names what is wrong with a request", () =>
    withSim({}, async (sim) => {
      assert.strictEqual((await cdc(sim, "Customer", ago(29))).status, 200)
      const monthAgo = ago(31)
      const tooOld = await cdc(sim, "Customer", monthAgo)
      assert.strictEqual(tooOld.status, 400)
      assert.strictEqual(firstError(tooOld).Detail, `Operation cdc with changedSince date ${monthAgo} which is older than fixed days is not supported.`)
      assert.strictEqual(firstError(await raw(sim, `/cdc?changedSince=${ago(1)}`)).code, "2020")
      assert.strictEqual(firstError(await cdc(sim, "Customer", "yesterday")).element, "changedSince")
      assert.include(firstError(await cdc(sim, "Customer,Gadget", ago(1))).Detail, "Gadget")
      // node-quickbooks appends a "+hh:mm" offset unencoded, so it arrives as a space.
      const offset = new Date(Date.now() - DAY).toISOString().replace(/\.\d{3}Z$/, "+00:00")
      assert.strictEqual((await raw(sim, `/cdc?entities=Customer&changedSince=${offset}`)).status, 200)
    }))

  it("caps each entity at 1,000 objects, oldest change first; the whole response as an option", async () => {
    const customers = Array.from({ length: 1001 }, (_, index) => ({
      Id: String(index + 1),
      DisplayName: `Customer ${index + 1}`,
      MetaData: { CreateTime: ago(5), LastUpdatedTime: new Date(Date.now() - 5 * DAY + index * 1000).toISOString() }
    }))
    const invoices = [1, 2].map((id) => ({ Id: String(5000 + id), ...invoiceBody(), ...stamped(3) }))
    await withSim({ Customer: customers, Invoice: invoices }, async (sim) => {
      const capped = idsOf((await cdc(sim, "Customer,Invoice", ago(6))).json)
      assert.lengthOf(capped[0]!["Customer"]!, 1000)
      assert.notInclude(capped[0]!["Customer"]!, "1001", "the newest change waits for the next call")
      assert.deepStrictEqual(capped[1], { Invoice: ["5001", "5002"] })
      sim.setOptions({ cdc: { capPerEntity: false } })
      const shared = idsOf((await cdc(sim, "Customer,Invoice", ago(6))).json)
      assert.lengthOf(shared[0]!["Customer"]!, 1000)
      assert.deepStrictEqual(shared[1], {}, "the response is full")
    })
  })
})
