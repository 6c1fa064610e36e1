/**
 * Runs the `run:` steps of a GitHub Actions job locally, in order, as the runner would: `bash -e`
 * in the workspace, `${{ }}` expressions in `env:` and `if:` evaluated against a given context
 * (secrets, needs, event, step outputs), a step's `$GITHUB_OUTPUT` read back into
 * `steps.<id>.outputs`, and the default `success()` condition after a failed step. `uses:` steps
 * are GitHub's actions (checkout, setup-node, artifacts, cache) and are skipped. Only the
 * expression forms atqbo's workflows use are understood; anything else throws, so a new form
 * fails the test instead of being guessed.
 */
import { execFile } from "node:child_process"
import { chmod, mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises"
import * as path from "node:path"

type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }
type Obj = { readonly [key: string]: Json }

export interface Workflow {
  readonly env?: Obj
  readonly jobs: Readonly<Record<string, { readonly env?: Obj; readonly steps: ReadonlyArray<Obj> }>>
}

export interface JobContext {
  readonly secrets?: Readonly<Record<string, string>>
  readonly vars?: Readonly<Record<string, string>>
  readonly needs?: Readonly<Record<string, { readonly result: string }>>
  readonly inputs?: Readonly<Record<string, string>>
  readonly github?: Obj
}

export interface StepResult {
  readonly name: string
  readonly outcome: "success" | "failure" | "skipped"
  readonly stdout: string
  readonly stderr: string
}

export interface JobResult {
  readonly result: "success" | "failure"
  /** The job's $RUNNER_TEMP. */
  readonly temp: string
  readonly steps: ReadonlyArray<StepResult>
  readonly summary: string
}

/** `gh` that records its arguments and standard input; `jq` stands in only where the machine has none. */
export const fakeTools = async (dir: string): Promise<string> => {
  const bin = path.join(dir, "bin")
  await mkdir(bin, { recursive: true })
  await writeFile(path.join(bin, "gh"), `#!/usr/bin/env bash\nprintf '%s\\n' "$*" >> "$GH_LOG.args"\ncat >> "$GH_LOG.stdin"\nprintf '%s' "$GH_TOKEN" > "$GH_LOG.token"\n`)
  await chmod(path.join(bin, "gh"), 0o755)
  const hasJq = await new Promise<boolean>((resolve) => execFile("sh", ["-c", "command -v jq"], (error) => resolve(error === null)))
  if (!hasJq) {
    // Only what the scripts use: jq -r '.refreshToken // empty' FILE (workflows.test.ts asserts it).
    const shim = `const [, flag, filter, file] = process.argv; if (flag !== "-r" || filter !== ".refreshToken // empty") process.exit(3); ` +
      `const v = JSON.parse(require("fs").readFileSync(file, "utf8")).refreshToken; if (v !== undefined && v !== null && v !== "") console.log(v)`
    await writeFile(path.join(bin, "jq"), `#!/usr/bin/env bash\nexec "${process.execPath}" -e '${shim}' -- "$@"\n`)
    await chmod(path.join(bin, "jq"), 0o755)
  }
  return bin
}

const lookup = (scope: Obj, dotted: string): string => {
  let node: Json | undefined = scope
  for (const key of dotted.split(".")) node = node !== null && typeof node === "object" && !Array.isArray(node) ? (node as Obj)[key] : undefined
  if (node === undefined || node === null) return ""
  return typeof node === "object" ? JSON.stringify(node) : String(node)
}

/** One expression of the subset: status functions, `a && b`, `path == 'x'`, `path != 'x'`, `path`. */
const evaluate = (expression: string, scope: Obj): string | boolean => {
  const text = expression.trim()
  if (text.includes("&&")) return text.split("&&").every((part) => truthy(evaluate(part, scope)))
  if (text === "always()" || text === "!cancelled()") return true
  const comparison = /^([\w.-]+)\s*(==|!=)\s*'([^']*)'$/.exec(text)
  if (comparison) return (lookup(scope, comparison[1]!) === comparison[3]) === (comparison[2] === "==")
  if (/^[\w.-]+$/.test(text)) return lookup(scope, text)
  throw new Error(`workflowJobs cannot evaluate \${{ ${text} }}: add it to the subset`)
}

const truthy = (value: string | boolean): boolean => value === true || (typeof value === "string" && value !== "" && value !== "false")

const substitute = (value: Json | undefined, scope: Obj): string =>
  String(value ?? "").replace(/\$\{\{(.*?)\}\}/g, (_, expression: string) => String(evaluate(expression, scope)))

const condition = (raw: Json | undefined, scope: Obj, failed: boolean): boolean => {
  const text = String(raw ?? "").trim().replace(/^\$\{\{(.*)\}\}$/s, "$1")
  const statusChecked = /\b(always|cancelled|failure|success)\(\)/.test(text)
  if (!statusChecked && failed) return false
  return text === "" || truthy(evaluate(text, scope))
}

export interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** A process to completion, with its exit code and output (never rejects). */
export const runProcess = (command: string, args: ReadonlyArray<string>, options: { readonly cwd?: string; readonly env?: NodeJS.ProcessEnv } = {}) =>
  new Promise<Run>((resolve) => {
    const child = execFile(command, [...args], { cwd: options.cwd, env: options.env ?? process.env, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout, stderr })
    )
    // A process that exits before reading its stdin would make this write fail with EPIPE.
    child.stdin?.on("error", () => undefined)
    child.stdin?.end()
  })

const bash = (script: string, cwd: string, env: NodeJS.ProcessEnv) => runProcess("bash", ["--noprofile", "--norc", "-e", "-c", script], { cwd, env })

/** Runs job `jobName` of `workflow` in `workspace`; `env` is the runner's environment (PATH and the like). */
export const runJob = async (
  workflow: Workflow,
  jobName: string,
  options: { readonly workspace: string; readonly env: NodeJS.ProcessEnv; readonly context: JobContext }
): Promise<JobResult> => {
  const job = workflow.jobs[jobName]
  if (job === undefined) throw new Error(`no job ${jobName}`)
  const runner = await mkdtemp(path.join(options.workspace, "..", `runner-${jobName}-`))
  const summaryFile = path.join(runner, "summary")
  await mkdir(path.join(runner, "temp"))
  await writeFile(summaryFile, "")
  const stepsScope: Record<string, { outputs: Record<string, string>; outcome: string }> = {}
  const scope = (): Obj => ({ ...options.context, steps: stepsScope } as unknown as Obj)
  const base: NodeJS.ProcessEnv = {
    ...options.env,
    RUNNER_TEMP: path.join(runner, "temp"),
    GITHUB_STEP_SUMMARY: summaryFile,
    GITHUB_WORKSPACE: options.workspace,
    GH_LOG: path.join(runner, "gh")
  }
  const results: Array<StepResult> = []
  let failed = false
  for (const [index, step] of job.steps.entries()) {
    const name = String(step["name"] ?? step["run"] ?? step["uses"])
    if (typeof step["run"] !== "string" || !condition(step["if"], scope(), failed)) {
      results.push({ name, outcome: "skipped", stdout: "", stderr: "" })
      continue
    }
    const outputFile = path.join(runner, `output-${index}`)
    await writeFile(outputFile, "")
    const env: NodeJS.ProcessEnv = { ...base, GITHUB_OUTPUT: outputFile }
    for (const layer of [workflow.env, job.env, step["env"] as Obj | undefined]) {
      for (const [key, value] of Object.entries(layer ?? {})) env[key] = substitute(value, scope())
    }
    const run = await bash(step["run"], options.workspace, env)
    const outcome = run.code === 0 ? "success" : "failure"
    if (outcome === "failure") failed = true
    results.push({ name, outcome, stdout: run.stdout, stderr: run.stderr })
    if (typeof step["id"] === "string") {
      const outputs = Object.fromEntries((await readFile(outputFile, "utf8")).split("\n").filter(Boolean).map((line) => {
        const at = line.indexOf("=")
        return [line.slice(0, at), line.slice(at + 1)]
      }))
      stepsScope[step["id"]] = { outputs, outcome }
    }
  }
  return { result: failed ? "failure" : "success", temp: base["RUNNER_TEMP"]!, steps: results, summary: await readFile(summaryFile, "utf8") }
}
