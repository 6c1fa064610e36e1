/**
 * `npm run build` (run by `prepare`, so by `npm ci` in a clone and by `npm pack`/`npm publish`):
 * bundles src/cli/main.ts with rolldown into dist/atqbo.js plus one chunk per dynamic import
 * (the simulators, the HTTP client, …), which bin/atqbo.js loads.
 *
 * Everything except the packages in `dependencies` is bundled, so the installed package needs no
 * devDependency at run time and Node loads a few files instead of ~600 modules (STYLE §4). The
 * bundled packages' licences go to dist/THIRD-PARTY-LICENSES.md. Every chunk sits directly in
 * dist/, one level below the package root like src/, which src/packageFiles.ts relies on.
 */
import { readFile, rm, writeFile } from "node:fs/promises"
import * as path from "node:path"
import { build } from "rolldown"
import packageJson from "../package.json" with { type: "json" }

const ROOT = path.resolve(import.meta.dirname, "..")
const DIST = path.join(ROOT, "dist")
const RUNTIME_DEPENDENCIES = Object.keys(packageJson.dependencies)

const external = (id: string): boolean =>
  id.startsWith("node:") || RUNTIME_DEPENDENCIES.some((name) => id === name || id.startsWith(`${name}/`))

/** The directory of the package a bundled module comes from, if it is not ours. */
const packageDirOf = (id: string): string | undefined => {
  const parts = id.split(/[\\/]/)
  const at = parts.lastIndexOf("node_modules")
  if (at < 0) return undefined
  return parts.slice(0, at + (parts[at + 1]!.startsWith("@") ? 3 : 2)).join("/")
}

const LICENSE_FILES = ["LICENSE", "LICENSE.md", "LICENSE.txt", "license", "LICENCE", "LICENSE-MIT"]

const notice = async (dir: string): Promise<string> => {
  const manifest = JSON.parse(await readFile(path.join(dir, "package.json"), "utf8")) as { name: string; version: string; license?: string }
  for (const file of LICENSE_FILES) {
    const text = await readFile(path.join(dir, file), "utf8").catch(() => undefined)
    if (text !== undefined) return `## ${manifest.name}@${manifest.version} (${manifest.license ?? "licence below"})\n\n\`\`\`\n${text.trim()}\n\`\`\`\n`
  }
  throw new Error(`the bundled package ${manifest.name} has no licence file (${LICENSE_FILES.join(", ")}): find its licence, or make it a dependency`)
}

await rm(DIST, { recursive: true, force: true })
const result = await build({
  input: { atqbo: path.join(ROOT, "src/cli/main.ts") },
  platform: "node",
  external,
  tsconfig: path.join(ROOT, "tsconfig.json"),
  transform: { target: "node22.19" },
  output: {
    dir: DIST,
    format: "esm",
    entryFileNames: "[name].js",
    chunkFileNames: "[name]-[hash].js"
  }
})

const bundled = new Set<string>()
for (const chunk of result.output) {
  if (chunk.type !== "chunk") continue
  if (chunk.fileName.includes("/")) throw new Error(`chunk ${chunk.fileName} is not directly in dist/ (src/packageFiles.ts needs it there)`)
  for (const id of chunk.moduleIds) {
    const dir = packageDirOf(id)
    if (dir !== undefined) bundled.add(dir)
  }
}
const notices = await Promise.all([...bundled].sort().map(notice))
await writeFile(
  path.join(DIST, "THIRD-PARTY-LICENSES.md"),
  `# Third-party licences\n\ndist/ bundles these packages (npm run build); their licences follow.\n\n${notices.join("\n")}`
)
const chunks = result.output.filter((item) => item.type === "chunk").length
console.log(`built dist/atqbo.js and ${chunks - 1} chunks, bundling ${bundled.size} packages; external: node:*, ${RUNTIME_DEPENDENCIES.join(", ")}`)
