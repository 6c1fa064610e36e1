/**
 * JSON Schema validation of one parsed file, with every AJV error turned into a sentence at
 * the `line:column` of the offending node: an unknown key points at the key, a missing key
 * at its parent, a bad value at the value. Misspelt keys and enum values get a suggestion.
 */
import { Ajv } from "ajv"
import type { ErrorObject, ValidateFunction } from "ajv"
import addFormatsModule from "ajv-formats"
import { describeValue, formatPath, parsePointer, showValue, valueAt } from "./dataPath.ts"
import { envVarProblem, isEnvVarKey } from "./envVars.ts"
import type { ConfigFileName, ConfigFileSpec, JsonSchema } from "./files.ts"
import { CONFIG_FILES } from "./files.ts"
import type { ConfigProblem } from "./problems.ts"
import { pathsDeclaring, schemaAt, schemaProperties } from "./schemaWalk.ts"
import { closestMatch } from "./suggest.ts"
import type { Anchor, DataPath, YamlSource } from "./yamlSource.ts"

const addFormats = addFormatsModule.default

/**
 * Strict (unknown keywords and formats are schema bugs), every error in one run, errors
 * carrying their schema (`verbose`) for messages. `strictRequired` is off because the
 * "exactly one of" branches (`oneOf: [{required: [a]}, {required: [b]}]`) list properties
 * declared by their parent; a test checks every `required` name is declared.
 */
const makeAjv = (): Ajv => {
  const ajv = new Ajv({ strict: true, strictRequired: false, allErrors: true, verbose: true })
  addFormats(ajv, ["email", "uri"])
  // Editor-only keyword (yaml-language-server shows it); we read it for our own messages.
  ajv.addKeyword({ keyword: "patternErrorMessage", schemaType: "string" })
  return ajv
}

let validators: ReadonlyMap<ConfigFileName, ValidateFunction> | undefined

const validatorFor = (name: ConfigFileName): ValidateFunction => {
  if (validators === undefined) {
    const ajv = makeAjv()
    validators = new Map(CONFIG_FILES.map((file) => [file.name, ajv.compile(file.schema)]))
  }
  const validate = validators.get(name)
  if (validate === undefined) throw new Error(`No schema for ${name}`)
  return validate
}

interface Finding {
  readonly path: DataPath
  readonly anchor: Anchor
  readonly message: string
  readonly hint?: string
  /** For an unknown key: the valid key it is probably a typo of. */
  readonly suggestedKey?: string
  /** For a missing required key: its name. */
  readonly missingKey?: string
}

/** `itme: …` is one mistake: report the unknown key with its suggestion, not also a missing `item`. */
const withoutTypoDuplicates = (findings: ReadonlyArray<Finding>): ReadonlyArray<Finding> =>
  findings.filter((finding) =>
    finding.missingKey === undefined ||
    !findings.some((other) =>
      other.suggestedKey === finding.missingKey && formatPath(other.path.slice(0, -1)) === formatPath(finding.path)
    )
  )

export const schemaProblems = (spec: ConfigFileSpec, source: YamlSource): ReadonlyArray<ConfigProblem> => {
  const validate = validatorFor(spec.name)
  if (validate(source.data)) return []
  const findings = withoutTypoDuplicates(
    withoutCascades(validate.errors ?? []).map((error) => describeError(error, source.data, spec))
  )
  const seen = new Set<string>()
  const problems: Array<ConfigProblem> = []
  for (const finding of findings) {
    const position = source.locate(finding.path, finding.anchor)
    const key = `${position.line}:${position.column}:${finding.message}`
    if (seen.has(key)) continue
    seen.add(key)
    problems.push({
      file: source.file,
      ...position,
      severity: "error",
      message: finding.message,
      ...(finding.hint === undefined ? {} : { hint: finding.hint }),
      ...(finding.path.length === 0 ? {} : { path: formatPath(finding.path) })
    })
  }
  return problems
}

/**
 * `oneOf`/`anyOf` report every failing branch plus a summary; keep the summary only (we word
 * it ourselves). `propertyNames` reports a summary plus the real error; keep the real one.
 */
const withoutCascades = (errors: ReadonlyArray<ErrorObject>): ReadonlyArray<ErrorObject> => {
  const summaries = errors.filter((error) => error.keyword === "oneOf" || error.keyword === "anyOf")
  return errors.filter((error) => {
    if (error.keyword === "propertyNames") return false
    return !summaries.some((summary) =>
      summary !== error && summary.instancePath === error.instancePath &&
      error.schemaPath.startsWith(`${summary.schemaPath}/`)
    )
  })
}

const code = (text: string | number): string => `\`${text}\``

const listOf = (values: ReadonlyArray<unknown>, conjunction: "or" | "and" = "or"): string => {
  const shown = values.map((value) => code(String(value)))
  if (shown.length <= 1) return shown.join("")
  return `${shown.slice(0, -1).join(", ")} ${conjunction} ${shown.at(-1)}`
}

/** "`sync.lookbackDays`" or, for the whole file, "The file" (only ever starts a sentence). */
const where = (path: DataPath): string => (path.length === 0 ? "The file" : code(formatPath(path)))

const TYPE_WORDS: Readonly<Record<string, string>> = {
  string: "text",
  integer: "a whole number",
  number: "a number",
  boolean: "`true` or `false`",
  object: "a mapping (`key: value` lines)",
  array: "a list",
  null: "an empty value"
}

const describeError = (error: ErrorObject, data: unknown, spec: ConfigFileSpec): Finding => {
  const path = parsePointer(error.instancePath, data)
  const value = valueAt(data, path)
  const parentSchema = (error.parentSchema ?? {}) as JsonSchema
  const title = typeof parentSchema["title"] === "string" ? parentSchema["title"] : undefined
  const params = error.params as Record<string, unknown>

  switch (error.keyword) {
    case "additionalProperties":
      return unknownKey(path, String(params["additionalProperty"]), parentSchema, spec)

    case "required": {
      const missing = String(params["missingProperty"])
      const property = schemaProperties(parentSchema)[missing]
      const constant = property?.["const"]
      const hint = constant !== undefined
        ? `Add \`${missing}: ${JSON.stringify(constant)}\`${path.length === 0 ? " at the top of the file" : ""}.`
        : firstSentence(property?.["description"])
      return {
        path,
        anchor: "node",
        missingKey: missing,
        message: `Missing required key ${code(missing)}${path.length === 0 ? "" : ` in ${where(path)}`}.`,
        ...(hint === undefined ? {} : { hint })
      }
    }

    case "type": {
      const expected = String(params["type"]).split(",").map((type) => TYPE_WORDS[type] ?? type).join(" or ")
      if (value === null) {
        return {
          path,
          anchor: "value",
          message: `${where(path)} is empty; expected ${expected}.`,
          hint: "Give it a value, or remove the key to use the default."
        }
      }
      return {
        path,
        anchor: "value",
        message: `${where(path)} must be ${expected}; found ${describeValue(value)}.`,
        ...typeHint(String(params["type"]), value)
      }
    }

    case "enum": {
      const allowed = (params["allowedValues"] as ReadonlyArray<unknown> | undefined) ?? []
      const suggestion = typeof value === "string" ? closestMatch(value, allowed.map(String)) : undefined
      return {
        path,
        anchor: "value",
        message: suggestion === undefined
          ? `${where(path)} must be one of ${listOf(allowed)}; found ${describeValue(value)}.`
          : `Unknown value ${code(String(value))} for ${where(path)}; did you mean ${code(suggestion)}?`,
        hint: `Allowed values: ${listOf(allowed)}.`
      }
    }

    case "const":
      return {
        path,
        anchor: "value",
        message: `${where(path)} must be ${code(JSON.stringify(params["allowedValue"]))}; found ${describeValue(value)}.`,
        ...(path.at(-1) === "version" && path.length === 1
          ? { hint: "This release of atqbo reads configuration version 1." }
          : {})
      }

    case "pattern": {
      const key = path.at(-1)
      if (typeof key === "string" && isEnvVarKey(key) && typeof value === "string") {
        const problem = envVarProblem(value, path, schemaAt(spec.schema, path)?.["default"])
        if (problem !== undefined) return { path, anchor: "value", ...problem }
      }
      const explanation = typeof parentSchema["patternErrorMessage"] === "string"
        ? parentSchema["patternErrorMessage"]
        : `It must match the pattern ${code(String(params["pattern"]))}.`
      return { path, anchor: "value", message: `Invalid value ${showValue(value)} for ${where(path)}: ${explanation}` }
    }

    case "maxLength":
    case "minLength": {
      const limit = Number(params["limit"])
      const what = title ?? "value"
      const forWhat = title === undefined ? "" : ` for ${articled(title)}`
      // A `propertyNames` error is about a key of the mapping at `path`, not a value.
      const key = error.propertyName
      const subject = key === undefined ? value : key
      const length = typeof subject === "string" ? [...subject].length : 0
      const target: Finding["path"] = key === undefined ? path : [...path, key]
      const anchor: Anchor = key === undefined ? "value" : "key"
      if (error.keyword === "minLength" && limit === 1) {
        return key === undefined
          ? { path: target, anchor, message: `${where(path)} must not be empty.` }
          : { path: target, anchor, message: `${where(path)} has an empty key; each key must be ${articled(what)}.` }
      }
      const subjectText = key === undefined ? where(path) : `The key ${showValue(key)} in ${where(path)}`
      return {
        path: target,
        anchor,
        message: error.keyword === "maxLength"
          ? `${subjectText} is too long${forWhat}: ${length} characters, at most ${limit} allowed.`
          : `${subjectText} is too short${forWhat}: ${length} characters, at least ${limit} needed.`
      }
    }

    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum": {
      const minimum = parentSchema["minimum"]
      const maximum = parentSchema["maximum"]
      const range = typeof minimum === "number" && typeof maximum === "number"
        ? `between ${minimum} and ${maximum}`
        : error.keyword.endsWith("inimum")
        ? `at least ${String(params["limit"])}`
        : `at most ${String(params["limit"])}`
      return { path, anchor: "value", message: `${where(path)} must be ${range}; found ${showValue(value)}.` }
    }

    case "format": {
      const format = String(params["format"])
      const expected = format === "email" ? "an e-mail address" : format === "uri" ? "an absolute URL" : `a valid ${format}`
      return { path, anchor: "value", message: `${where(path)} must be ${expected}; found ${showValue(value)}.` }
    }

    case "uniqueItems": {
      const later = Number(params["i"])
      const earlier = Number(params["j"])
      const items = Array.isArray(value) ? value : []
      return {
        path: [...path, later],
        anchor: "value",
        message: `${where(path)} lists ${showValue(items[later])} twice (entries ${earlier + 1} and ${later + 1}).`,
        hint: "Remove the repeated entry."
      }
    }

    case "minItems":
      return {
        path,
        anchor: "value",
        message: `${where(path)} is an empty list; list at least ${String(params["limit"])} value${Number(params["limit"]) === 1 ? "" : "s"}.`,
        hint: "Add a value, or remove the key."
      }

    case "oneOf":
    case "anyOf":
      return alternatives(error, path, value)

    default:
      return { path, anchor: "value", message: `${where(path)} ${error.message ?? "is invalid"}.` }
  }
}

const articled = (noun: string): string => (/^[aeiou]/i.test(noun) && !/^(QBO|URL)/.test(noun) ? `an ${noun}` : `a ${noun}`)

const firstSentence = (description: unknown): string | undefined => {
  if (typeof description !== "string") return undefined
  const end = description.search(/\.(\s|$)/)
  return end === -1 ? description : description.slice(0, end + 1)
}

const unknownKey = (path: DataPath, key: string, parentSchema: JsonSchema, spec: ConfigFileSpec): Finding => {
  const valid = Object.keys(schemaProperties(parentSchema))
  const keyPath = [...path, key]
  const location = path.length === 0 ? "" : ` in ${where(path)}`
  const hint = valid.length === 0 ? undefined : `Valid keys${path.length === 0 ? ` at the top of ${spec.fileName}` : ` in ${where(path)}`}: ${valid.join(", ")}.`
  const withHint = (message: string): Finding => ({ path: keyPath, anchor: "key", message, ...(hint === undefined ? {} : { hint }) })
  const suggestion = closestMatch(key, valid)
  if (suggestion !== undefined) {
    return { ...withHint(`Unknown key ${code(key)}${location}; did you mean ${code(suggestion)}?`), suggestedKey: suggestion }
  }
  // A valid key in the wrong place: say where it belongs.
  const elsewhere = pathsDeclaring(spec.schema, key, formatPath(path))
  const [home] = elsewhere
  if (home !== undefined) {
    const belongs = home === "" ? `at the top level of ${spec.fileName}` : `under ${code(home)}`
    return withHint(`Unknown key ${code(key)}${location}; ${code(key)} belongs ${belongs}.`)
  }
  return withHint(`Unknown key ${code(key)}${location}.`)
}

const typeHint = (expected: string, value: unknown): { hint?: string } => {
  if (expected === "string" && (typeof value === "number" || typeof value === "boolean")) {
    return { hint: `Quote it so YAML keeps it as text: "${String(value)}".` }
  }
  if ((expected === "integer" || expected === "number") && typeof value === "string" && /^-?\d+(\.\d+)?$/.test(value.trim())) {
    return { hint: `Remove the quotes: ${value.trim()}.` }
  }
  if (expected === "boolean" && typeof value === "string" && /^(yes|no|on|off|y|n|true|false)$/i.test(value)) {
    return { hint: "Write `true` or `false` without quotes (YAML 1.2 reads yes/no/on/off as text)." }
  }
  if (expected === "array" && (typeof value === "string" || typeof value === "number")) {
    return { hint: `Write a list, e.g. [${showValue(value)}] or one \`- value\` line per entry.` }
  }
  if (expected === "array" && typeof value === "object" && value !== null) {
    return { hint: "Write one entry per line, each starting with `- `." }
  }
  return {}
}

/** "Exactly one of" / "at least one of" required-key alternatives. */
const alternatives = (error: ErrorObject, path: DataPath, value: unknown): Finding => {
  const branches = Array.isArray(error.schema) ? (error.schema as ReadonlyArray<JsonSchema>) : []
  const names = branches.flatMap((branch) => (Array.isArray(branch["required"]) ? branch["required"].map(String) : []))
  const present = typeof value === "object" && value !== null ? names.filter((name) => name in value) : []
  if (error.keyword === "oneOf" && present.length > 1) {
    return {
      path,
      anchor: "node",
      message: `${where(path)} has both ${listOf(present, "and")}; give only one.`,
      hint: `Use ${listOf(names)} to name it, not several.`
    }
  }
  return {
    path,
    anchor: "node",
    message: error.keyword === "oneOf"
      ? `${where(path)} needs one of ${listOf(names)}.`
      : `${where(path)} needs at least one of ${listOf(names)}.`
  }
}
