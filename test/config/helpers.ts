/** Runs the pure configuration check on in-memory files, the way `validateConfigDir` would. */
import { readFileSync } from "node:fs"
import { parse } from "yaml"
import { checkConfig } from "../../src/config/checkConfig.ts"
import type { ConfigCheck } from "../../src/config/checkConfig.ts"
import { CONFIG_FILES } from "../../src/config/files.ts"
import type { ConfigFileName } from "../../src/config/files.ts"
import { formatProblem } from "../../src/config/problems.ts"

export const DIR = "cfg"

/** `atqbo.yaml` defaults to the minimal valid `version: 1`; a `null` text means "file absent". */
export const checkTexts = (
  texts: Partial<Record<ConfigFileName, string | null>>,
  strayFiles: ReadonlyArray<string> = []
): ConfigCheck =>
  checkConfig({
    dir: DIR,
    files: CONFIG_FILES.map((spec) => {
      const text = spec.name in texts ? texts[spec.name] : spec.name === "atqbo" ? "version: 1\n" : undefined
      return { name: spec.name, file: `${DIR}/${spec.fileName}`, text: text ?? undefined }
    }),
    strayFiles
  })

/** `cfg/items.yaml:3:5 error: …` per problem. */
export const problemLines = (check: ConfigCheck): ReadonlyArray<string> => check.problems.map(formatProblem)

/** Joins lines into a YAML text, so cases read like the files they stand for. */
export const yaml = (...lines: ReadonlyArray<string>): string => `${lines.join("\n")}\n`

/**
 * An example file of mappings/ parsed with its commented-out settings switched on. Optional
 * settings that a first real run should not use (a placeholder realm id, a guessed Autotask
 * zone, notification channels) are shown commented out, as `# key: value` lines indented
 * like the setting; the example still documents every setting with a value.
 */
export const readExample = (fileName: string): unknown =>
  parse(readFileSync(`mappings/${fileName}`, "utf8").replace(/^( {0,8})# ((?: *)(?:- )?[a-z][A-Za-z0-9]*:(?: .*)?)$/gm, "$1$2"))
