/**
 * Loading simulator datasets from disk: entity files byte-faithful on the wire, options
 * from sandbox.yaml, and clear errors naming the file (and line) at fault.
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterEach, assert, describe, it } from "@effect/vitest"
import {
  AutotaskDatasetError,
  AutotaskSimOptionsError,
  loadAutotaskDataset
} from "../../src/sandbox/autotask/index.ts"
import { getJson, patchJson, postJson, withSimulator } from "./fixtures.ts"

const dirs: Array<string> = []
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })))
})

const datasetDir = async (files: Readonly<Record<string, string>>) => {
  const dir = await mkdtemp(join(tmpdir(), "atqbo-at-"))
  dirs.push(dir)
  await mkdir(join(dir, "autotask"))
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text)
  return dir
}

// Exactly as Autotask serialises them: 4-decimal money, "" vs null, timestamps with and without Z.
const invoicesJson = `[
  {"id": 155, "companyID": 369, "invoiceNumber": "", "invoiceDateTime": "2025-09-05T00:00:00",
   "createDateTime": "2025-09-05T09:47:15.227Z", "invoiceTotal": 52.7775, "totalTaxValue": 11.0833,
   "isVoided": false, "comments": null, "paidDate": null, "webServiceDate": null},
  {"id": 90071992547409931, "companyID": 369, "invoiceNumber": null, "invoiceDateTime": "2025-09-06T00:00:00Z",
   "invoiceTotal": 0.0000, "totalTaxValue": 386.6450, "isVoided": false}
]`

describe("loadAutotaskDataset", () => {
  it("loads entity files; missing files are empty entities", async () => {
    const dir = await datasetDir({ "autotask/Invoices.json": invoicesJson, "autotask/BillingItems.json": "[]" })
    const dataset = await loadAutotaskDataset(dir)
    assert.lengthOf(dataset.entities.Invoices ?? [], 2)
    assert.lengthOf(dataset.entities.BillingItems ?? [], 0)
    assert.isUndefined(dataset.entities.Companies)
    assert.isUndefined(dataset.options)
    await withSimulator({ data: dataset }, async (sim) => {
      const companies = await postJson(sim, "Companies/query", { filter: [{ op: "exist", field: "id" }] })
      assert.deepStrictEqual(companies.json.items, [])
    })
  })

  it("serves numbers exactly as the file spells them, and keeps untouched ones after a write", async () => {
    const dataset = await loadAutotaskDataset(await datasetDir({ "autotask/Invoices.json": invoicesJson }))
    await withSimulator({ data: dataset }, async (sim) => {
      const response = await postJson(sim, "Invoices/query", { filter: [{ op: "exist", field: "id" }] })
      assert.include(response.text, "\"invoiceTotal\":0.0000")
      assert.include(response.text, "\"totalTaxValue\":386.6450")
      assert.include(response.text, "\"id\":90071992547409931")
      assert.include(response.text, "\"invoiceTotal\":52.7775")
      assert.include(response.text, "\"invoiceNumber\":\"\"")
      assert.include(response.text, "\"invoiceDateTime\":\"2025-09-05T00:00:00\"")
      const zero = await postJson(sim, "Invoices/query", { filter: [{ op: "eq", field: "invoiceTotal", value: 0 }] })
      assert.strictEqual(zero.json.items.length, 1)

      await patchJson(sim, "Invoices", { id: 155, invoiceNumber: "QB-1" })
      const after = await getJson(sim, "Invoices/155")
      assert.include(after.text, "\"invoiceNumber\":\"QB-1\"")
      assert.include(after.text, "\"totalTaxValue\":11.0833")
    })
  })

  it("applies the autotask: section of sandbox.yaml", async () => {
    const dir = await datasetDir({
      "autotask/Invoices.json": invoicesJson,
      "sandbox.yaml": "qbo:\n  anything: 1\nautotask:\n  strictWrites: true\n  faults:\n    retryAfterSeconds: 2\n"
    })
    const dataset = await loadAutotaskDataset(dir)
    assert.deepStrictEqual(dataset.options, { strictWrites: true, faults: { retryAfterSeconds: 2 } })
    await withSimulator({ data: dataset }, async (sim) => {
      const refused = await patchJson(sim, "Invoices", { id: 155, invoiceTotal: 1 })
      assert.strictEqual(refused.status, 500)
    })
  })

  it("reports a bad option with the file, line and column of its key", async () => {
    const dir = await datasetDir({
      "sandbox.yaml": "autotask:\n  faults:\n    serverErrorRate: 1.5\n  latncy:\n    fixedMs: 10\n"
    })
    const error = await loadAutotaskDataset(dir).then(() => undefined, (caught: unknown) => caught)
    assert.instanceOf(error, AutotaskSimOptionsError)
    const message = (error as Error).message
    assert.include(message, join(dir, "sandbox.yaml"))
    assert.include(message, `autotask.faults.serverErrorRate (${join(dir, "sandbox.yaml")}:3:5) must be a number from 0 to 1`)
    assert.include(message, `unknown option autotask.latncy (${join(dir, "sandbox.yaml")}:4:3); did you mean latency?`)
  })

  it.each([
    ["invalid JSON", { "autotask/Invoices.json": "[{" }, /Invoices\.json: invalid JSON/],
    ["a non-array file", { "autotask/Invoices.json": "{}" }, /Invoices\.json: expected a JSON array/],
    ["a row without id", { "autotask/Invoices.json": "[{\"companyID\":1}]" }, /Invoices\.json: item 0 has no integer "id"/],
    ["duplicate ids", { "autotask/Invoices.json": "[{\"id\":1},{\"id\":1}]" }, /Invoices\.json: duplicate id 1/],
    ["a misspelt entity file", { "autotask/Invoice.json": "[]" }, /Invoice\.json: unknown Autotask entity file/],
    ["invalid YAML", { "sandbox.yaml": "autotask: [\n" }, /sandbox\.yaml:\d+:\d+: invalid YAML/]
  ])("rejects %s, naming the file", async (_name, files, pattern) => {
    const dir = await datasetDir(files)
    const error = await loadAutotaskDataset(dir).then(() => undefined, (caught: unknown) => caught)
    assert.instanceOf(error, Error)
    assert.isTrue(error instanceof AutotaskDatasetError || error instanceof AutotaskSimOptionsError)
    assert.match((error as Error).message, pattern)
  })
})
