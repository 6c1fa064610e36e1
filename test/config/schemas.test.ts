import { assert, describe, it } from "@effect/vitest"
import { Ajv } from "ajv"
import addFormatsModule from "ajv-formats"
import { readFileSync } from "node:fs"
import { CONFIG_FILES } from "../../src/config/files.ts"
import { allSchemaObjects, schemaSettings } from "./schemaTree.ts"

describe("JSON Schemas", () => {
  for (const spec of CONFIG_FILES) {
    describe(`${spec.name}.schema.json`, () => {
      it("is draft-07 with a stable, versioned $id", () => {
        assert.strictEqual(spec.schema["$schema"], "http://json-schema.org/draft-07/schema#")
        assert.strictEqual(spec.schema["$id"], `https://atqbo.dev/schemas/v1/${spec.name}.schema.json`)
        assert.isString(spec.schema["description"])
      })

      it("describes every property", () => {
        const undescribed = schemaSettings(spec.schema)
          .filter((setting) => typeof setting.written["description"] !== "string")
          .map((setting) => setting.path.join("."))
        assert.deepStrictEqual(undescribed, [])
      })

      it("closes every object (additionalProperties: false, or a schema for user-named keys)", () => {
        const open = allSchemaObjects(spec.schema)
          .filter(({ schema }) => schema["type"] === "object" || "properties" in schema)
          .filter(({ schema }) => schema["additionalProperties"] !== false && typeof schema["additionalProperties"] !== "object")
          .map(({ pointer }) => pointer)
        assert.deepStrictEqual(open, [])
      })

      it("keeps definitions flat and references them locally", () => {
        const nested = allSchemaObjects(spec.schema).filter(({ pointer, schema }) => pointer !== "#" && "definitions" in schema)
        assert.deepStrictEqual(nested.map(({ pointer }) => pointer), [])
        const refs = JSON.stringify(spec.schema).match(/"\$ref":"[^"]*"/g) ?? []
        for (const ref of refs) assert.match(ref, /^"\$ref":"#\/definitions\/[A-Za-z]+"$/)
      })

      it("declares every required property (strictRequired is off for oneOf branches)", () => {
        for (const { pointer, schema, parent } of allSchemaObjects(spec.schema)) {
          const required = schema["required"]
          if (!Array.isArray(required)) continue
          const declared = { ...(parent?.["properties"] as object | undefined), ...(schema["properties"] as object | undefined) }
          for (const name of required) assert.property(declared, name, `${pointer} requires undeclared ${name}`)
        }
      })

      it("has defaults that satisfy their own property schemas", () => {
        const ajv = new Ajv({ strict: true, strictRequired: false, allErrors: true })
        addFormatsModule.default(ajv, ["email", "uri"])
        ajv.addKeyword({ keyword: "patternErrorMessage", schemaType: "string" })
        ajv.addSchema(spec.schema)
        for (const setting of schemaSettings(spec.schema)) {
          if (!("default" in setting.resolved)) continue
          const { default: value, ...schema } = setting.resolved
          const validate = ajv.compile({ ...schema, definitions: spec.schema["definitions"] })
          assert.isTrue(validate(value), `default of ${setting.path.join(".")}: ${ajv.errorsText(validate.errors)}`)
        }
      })

      it("is what the example mapping file points its editor at", () => {
        const firstLine = readFileSync(`mappings/${spec.fileName}`, "utf8").split("\n")[0]
        assert.strictEqual(firstLine, `# yaml-language-server: $schema=../schemas/${spec.name}.schema.json`)
      })
    })
  }
})
