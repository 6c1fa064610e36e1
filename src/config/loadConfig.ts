/**
 * The file-system edge: reads a configuration directory and hands the texts to the pure
 * `checkConfig`. Never fails on I/O: an unreadable directory or file becomes a problem.
 */
import { readdir, readFile, stat } from "node:fs/promises"
import * as path from "node:path"
import { Effect } from "effect"
import { checkConfig, connectionDirs } from "./checkConfig.ts"
import type { ConfigFileText, ConnectionFiles } from "./checkConfig.ts"
import { CONFIG_FILES } from "./files.ts"
import { configInvalid } from "./problems.ts"
import type { ConfigInvalid, ConfigProblem } from "./problems.ts"
import type { Config } from "./types.ts"

export interface ValidationReport {
  /** The directory as given. */
  readonly dir: string
  /** No errors (warnings allowed). */
  readonly valid: boolean
  /** Display paths of the files that were read. */
  readonly files: ReadonlyArray<string>
  /** Every problem of every file, sorted by file, line, column. */
  readonly problems: ReadonlyArray<ConfigProblem>
  readonly errors: number
  readonly warnings: number
  /** The typed configuration, present when `valid`. */
  readonly config: Config | undefined
}

/**
 * How a file is named in messages: under the directory as the user wrote it, so a relative
 * `--config mappings` gives `mappings/items.yaml` (what GitHub annotations need).
 */
export const displayPath = (dir: string, fileName: string): string => {
  if (!path.isAbsolute(dir)) return path.join(dir, fileName)
  const relative = path.relative(process.cwd(), path.join(dir, fileName))
  return relative.startsWith("..") || path.isAbsolute(relative) ? path.join(dir, fileName) : relative
}

const isDirectory = async (dir: string): Promise<boolean> => {
  try {
    return (await stat(dir)).isDirectory()
  } catch {
    return false
  }
}

const readText = async (file: string): Promise<string | undefined> => {
  try {
    return await readFile(file, "utf8")
  } catch (error) {
    if (isNotFound(error)) return undefined
    throw error
  }
}

const isNotFound = (error: unknown): boolean =>
  typeof error === "object" && error !== null && "code" in error && (error.code === "ENOENT" || error.code === "ENOTDIR")

/** Reads the given config files of one directory; unreadable ones become problems. */
const readFiles = async (dir: string, specs: typeof CONFIG_FILES, unreadable: Array<ConfigProblem>): Promise<Array<ConfigFileText>> => {
  const files: Array<ConfigFileText> = []
  for (const spec of specs) {
    const file = displayPath(dir, spec.fileName)
    try {
      files.push({ name: spec.name, file, text: await readText(path.join(dir, spec.fileName)) })
    } catch (error) {
      unreadable.push({
        file,
        line: 1,
        column: 1,
        severity: "error",
        message: `${file} cannot be read: ${error instanceof Error ? error.message : String(error)}.`
      })
    }
  }
  return files
}

const readDirectory = async (dir: string): Promise<ValidationReport> => {
  if (!(await isDirectory(dir))) return report(dir, checkConfig({ dir, files: [], missingDirectory: true }))
  const unreadable: Array<ConfigProblem> = []
  const files = await readFiles(dir, CONFIG_FILES, unreadable)
  // Connections may keep their own mapping files in a subdirectory (atqbo.yaml `mappings`).
  const connections: Array<ConnectionFiles> = []
  for (const { name, mappings } of connectionDirs(files.find((file) => file.name === "atqbo")?.text)) {
    const connectionDir = path.join(dir, mappings)
    const mappingSpecs = CONFIG_FILES.filter((spec) => spec.name !== "atqbo")
    connections.push({
      name,
      dir: connectionDir,
      missingDirectory: !(await isDirectory(connectionDir)),
      files: await readFiles(connectionDir, mappingSpecs, unreadable)
    })
  }
  const known = new Set(CONFIG_FILES.map((spec) => spec.fileName))
  const entries = await readdir(dir).catch(() => [])
  const strayFiles = entries
    .filter((entry) => /\.ya?ml$/.test(entry) && !known.has(entry))
    .sort()
    .map((entry) => displayPath(dir, entry))
  const check = checkConfig({ dir, files, strayFiles, connections })
  if (unreadable.length === 0) return report(dir, check)
  const problems = [...unreadable, ...check.problems]
  return report(dir, { ...check, problems, errors: check.errors + unreadable.length, config: undefined })
}

const report = (dir: string, check: ReturnType<typeof checkConfig>): ValidationReport => ({
  dir,
  valid: check.errors === 0,
  files: check.files,
  problems: check.problems,
  errors: check.errors,
  warnings: check.warnings,
  config: check.config
})

/** Validates a configuration directory: YAML, schemas and semantic rules, every problem at once. */
export const validateConfigDir = (dir: string): Effect.Effect<ValidationReport> =>
  Effect.promise(() => readDirectory(dir)).pipe(Effect.withSpan("config.validateConfigDir", { attributes: { dir } }))

/** The typed configuration with defaults applied, or `ConfigInvalid` listing every error. */
export const loadConfig = (dir: string): Effect.Effect<Config, ConfigInvalid> =>
  Effect.flatMap(validateConfigDir(dir), (result) =>
    result.config === undefined ? Effect.fail(configInvalid(dir, result.problems)) : Effect.succeed(result.config))
