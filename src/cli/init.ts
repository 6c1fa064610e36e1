/**
 * `atqbo init [DIR]`: makes DIR (default: the current directory) a configuration repository —
 * package.json with atqbo pinned to this version, the six mapping files at their defaults with
 * schema modelines into node_modules/atqbo/schemas/, .gitignore, the GitHub workflows for the
 * repository's default branch, docs/github-actions.md and a short README — and a git repository
 * if it is not in one. Nothing is written outside DIR. Files it would change are refused unless
 * --force; package.json and .gitignore are merged, an existing README is kept.
 *
 * The workflows and docs/github-actions.md come from the installed package (its own
 * .github/workflows/atqbo-*.yml are the templates, so they are never a stale copy).
 */
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises"
import * as path from "node:path"
import { Console, Data, Effect, Option } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { DEFAULT_CONFIG_DIR, validateConfigDir } from "../config/index.ts"
import { formatProblem } from "../config/problems.ts"
import { gitInit, inspectGit, isPlainBranchName } from "../onboarding/defaultBranch.ts"
import { gitignoreWith, packageJsonWith, repositoryReadme, scaffoldWorkflow } from "../onboarding/scaffold.ts"
import { configTemplates, INSTALLED_SCHEMAS } from "../onboarding/templates.ts"
import { packageFile } from "../packageFiles.ts"
import { setExitCode } from "./exitCode.ts"
import { NODE_ENGINE, VERSION } from "./version.ts"

export class InitConflict extends Data.TaggedError("InitConflict")<{ readonly message: string }> {}
export class InitError extends Data.TaggedError("InitError")<{ readonly message: string }> {}

const GITHUB_ACTIONS_DOC = "docs/github-actions.md"

/** One file init writes, and how: `replace` refuses to change a different file without --force. */
interface PlannedFile {
  readonly relative: string
  readonly text: string
  readonly mode: "replace" | "merged" | "if-missing"
  readonly note?: string
}

const posix = (file: string): string => file.split(path.sep).join("/")

const readIfExists = async (file: string): Promise<string | undefined> => {
  try {
    return await readFile(file, "utf8")
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined
    throw error
  }
}

const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error))

/** The branch the apply workflow runs on, and whether init has to `git init` the directory. */
const decideBranch = (root: string, flag: Option.Option<string>) =>
  Effect.gen(function*() {
    const git = yield* Effect.promise(() => inspectGit(root))
    const given = Option.getOrUndefined(flag)
    if (given !== undefined && !isPlainBranchName(given)) {
      return yield* new InitError({ message: `--default-branch ${JSON.stringify(given)} is not a branch name (letters, digits, . _ / -).` })
    }
    const ask = "pass the branch your GitHub repository applies from with --default-branch NAME"
    if (git.kind === "no-git") {
      if (given === undefined) return yield* new InitError({ message: `git is not installed, so init cannot tell the default branch: install git, or ${ask}.` })
      return { branch: given, how: "--default-branch", gitInit: false, repoRoot: undefined }
    }
    if (git.kind === "no-repository") {
      const branch = given ?? git.branch
      if (branch === undefined) return yield* new InitError({ message: `${root} is not in a git repository and git does not say which branch a new one gets: ${ask}.` })
      return { branch, how: given !== undefined ? "--default-branch" : "git's default for new repositories", gitInit: true, repoRoot: undefined }
    }
    const branch = given ?? git.branch
    if (branch === undefined) return yield* new InitError({ message: `the git repository at ${git.root} is on no branch (detached HEAD) and has no origin/HEAD: ${ask}.` })
    return { branch, how: given !== undefined ? "--default-branch" : git.how, gitInit: false, repoRoot: git.root }
  })

const plannedFiles = (root: string, configDir: string, branch: string) =>
  Effect.tryPromise({
    try: async (): Promise<ReadonlyArray<PlannedFile>> => {
      const schemaDir = posix(path.relative(path.join(root, configDir), path.join(root, INSTALLED_SCHEMAS)))
      const workflowDir = packageFile(".github/workflows")
      const workflows = (await readdir(workflowDir)).filter((name) => /^atqbo-.*\.ya?ml$/.test(name)).sort()
      if (workflows.length === 0) throw new Error(`this atqbo installation has no workflows in ${workflowDir}`)
      const packageJson = packageJsonWith(await readIfExists(path.join(root, "package.json")), { dirName: path.basename(root), version: VERSION, node: NODE_ENGINE })
      const gitignore = gitignoreWith(await readIfExists(path.join(root, ".gitignore")))
      return [
        { relative: "package.json", text: packageJson.text, mode: "merged", note: packageJson.note },
        ...configTemplates(schemaDir).map((template) => ({ relative: `${configDir}/${template.fileName}`, text: template.text, mode: "replace" as const })),
        ...(gitignore === undefined ? [] : [{ relative: ".gitignore", text: gitignore.text, mode: "merged" as const, note: `ignores ${gitignore.added.join(" ")}` }]),
        ...await Promise.all(workflows.map(async (name) => ({
          relative: `.github/workflows/${name}`,
          text: scaffoldWorkflow(await readFile(path.join(workflowDir, name), "utf8"), { configDir, branch }),
          mode: "replace" as const
        }))),
        { relative: GITHUB_ACTIONS_DOC, text: await readFile(packageFile(GITHUB_ACTIONS_DOC), "utf8"), mode: "replace" },
        { relative: "README.md", text: repositoryReadme({ configDir, branch, version: VERSION }), mode: "if-missing" }
      ]
    },
    catch: (error) => new InitError({ message: `cannot prepare the repository: ${describe(error)}.` })
  })

/** Where a command run in the working directory finds DIR: "" for the working directory itself. */
const cdPrefix = (root: string): string => {
  const relative = path.relative(process.cwd(), root)
  return relative === "" ? "" : `cd ${posix(relative.startsWith("..") ? root : relative)} && `
}

export const initCommand = Command.make(
  "init",
  {
    dir: Argument.String("DIR").pipe(
      Argument.withDescription("Directory of the configuration repository (created if missing; default: the current directory)"),
      Argument.withDefault(".")
    ),
    config: Flag.String("config").pipe(
      Flag.withDescription("Configuration directory inside DIR (default: mappings); the workflows are adapted to it"),
      Flag.withMetavar("PATH"),
      Flag.withDefault(DEFAULT_CONFIG_DIR)
    ),
    defaultBranch: Flag.String("default-branch").pipe(
      Flag.withDescription("Branch the apply workflow runs on (default: from git — origin's default branch, else the current one, else the one `git init` creates)"),
      Flag.withMetavar("NAME"),
      Flag.optional
    ),
    force: Flag.Boolean("force").pipe(
      Flag.withDescription("Overwrite existing files (otherwise init lists them and writes nothing)"),
      Flag.withDefault(false)
    )
  },
  Effect.fn("init")(function*({ dir, config, defaultBranch, force }) {
    const root = path.resolve(dir)
    const configDir = posix(path.normalize(config)).replace(/\/+$/, "")
    if (path.isAbsolute(config) || configDir === "." || configDir.startsWith("../") || configDir === "..") {
      return yield* new InitError({ message: `--config ${config} must be a directory inside ${dir}, such as mappings or config/acme.` })
    }
    const decision = yield* decideBranch(root, defaultBranch)
    const files = yield* plannedFiles(root, configDir, decision.branch)
    const existing = yield* Effect.promise(() => Promise.all(files.map((file) => readIfExists(path.join(root, file.relative)))))

    const outcome = files.map((file, index) => {
      const before = existing[index]
      if (before === file.text) return "unchanged"
      if (before === undefined) return "created"
      if (file.mode === "if-missing") return "kept"
      return file.mode === "merged" ? "updated" : "overwrote"
    })
    const conflicts = files.filter((_, index) => outcome[index] === "overwrote")
    if (conflicts.length > 0 && !force) {
      return yield* new InitConflict({
        message: `init would overwrite ${conflicts.length} existing file${conflicts.length === 1 ? "" : "s"} in ${root}, so it wrote nothing:\n` +
          conflicts.map((file) => `  ${file.relative}`).join("\n") +
          "\nPass --force to overwrite them, or choose another directory (atqbo init DIR)."
      })
    }

    yield* Effect.tryPromise({
      try: async () => {
        for (const [index, file] of files.entries()) {
          if (outcome[index] === "unchanged" || outcome[index] === "kept") continue
          const target = path.join(root, file.relative)
          await mkdir(path.dirname(target), { recursive: true })
          await writeFile(target, file.text, "utf8")
        }
        if (decision.gitInit) await gitInit(root, decision.branch)
      },
      catch: (error) => new InitError({ message: `cannot write the repository: ${describe(error)}. Check the permissions of ${root}.` })
    })

    const lines = files.map((file, index) => `  ${outcome[index]!.padEnd(9)} ${file.relative}${file.note === undefined || outcome[index] === "unchanged" ? "" : ` (${file.note})`}`)
    if (decision.gitInit) lines.push(`  git init  (branch ${decision.branch})`)
    yield* Console.log(`atqbo init: ${root}\n${lines.join("\n")}`)
    yield* Console.log(`\nThe apply workflow runs on pushes to ${decision.branch} (${decision.how}); if your GitHub repository's default branch is another, change branches: in .github/workflows/atqbo-apply.yml.`)
    if (decision.repoRoot !== undefined && path.resolve(decision.repoRoot) !== root) {
      yield* Console.error(`note: ${root} is inside the git repository ${decision.repoRoot}; GitHub runs only workflows in ${posix(path.join(decision.repoRoot, ".github/workflows"))}: move them there and prefix their paths with ${posix(path.relative(decision.repoRoot, root))}/.`)
    }

    const report = yield* validateConfigDir(path.join(root, configDir))
    if (!report.valid) {
      // Only possible when a template and the schemas disagree: a bug, said plainly.
      yield* Console.error(`error: the generated configuration does not validate (please report this):\n${report.problems.map(formatProblem).join("\n")}`)
      return yield* setExitCode(1)
    }
    const cd = cdPrefix(root)
    const flag = configDir === DEFAULT_CONFIG_DIR ? "" : ` --config ${configDir}`
    yield* Console.log(
      [
        "",
        `The configuration in ${configDir}/ is valid. Next:`,
        `  1. Install the pinned atqbo and commit the lock file: ${cd}npm install`,
        "  2. Set the credentials atqbo.yaml names (AUTOTASK_USERNAME, AUTOTASK_SECRET, AUTOTASK_INTEGRATION_CODE,",
        `     QBO_CLIENT_ID, QBO_CLIENT_SECRET) in your shell, and as GitHub secrets: see ${GITHUB_ACTIONS_DOC}`,
        `  3. Connect QuickBooks Online: ${cd}npx atqbo auth qbo${flag}`,
        `  4. Propose items, terms and customers from your data: ${cd}npx atqbo import${flag} --force`,
        `  5. Check and plan: ${cd}npx atqbo doctor${flag}; then npx atqbo plan${flag}`,
        `  Try it first without credentials: ${cd}npx atqbo plan${flag} --sandbox`
      ].join("\n")
    )
  })
).pipe(
  Command.withDescription(
    "Make a configuration repository: package.json pinning this atqbo version, the six mapping files at their defaults " +
      "(validated by your editor through the installed schemas), .gitignore, the GitHub plan/apply workflows for the " +
      "default branch, docs/github-actions.md and a README; `git init` when DIR is in no repository. Writes only inside " +
      "DIR and never overwrites a file unless --force (package.json and .gitignore are merged)."
  ),
  Command.withExamples([
    { command: "atqbo init", description: "Set up the current directory" },
    { command: "atqbo init acme-books --default-branch main", description: "A new directory, applying from main" },
    { command: "atqbo init --config config/acme", description: "Another configuration directory; the workflows are adapted to it" },
    { command: "atqbo init --force", description: "Reset the files to the scaffold (overwrites your changes)" }
  ])
)
