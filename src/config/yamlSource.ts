/**
 * Parses one YAML file and keeps its source positions, so every later check (schema or
 * semantic) can point at the exact `line:column` of a key or value. Pure: text in, data and
 * problems out.
 */
import { isAlias, isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, visit } from "yaml"
import type { Document, Node, YAMLError } from "yaml"
import type { ConfigProblem } from "./problems.ts"

/** A step into the data: a mapping key or a list index. */
export type PathSegment = string | number
export type DataPath = ReadonlyArray<PathSegment>

export interface Position {
  readonly line: number
  readonly column: number
}

/**
 * What a position should point at: `key` — the key of the last segment (unknown keys);
 * `value` — its value, or the key when the value is empty (wrong types, bad values);
 * `node` — the mapping or list itself, by its key when it has one (missing required keys).
 */
export type Anchor = "key" | "value" | "node"

export interface YamlSource {
  readonly file: string
  /** The plain data (`{}` for an empty file), as JSON Schema validation sees it. */
  readonly data: unknown
  readonly locate: (path: DataPath, anchor: Anchor) => Position
}

export interface ParsedYaml {
  /** Undefined when the file has syntax errors: half-parsed data is not validated further. */
  readonly source: YamlSource | undefined
  readonly problems: ReadonlyArray<ConfigProblem>
}

const START: Position = { line: 1, column: 1 }

export const parseYaml = (file: string, text: string): ParsedYaml => {
  const lineCounter = new LineCounter()
  const document = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true, strict: true })
  const at = (offset: number): Position => {
    const { line, col } = lineCounter.linePos(offset)
    return { line, column: col }
  }
  const problem = (offset: number, severity: ConfigProblem["severity"], message: string, hint?: string): ConfigProblem => ({
    file,
    ...at(offset),
    severity,
    message,
    ...(hint === undefined ? {} : { hint })
  })

  const syntaxErrors = document.errors.map((error) => problem(error.pos[0], "error", ...describeYamlError(error, document, at)))
  const yamlWarnings = document.warnings
    .filter((warning) => warning.code !== "TAG_RESOLVE_FAILED") // reported below with the other tags
    .map((warning) => problem(warning.pos[0], "warning", stripPosition(warning.message)))
  const hardening = inertnessProblems(document, text).map(({ offset, message, hint }) => problem(offset, "error", message, hint))
  const problems = [...syntaxErrors, ...yamlWarnings, ...hardening]

  if (syntaxErrors.length > 0) return { source: undefined, problems }
  const data: unknown = document.contents === null ? {} : document.toJS()
  return { source: { file, data, locate: (path, anchor) => locate(document, path, anchor, at) }, problems }
}

/**
 * Anchors, aliases and explicit tags are refused: a reviewer reading a diff cannot see what
 * an alias expands to or what a tag converts (the "inert config" rule of config-as-code tools).
 */
const inertnessProblems = (document: Document, text: string): Array<{ offset: number; message: string; hint?: string }> => {
  // A node's range starts after its anchor and tag; point at those instead (same line only).
  const before = (marker: string, offset: number): number => {
    const found = text.lastIndexOf(marker, offset)
    return found !== -1 && !text.slice(found, offset).includes("\n") ? found : offset
  }
  const found: Array<{ offset: number; message: string; hint?: string }> = []
  visit(document, {
    Alias(_, alias) {
      found.push({
        offset: alias.range?.[0] ?? 0,
        message: `YAML aliases (\`*${alias.source}\`) are not allowed: reviewers cannot see what they expand to.`,
        hint: "Write the value out in full."
      })
    },
    Node(_, node) {
      const offset = node.range?.[0] ?? 0
      if (node.anchor !== undefined) {
        found.push({
          offset: before(`&${node.anchor}`, offset),
          message: `YAML anchors (\`&${node.anchor}\`) are not allowed: reviewers cannot see where they are reused.`,
          hint: "Remove the anchor and write each value out in full."
        })
      }
      if (node.tag !== undefined) {
        found.push({
          offset: before("!", offset),
          message: `YAML tags (\`${shortTag(node.tag)}\`) are not allowed in atqbo configuration.`,
          hint: "Remove the tag; to keep a value such as 12345 as text, quote it: \"12345\"."
        })
      }
    }
  })
  return found
}

const shortTag = (tag: string): string => tag.replace(/^tag:yaml\.org,2002:/, "!!")

/** `prettyErrors` appends " at line N, column M:" and a code frame; we print our own position. */
const stripPosition = (message: string): string => message.replace(/ at line \d+, column \d+:?[\s\S]*$/, "").trim()

const describeYamlError = (error: YAMLError, document: Document, at: (offset: number) => Position): [string, string?] => {
  switch (error.code) {
    case "DUPLICATE_KEY": {
      const duplicate = findDuplicateKey(document, error.pos[0])
      return duplicate === undefined
        ? ["Duplicate key: a key may appear only once in a mapping.", "Remove one of the two entries."]
        : [
          `Duplicate key \`${duplicate.key}\`: it is already set on line ${at(duplicate.firstOffset).line}.`,
          "Remove one of the two entries."
        ]
    }
    case "TAB_AS_INDENT":
      return ["Tabs are not allowed for indentation in YAML.", "Indent with spaces."]
    case "MULTIPLE_DOCS":
      return ["A configuration file holds a single YAML document.", "Remove the `---` separator and merge the documents."]
    default:
      return [`YAML syntax error: ${sentence(stripPosition(error.message))}`]
  }
}

const sentence = (text: string): string => (/[.!?]$/.test(text) ? text : `${text}.`)

/** The repeated key whose node starts at `offset`, and where that key first appeared. */
const findDuplicateKey = (document: Document, offset: number): { key: string; firstOffset: number } | undefined => {
  let found: { key: string; firstOffset: number } | undefined
  visit(document, {
    Map(_, map) {
      const pair = map.items.find((candidate) => isNode(candidate.key) && candidate.key.range?.[0] === offset)
      if (pair === undefined) return undefined
      const key = keyText(pair.key)
      const first = map.items.find((candidate) => keyText(candidate.key) === key)
      const firstOffset = isNode(first?.key) ? first.key.range?.[0] : undefined
      found = { key, firstOffset: firstOffset ?? offset }
      return visit.BREAK
    }
  })
  return found
}

const keyText = (key: unknown): string => {
  if (isScalar(key)) return String(key.value ?? "")
  if (isNode(key)) return String(key.toJSON())
  return String(key ?? "")
}

/** Walks `path` down the document and returns the position the anchor asks for. */
const locate = (document: Document, path: DataPath, anchor: Anchor, at: (offset: number) => Position): Position => {
  let node: unknown = document.contents
  let key: Node | undefined
  let reached = 0
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((candidate) => keyText(candidate.key) === String(segment))
      if (pair === undefined) break
      key = isNode(pair.key) ? pair.key : undefined
      node = pair.value
    } else if (isSeq(node)) {
      const item = node.items[Number(segment)]
      if (item === undefined) break
      key = undefined
      node = item
    } else {
      break
    }
    reached++
  }
  const offsetOf = (candidate: unknown): number | undefined =>
    isNode(candidate) && candidate.range !== undefined && candidate.range !== null ? candidate.range[0] : undefined
  const emptyValue = isScalar(node) && node.value === null && (node.range?.[0] ?? 0) === (node.range?.[1] ?? 0)
  const complete = reached === path.length
  const keyOffset = offsetOf(key)
  const nodeOffset = isAlias(node) || emptyValue ? undefined : offsetOf(node)
  // Past a missing step, the closest thing that exists is the last key found.
  const choice = complete && anchor === "value" ? nodeOffset ?? keyOffset : keyOffset ?? nodeOffset
  return choice === undefined ? START : at(choice)
}
