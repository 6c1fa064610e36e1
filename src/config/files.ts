/**
 * The files of a configuration directory, their JSON Schemas and whether they are required.
 * Only `atqbo.yaml` is; every other file falls back to defaults when absent.
 */
import atqboSchema from "../../schemas/atqbo.schema.json" with { type: "json" }
import classesSchema from "../../schemas/classes.schema.json" with { type: "json" }
import customersSchema from "../../schemas/customers.schema.json" with { type: "json" }
import itemsSchema from "../../schemas/items.schema.json" with { type: "json" }
import taxesSchema from "../../schemas/taxes.schema.json" with { type: "json" }
import termsSchema from "../../schemas/terms.schema.json" with { type: "json" }

export const CONFIG_FILE_NAMES = ["atqbo", "items", "terms", "customers", "classes", "taxes"] as const
export type ConfigFileName = (typeof CONFIG_FILE_NAMES)[number]

/** A JSON Schema as plain data; walked by the error mapper and the docs generator. */
export type JsonSchema = { readonly [keyword: string]: unknown }

export interface ConfigFileSpec {
  readonly name: ConfigFileName
  /** `items.yaml` */
  readonly fileName: string
  readonly required: boolean
  readonly schema: JsonSchema
}

const spec = (name: ConfigFileName, schema: JsonSchema): ConfigFileSpec => ({
  name,
  fileName: `${name}.yaml`,
  required: name === "atqbo",
  schema
})

export const CONFIG_FILES: ReadonlyArray<ConfigFileSpec> = [
  spec("atqbo", atqboSchema),
  spec("items", itemsSchema),
  spec("terms", termsSchema),
  spec("customers", customersSchema),
  spec("classes", classesSchema),
  spec("taxes", taxesSchema)
]

export const configFileSpec = (name: ConfigFileName): ConfigFileSpec =>
  CONFIG_FILES.find((file) => file.name === name) ?? CONFIG_FILES[0]!
