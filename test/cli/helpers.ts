/**
 * Plumbing for the CLI tests: `atqbo` as a child process (bin/atqbo.js, see
 * test/support/cliCommand.ts), a hermetic environment (no credentials or endpoint overrides leak in
 * from the machine), temporary directories, and a long-running child whose output can be
 * awaited line by line.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process"
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { Effect } from "effect"
import { configTemplates } from "../../src/onboarding/templates.ts"
import { cliArgs } from "../support/cliCommand.ts"

/** The source entry point, for tests about what the source loads (startup.test.ts). */
export const MAIN = path.resolve("src/cli/main.ts")

export interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** The environment without anything that could point atqbo at real systems. */
export const cleanEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(AUTOTASK_|QBO_|ATQBO_|GITHUB_)/.test(name)) continue
    env[name] = value
  }
  return { ...env, NO_COLOR: "1", ...extra }
}

/** Runs `atqbo …` to completion. */
export const atqbo = (args: ReadonlyArray<string>, options: { readonly cwd?: string; readonly env?: Record<string, string> } = {}): Effect.Effect<Run> =>
  Effect.callback<Run>((resume) => {
    execFile(
      process.execPath,
      cliArgs(args),
      { cwd: options.cwd ?? process.cwd(), env: cleanEnv(options.env), maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1
        resume(Effect.succeed({ code, stdout, stderr }))
      }
    )
  })

/** A temporary directory, removed afterwards. */
export const withTempDir = <A, E, R>(use: (dir: string) => Effect.Effect<A, E, R>) =>
  Effect.acquireUseRelease(
    Effect.promise(() => mkdtemp(path.join(tmpdir(), "atqbo-cli-"))),
    use,
    (dir) => Effect.promise(() => rm(dir, { recursive: true, force: true }))
  )

/** The scaffold `atqbo init` writes (the six mapping files), without running it. */
export const writeScaffold = (dir: string) =>
  Effect.promise(async () => {
    await mkdir(dir, { recursive: true })
    for (const template of configTemplates("../schemas")) await writeFile(path.join(dir, template.fileName), template.text)
    return dir
  })

/** A running `atqbo …` child: its output so far, and promises for patterns and the exit. */
export interface Running {
  readonly child: ChildProcess
  stdout: string
  stderr: string
  /** Resolves with the first match of `pattern` in stdout or stderr (rejects on exit or timeout). */
  readonly waitFor: (pattern: RegExp, stream?: "stdout" | "stderr", timeoutMs?: number) => Promise<RegExpMatchArray>
  readonly exited: Promise<{ readonly code: number | null; readonly signal: NodeJS.Signals | null }>
}

export const spawnAtqbo = (args: ReadonlyArray<string>, options: { readonly cwd?: string; readonly env?: Record<string, string> } = {}): Running => {
  const child = spawn(process.execPath, cliArgs(args), {
    cwd: options.cwd ?? process.cwd(),
    env: cleanEnv(options.env),
    stdio: ["ignore", "pipe", "pipe"]
  })
  const listeners = new Set<() => void>()
  const running: Running = {
    child,
    stdout: "",
    stderr: "",
    exited: new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal }))),
    // The deadline only turns a hang into a readable failure before the test's own timeout.
    waitFor: (pattern, stream, timeoutMs = 150_000) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const text = stream === undefined ? `${running.stdout}\n${running.stderr}` : running[stream]
          const match = text.match(pattern)
          if (match === null) return false
          cleanup()
          resolve(match)
          return true
        }
        const timer = setTimeout(() => {
          cleanup()
          reject(new Error(`timed out waiting for ${pattern}\nstdout:\n${running.stdout}\nstderr:\n${running.stderr}`))
        }, timeoutMs)
        const onExit = () => {
          if (check()) return
          cleanup()
          reject(new Error(`atqbo exited before printing ${pattern}\nstdout:\n${running.stdout}\nstderr:\n${running.stderr}`))
        }
        const cleanup = () => {
          clearTimeout(timer)
          listeners.delete(listener)
          child.off("exit", onExit)
        }
        const listener = () => void check()
        if (check()) return
        listeners.add(listener)
        child.once("exit", onExit)
      })
  }
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    running.stdout += chunk
    for (const listener of [...listeners]) listener()
  })
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    running.stderr += chunk
    for (const listener of [...listeners]) listener()
  })
  return running
}

/** Stops a child that is still running (test cleanup). */
export const stop = (running: Running): Promise<void> =>
  running.child.exitCode !== null || running.child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => {
      running.child.once("exit", () => resolve())
      running.child.kill("SIGKILL")
    })

/** `export NAME=value` lines → variables (values single-quoted by the shell quoting rules). */
export const parseExports = (text: string): Record<string, string> => {
  const variables: Record<string, string> = {}
  for (const line of text.split("\n")) {
    const match = /^export ([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line)
    if (match === null) continue
    const raw = match[2]!
    variables[match[1]!] = raw.startsWith("'") ? raw.slice(1, -1).replace(/'\\''/g, "'") : raw
  }
  return variables
}
