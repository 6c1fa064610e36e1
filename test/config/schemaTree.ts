/** Enumerates every setting our schemas declare, for lint and coverage tests. */
import type { JsonSchema } from "../../src/config/files.ts"
import { resolveSchema, schemaProperties } from "../../src/config/schemaWalk.ts"

export interface SchemaSetting {
  /** Data path; list entries appear as `[]`, e.g. `map[].item`. */
  readonly path: ReadonlyArray<string>
  /** The property schema as written (before `$ref` resolution). */
  readonly written: JsonSchema
  /** With its `$ref` target merged in. */
  readonly resolved: JsonSchema
}

export const schemaSettings = (root: JsonSchema): ReadonlyArray<SchemaSetting> => {
  const settings: Array<SchemaSetting> = []
  const walk = (schema: JsonSchema, path: ReadonlyArray<string>): void => {
    const resolved = resolveSchema(root, schema)
    for (const [name, property] of Object.entries(schemaProperties(resolved))) {
      const propertyPath = [...path, name]
      const propertyResolved = resolveSchema(root, property)
      settings.push({ path: propertyPath, written: property, resolved: propertyResolved })
      walk(propertyResolved, propertyPath)
      const items = propertyResolved["items"]
      if (typeof items === "object" && items !== null) walk(items as JsonSchema, [...propertyPath, "[]"])
    }
  }
  walk(root, [])
  return settings
}

/** Every schema object anywhere in the document (for keyword lint). */
export const allSchemaObjects = (root: JsonSchema): ReadonlyArray<{ pointer: string; schema: JsonSchema; parent?: JsonSchema }> => {
  const found: Array<{ pointer: string; schema: JsonSchema; parent?: JsonSchema }> = []
  const visit = (value: unknown, pointer: string, parent: JsonSchema | undefined): void => {
    if (typeof value !== "object" || value === null) return
    if (Array.isArray(value)) {
      value.forEach((item, index) => visit(item, `${pointer}/${index}`, parent))
      return
    }
    const schema = value as JsonSchema
    found.push({ pointer, schema, ...(parent === undefined ? {} : { parent }) })
    for (const keyword of ["properties", "definitions"]) {
      const children = schema[keyword]
      if (typeof children === "object" && children !== null) {
        for (const [name, child] of Object.entries(children)) visit(child, `${pointer}/${keyword}/${name}`, schema)
      }
    }
    for (const keyword of ["items", "additionalProperties", "propertyNames"]) visit(schema[keyword], `${pointer}/${keyword}`, schema)
    for (const keyword of ["oneOf", "anyOf", "allOf"]) visit(schema[keyword], `${pointer}/${keyword}`, schema)
  }
  visit(root, "#", undefined)
  return found
}
