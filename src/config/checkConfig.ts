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
import { parseYaml } from "./yamlSource.ts"

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

export interface CheckInput {
  /** The directory as given; becomes `Config.dir`. */
  readonly dir: string
  readonly files: ReadonlyArray<ConfigFileText>
  /** Other `*.yaml` / `*.yml` files found in the directory (display paths), e.g. misspelt names. */
  readonly strayFiles?: ReadonlyArray<string>
  /** The directory does not exist (or is not a directory). */
  readonly missingDirectory?: boolean
}

export const checkConfig = (input: CheckInput): ConfigCheck => {
  const problems: Array<ConfigProblem> = input.missingDirectory === true ? [missingDirectory(input.dir)] : []
  const valid: { -readonly [K in ConfigFileName]?: ValidSources[K] } = {}
  const read: Array<string> = []
  for (const spec of CONFIG_FILES) {
    const file = input.files.find((candidate) => candidate.name === spec.name)
    if (file === undefined) continue
    if (file.text === undefined) {
      if (spec.required && input.missingDirectory !== true) problems.push(missingRequiredFile(input.dir, file.file))
      continue
    }
    read.push(file.file)
    const parsed = parseYaml(file.file, file.text)
    problems.push(...parsed.problems)
    if (parsed.source === undefined) continue
    problems.push(...schemaProblems(spec, parsed.source), ...semanticProblems(spec.name, parsed.source))
    valid[spec.name] = parsed.source
  }
  problems.push(...(input.strayFiles ?? []).flatMap(strayFile))
  const sorted = sortProblems(problems)
  const { errors, warnings } = countProblems(sorted)
  return { files: read, problems: sorted, errors, warnings, config: errors === 0 ? buildConfig(input.dir, valid) : undefined }
}

const missingRequiredFile = (dir: string, file: string): ConfigProblem => ({
  file,
  line: 1,
  column: 1,
  severity: "error",
  message: `${file} is missing; every configuration directory needs an atqbo.yaml with at least \`version: 1\`.`,
  hint: `Run \`atqbo init ${dir}\` to create a complete, commented example configuration, or point \`--config\` at the right directory.`
})

const missingDirectory = (dir: string): ConfigProblem => ({
  file: dir,
  line: 1,
  column: 1,
  severity: "error",
  message: `The configuration directory ${dir} does not exist.`,
  hint: `Run \`atqbo init ${dir}\` to create one, or point \`--config\` at the directory holding atqbo.yaml.`
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
