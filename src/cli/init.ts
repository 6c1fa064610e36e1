/**
 * `atqbo init [DIR]`: scaffolds a configuration directory (the six mapping files at their
 * defaults), the JSON Schemas next to it (`DIR/../schemas/`, which the files' modelines
 * point at), a `.gitignore` entry for `.atqbo/` and the GitHub workflows. Run it at the root
 * of the repository: `.gitignore` and `.github/workflows/` are written to the working
 * directory. Nothing is overwritten unless `--force`; files that already have the content
 * are left alone.
 *
 * The workflows are read at run time from atqbo's own `.github/workflows/atqbo-*.yml` (the
 * repository doubles as the template), so they are never a stale copy. When the
 * configuration directory is not `mappings`, their paths and `--config` are adapted.
 */
import { appendFile, mkdir, readdir, readFile, writeFile } from "node:fs/promises"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { Console, Data, Effect } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { CONFIG_FILE_NAMES } from "../config/files.ts"
import { DEFAULT_CONFIG_DIR, validateConfigDir } from "../config/index.ts"
import { formatProblem } from "../config/problems.ts"
import { configTemplates, GITIGNORE_ENTRY } from "../onboarding/templates.ts"
import { setExitCode } from "./exitCode.ts"

export class InitConflict extends Data.TaggedError("InitConflict")<{ readonly message: string }> {}
export class InitError extends Data.TaggedError("InitError")<{ readonly message: string }> {}

/** atqbo's own root (where `schemas/` and `.github/` live), wherever it is installed. */
const PACKAGE_ROOT = fileURLToPath(new URL("../../", import.meta.url))
const SCHEMAS_SOURCE = path.join(PACKAGE_ROOT, "schemas")
const WORKFLOWS_SOURCE = path.join(PACKAGE_ROOT, ".github", "workflows")

/** One file init wants to write: where, what, and why (for the summary). */
export interface PlannedFile {
  /** As shown to the user (relative to the working directory when inside it). */
  readonly display: string
  readonly absolute: string
  readonly text: string
}

const display = (absolute: string): string => {
  const relative = path.relative(process.cwd(), absolute)
  return relative === "" || relative.startsWith("..") || path.isAbsolute(relative) ? absolute : relative.split(path.sep).join("/")
}

const readIfExists = async (file: string): Promise<string | undefined> => {
  try {
    return await readFile(file, "utf8")
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined
    throw error
  }
}

/** The configuration directory as workflows should name it (posix, relative), if it is inside the working directory. */
const repoRelative = (dir: string): string | undefined => {
  const relative = path.relative(process.cwd(), path.resolve(dir))
  if (relative === "" || relative.startsWith("..") || path.isAbsolute(relative)) return undefined
  return relative.split(path.sep).join("/")
}

/** Points a workflow at another configuration directory than `mappings/`. */
export const adaptWorkflow = (text: string, configDir: string): string =>
  configDir === DEFAULT_CONFIG_DIR
    ? text
    : text
      .replace(/(["'])mappings\/\*\*\1/g, `$1${configDir}/**$1`)
      .replace(/\bmappings\/atqbo\.yaml\b/g, `${configDir}/atqbo.yaml`)
      .replace(/\bnpx atqbo (validate|plan|apply)\b/g, `npx atqbo $1 --config ${configDir}`)

interface Workflows {
  readonly files: ReadonlyArray<PlannedFile>
  readonly note: string | undefined
}

const plannedWorkflows = async (configDir: string): Promise<Workflows> => {
  const names = (await readdir(WORKFLOWS_SOURCE).catch(() => [] as Array<string>))
    .filter((name) => /^atqbo-.*\.ya?ml$/.test(name))
    .sort()
  if (names.length === 0) {
    return {
      files: [],
      note: `skipped the GitHub workflows: this atqbo installation has none in ${WORKFLOWS_SOURCE}. ` +
        "Copy .github/workflows/atqbo-*.yml from the atqbo repository by hand."
    }
  }
  const workflowDir = repoRelative(configDir)
  const files: Array<PlannedFile> = []
  for (const name of names) {
    const text = await readFile(path.join(WORKFLOWS_SOURCE, name), "utf8")
    const absolute = path.resolve(".github", "workflows", name)
    files.push({ display: display(absolute), absolute, text: workflowDir === undefined ? text : adaptWorkflow(text, workflowDir) })
  }
  const note = workflowDir === undefined
    ? `the configuration directory ${configDir} is outside the working directory, so the workflows still name mappings/; edit their paths and --config.`
    : workflowDir !== DEFAULT_CONFIG_DIR
    ? `the workflows were adapted to ${workflowDir}/ (paths filter and --config).`
    : undefined
  return { files, note }
}

export const initCommand = Command.make(
  "init",
  {
    dir: Argument.String("DIR").pipe(
      Argument.withDescription("Configuration directory to create (default: mappings); the schemas go to DIR/../schemas"),
      Argument.withDefault(DEFAULT_CONFIG_DIR)
    ),
    force: Flag.Boolean("force").pipe(
      Flag.withDescription("Overwrite existing files (otherwise init lists them and writes nothing)"),
      Flag.withDefault(false)
    )
  },
  Effect.fn("init")(function*({ dir, force }) {
    const configDir = path.resolve(dir)
    const schemaDir = path.join(path.dirname(configDir), "schemas")
    const schemaRef = path.relative(configDir, schemaDir).split(path.sep).join("/")

    const prepared = yield* Effect.tryPromise({
      try: async () => {
        const files: Array<PlannedFile> = []
        for (const template of configTemplates(schemaRef)) {
          const absolute = path.join(configDir, template.fileName)
          files.push({ display: display(absolute), absolute, text: template.text })
        }
        for (const name of CONFIG_FILE_NAMES) {
          const absolute = path.join(schemaDir, `${name}.schema.json`)
          files.push({ display: display(absolute), absolute, text: await readFile(path.join(SCHEMAS_SOURCE, `${name}.schema.json`), "utf8") })
        }
        const workflows = await plannedWorkflows(dir)
        files.push(...workflows.files)
        const existing = await Promise.all(files.map((file) => readIfExists(file.absolute)))
        const gitignore = path.resolve(".gitignore")
        const ignoreText = await readIfExists(gitignore)
        return { files, existing, workflows, gitignore, ignoreText }
      },
      catch: (error) => new InitError({ message: `cannot prepare the configuration: ${error instanceof Error ? error.message : String(error)}.` })
    })

    const unchanged = prepared.files.filter((file, index) => prepared.existing[index] === file.text)
    const conflicts = prepared.files.filter((file, index) => prepared.existing[index] !== undefined && prepared.existing[index] !== file.text)
    if (conflicts.length > 0 && !force) {
      return yield* new InitConflict({
        message: `init would overwrite ${conflicts.length} existing file${conflicts.length === 1 ? "" : "s"}, so it wrote nothing:\n` +
          conflicts.map((file) => `  ${file.display}`).join("\n") +
          `\nPass --force to overwrite them, or choose another directory (atqbo init DIR).`
      })
    }
    const toWrite = prepared.files.filter((file) => !unchanged.includes(file))
    const ignored = (prepared.ignoreText ?? "").split(/\r?\n/).some((line) => [".atqbo", ".atqbo/", "/.atqbo", "/.atqbo/"].includes(line.trim()))

    yield* Effect.tryPromise({
      try: async () => {
        for (const file of toWrite) {
          await mkdir(path.dirname(file.absolute), { recursive: true })
          await writeFile(file.absolute, file.text, "utf8")
        }
        if (prepared.ignoreText === undefined) {
          await writeFile(prepared.gitignore, `# atqbo: token store and apply journals\n${GITIGNORE_ENTRY}\n`, "utf8")
        } else if (!ignored) {
          const separator = prepared.ignoreText === "" || prepared.ignoreText.endsWith("\n") ? "" : "\n"
          await appendFile(prepared.gitignore, `${separator}# atqbo: token store and apply journals\n${GITIGNORE_ENTRY}\n`, "utf8")
        }
      },
      catch: (error) => new InitError({ message: `cannot write the configuration: ${error instanceof Error ? error.message : String(error)}. Check the permissions of the directories.` })
    })

    const lines: Array<string> = []
    for (const file of toWrite) lines.push(`  ${conflicts.includes(file) ? "overwrote" : "created  "} ${file.display}`)
    for (const file of unchanged) lines.push(`  unchanged ${file.display}`)
    lines.push(
      prepared.ignoreText === undefined
        ? `  created   ${display(prepared.gitignore)} (ignores ${GITIGNORE_ENTRY})`
        : ignored
        ? `  unchanged ${display(prepared.gitignore)} (already ignores ${GITIGNORE_ENTRY})`
        : `  appended  ${GITIGNORE_ENTRY} to ${display(prepared.gitignore)}`
    )
    yield* Console.log(`atqbo init: ${display(configDir)}\n${lines.join("\n")}`)
    if (prepared.workflows.note !== undefined) yield* Console.error(`note: ${prepared.workflows.note}`)

    const report = yield* validateConfigDir(dir)
    if (!report.valid) {
      // Only possible when a template and the schemas disagree: a bug, said plainly.
      yield* Console.error(`error: the generated configuration does not validate (please report this):\n${report.problems.map(formatProblem).join("\n")}`)
      return yield* setExitCode(1)
    }
    yield* Console.log(
      [
        "",
        `The configuration is valid (\`atqbo validate --config ${dir}\`). Next:`,
        "  1. Set the credentials named in atqbo.yaml (AUTOTASK_USERNAME, AUTOTASK_SECRET, AUTOTASK_INTEGRATION_CODE,",
        "     QBO_CLIENT_ID, QBO_CLIENT_SECRET) in your shell and as CI secrets.",
        `  2. Connect QuickBooks: atqbo auth qbo --config ${dir}`,
        `  3. Propose the mappings from your data: atqbo import --config ${dir} --force`,
        `  4. Check everything: atqbo doctor --config ${dir}; then atqbo plan --config ${dir}`,
        "  Try it all first without credentials: atqbo plan --sandbox"
      ].join("\n")
    )
  })
).pipe(
  Command.withDescription(
    "Scaffold a configuration directory (the six mapping files at their defaults, with the JSON Schemas in DIR/../schemas " +
      "for editor validation), a .gitignore entry for .atqbo/ and the GitHub plan/apply workflows. Run it at the repository " +
      "root. Never overwrites a file unless --force."
  ),
  Command.withExamples([
    { command: "atqbo init", description: "Create mappings/, schemas/, .gitignore and .github/workflows/ here" },
    { command: "atqbo init config/acme", description: "Another directory; the workflows are adapted to it" },
    { command: "atqbo init --force", description: "Reset the files to the scaffold (overwrites your changes)" }
  ])
)
