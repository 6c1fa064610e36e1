/**
 * Runs the real `atqbo` CLI as a child process (Node type stripping, like the bin) and points
 * it at simulators started by the test through the endpoint override variables.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { mkdtemp, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import type { Sandbox } from "../../src/sandbox/sandbox.ts"

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url))
const MAIN = join(REPO_ROOT, "src/cli/main.ts")

export interface CliResult {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

export interface StartedCli {
  readonly child: ChildProcess
  /** Everything written to stderr so far. */
  readonly stderr: () => string
  readonly done: Promise<CliResult>
}

/** Starts the CLI and returns at once: for tests that signal it (SIGSTOP, SIGKILL) while it runs. */
export const startCli = (args: ReadonlyArray<string>, options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {}): StartedCli => {
  // A clean environment: nothing from the developer's or CI's shell leaks into the run.
  const env: Record<string, string> = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", CI: "1", ...options.env }
  const child = spawn(process.execPath, ["--experimental-strip-types", "--no-warnings=ExperimentalWarning", MAIN, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env,
    stdio: ["ignore", "pipe", "pipe"]
  })
  let stdout = ""
  let stderr = ""
  child.stdout.on("data", (chunk) => (stdout += chunk))
  child.stderr.on("data", (chunk) => (stderr += chunk))
  const done = new Promise<CliResult>((resolve, reject) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000)
    child.on("error", reject)
    child.on("close", (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
  return { child, stderr: () => stderr, done }
}

export const runCli = (args: ReadonlyArray<string>, options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> =>
  startCli(args, options).done

const firstRefreshToken = (sandbox: Sandbox): string => sandbox.qbo.oauth.refreshTokens[sandbox.realmId] ?? ""

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
