/**
 * Loads a sandbox dataset: `DIR/qbo/<Entity>.json` is one company (realm id from
 * `qbo.realmId` in `DIR/sandbox.yaml`, default 9341453129584572), and every
 * `DIR/qbo/<realmId>/` subdirectory is another. Simulator options come from the `qbo:`
 * section of `sandbox.yaml`; every error names the file.
 */
import { readFile, readdir, stat } from "node:fs/promises"
import { join } from "node:path"
import { parse as parseYaml } from "yaml"
import { DEFAULT_REALM_ID, type QboRealmData } from "./defaults.ts"
import { type JsonObject, isObject } from "./json.ts"
import { type QboSimOptionsInput, parseSimOptions } from "./options.ts"
import { SIM_ENTITIES } from "./store.ts"

/** Every list entity has a file; Preferences and CompanyInfo are single objects. */
const LIST_FILES = SIM_ENTITIES
const SINGLE_FILES = ["Preferences", "CompanyInfo"] as const

export interface QboSandboxConfig {
  readonly realmId: string
  readonly options: QboSimOptionsInput
}

const exists = async (path: string): Promise<boolean> => {
  try {
    await stat(path)
    return true
  } catch {
    return false
  }
}

const readJson = async (path: string): Promise<unknown> => {
  const text = await readFile(path, "utf8")
  try {
    return JSON.parse(text) as unknown
  } catch (cause) {
    throw new Error(`${path}: not valid JSON (${cause instanceof Error ? cause.message : String(cause)})`)
  }
}

/** Accepts a bare array or a saved query response (`{"QueryResponse":{"Item":[…]}}`). */
const entityArray = (value: unknown, entity: string, path: string): ReadonlyArray<JsonObject> => {
  const unwrapped = isObject(value) && isObject(value["QueryResponse"]) ? (value["QueryResponse"][entity] ?? []) : value
  if (!Array.isArray(unwrapped)) throw new Error(`${path}: expected an array of ${entity} objects`)
  for (const [index, row] of unwrapped.entries()) {
    if (!isObject(row)) throw new Error(`${path}: element ${index} is not an object`)
  }
  return unwrapped as ReadonlyArray<JsonObject>
}

const singleObject = (value: unknown, entity: string, path: string): JsonObject => {
  const unwrapped = isObject(value) && isObject(value[entity]) ? value[entity] : value
  if (!isObject(unwrapped)) throw new Error(`${path}: expected a ${entity} object`)
  return unwrapped
}

/** Reads one company's files from a directory; missing files stay undefined (defaults apply). */
export const loadRealmDirectory = async (dir: string): Promise<QboRealmData> => {
  const data: Record<string, unknown> = {}
  for (const entity of LIST_FILES) {
    const path = join(dir, `${entity}.json`)
    if (await exists(path)) data[entity] = entityArray(await readJson(path), entity, path)
  }
  for (const entity of SINGLE_FILES) {
    const path = join(dir, `${entity}.json`)
    if (await exists(path)) data[entity] = singleObject(await readJson(path), entity, path)
  }
  return data as QboRealmData
}

/** The `qbo:` section of `DIR/sandbox.yaml` (realm id and simulator options). */
export const loadQboSandboxConfig = async (dir: string): Promise<QboSandboxConfig> => {
  const path = join(dir, "sandbox.yaml")
  if (!(await exists(path))) return { realmId: DEFAULT_REALM_ID, options: {} }
  let document: unknown
  try {
    document = parseYaml(await readFile(path, "utf8"))
  } catch (cause) {
    throw new Error(`${path}: not valid YAML (${cause instanceof Error ? cause.message : String(cause)})`)
  }
  if (document === null || document === undefined) return { realmId: DEFAULT_REALM_ID, options: {} }
  if (!isObject(document)) throw new Error(`${path}: expected a mapping at the top level`)
  const section = document["qbo"]
  if (section === undefined || section === null) return { realmId: DEFAULT_REALM_ID, options: {} }
  if (!isObject(section)) throw new Error(`${path}: qbo: expected a mapping`)
  const { realmId, ...options } = section
  if (realmId !== undefined && typeof realmId !== "string" && typeof realmId !== "number") {
    throw new Error(`${path}: qbo.realmId: expected a string`)
  }
  return { realmId: realmId === undefined ? DEFAULT_REALM_ID : String(realmId), options: parseSimOptions(options, path) }
}

/** Every company of a dataset, keyed by realm id. */
export const loadQboDataset = async (dir: string): Promise<Record<string, QboRealmData>> => {
  const config = await loadQboSandboxConfig(dir)
  const qboDir = join(dir, "qbo")
  const realms: Record<string, QboRealmData> = {}
  if (!(await exists(qboDir))) {
    realms[config.realmId] = {}
    return realms
  }
  const entries = await readdir(qboDir, { withFileTypes: true })
  const subdirectories = entries.filter((entry) => entry.isDirectory() && /^\d+$/.test(entry.name))
  const hasTopLevelFiles = entries.some((entry) => entry.isFile() && entry.name.endsWith(".json"))
  // The top level is a company of its own when it has files, or when there is nothing else.
  if (hasTopLevelFiles || subdirectories.length === 0) realms[config.realmId] = await loadRealmDirectory(qboDir)
  for (const entry of subdirectories) realms[entry.name] = await loadRealmDirectory(join(qboDir, entry.name))
  return realms
}

/** Dataset and options together, ready for `startQboSimulator`. */
export const loadQboSandbox = async (dir: string): Promise<{ readonly realms: Record<string, QboRealmData>; readonly options: QboSimOptionsInput }> => {
  const [realms, config] = await Promise.all([loadQboDataset(dir), loadQboSandboxConfig(dir)])
  return { realms, options: config.options }
}
