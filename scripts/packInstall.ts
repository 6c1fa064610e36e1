/**
 * What a user gets from `npm install atqbo`: packs this repository (`npm pack`, which runs
 * `prepare`, the build) into `workDir/pack/` and installs the tarball with production
 * dependencies only into `workDir/project/`, from the registry this machine uses. Used by
 * bench/startup.ts and test/e2e/package.test.ts.
 *
 * It packs a copy of the repository (`workDir/source/`, sharing node_modules through a link), so
 * the repository is never written to: its dist/ is not rebuilt under tests that run it meanwhile.
 */
import { execFile } from "node:child_process"
import { cp, mkdir, readdir, symlink } from "node:fs/promises"
import * as path from "node:path"

export const REPO_ROOT = path.resolve(import.meta.dirname, "..")

/** The environment without what `npm run`/`npm test` set for this repository, which would point npm back at it. */
export const npmEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (/^npm_(lifecycle_|package_|command$|config_local_prefix$)/.test(name)) continue
    env[name] = value
  }
  return { ...env, ...extra }
}

export const npm = (args: ReadonlyArray<string>, cwd: string): Promise<string> =>
  new Promise((resolve, reject) =>
    execFile("npm", [...args], { cwd, env: npmEnv(), maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      error === null ? resolve(stdout) : reject(new Error(`npm ${args.join(" ")} failed in ${cwd}:\n${stdout}${stderr}`))
    )
  )

export interface Installed {
  readonly tarball: string
  /** The project directory the tarball was installed into (its package.json names it as a file: dependency). */
  readonly dir: string
  /** The installed command, `node_modules/atqbo/bin/atqbo.js`. */
  readonly bin: string
}

/** What the copy leaves out: installed and built files, git's, and local state. */
const NOT_COPIED = new Set(["node_modules", "dist", ".git", ".atqbo", "coverage"])

export const packAndInstall = async (workDir: string): Promise<Installed> => {
  const source = path.join(workDir, "source")
  const packDir = path.join(workDir, "pack")
  const dir = path.join(workDir, "project")
  await cp(REPO_ROOT, source, { recursive: true, filter: (file) => !NOT_COPIED.has(path.basename(file)) || path.dirname(file) !== REPO_ROOT })
  await symlink(path.join(REPO_ROOT, "node_modules"), path.join(source, "node_modules"), "dir")
  await mkdir(packDir, { recursive: true })
  await mkdir(dir, { recursive: true })
  await npm(["pack", "--pack-destination", packDir, "--silent"], source)
  const tarballs = (await readdir(packDir)).filter((name) => name.endsWith(".tgz"))
  if (tarballs.length !== 1) throw new Error(`npm pack left ${tarballs.length} tarballs in ${packDir}`)
  const tarball = path.join(packDir, tarballs[0]!)
  await npm(["install", "--omit=dev", "--no-audit", "--no-fund", "--silent", tarball], dir)
  return { tarball, dir, bin: path.join(dir, "node_modules", "atqbo", "bin", "atqbo.js") }
}
