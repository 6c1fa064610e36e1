/**
 * The branch the scaffolded apply workflow runs on (`atqbo init`), read from git rather than
 * assumed: origin's default branch, else the current branch of the repository; outside a
 * repository, the branch `git init` will create (`git var GIT_DEFAULT_BRANCH`, which follows
 * `init.defaultBranch`). `--default-branch` overrides all of them.
 */
import { execFile } from "node:child_process"
import { stat } from "node:fs/promises"
import * as path from "node:path"

type GitResult = { readonly ok: true; readonly out: string } | { readonly ok: false; readonly missing: boolean }

const git = (cwd: string, args: ReadonlyArray<string>): Promise<GitResult> =>
  new Promise((resolve) =>
    execFile("git", [...args], { cwd }, (error, stdout) =>
      resolve(error === null ? { ok: true, out: stdout.trim() } : { ok: false, missing: (error as NodeJS.ErrnoException).code === "ENOENT" })
    )
  )

/** The directory itself or its nearest existing parent (git needs an existing working directory). */
const existingAncestor = async (dir: string): Promise<string> => {
  for (let current = dir; ; current = path.dirname(current)) {
    if (await stat(current).then((info) => info.isDirectory(), () => false)) return current
    if (path.dirname(current) === current) return current
  }
}

export type BranchSource =
  | { readonly kind: "repository"; readonly root: string; readonly branch: string | undefined; readonly how: string }
  | { readonly kind: "no-repository"; readonly branch: string | undefined }
  | { readonly kind: "no-git" }

/** What git says about `dir`: the repository it is in and its default branch, or what `git init` would make. */
export const inspectGit = async (dir: string): Promise<BranchSource> => {
  const cwd = await existingAncestor(dir)
  const top = await git(cwd, ["rev-parse", "--show-toplevel"])
  if (!top.ok) {
    if (top.missing) return { kind: "no-git" }
    const next = await git(cwd, ["var", "GIT_DEFAULT_BRANCH"])
    return { kind: "no-repository", branch: next.ok && next.out !== "" ? next.out : undefined }
  }
  const origin = await git(top.out, ["symbolic-ref", "--quiet", "--short", "refs/remotes/origin/HEAD"])
  if (origin.ok && origin.out.startsWith("origin/")) {
    return { kind: "repository", root: top.out, branch: origin.out.slice("origin/".length), how: "origin's default branch" }
  }
  const current = await git(top.out, ["symbolic-ref", "--quiet", "--short", "HEAD"])
  return { kind: "repository", root: top.out, branch: current.ok ? current.out : undefined, how: "the current branch (the repository has no origin/HEAD)" }
}

/** `git init` with the branch the workflows were written for. */
export const gitInit = async (dir: string, branch: string): Promise<void> => {
  const result = await git(dir, ["init", "--quiet", `--initial-branch=${branch}`])
  if (!result.ok) throw new Error(`git init --initial-branch=${branch} failed in ${dir} (git 2.28 or newer is needed)`)
}

/** A branch name that is safe in a git ref and bare in YAML. */
export const isPlainBranchName = (name: string): boolean => /^[A-Za-z0-9_][A-Za-z0-9._/-]*$/.test(name) && !name.includes("..") && !name.endsWith(".lock")
