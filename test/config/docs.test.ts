import { assert, describe, it } from "@effect/vitest"
import { readFileSync, writeFileSync } from "node:fs"
import { renderConfigurationDocs } from "../../src/config/configurationDocs.ts"
import { CONFIG_FILES } from "../../src/config/files.ts"
import { readExample } from "./helpers.ts"
import { schemaSettings } from "./schemaTree.ts"

const DOCS = "docs/configuration.md"

const generated = (): string =>
  renderConfigurationDocs(
    Object.fromEntries(CONFIG_FILES.map((spec) => [spec.name, readExample(spec.fileName)]))
  )

describe("docs/configuration.md", () => {
  it("is generated from the schemas and the example (ATQBO_UPDATE_DOCS=1 rewrites it)", () => {
    const expected = generated()
    if (process.env["ATQBO_UPDATE_DOCS"] === "1") writeFileSync(DOCS, expected)
    assert.strictEqual(readFileSync(DOCS, "utf8"), expected, "docs are stale: run ATQBO_UPDATE_DOCS=1 npx vitest run test/config/docs.test.ts")
  })

  it("documents every setting with its type, default, vendor-app equivalent and (for values) an example", () => {
    const docs = generated()
    for (const spec of CONFIG_FILES) {
      for (const setting of schemaSettings(spec.schema)) {
        const heading = `### \`${setting.path.join(".").replace(/\.\[\]/g, "[]")}\``
        const start = docs.indexOf(`${heading}\n`)
        assert.isAtLeast(start, 0, `${spec.fileName}: ${heading}`)
        const section = docs.slice(start, docs.indexOf("\n### ", start + 1))
        for (const field of ["- **Type:** ", "- **Default:** ", "- **Vendor app:** "]) assert.include(section, field, heading)
        if (setting.resolved["type"] !== "object" || typeof setting.resolved["additionalProperties"] === "object") {
          assert.include(section, "- **Example:**", heading)
        }
      }
    }
    assert.include(docs, "| 1 | at least one error")
  })
})
