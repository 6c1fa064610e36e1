/**
 * Simulator datasets: entity rows as Autotask REST returns them plus simulator options.
 * On disk: `DIR/autotask/<Entity>.json` (a JSON array; a missing file is an empty entity)
 * and the optional `autotask:` section of `DIR/sandbox.yaml`. Rows are kept as written —
 * `""` vs `null`, timestamps with or without `Z`, 4-decimal money spelled `0.0000`.
 */
import { readdir, readFile } from "node:fs/promises"
import { join } from "node:path"
import { isMap, isScalar, LineCounter, parseDocument } from "yaml"
import type { AtEntityName } from "../../autotask/model.ts"
import { ENTITY_NAMES } from "./entities.ts"
import { type AutotaskSimOptionsInput, validateSimOptions } from "./options.ts"
import { parsePreservingNumbers } from "./rawJson.ts"

/** A row as Autotask returns it; only `id` is guaranteed. */
export type AutotaskRow = Readonly<Record<string, unknown>> & { readonly id: number }

export interface AutotaskDataset {
  readonly entities: Readonly<Partial<Record<AtEntityName, ReadonlyArray<object>>>>
  readonly options?: AutotaskSimOptionsInput
}

export class AutotaskDatasetError extends Error {
  constructor(message: string) {
    super(message)
    this.name = "AutotaskDatasetError"
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** Checks that rows are objects with unique integer ids; `source` names the file in errors. */
export const validateRows = (entity: AtEntityName, rows: unknown, source: string): ReadonlyArray<AutotaskRow> => {
  if (!Array.isArray(rows)) {
    throw new AutotaskDatasetError(`${source}: expected a JSON array of ${entity} (as Autotask REST returns them)`)
  }
  const seen = new Set<number>()
  rows.forEach((row: unknown, index) => {
    if (!isRecord(row)) throw new AutotaskDatasetError(`${source}: item ${index} is not an object`)
    const id = row["id"]
    if (typeof id !== "number" || !Number.isInteger(id) || id < 0) {
      throw new AutotaskDatasetError(`${source}: item ${index} has no integer "id" (got ${JSON.stringify(id)})`)
    }
    if (seen.has(id)) throw new AutotaskDatasetError(`${source}: duplicate id ${id} (item ${index})`)
    seen.add(id)
  })
  return rows as ReadonlyArray<AutotaskRow>
}

const readIfExists = async (path: string): Promise<string | undefined> => {
  try {
    return await readFile(path, "utf8")
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined
    throw error
  }
}

const loadEntityFiles = async (dir: string): Promise<AutotaskDataset["entities"]> => {
  const entityDir = join(dir, "autotask")
  const files = await readdir(entityDir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") return [] as Array<string>
    throw error
  })
  for (const file of files) {
    // A misspelt file name would otherwise load silently as an empty entity.
    if (file.endsWith(".json") && !ENTITY_NAMES.includes(file.slice(0, -5) as AtEntityName)) {
      throw new AutotaskDatasetError(
        `${join(entityDir, file)}: unknown Autotask entity file; expected one of ${
          ENTITY_NAMES.map((name) => `${name}.json`).join(", ")
        }`
      )
    }
  }
  const entities: Partial<Record<AtEntityName, ReadonlyArray<object>>> = {}
  for (const entity of ENTITY_NAMES) {
    const path = join(entityDir, `${entity}.json`)
    const text = await readIfExists(path)
    if (text === undefined) continue
    let parsed: unknown
    try {
      parsed = parsePreservingNumbers(text)
    } catch (error) {
      throw new AutotaskDatasetError(`${path}: invalid JSON (${(error as Error).message})`)
    }
    entities[entity] = validateRows(entity, parsed, path)
  }
  return entities
}

const loadOptions = async (dir: string): Promise<AutotaskSimOptionsInput | undefined> => {
  const path = join(dir, "sandbox.yaml")
  const text = await readIfExists(path)
  if (text === undefined) return undefined
  const lineCounter = new LineCounter()
  const doc = parseDocument(text, { lineCounter, prettyErrors: false })
  const [first] = doc.errors
  if (first !== undefined) {
    const { line, col } = lineCounter.linePos(first.pos[0])
    throw new AutotaskDatasetError(`${path}:${line}:${col}: invalid YAML: ${first.message}`)
  }
  const root: unknown = doc.toJS()
  if (root === null || root === undefined) return undefined
  if (!isRecord(root)) throw new AutotaskDatasetError(`${path}: expected a mapping with an "autotask:" section`)
  // Points at the key of the offending option (or of its parent when the key is missing).
  const locate = (optionPath: ReadonlyArray<string>): string | undefined => {
    const parent = doc.getIn(optionPath.slice(0, -1), true)
    if (!isMap(parent)) return undefined
    const last = optionPath[optionPath.length - 1]
    const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === last)
    const offset = isScalar(pair?.key) ? pair.key.range?.[0] : parent.range?.[0]
    if (offset === undefined) return undefined
    const { line, col } = lineCounter.linePos(offset)
    return `${path}:${line}:${col}`
  }
  return validateSimOptions(root["autotask"], path, locate, ["autotask"])
}

/** Loads `DIR/autotask/*.json` and the `autotask:` options of `DIR/sandbox.yaml`. */
export const loadAutotaskDataset = async (dir: string): Promise<AutotaskDataset> => {
  const entities = await loadEntityFiles(dir)
  const options = await loadOptions(dir)
  return options === undefined ? { entities } : { entities, options }
}
