/**
 * The pure core of loading: the texts of a directory's files in, every problem (sorted) and —
 * when there is no error — the typed `Config` out. No file system, so tests feed it strings.
 */
import { buildConfig } from "./buildConfig.ts"
import type { ValidSources } from "./buildConfig.ts"
import { CONFIG_FILES } from "./files.ts"
import type { ConfigFileName } from "./files.ts"
import { countProblems, sortProblems } from "./problems.ts"
import type { ConfigProblem } from "./problems.ts"
import { schemaProblems } from "./schemaValidation.ts"
import { semanticProblems } from "./semantic/index.ts"
import { closestMatch } from "./suggest.ts"
import type { Config } from "./types.ts"
import { parseYaml, type YamlSource } from "./yamlSource.ts"
import { asArray } from "./semantic/context.ts"
import { parse } from "yaml"

export interface ConfigFileText {
  readonly name: ConfigFileName
  /** Display path (relative to the working directory), used in every problem. */
  readonly file: string
  /** Undefined when the file does not exist. */
  readonly text: string | undefined
}

export interface ConfigCheck {
  /** Display paths of the files that were read. */
  readonly files: ReadonlyArray<string>
  /** Sorted by file, line, column. */
  readonly problems: ReadonlyArray<ConfigProblem>
  readonly errors: number
  readonly warnings: number
  /** Present exactly when there are no errors. */
  readonly config: Config | undefined
}

/** A connection's own mapping directory and the files read from it. */
export interface ConnectionFiles {
  readonly name: string
  /** Display path of the directory. */
  readonly dir: string
  readonly missingDirectory: boolean
  readonly files: ReadonlyArray<ConfigFileText>
}

export interface CheckInput {
  /** The directory as given; becomes `Config.dir`. */
  readonly dir: string
  readonly files: ReadonlyArray<ConfigFileText>
  /** Other `*.yaml` / `*.yml` files found in the directory (display paths), e.g. misspelt names. */
  readonly strayFiles?: ReadonlyArray<string>
  /** The directory does not exist (or is not a directory). */
  readonly missingDirectory?: boolean
  /** Mapping files of connections with their own `mappings` directory. */
  readonly connections?: ReadonlyArray<ConnectionFiles>
}

/**
 * Connections with a `mappings` directory, read leniently from atqbo.yaml's text before it is
 * validated (the loader must know which further files to read); validation reports the rest.
 */
export const connectionDirs = (atqboText: string | undefined): ReadonlyArray<{ readonly name: string; readonly mappings: string }> => {
  if (atqboText === undefined) return []
  let data: unknown
  try {
    data = parse(atqboText)
  } catch {
    return []
  }
  const connections = (data as { connections?: unknown } | null)?.connections
  if (!Array.isArray(connections)) return []
  return connections.flatMap((entry) => {
    const { name, mappings } = (entry ?? {}) as { name?: unknown; mappings?: unknown }
    return typeof name === "string" && typeof mappings === "string" && mappings.trim() !== "" ? [{ name, mappings }] : []
  })
}

/** Parses and checks one directory's files: schema and semantic problems, and the valid sources. */
const checkFiles = (
  dir: string,
  files: ReadonlyArray<ConfigFileText>,
  missing: boolean,
  problems: Array<ConfigProblem>,
  read: Array<string>
): ValidSources => {
  const valid: { -readonly [K in ConfigFileName]?: ValidSources[K] } = {}
  for (const spec of CONFIG_FILES) {
    const file = files.find((candidate) => candidate.name === spec.name)
    if (file === undefined) continue
    if (file.text === undefined) {
      if (spec.required && !missing) problems.push(missingRequiredFile(dir, file.file))
      continue
    }
    read.push(file.file)
    const parsed = parseYaml(file.file, file.text)
    problems.push(...parsed.problems)
    if (parsed.source === undefined) continue
    problems.push(...schemaProblems(spec, parsed.source), ...semanticProblems(spec.name, parsed.source))
    valid[spec.name] = parsed.source
  }
  return valid
}

export const checkConfig = (input: CheckInput): ConfigCheck => {
  const problems: Array<ConfigProblem> = input.missingDirectory === true ? [missingDirectory(input.dir)] : []
  const read: Array<string> = []
  const valid = checkFiles(input.dir, input.files, input.missingDirectory === true, problems, read)
  const connectionSources = new Map<string, ValidSources>()
  for (const connection of input.connections ?? []) {
    if (connection.missingDirectory) problems.push(missingConnectionDirectory(connection, valid.atqbo))
    connectionSources.set(connection.name, checkFiles(connection.dir, connection.files, connection.missingDirectory, problems, read))
  }
  problems.push(...(input.strayFiles ?? []).flatMap(strayFile))
  const sorted = sortProblems(problems)
  const { errors, warnings } = countProblems(sorted)
  return { files: read, problems: sorted, errors, warnings, config: errors === 0 ? buildConfig(input.dir, valid, connectionSources) : undefined }
}

/** Points at the connection's `mappings` setting in atqbo.yaml. */
const missingConnectionDirectory = (connection: ConnectionFiles, atqbo: YamlSource | undefined): ConfigProblem => {
  const index = asArray((atqbo?.data as { connections?: unknown } | undefined)?.connections)
    .findIndex((entry) => (entry as { name?: unknown } | null)?.name === connection.name)
  return {
  ...(atqbo && index >= 0 ? { file: atqbo.file, ...atqbo.locate(["connections", index, "mappings"], "node") } : { file: connection.dir, line: 1, column: 1 }),
  severity: "error",
  message: `The mappings directory ${connection.dir} of connection \`${connection.name}\` does not exist.`,
  hint: "Create it (a file missing there is taken from the configuration directory), or remove `mappings` from the connection."
  }
}

/** The `atqbo init` that creates `dir` (init writes only inside the repository it sets up, the working directory here). */
const initFor = (dir: string): string => {
  const inside = !/^([/\\]|[A-Za-z]:|\.\.)/.test(dir)
  return inside ? `atqbo init --config ${dir}` : "atqbo init REPOSITORY"
}

const missingRequiredFile = (dir: string, file: string): ConfigProblem => ({
  file,
  line: 1,
  column: 1,
  severity: "error",
  message: `${file} is missing; every configuration directory needs an atqbo.yaml with at least \`version: 1\`.`,
  hint: `Run \`${initFor(dir)}\` to create a complete, commented example configuration, or point \`--config\` at the right directory.`
})

const missingDirectory = (dir: string): ConfigProblem => ({
  file: dir,
  line: 1,
  column: 1,
  severity: "error",
  message: `The configuration directory ${dir} does not exist.`,
  hint: `Run \`${initFor(dir)}\` to create one, or point \`--config\` at the directory holding atqbo.yaml.`
})

const KNOWN_FILE_NAMES = CONFIG_FILES.map((spec) => spec.fileName)

/**
 * A YAML file named almost like one atqbo reads (`items.yml`, `iterms.yaml`) is a mistake
 * whose settings would be silently ignored. Unrelated YAML files are left alone.
 */
const strayFile = (file: string): ReadonlyArray<ConfigProblem> => {
  const base = file.split(/[\\/]/).at(-1) ?? file
  const asYaml = base.replace(/\.yml$/, ".yaml")
  if (!asYaml.endsWith(".yaml")) return []
  const stem = closestMatch(asYaml.slice(0, -".yaml".length), CONFIG_FILES.map((spec) => spec.name))
  const suggestion = KNOWN_FILE_NAMES.includes(asYaml) ? asYaml : stem === undefined ? undefined : `${stem}.yaml`
  if (suggestion === undefined) return []
  return [{
    file,
    line: 1,
    column: 1,
    severity: "warning",
    message: `atqbo does not read ${base}, so its settings are ignored; did you mean ${suggestion}?`,
    hint: `Rename it to ${suggestion}. atqbo reads ${KNOWN_FILE_NAMES.join(", ")}.`
  }]
}
