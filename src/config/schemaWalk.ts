/**
 * Walks our JSON Schemas as data: resolves local `$ref`s (keeping sibling keywords such as
 * `description` and `default`), finds the schema of a setting by its data path, and lists
 * where a key exists elsewhere. Our schemas only use local `#/definitions/…` references.
 */
import type { JsonSchema } from "./files.ts"
import type { DataPath } from "./yamlSource.ts"

const isSchema = (value: unknown): value is JsonSchema =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** The schema with its `$ref` target merged underneath its own keywords. */
export const resolveSchema = (root: JsonSchema, schema: JsonSchema): JsonSchema => {
  const ref = schema["$ref"]
  if (typeof ref !== "string" || !ref.startsWith("#/")) return schema
  let target: unknown = root
  for (const segment of ref.slice(2).split("/")) target = isSchema(target) ? target[segment] : undefined
  if (!isSchema(target)) return schema
  const { $ref: _ignored, ...siblings } = schema
  return { ...resolveSchema(root, target), ...siblings }
}

export const schemaProperties = (schema: JsonSchema): Readonly<Record<string, JsonSchema>> => {
  const properties = schema["properties"]
  return isSchema(properties) ? (properties as Record<string, JsonSchema>) : {}
}

/** The (resolved) schema one step down: a property, a list item or a map value. */
export const childSchema = (root: JsonSchema, schema: JsonSchema, segment: string | number): JsonSchema | undefined => {
  const resolved = resolveSchema(root, schema)
  if (typeof segment === "number") {
    const items = resolved["items"]
    return isSchema(items) ? resolveSchema(root, items) : undefined
  }
  const property = schemaProperties(resolved)[segment]
  if (property !== undefined) return resolveSchema(root, property)
  const additional = resolved["additionalProperties"]
  return isSchema(additional) ? resolveSchema(root, additional) : undefined
}

export const schemaAt = (root: JsonSchema, path: DataPath): JsonSchema | undefined => {
  let schema: JsonSchema | undefined = resolveSchema(root, root)
  for (const segment of path) {
    if (schema === undefined) return undefined
    schema = childSchema(root, schema, segment)
  }
  return schema
}

/** Dotted paths of every object (other than `except`) whose schema declares `key`. */
export const pathsDeclaring = (root: JsonSchema, key: string, except: string): ReadonlyArray<string> => {
  const found: Array<string> = []
  const walk = (schema: JsonSchema, path: string, depth: number): void => {
    if (depth > 6) return
    const properties = schemaProperties(resolveSchema(root, schema))
    if (key in properties && path !== except) found.push(path)
    for (const [name, property] of Object.entries(properties)) {
      walk(property, path === "" ? name : `${path}.${name}`, depth + 1)
    }
  }
  walk(root, "", 0)
  return found
}
