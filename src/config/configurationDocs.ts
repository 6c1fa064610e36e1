/**
 * Generates docs/configuration.md from the JSON Schemas (the single source of every setting,
 * its type, default and vendor-app equivalent) and the example in mappings/ (the examples),
 * so the reference cannot drift from what `atqbo validate` enforces. A test keeps it current.
 */
import { stringify } from "yaml"
import { CONFIG_FILES } from "./files.ts"
import type { ConfigFileName, JsonSchema } from "./files.ts"
import { resolveSchema, schemaProperties } from "./schemaWalk.ts"

/** Parsed example file per name (from mappings/). */
export type ExampleData = Readonly<Partial<Record<ConfigFileName, unknown>>>

interface DocumentedSetting {
  readonly path: ReadonlyArray<string>
  readonly schema: JsonSchema
  readonly required: boolean
}

const settingsOf = (root: JsonSchema): ReadonlyArray<DocumentedSetting> => {
  const settings: Array<DocumentedSetting> = []
  const walk = (schema: JsonSchema, path: ReadonlyArray<string>): void => {
    const resolved = resolveSchema(root, schema)
    const required = Array.isArray(resolved["required"]) ? resolved["required"] : []
    for (const [name, property] of Object.entries(schemaProperties(resolved))) {
      const propertyPath = [...path, name]
      const propertySchema = resolveSchema(root, property)
      settings.push({ path: propertyPath, schema: propertySchema, required: required.includes(name) })
      walk(propertySchema, propertyPath)
      const items = propertySchema["items"]
      if (typeof items === "object" && items !== null) walk(items as JsonSchema, [...propertyPath, "[]"])
    }
  }
  walk(root, [])
  return settings
}

const dotted = (path: ReadonlyArray<string>): string => path.join(".").replace(/\.\[\]/g, "[]")

const code = (value: unknown): string => `\`${typeof value === "string" ? value : JSON.stringify(value)}\``

/** "Text. Default: `14`. Vendor app: …" → its parts. */
const splitDescription = (description: string): { text: string; defaultText?: string; vendor?: string } => {
  const [beforeVendor = "", vendor] = description.split(/\s*Vendor app: /)
  const defaultMatch = /\s*Default: (.*?\.)(?=\s|$)/.exec(beforeVendor)
  const text = defaultMatch === null ? beforeVendor : beforeVendor.replace(defaultMatch[0], "")
  return {
    text: text.trim(),
    ...(defaultMatch?.[1] === undefined ? {} : { defaultText: defaultMatch[1].replace(/\.$/, "") }),
    ...(vendor === undefined ? {} : { vendor: vendor.trim().replace(/\.$/, "") })
  }
}

const range = (schema: JsonSchema, unit: string): string => {
  const minimum = schema["minimum"] ?? schema["minLength"]
  const maximum = schema["maximum"] ?? schema["maxLength"]
  if (typeof minimum === "number" && typeof maximum === "number") return `, ${minimum}–${maximum}${unit}`
  if (typeof maximum === "number") return `, at most ${maximum}${unit}`
  if (typeof minimum === "number" && minimum > (unit === "" ? -1 : 1)) return `, at least ${minimum}${unit}`
  return ""
}

const typeOf = (root: JsonSchema, schema: JsonSchema): string => {
  if ("const" in schema) return code(schema["const"])
  if (Array.isArray(schema["enum"])) return `one of ${schema["enum"].map(code).join(", ")}`
  const title = typeof schema["title"] === "string" ? schema["title"] : undefined
  switch (schema["type"]) {
    case "boolean":
      return "`true` or `false`"
    case "integer":
      return `whole number${range(schema, "")}`
    case "string": {
      if (schema["format"] === "email") return "e-mail address"
      if (title !== undefined) return `${title}${range(schema, " characters")}`
      return `text${range(schema, " characters")}`
    }
    case "array": {
      const items = schema["items"]
      const item = typeof items === "object" && items !== null ? resolveSchema(root, items as JsonSchema) : {}
      const itemType = item["type"] === "object" && typeof item["title"] === "string" ? item["title"] : typeOf(root, item)
      return `list${schema["minItems"] === 1 ? " (not empty)" : ""}, each entry: ${itemType}`
    }
    case "object": {
      const keys = schema["propertyNames"]
      const values = schema["additionalProperties"]
      if (typeof values === "object" && values !== null) {
        const keyTitle = typeof keys === "object" && keys !== null ? resolveSchema(root, keys as JsonSchema)["title"] : "key"
        const valueTitle = resolveSchema(root, values as JsonSchema)["title"]
        return `mapping of ${String(keyTitle)} → ${String(valueTitle)}`
      }
      return "mapping of the settings below"
    }
    default:
      return "any"
  }
}

/** The example file's value at `path` as a YAML snippet, `[]` taking the first entry that has the rest. */
const exampleSnippet = (data: unknown, path: ReadonlyArray<string>): string | undefined => {
  const build = (node: unknown, rest: ReadonlyArray<string>): { found: boolean; value: unknown } => {
    const [head, ...tail] = rest
    if (head === undefined) return { found: true, value: node }
    if (head === "[]") {
      if (!Array.isArray(node)) return { found: false, value: undefined }
      for (const entry of node) {
        const inner = build(entry, tail)
        if (inner.found) return { found: true, value: [inner.value] }
      }
      return { found: false, value: undefined }
    }
    if (typeof node !== "object" || node === null || !(head in node)) return { found: false, value: undefined }
    const inner = build((node as Record<string, unknown>)[head], tail)
    return { found: inner.found, value: { [head]: inner.value } }
  }
  const { found, value } = build(data, path)
  return found ? stringify(value, { lineWidth: 0, flowCollectionPadding: false }).trimEnd() : undefined
}

const settingDoc = (root: JsonSchema, setting: DocumentedSetting, example: unknown): string => {
  const description = typeof setting.schema["description"] === "string" ? setting.schema["description"] : ""
  const { text, defaultText, vendor } = splitDescription(description)
  const isSection = setting.schema["type"] === "object" && !("additionalProperties" in setting.schema && setting.schema["additionalProperties"] !== false)
  const defaultValue = setting.required
    ? "required"
    : defaultText ?? ("default" in setting.schema ? code(setting.schema["default"]) : isSection ? "each setting below has its own" : "none")
  const snippet = isSection ? undefined : exampleSnippet(example, setting.path)
  return [
    `### \`${dotted(setting.path)}\``,
    "",
    text,
    "",
    `- **Type:** ${typeOf(root, setting.schema)}`,
    `- **Default:** ${defaultValue}`,
    `- **Vendor app:** ${vendor ?? "no equivalent"}`,
    ...(snippet === undefined ? [] : ["- **Example:**", "", "  ```yaml", ...snippet.split("\n").map((line) => `  ${line}`), "  ```"]),
    ""
  ].join("\n")
}

const INTRO = `# Configuration reference

<!-- Generated from schemas/*.schema.json and the examples in mappings/ by src/config/configurationDocs.ts.
     Do not edit by hand: update with \`ATQBO_UPDATE_DOCS=1 npx vitest run test/config/docs.test.ts\`. -->

atqbo reads its configuration from a directory (default \`mappings/\`, or \`--config DIR\`) of YAML files kept in git.
Only \`atqbo.yaml\` is required; every other file is optional and falls back to the defaults below. The directory
\`mappings/\` of this repository is a complete, commented example using every setting.

| file | holds |
|---|---|
| \`atqbo.yaml\` | connection (environment-variable names of the credentials), sync policy, safety limits, journal, apply lease, notifications, payments |
| \`items.yaml\` | billing code → QBO item matching, explicit mappings, missing-item policy |
| \`terms.yaml\` | Autotask payment term → QBO term aliases, unmatched-term policy |
| \`customers.yaml\` | company → customer cross-references, customer creation, name normalisation |
| \`classes.yaml\` | transaction class and per-line class rules |
| \`taxes.yaml\` | US sales tax or non-US tax codes |

Rules every file follows:

- **Secrets never appear in YAML.** Settings ending in \`Env\` hold the *name* of an environment variable
  (\`^[A-Z_][A-Z0-9_]*$\`, e.g. \`AUTOTASK_SECRET\`); atqbo reads the value from the environment at run time.
  A value that looks like a secret is an error.
- **Editors validate and complete as you type**: each example file starts with
  \`# yaml-language-server: $schema=../schemas/<file>.schema.json\` (VS Code YAML extension), pointing at the
  draft-07 schemas in \`schemas/\` (\`$id\` \`https://atqbo.dev/schemas/v1/<file>.schema.json\`).
- **Plain YAML only**: anchors, aliases and tags are refused (a reviewer cannot see what they expand to), as are
  duplicate keys, tab indentation and several documents in one file. Quote values that must stay text
  (\`realmId: "9130350000000000"\`).
- **QBO names** must be legal in QBO: no \`:\`, tab or line break; at most 100 characters for items and classes, 31 for
  terms, 500 for customers.

## Validating: \`atqbo validate\`

\`\`\`sh
atqbo validate [--config DIR] [--format text|json|github]
\`\`\`

Checks YAML syntax, the schemas and the semantic rules (duplicate or conflicting mappings, alias chains and cycles,
a fallback item for the \`fallback\` policy, line class rules that select nothing, names QBO rejects, look-back
bounds, time zones, environment-variable names) offline: no credentials, no network. Every problem of every file is
reported in one run, sorted by file, line and column, as \`file:line:column severity: message\` with a hint and, for
misspelt keys or values, the closest valid one. \`--format json\` prints \`{valid, errors, warnings, files, problems}\`;
\`--format github\` adds workflow-command annotations on the offending lines (at most 10 per severity, as GitHub
shows no more) and prints the full list as well.

| exit code | meaning |
|---|---|
| 0 | valid: no errors (warnings may have been printed) |
| 1 | at least one error, or the directory or \`atqbo.yaml\` is missing |

Warnings (for example two companies cross-referenced to one customer, an alias that maps a term to itself, a line
class rule that can never apply) never fail validation.
`

export const renderConfigurationDocs = (examples: ExampleData): string => {
  const sections = CONFIG_FILES.map((spec) => {
    const description = typeof spec.schema["description"] === "string" ? spec.schema["description"] : ""
    const settings = settingsOf(spec.schema).map((setting) => settingDoc(spec.schema, setting, examples[spec.name]))
    return [
      `## \`${spec.fileName}\``,
      "",
      `${spec.required ? "Required." : "Optional."} ${description}`,
      "",
      `Schema: [\`schemas/${spec.name}.schema.json\`](../schemas/${spec.name}.schema.json) · example: [\`mappings/${spec.fileName}\`](../mappings/${spec.fileName})`,
      "",
      ...settings
    ].join("\n")
  })
  return `${[INTRO, ...sections].join("\n").trimEnd()}\n`
}
