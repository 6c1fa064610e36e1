/**
 * The texts `atqbo init` writes besides the mapping files (templates.ts): the configuration
 * repository's package.json (atqbo pinned), .gitignore, README, and the GitHub workflows adapted
 * from atqbo's own (.github/workflows/atqbo-*.yml, shipped in the package) to that repository.
 * Pure: init.ts reads and writes the files.
 */
import { DEFAULT_CONFIG_DIR } from "../config/defaults.ts"

/** What the repository must not commit: installed packages, token store and journals, saved plans (customer names and amounts). */
export const GITIGNORE_ENTRIES = ["node_modules/", ".atqbo/", "plan.json", "*.plan.json"] as const

const sameEntry = (line: string, entry: string): boolean => {
  const bare = (text: string) => text.trim().replace(/^\//, "").replace(/\/$/, "")
  return bare(line) === bare(entry)
}

/** The .gitignore with the missing entries appended, or undefined when it has them all. */
export const gitignoreWith = (existing: string | undefined): { readonly text: string; readonly added: ReadonlyArray<string> } | undefined => {
  const lines = (existing ?? "").split(/\r?\n/)
  const added = GITIGNORE_ENTRIES.filter((entry) => !lines.some((line) => sameEntry(line, entry)))
  if (added.length === 0) return undefined
  const block = `# atqbo: installed packages, token store and journals, saved plans (customer names and amounts)\n${added.join("\n")}\n`
  const before = existing === undefined || existing === "" ? "" : existing.endsWith("\n") ? existing : `${existing}\n`
  return { text: `${before}${block}`, added }
}

/** A version, range or tag (pinned by init); anything else (file:, git, URLs, npm: aliases) says where atqbo comes from and is kept. */
const REGISTRY_SPEC = /^[^:/\\]+$/

type Manifest = { [key: string]: unknown }
const section = (manifest: Manifest, key: string): Record<string, string> =>
  typeof manifest[key] === "object" && manifest[key] !== null ? manifest[key] as Record<string, string> : {}

/** An npm package name from a directory name. */
const packageNameFor = (dirName: string): string =>
  dirName.toLowerCase().replace(/[^a-z0-9._~-]+/g, "-").replace(/^[._-]+|-+$/g, "") || "atqbo-config"

/**
 * The repository's package.json with atqbo pinned to `version` and `engines.node` set: a new
 * one, or the existing one with only those two changed (a local tarball or git spec is kept).
 */
export const packageJsonWith = (
  existing: string | undefined,
  options: { readonly dirName: string; readonly version: string; readonly node: string }
): { readonly text: string; readonly note: string } => {
  const manifest: Manifest = existing === undefined
    ? { name: packageNameFor(options.dirName), private: true, description: "atqbo configuration: Autotask invoices to QuickBooks Online" }
    : JSON.parse(existing) as Manifest
  const key = section(manifest, "dependencies")["atqbo"] === undefined && section(manifest, "devDependencies")["atqbo"] !== undefined
    ? "devDependencies"
    : "dependencies"
  const current = section(manifest, key)["atqbo"]
  const pin = current === undefined || REGISTRY_SPEC.test(current)
  manifest["engines"] = { ...section(manifest, "engines"), node: section(manifest, "engines")["node"] ?? options.node }
  if (pin) manifest[key] = { ...section(manifest, key), atqbo: options.version }
  const note = !pin
    ? `atqbo stays ${current}, not a registry version`
    : current === undefined || current === options.version
    ? `atqbo pinned to ${options.version}`
    : `atqbo pinned to ${options.version} (was ${current})`
  return { text: `${JSON.stringify(manifest, null, 2)}\n`, note }
}

/** Points a workflow at another configuration directory than `mappings/`. */
export const adaptWorkflow = (text: string, configDir: string): string =>
  configDir === DEFAULT_CONFIG_DIR
    ? text
    : text
      .replace(/(["'])mappings\/\*\*\1/g, `$1${configDir}/**$1`)
      .replace(/\bmappings\/atqbo\.yaml\b/g, `${configDir}/atqbo.yaml`)
      .replace(/\bnpx atqbo (validate|plan|apply)\b/g, `npx atqbo $1 --config ${configDir}`)

/** The block of `paths:` that only atqbo's own repository needs: its comment line and the entries after it. */
const TOOL_PATHS = /^[ \t]*# The tool itself[^\n]*\n(?:[ \t]*- "[^"\n]+"\n)+/gm

/**
 * One of atqbo's workflows for a configuration repository: without the tool's own paths, on
 * its default branch, for its configuration directory.
 */
export const scaffoldWorkflow = (text: string, options: { readonly configDir: string; readonly branch: string }): string =>
  adaptWorkflow(text.replace(TOOL_PATHS, "").replace(/^([ \t]*branches: )\[main\]$/gm, `$1[${options.branch}]`), options.configDir)

/** The README of the configuration repository. */
export const repositoryReadme = (options: { readonly configDir: string; readonly branch: string; readonly version: string }): string => {
  const config = options.configDir === DEFAULT_CONFIG_DIR ? "" : ` --config ${options.configDir}`
  return `# Autotask → QuickBooks Online invoice sync

This repository holds the [atqbo](node_modules/atqbo/README.md) configuration that books
Autotask invoices in QuickBooks Online: the mappings in \`${options.configDir}/\`, the atqbo version
(${options.version}, pinned in \`package.json\` and \`package-lock.json\`), and GitHub workflows
that plan every pull request and apply on merge to \`${options.branch}\` and every 15 minutes.

\`\`\`sh
npm ci                                 # install the pinned atqbo (Node.js 22.19 or newer)
npx atqbo validate${config}               # check the mappings, offline
npx atqbo plan${config}                   # what would change (needs the credentials)
npx atqbo plan${config} --sandbox         # the same against built-in simulators, no credentials
\`\`\`

- Every setting: \`node_modules/atqbo/docs/configuration.md\`; your editor validates and completes
  the YAML through the schema line at the top of each file (VS Code: the YAML extension).
- The workflows, their secrets and environments, and the rotating QBO refresh token:
  [docs/github-actions.md](docs/github-actions.md).
- Upgrading: \`npm install --save-exact atqbo@VERSION\` in a pull request, and read its plan.
`
}
