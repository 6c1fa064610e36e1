/**
 * Runs the real `atqbo` CLI as a child process (bin/atqbo.js, see cliCommand.ts) and points it
 * at simulators started by the test through the endpoint override variables.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtemp, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { Sandbox } from "../../src/sandbox/sandbox.ts"
import { cliArgs, REPO_ROOT } from "./cliCommand.ts"

export { REPO_ROOT }

export interface CliResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** A backstop, not a test bound: only keeps a hung child from outliving the suite. */
const HUNG_MS = 10 * 60_000

export interface StartedCli {
  readonly child: ChildProcess
  /** Everything written to stderr so far. */
  readonly stderr: () => string
  readonly done: Promise<CliResult>
}

/** Starts the CLI and returns at once: for tests that signal it (SIGSTOP, SIGKILL) while it runs. */
export const startCli = (args: ReadonlyArray<string>, options: { env?: Record<string, string>; cwd?: string } = {}): StartedCli => {
  // A clean environment: nothing from the developer's or CI's shell leaks into the run.
  const env: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", CI: "1", ...options.env }
  const child = spawn(process.execPath, cliArgs(args), {
    cwd: options.cwd ?? REPO_ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"]
  })
  let stdout = ""
  let stderr = ""
  child.stdout.on("data", (chunk) => (stdout += chunk))
  child.stderr.on("data", (chunk) => (stderr += chunk))
  const done = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), HUNG_MS)
    child.on("error", reject)
    child.on("close", (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
  return { child, stderr: () => stderr, done }
}

/** Resolves once `condition` holds (checked every 10 ms); the test's own timeout bounds it. */
export const until = (condition: () => boolean): Promise<void> =>
  new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      if (!condition()) return
      clearInterval(timer)
      resolve()
    }, 10)
  })

export const runCli = (args: ReadonlyArray<string>, options: { env?: Record<string, string>; cwd?: string } = {}): Promise<CliResult> =>
  startCli(args, options).done

const firstRefreshToken = (sandbox: Sandbox): string => sandbox.qbo.oauth.refreshTokens[sandbox.realmId] ?? ""

/**
 * Runs `jobs` at most `limit` at a time, results in order. For CLI runs that mostly wait (on a
 * dead host's retries): overlapping two of them costs no CPU, a swarm starves two cores.
 */
export const inTurns = async <A>(jobs: ReadonlyArray<() => Promise<A>>, limit: number): Promise<Array<A>> => {
  const results: Array<A> = []
  let next = 0
  const worker = async () => {
    while (next < jobs.length) {
      const index = next++
      results[index] = await jobs[index]!()
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, jobs.length) }, worker))
  return results
}

/** Environment that points the CLI at running simulators with their credentials. */
export const sandboxEnv = (sandbox: Sandbox): Record<string, string> => ({
  AUTOTASK_USERNAME: sandbox.autotask.credentials.username,
  AUTOTASK_SECRET: sandbox.autotask.credentials.secret,
  AUTOTASK_INTEGRATION_CODE: sandbox.autotask.credentials.integrationCode,
  QBO_CLIENT_ID: sandbox.qbo.oauth.clientId,
  QBO_CLIENT_SECRET: sandbox.qbo.oauth.clientSecret,
  QBO_REFRESH_TOKEN: firstRefreshToken(sandbox),
  ATQBO_AUTOTASK_DISCOVERY_URL: sandbox.autotask.discoveryUrl,
  ATQBO_QBO_API_URL: sandbox.qbo.baseUrl,
  ATQBO_QBO_TOKEN_URL: sandbox.qbo.tokenUrl
})

/** A minimal configuration directory (atqbo.yaml only) whose state lives in a temp dir. */
export const writeConfig = async (realmId: string, extra: { readonly sync?: string; readonly top?: string } = {}): Promise<{ dir: string; stateDir: string }> => {
  const stateDir = await mkdtemp(join(tmpdir(), "atqbo-state-"))
  const dir = await mkdtemp(join(tmpdir(), "atqbo-config-"))
  await writeFile(
    join(dir, "atqbo.yaml"),
    [
      "version: 1",
      "qbo:",
      `  realmId: "${realmId}"`,
      `  tokenStore: ${join(stateDir, "qbo-token.json")}`,
      "sync:",
      "  timeZone: UTC",
      ...(extra.sync ? [extra.sync] : []),
      "journal:",
      `  dir: ${join(stateDir, "journal")}`,
      ...(extra.top ? [extra.top] : [])
    ].join("\n")
  )
  return { dir, stateDir }
}
