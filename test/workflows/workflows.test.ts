/**
 * The GitHub Actions workflows in .github/workflows/: every file passes the workflow linter
 * (@action-validator/cli, offline: the workflow JSON Schema compiled to WebAssembly), and the
 * atqbo workflows keep the properties their safety depends on — the pull_request workflow
 * never gets write permissions, the comment workflow never runs code from the pull request,
 * apply is never cancelled, secrets only reach steps through `secrets.` contexts in `env:` —
 * and their shell and github-script bodies behave as documented (run here with fakes for `gh`
 * and the GitHub API).
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { parse } from "yaml"
import { COMMENT_MARKER } from "../../src/render/github.ts"
import { fakeTools, type Run, runProcess } from "../support/workflowJobs.ts"

const WORKFLOW_DIR = path.resolve(".github/workflows")
const ACTION = "action.yml"
const require = createRequire(import.meta.url)
const VALIDATOR = require.resolve("@action-validator/cli/cli.mjs")

type Json = null | boolean | number | string | ReadonlyArray<Json> | { readonly [key: string]: Json }
type Obj = { readonly [key: string]: Json }

interface Step extends Obj {}
interface Job {
  readonly steps: ReadonlyArray<Step>
  readonly [key: string]: Json
}
interface Workflow {
  readonly name: string
  readonly on: Obj
  readonly permissions?: Obj
  readonly concurrency?: Obj
  readonly env?: Obj
  readonly jobs: Readonly<Record<string, Job>>
}

const loadWorkflow = async (file: string): Promise<Workflow> => parse(await readFile(path.join(WORKFLOW_DIR, file), "utf8")) as Workflow

let plan: Workflow
let comment: Workflow
let apply: Workflow
let atqboYaml: Obj

beforeAll(async () => {
  ;[plan, comment, apply] = await Promise.all([loadWorkflow("atqbo-plan.yml"), loadWorkflow("atqbo-plan-comment.yml"), loadWorkflow("atqbo-apply.yml")])
  atqboYaml = parse(await readFile("mappings/atqbo.yaml", "utf8")) as Obj
})

const atqboWorkflows = () => [["atqbo-plan.yml", plan], ["atqbo-plan-comment.yml", comment], ["atqbo-apply.yml", apply]] as const

const allSteps = (workflow: Workflow): Array<Step> => Object.values(workflow.jobs).flatMap((job) => [...job.steps])
const runScripts = (workflow: Workflow): Array<string> => allSteps(workflow).flatMap((step) => typeof step["run"] === "string" ? [step["run"]] : [])
const stepNamed = (workflow: Workflow, name: string): Step => {
  const step = allSteps(workflow).find((candidate) => candidate["name"] === name)
  assert.isDefined(step, `no step named "${name}"`)
  return step!
}
const stepUsing = (workflow: Workflow, action: string): Array<Step> =>
  allSteps(workflow).filter((step) => typeof step["uses"] === "string" && step["uses"].startsWith(`${action}@`))
const obj = (value: Json | undefined): Obj => (value ?? {}) as Obj
const str = (value: Json | undefined): string => (typeof value === "string" ? value : "")

/** Every string value in the document with its key path. */
const strings = (value: Json, at: ReadonlyArray<string> = []): Array<{ path: ReadonlyArray<string>; value: string }> => {
  if (typeof value === "string") return [{ path: at, value }]
  if (Array.isArray(value)) return value.flatMap((item, index) => strings(item, [...at, String(index)]))
  if (value !== null && typeof value === "object") return Object.entries(value).flatMap(([key, item]) => strings(item as Json, [...at, key]))
  return []
}

/** The environment-variable names atqbo.yaml sets (every `…Env` setting), by dotted key. */
const envSettings = (value: Json, at = ""): Record<string, string> => {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return {}
  return Object.fromEntries(Object.entries(value).flatMap(([key, item]) => {
    const where = at ? `${at}.${key}` : key
    if (key.endsWith("Env") && typeof item === "string") return [[where, item]]
    return Object.entries(envSettings(item as Json, where))
  }))
}

// ---------------------------------------------------------------------------------------------

const validate = (file: string) => runProcess(process.execPath, [VALIDATOR, file], { env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" } })

describe("workflow linter (@action-validator/cli)", () => {
  it("accepts every workflow in .github/workflows/ and the composite action action.yml", async () => {
    const files = (await readdir(WORKFLOW_DIR)).filter((file) => /\.ya?ml$/.test(file)).sort()
    assert.includeMembers(files, ["atqbo-apply.yml", "atqbo-plan-comment.yml", "atqbo-plan.yml", "ci.yml"])
    const paths = [...files.map((file) => path.join(WORKFLOW_DIR, file)), path.resolve(ACTION)]
    const results = await Promise.all(paths.map(validate))
    results.forEach((result, index) => assert.strictEqual(result.code, 0, `${paths[index]}:\n${result.stdout}${result.stderr}`))
  })

  it("checks an action by its schema (an action with a job is refused)", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "atqbo-action-"))
    try {
      const file = path.join(dir, "action.yml")
      await writeFile(file, "name: x\ndescription: y\nruns:\n  using: composite\n  steps:\n    - run: echo hi\njobs: {}\n")
      const result = await validate(file)
      assert.strictEqual(result.code, 1, result.stdout + result.stderr)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it("rejects a broken workflow (the linter really checks)", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "atqbo-workflow-"))
    try {
      const file = path.join(dir, "broken.yml")
      await writeFile(file, [
        "on: pull_request",
        "permissions:",
        "  pull-request: write",
        "jobs:",
        "  a:",
        "    runs-on: ubuntu-latest",
        "    needs: nope",
        "    steps:",
        "      - run: echo hi",
        ""
      ].join("\n"))
      const result = await validate(file)
      assert.strictEqual(result.code, 1)
      assert.include(result.stderr, "pull-request")
      assert.include(result.stderr, "unresolved job nope")
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe("all atqbo workflows", () => {
  it("reference secrets only as `${{ secrets.NAME }}` in step or job env, never in scripts or inputs", () => {
    for (const [file, workflow] of atqboWorkflows()) {
      for (const { path: at, value } of strings(workflow as unknown as Json)) {
        if (!value.includes("secrets.")) continue
        const where = `${file}: ${at.join(".")}`
        assert.strictEqual(at[at.length - 2], "env", `${where} uses a secret outside an env map`)
        const match = /^\$\{\{ secrets\.([A-Z][A-Z0-9_]*)( != '')? \}\}$/.exec(value)
        assert.isNotNull(match, `${where}: ${value}`)
        const [, secret, presence] = match!
        const variable = at[at.length - 1]!
        const expected = presence ? `HAVE_${secret}` : variable === "GH_TOKEN" ? "GH_TOKEN" : secret
        assert.strictEqual(variable, expected, where)
        if (variable === "GH_TOKEN") assert.strictEqual(secret, "ATQBO_SECRETS_TOKEN", where)
      }
    }
  })

  it("pass inputs to scripts through env, never by expanding ${{ }} inside a script", () => {
    for (const [file, workflow] of atqboWorkflows()) {
      for (const script of runScripts(workflow)) assert.notInclude(script, "${{", `${file}: ${script.slice(0, 80)}`)
    }
  })

  it("never trigger on pull_request_target and pin every action to a version", () => {
    for (const [file, workflow] of atqboWorkflows()) {
      assert.notProperty(workflow.on, "pull_request_target", file)
      for (const step of allSteps(workflow)) {
        if (step["uses"] !== undefined) assert.match(str(step["uses"]), /^[\w.-]+\/[\w./-]+@(v\d+(\.\d+)*|[0-9a-f]{40})$/, file)
      }
    }
  })

  it("check out without leaving the token in .git/config", () => {
    for (const [file, workflow] of atqboWorkflows()) {
      for (const step of stepUsing(workflow, "actions/checkout")) assert.strictEqual(obj(step["with"])["persist-credentials"], false, file)
    }
  })

  it("watch the same paths (mappings, the tool, the workflows)", () => {
    const planPaths = obj(plan.on["pull_request"])["paths"]
    const applyPaths = obj(apply.on["push"])["paths"]
    assert.deepStrictEqual(planPaths, applyPaths)
    assert.includeMembers(planPaths as Array<string>, ["mappings/**", "src/**", "schemas/**", "package.json", "package-lock.json"])
  })

  it("use the token store and journal paths of mappings/atqbo.yaml", () => {
    const qbo = obj(atqboYaml["qbo"])
    const journal = obj(atqboYaml["journal"])
    assert.strictEqual(obj(plan.env)["ATQBO_TOKEN_STORE"], qbo["tokenStore"])
    assert.strictEqual(obj(apply.env)["ATQBO_TOKEN_STORE"], qbo["tokenStore"])
    assert.strictEqual(obj(apply.env)["ATQBO_JOURNAL_DIR"], journal["dir"])
  })
})

describe("atqbo-plan.yml (pull_request: runs pull request code)", () => {
  it("runs on pull_request only, with read-only permissions", () => {
    assert.deepStrictEqual(Object.keys(plan.on), ["pull_request"])
    assert.deepStrictEqual(plan.permissions, { contents: "read" })
    for (const [name, job] of Object.entries(plan.jobs)) {
      const permissions = job["permissions"]
      if (permissions === undefined) continue
      assert.notInclude(JSON.stringify(permissions), "write", `job ${name}`)
    }
  })

  it("cancels the previous plan of the same pull request", () => {
    assert.include(str(plan.concurrency?.["group"]), "${{ github.event.pull_request.number }}")
    assert.strictEqual(plan.concurrency?.["cancel-in-progress"], true)
  })

  it("validates without secrets or an environment, so forks are checked too", () => {
    const validateJob = plan.jobs["validate"]!
    assert.isUndefined(validateJob["environment"])
    assert.notInclude(JSON.stringify(validateJob), "secrets.")
    assert.include(runScripts({ ...plan, jobs: { validate: validateJob } }), "npx atqbo validate --format github")
  })

  it("plans after validation in the atqbo-plan environment, treating exit 2 as success", () => {
    const job = plan.jobs["plan"]!
    assert.strictEqual(job["needs"], "validate")
    assert.strictEqual(job["environment"], "atqbo-plan")
    assert.strictEqual(obj(job["env"])["ATQBO_HEAD_SHA"], "${{ github.event.pull_request.head.sha }}")
    const command = str(stepNamed(plan, "atqbo plan")["run"])
    assert.match(command, /^npx atqbo plan --format github --out "\$OUT\/plan\.json" --comment-file "\$OUT\/comment\.md" --detailed-exitcode \|\| \[ \$\? -eq 2 \]$/)
  })

  it("passes exactly the credential variables mappings/atqbo.yaml names to the plan", () => {
    const env = obj(stepNamed(plan, "atqbo plan")["env"])
    const names = envSettings(atqboYaml as Json)
    for (const key of ["autotask.usernameEnv", "autotask.secretEnv", "autotask.integrationCodeEnv", "qbo.realmIdEnv", "qbo.clientIdEnv", "qbo.clientSecretEnv", "qbo.refreshTokenEnv"]) {
      const variable = names[key]!
      assert.strictEqual(env[variable], `\${{ secrets.${variable} }}`, key)
    }
  })

  it("uploads plan.json, comment.md and the PR number as the artifact atqbo-plan, always", () => {
    const [upload] = stepUsing(plan, "actions/upload-artifact")
    assert.isDefined(upload)
    assert.strictEqual(upload!["if"], "always()")
    const inputs = obj(upload!["with"])
    assert.strictEqual(inputs["name"], "atqbo-plan")
    assert.strictEqual(inputs["path"], "${{ runner.temp }}/atqbo-plan/")
    assert.strictEqual(inputs["if-no-files-found"], "error")
    assert.include(str(stepNamed(plan, "Decide whether a plan can run")["run"]), `printf '%s\\n' "$PR_NUMBER" > "$out/pr-number"`)
    assert.include(str(stepNamed(plan, "Explain a missing plan")["run"]), COMMENT_MARKER)
  })
})

describe("atqbo-plan-comment.yml (workflow_run: may comment, never runs pull request code)", () => {
  it("runs when the plan workflow completes, with only pull-requests: write and actions: read", () => {
    assert.deepStrictEqual(comment.on, { workflow_run: { workflows: [plan.name], types: ["completed"] } })
    assert.deepStrictEqual(comment.permissions, { "pull-requests": "write", actions: "read" })
    const job = comment.jobs["comment"]!
    assert.include(str(job["if"]), "github.event.workflow_run.event == 'pull_request'")
  })

  it("never checks out code and never runs npm, npx or any script", () => {
    assert.lengthOf(stepUsing(comment, "actions/checkout"), 0)
    for (const step of allSteps(comment)) {
      assert.isUndefined(step["run"])
      assert.match(str(step["uses"]), /^actions\/(download-artifact|github-script)@/)
    }
    for (const { value } of strings(comment as unknown as Json)) assert.notMatch(value, /\bnp[mx]\b|node_modules/)
  })

  it("downloads the artifact of the triggering run", () => {
    const [download] = stepUsing(comment, "actions/download-artifact")
    const inputs = obj(download!["with"])
    assert.strictEqual(inputs["name"], "atqbo-plan")
    assert.strictEqual(inputs["run-id"], "${{ github.event.workflow_run.id }}")
    assert.strictEqual(inputs["github-token"], "${{ github.token }}")
  })

  it("uses the same sticky marker as the CLI (COMMENT_MARKER)", () => {
    const [script] = stepUsing(comment, "actions/github-script")
    assert.strictEqual(obj(script!["env"])["MARKER"], COMMENT_MARKER)
  })
})

describe("atqbo-apply.yml", () => {
  it("runs on push to main, every 15 minutes and by hand", () => {
    assert.deepStrictEqual(obj(apply.on["push"])["branches"], ["main"])
    assert.deepStrictEqual(apply.on["schedule"], [{ cron: "*/15 * * * *" }])
    assert.property(apply.on, "workflow_dispatch")
    assert.deepStrictEqual(apply.permissions, { contents: "read" })
  })

  it("never cancels a running apply", () => {
    assert.deepStrictEqual(apply.concurrency, { group: "atqbo-apply", "cancel-in-progress": false })
    for (const job of Object.values(apply.jobs)) {
      const concurrency = job["concurrency"]
      if (concurrency !== undefined) assert.notStrictEqual(obj(concurrency)["cancel-in-progress"], true)
    }
  })

  it("applies in the production environment and lets a failure fail the job", () => {
    const job = apply.jobs["apply"]!
    assert.strictEqual(job["environment"], "production")
    assert.isUndefined(job["continue-on-error"])
    const step = stepNamed(apply, "atqbo apply")
    assert.isUndefined(step["continue-on-error"])
    const script = str(step["run"])
    assert.include(script, "npx atqbo apply --auto-approve --format github")
    assert.include(script, "set -euo pipefail")
    assert.notMatch(script, /\|\|\s*true|set \+e/)
  })

  it("passes every variable mappings/atqbo.yaml names to apply", () => {
    const env = obj(stepNamed(apply, "atqbo apply")["env"])
    for (const [key, variable] of Object.entries(envSettings(atqboYaml as Json))) {
      assert.strictEqual(env[variable], `\${{ secrets.${variable} }}`, key)
    }
  })

  it("uploads the journal as an artifact even when apply failed", () => {
    const upload = stepNamed(apply, "Upload the journal")
    assert.strictEqual(upload["if"], "always()")
    assert.match(str(upload["uses"]), /^actions\/upload-artifact@/)
    assert.strictEqual(obj(upload["with"])["path"], "${{ env.ATQBO_JOURNAL_DIR }}/")
    assert.strictEqual(obj(upload["with"])["include-hidden-files"], true)
  })
})

describe("QBO refresh-token persistence", () => {
  const persistName = "Persist the rotated QBO refresh token"

  it("is the same always-run step in the plan and apply workflows, secret mode unless cache mode is chosen", () => {
    const inPlan = stepNamed(plan, persistName)
    const inApply = stepNamed(apply, persistName)
    assert.strictEqual(inPlan["run"], inApply["run"])
    for (const step of [inPlan, inApply]) {
      assert.match(str(step["if"]), /^always\(\) && .*vars\.ATQBO_TOKEN_PERSISTENCE != 'cache'$/)
      assert.deepStrictEqual(step["env"], { GH_TOKEN: "${{ secrets.ATQBO_SECRETS_TOKEN }}", QBO_REFRESH_TOKEN: "${{ secrets.QBO_REFRESH_TOKEN }}" })
    }
    const script = str(inApply["run"])
    assert.notInclude(script, "set -x")
    assert.isBelow(script.indexOf("::add-mask::$token"), script.indexOf("gh secret set"))
    assert.include(script, `printf '%s' "$token" | gh secret set QBO_REFRESH_TOKEN --repo "$GITHUB_REPOSITORY"`)
  })

  it("saves the token store to the cache only in cache mode, from apply only", () => {
    assert.lengthOf(stepUsing(plan, "actions/cache/save"), 0)
    assert.lengthOf(stepUsing(plan, "actions/cache"), 0)
    const restore = stepUsing(plan, "actions/cache/restore")
    assert.lengthOf(restore, 1)
    assert.include(str(restore[0]!["if"]), "vars.ATQBO_TOKEN_PERSISTENCE == 'cache'")
    const [save] = stepUsing(apply, "actions/cache/save")
    assert.include(str(save!["if"]), "always()")
    assert.include(str(save!["if"]), "vars.ATQBO_TOKEN_PERSISTENCE == 'cache'")
    assert.strictEqual(obj(save!["with"])["key"], "atqbo-qbo-token-${{ github.run_id }}-${{ github.run_attempt }}")
    const [restoreApply] = stepUsing(apply, "actions/cache/restore")
    assert.strictEqual(obj(restoreApply!["with"])["restore-keys"], "atqbo-qbo-token-")
  })

  it("removes the token store before the job ends", () => {
    for (const workflow of [plan, apply]) {
      const remove = stepNamed(workflow, "Remove the QBO token store")
      assert.strictEqual(remove["if"], "always()")
      assert.strictEqual(remove["run"], `rm -f "$ATQBO_TOKEN_STORE"`)
    }
  })
})

// ---------------------------------------------------------------------------------------------
// The step scripts, run with bash and a fake `gh` (and a stand-in `jq` where jq is missing: fakeTools)

let sandbox: string
let bin: string

beforeAll(async () => {
  sandbox = await mkdtemp(path.join(tmpdir(), "atqbo-steps-"))
  bin = await fakeTools(sandbox)
})

afterAll(async () => {
  if (sandbox) await rm(sandbox, { recursive: true, force: true })
})

interface StepRun extends Run {
  readonly dir: string
  readonly outputs: Record<string, string>
  readonly summary: string
  readonly gh: { readonly args: string; readonly stdin: string; readonly token: string }
}

let stepCount = 0

/** Runs a `run:` script as GitHub does (`bash -e`), in a fresh workspace with runner files. */
const runStep = async (script: string, env: Record<string, string>, prepare?: (dir: string) => Promise<void>): Promise<StepRun> => {
  const dir = path.join(sandbox, `step-${++stepCount}`)
  await mkdir(path.join(dir, "temp"), { recursive: true })
  await prepare?.(dir)
  const files = { output: path.join(dir, "output"), summary: path.join(dir, "summary"), gh: path.join(dir, "gh") }
  await writeFile(files.output, "")
  await writeFile(files.summary, "")
  const result = await runProcess("bash", ["--noprofile", "--norc", "-e", "-c", script], {
    cwd: dir,
    env: {
      PATH: `${bin}:${process.env["PATH"]}`,
      HOME: dir,
      RUNNER_TEMP: path.join(dir, "temp"),
      GITHUB_OUTPUT: files.output,
      GITHUB_STEP_SUMMARY: files.summary,
      GITHUB_SERVER_URL: "https://github.example",
      GITHUB_REPOSITORY: "acme/books",
      GITHUB_RUN_ID: "4242",
      GH_LOG: files.gh,
      ...env
    }
  })
  const read = (file: string) => readFile(file, "utf8").catch(() => "")
  const outputs = Object.fromEntries((await read(files.output)).split("\n").filter(Boolean).map((line) => {
    const index = line.indexOf("=")
    return [line.slice(0, index), line.slice(index + 1)]
  }))
  return {
    ...result,
    dir,
    outputs,
    summary: await read(files.summary),
    gh: { args: await read(`${files.gh}.args`), stdin: await read(`${files.gh}.stdin`), token: await read(`${files.gh}.token`) }
  }
}

const OLD_TOKEN = "RT1-old-AB11aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
const NEW_TOKEN = "RT1-new-AB11bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"

const withStore = (refreshToken: string) => async (dir: string) => {
  await mkdir(path.join(dir, ".atqbo"))
  const record = { realmId: "9130350000000000", refreshToken, accessToken: "eyJ-access", expiresAt: "2026-11-26T12:00:00Z", updatedAt: "2026-11-26T11:00:00Z" }
  await writeFile(path.join(dir, ".atqbo/qbo-token.json"), JSON.stringify(record, null, 2), { mode: 0o600 })
}

describe("persist step (run with a fake gh)", () => {
  const persist = () => str(stepNamed(apply, "Persist the rotated QBO refresh token")["run"])
  const env = (extra: Record<string, string> = {}) => ({ ATQBO_TOKEN_STORE: ".atqbo/qbo-token.json", QBO_REFRESH_TOKEN: OLD_TOKEN, GH_TOKEN: "github_pat_fake", ...extra })

  it("reads the token with exactly the jq filter the stand-in implements", () => {
    assert.include(persist(), `jq -r '.refreshToken // empty' "$ATQBO_TOKEN_STORE"`)
  })

  it("does nothing when no refresh happened (no token store)", async () => {
    const result = await runStep(persist(), env())
    assert.strictEqual(result.code, 0, result.stderr)
    assert.strictEqual(result.gh.args, "")
  })

  it("does nothing when the token did not rotate", async () => {
    const result = await runStep(persist(), env(), withStore(OLD_TOKEN))
    assert.strictEqual(result.code, 0, result.stderr)
    assert.include(result.stdout, "did not rotate")
    assert.strictEqual(result.gh.args, "")
  })

  it("masks a rotated token, then stores it through stdin with ATQBO_SECRETS_TOKEN", async () => {
    const result = await runStep(persist(), env(), withStore(NEW_TOKEN))
    assert.strictEqual(result.code, 0, result.stderr)
    assert.strictEqual(result.gh.args, "secret set QBO_REFRESH_TOKEN --repo acme/books\n")
    assert.strictEqual(result.gh.stdin, NEW_TOKEN)
    assert.strictEqual(result.gh.token, "github_pat_fake")
    // The only place the token appears in the log is the mask command, which GitHub swallows.
    const lines = `${result.stdout}${result.stderr}`.split("\n").filter((line) => line.includes(NEW_TOKEN) || line.includes(OLD_TOKEN))
    assert.deepStrictEqual(lines, [`::add-mask::${NEW_TOKEN}`])
    assert.isTrue(result.stdout.startsWith(`::add-mask::${NEW_TOKEN}\n`))
  })

  it("fails loudly when a rotated token cannot be saved (no ATQBO_SECRETS_TOKEN)", async () => {
    const result = await runStep(persist(), env({ GH_TOKEN: "" }), withStore(NEW_TOKEN))
    assert.strictEqual(result.code, 1)
    assert.match(result.stdout, /^::error title=QBO refresh token not saved::/m)
    assert.strictEqual(result.gh.args, "")
    assert.notInclude(result.stdout.replace(`::add-mask::${NEW_TOKEN}`, ""), NEW_TOKEN)
  })
})

describe("plan job scripts (prepare, explain a missing plan)", () => {
  const prepare = () => str(stepNamed(plan, "Decide whether a plan can run")["run"])
  const explain = () => str(stepNamed(plan, "Explain a missing plan")["run"])
  const HEAD = "3f1c2a9b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a"
  const have = (value: boolean, except: ReadonlyArray<string> = []) =>
    Object.fromEntries(["AUTOTASK_USERNAME", "AUTOTASK_SECRET", "AUTOTASK_INTEGRATION_CODE", "QBO_CLIENT_ID", "QBO_CLIENT_SECRET", "QBO_REFRESH_TOKEN"]
      .map((name) => [`HAVE_${name}`, String(except.includes(name) ? !value : value)]))

  /** prepare, then the explanation step with prepare's outputs, in one workspace. */
  const prepareThenExplain = async (env: Record<string, string>, planOutcome = "skipped") => {
    const first = await runStep(prepare(), { PR_NUMBER: "17", ...env })
    assert.strictEqual(first.code, 0, first.stderr)
    const second = await runStep(explain(), {
      PR_NUMBER: "17",
      ATQBO_HEAD_SHA: HEAD,
      REASON: first.outputs["reason"] ?? "",
      MISSING: first.outputs["missing"] ?? "",
      OUT: first.outputs["out"] ?? "",
      PLAN_OUTCOME: planOutcome
    })
    const out = first.outputs["out"]!
    return { first, second, comment: await readFile(path.join(out, "comment.md"), "utf8").catch(() => ""), prNumber: await readFile(path.join(out, "pr-number"), "utf8") }
  }

  it("plans when validation passed and every credential is there", async () => {
    const result = await runStep(prepare(), { PR_NUMBER: "17", VALIDATE_RESULT: "success", ...have(true) })
    assert.strictEqual(result.outputs["reason"], "ready")
    assert.strictEqual(result.outputs["missing"], "")
  })

  it("without credentials (a fork): succeeds with a comment asking a maintainer to plan", async () => {
    const { first, second, comment, prNumber } = await prepareThenExplain({ VALIDATE_RESULT: "success", ...have(false) })
    assert.strictEqual(first.outputs["reason"], "credentials")
    assert.include(first.stdout, "::notice title=atqbo plan skipped::")
    assert.strictEqual(second.code, 0, second.stderr)
    assert.strictEqual(prNumber, "17\n")
    assert.isTrue(comment.startsWith(`${COMMENT_MARKER}\n## atqbo plan for \`${HEAD.slice(0, 12)}\``))
    assert.include(comment, "A maintainer has to plan this change")
    assert.include(comment, "missing: AUTOTASK_USERNAME AUTOTASK_SECRET")
    assert.include(comment, "https://github.example/acme/books/actions/runs/4242")
    assert.strictEqual(second.summary, comment)
  })

  it("names only the missing secrets", async () => {
    const { first } = await prepareThenExplain({ VALIDATE_RESULT: "success", ...have(true, ["QBO_REFRESH_TOKEN"]) })
    assert.strictEqual(first.outputs["missing"], "QBO_REFRESH_TOKEN")
  })

  it("after a failed validation: says the configuration is invalid", async () => {
    const { first, second, comment } = await prepareThenExplain({ VALIDATE_RESULT: "failure", ...have(true) })
    assert.strictEqual(first.outputs["reason"], "invalid")
    assert.strictEqual(second.code, 0)
    assert.include(comment, "No plan: the configuration is invalid")
  })

  it("after a failed plan: says so (the plan step already failed the job)", async () => {
    const { second, comment } = await prepareThenExplain({ VALIDATE_RESULT: "success", ...have(true) }, "failure")
    assert.strictEqual(second.code, 0)
    assert.include(comment, "atqbo plan failed")
  })

  it("fails when the plan step succeeded but wrote no comment", async () => {
    const { second } = await prepareThenExplain({ VALIDATE_RESULT: "success", ...have(true) }, "success")
    assert.strictEqual(second.code, 1)
  })

  it("leaves the CLI's comment alone", async () => {
    const first = await runStep(prepare(), { PR_NUMBER: "17", VALIDATE_RESULT: "success", ...have(true) })
    const out = first.outputs["out"]!
    await writeFile(path.join(out, "comment.md"), `${COMMENT_MARKER}\nthe plan\n`)
    const second = await runStep(explain(), { PR_NUMBER: "17", ATQBO_HEAD_SHA: HEAD, REASON: "ready", MISSING: "", OUT: out, PLAN_OUTCOME: "success" })
    assert.strictEqual(second.code, 0, second.stderr)
    assert.strictEqual(await readFile(path.join(out, "comment.md"), "utf8"), `${COMMENT_MARKER}\nthe plan\n`)
    assert.strictEqual(second.summary, "")
  })
})

// ---------------------------------------------------------------------------------------------
// The github-script body of the comment workflow, with a fake GitHub API

interface Comment {
  readonly id: number
  readonly user: { readonly login: string }
  readonly body: string
  readonly html_url: string
}

interface Scenario {
  readonly prNumber: string
  readonly commentBody?: string
  readonly listed?: ReadonlyArray<number>
  readonly headRepo?: string
  readonly prHead?: { readonly repo: string; readonly ref: string; readonly sha: string }
  readonly comments?: ReadonlyArray<Comment>
  readonly failCreate?: boolean
}

const RUN_HEAD = "aaaabbbbccccddddeeeeffff0000111122223333"

const runCommentScript = async (scenario: Scenario) => {
  const [step] = stepUsing(comment, "actions/github-script")
  const script = str(obj(step!["with"])["script"])
  const dir = await mkdtemp(path.join(sandbox, "artifact-"))
  await writeFile(path.join(dir, "pr-number"), scenario.prNumber)
  await writeFile(path.join(dir, "comment.md"), scenario.commentBody ?? `${COMMENT_MARKER}\n## atqbo plan\nPlan: 1 invoice to create.\n`)
  const headRepo = scenario.headRepo ?? "acme/books"
  const prHead = scenario.prHead ?? { repo: headRepo, ref: "mapping-change", sha: RUN_HEAD }
  const calls: Array<[string, Record<string, unknown>]> = []
  const notices: Array<string> = []
  const github = {
    paginate: async (_method: unknown, params: Record<string, unknown>) => {
      calls.push(["list", params])
      return scenario.comments ?? []
    },
    rest: {
      pulls: {
        get: async (params: { pull_number: number }) => {
          calls.push(["get", params])
          return { data: { number: params.pull_number, state: "open", head: { repo: { full_name: prHead.repo }, ref: prHead.ref, sha: prHead.sha } } }
        }
      },
      issues: {
        listComments: () => undefined,
        updateComment: async (params: Record<string, unknown>) => {
          calls.push(["update", params])
          return { data: {} }
        },
        createComment: async (params: Record<string, unknown>) => {
          calls.push(["create", params])
          if (scenario.failCreate) throw new Error("HttpError: Resource not accessible by integration")
          return { data: { html_url: "https://github.example/acme/books/pull/7#issuecomment-1" } }
        }
      }
    }
  }
  const context = {
    repo: { owner: "acme", repo: "books" },
    payload: {
      workflow_run: {
        id: 4242,
        event: "pull_request",
        conclusion: "success",
        html_url: "https://github.example/acme/books/actions/runs/4242",
        head_sha: RUN_HEAD,
        head_branch: "mapping-change",
        head_repository: { full_name: headRepo },
        pull_requests: (scenario.listed ?? [7]).map((number) => ({ number }))
      }
    }
  }
  const core = { notice: (message: string) => notices.push(message), info: () => undefined }
  const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new(...args: Array<string>) => (...args: Array<unknown>) => Promise<unknown>
  const body = new AsyncFunction("require", "github", "context", "core", "process", script)
  const fakeProcess = { env: { ARTIFACT_DIR: dir, MARKER: obj(step!["env"])["MARKER"] } }
  const outcome = await body(require, github, context, core, fakeProcess).then(() => undefined, (error: Error) => error)
  const posted = calls.find(([kind]) => kind === "create" || kind === "update")
  return { error: outcome, calls, notices, posted, postedBody: posted ? String(posted[1]["body"]) : undefined }
}

const bot = (id: number, body: string): Comment => ({ id, user: { login: "github-actions[bot]" }, body, html_url: `https://github.example/c/${id}` })

describe("comment script (github-script, fake API)", () => {
  it("creates the sticky comment from the artifact when there is none", async () => {
    const result = await runCommentScript({ prNumber: "7\n" })
    assert.isUndefined(result.error)
    assert.strictEqual(result.posted?.[0], "create")
    assert.strictEqual(result.posted?.[1]["issue_number"], 7)
    assert.isTrue(result.postedBody!.startsWith(COMMENT_MARKER))
    assert.include(result.postedBody!, "Plan: 1 invoice to create.")
  })

  it("updates the bot's marked comment, ignoring people's comments and other bot comments", async () => {
    const result = await runCommentScript({
      prNumber: "7",
      comments: [
        { id: 1, user: { login: "octocat" }, body: `${COMMENT_MARKER} quoting the bot`, html_url: "" },
        bot(2, "some other bot comment"),
        bot(3, `${COMMENT_MARKER}\nold plan`)
      ]
    })
    assert.isUndefined(result.error)
    assert.strictEqual(result.posted?.[0], "update")
    assert.strictEqual(result.posted?.[1]["comment_id"], 3)
    assert.lengthOf(result.calls.filter(([kind]) => kind === "create"), 0)
  })

  it("refuses a PR number that is not an integer, before any API call", async () => {
    for (const prNumber of ["7; echo pwned", "07", "-7", "7.0", "", "99999999999"]) {
      const result = await runCommentScript({ prNumber })
      assert.match(String(result.error), /not a pull request number/, prNumber)
      assert.lengthOf(result.calls, 0)
    }
  })

  it("refuses a PR that is not among the triggering run's pull requests", async () => {
    const result = await runCommentScript({ prNumber: "8", listed: [7] })
    assert.match(String(result.error), /not among the triggering run's pull requests/)
    assert.isUndefined(result.posted)
  })

  it("refuses a PR whose head was not built by the triggering run (fork runs list no PRs)", async () => {
    const result = await runCommentScript({
      prNumber: "9",
      listed: [],
      headRepo: "mallory/books",
      prHead: { repo: "acme/books", ref: "someone-elses-branch", sha: RUN_HEAD }
    })
    assert.match(String(result.error), /was not built by run 4242/)
    assert.isUndefined(result.posted)
  })

  it("posts a fixed message for a fork, never the fork's artifact text", async () => {
    const result = await runCommentScript({
      prNumber: "9",
      listed: [],
      headRepo: "mallory/books",
      prHead: { repo: "mallory/books", ref: "mapping-change", sha: RUN_HEAD },
      commentBody: `${COMMENT_MARKER}\n### Plan: no changes; 0 errors; 0 warnings. (trust me)`
    })
    assert.isUndefined(result.error)
    assert.strictEqual(result.posted?.[0], "create")
    const body = result.postedBody!
    assert.isTrue(body.startsWith(`${COMMENT_MARKER}\n## atqbo plan for \`${RUN_HEAD.slice(0, 12)}\``))
    assert.include(body, "this pull request comes from a fork")
    assert.include(body, "A maintainer has to plan this change")
    assert.notInclude(body, "trust me")
  })

  it("does not overwrite a newer plan with the plan of an older commit", async () => {
    const result = await runCommentScript({ prNumber: "7", prHead: { repo: "acme/books", ref: "mapping-change", sha: "ffff".repeat(10) } })
    assert.isUndefined(result.error)
    assert.isUndefined(result.posted)
    assert.match(result.notices.join("\n"), /moved on/)
  })

  it("adds a missing marker and cuts an oversized body to GitHub's limit", async () => {
    const result = await runCommentScript({ prNumber: "7", commentBody: `no marker\n${"x".repeat(70_000)}` })
    assert.isUndefined(result.error)
    const body = result.postedBody!
    assert.isTrue(body.startsWith(`${COMMENT_MARKER}\nno marker`))
    assert.isAtMost(body.length, 65_536)
    assert.include(body, "cut at GitHub's comment size limit")
  })

  it("fails when posting fails (a plan nobody sees must not pass)", async () => {
    const result = await runCommentScript({ prNumber: "7", failCreate: true })
    assert.match(String(result.error), /Resource not accessible/)
  })
})

// ---------------------------------------------------------------------------------------------
// The composite action (action.yml), its script run with a stand-in for the installed atqbo

interface Action {
  readonly inputs: Readonly<Record<string, Obj>>
  readonly outputs: Readonly<Record<string, Obj>>
  readonly runs: { readonly using: string; readonly steps: ReadonlyArray<Step> }
}

describe("composite action (action.yml)", () => {
  let action: Action
  beforeAll(async () => {
    action = parse(await readFile(ACTION, "utf8")) as Action
  })

  it("takes command, config and format, passes them to its script through env only", () => {
    assert.deepStrictEqual(Object.keys(action.inputs), ["command", "config", "format", "args"])
    assert.strictEqual(action.inputs["command"]!["required"], true)
    assert.strictEqual(action.inputs["config"]!["default"], "mappings")
    assert.strictEqual(action.inputs["format"]!["default"], "github")
    assert.strictEqual(action.runs.using, "composite")
    const [step] = action.runs.steps
    assert.notInclude(str(step!["run"]), "${{")
    assert.deepStrictEqual(step!["env"], {
      ATQBO_COMMAND: "${{ inputs.command }}",
      ATQBO_CONFIG: "${{ inputs.config }}",
      ATQBO_FORMAT: "${{ inputs.format }}",
      ATQBO_ARGS: "${{ inputs.args }}"
    })
    assert.strictEqual(action.outputs["changes"]!["value"], "${{ steps.atqbo.outputs.changes }}")
  })

  /** The action's script against a stand-in bin/atqbo.js that records its arguments and exits with EXIT. */
  const runAction = (env: Record<string, string>, exit = 0) =>
    runStep(str(action.runs.steps[0]!["run"]), { ATQBO_CONFIG: "mappings", ATQBO_FORMAT: "github", ATQBO_ARGS: "", ...env }, async (dir) => {
      await mkdir(path.join(dir, "atqbo", "bin"), { recursive: true })
      await writeFile(path.join(dir, "atqbo", "bin", "atqbo.js"), `require("fs").writeFileSync("args.json", JSON.stringify(process.argv.slice(2))); process.exit(${exit})`)
      await writeFile(path.join(dir, "atqbo", "package.json"), "{}")
    }).then(async (result) => ({ ...result, args: JSON.parse(await readFile(path.join(result.dir, "args.json"), "utf8").catch(() => "null")) as Array<string> | null }))
  const at = (env: Record<string, string>) => ({ GITHUB_ACTION_PATH: "atqbo", ...env })

  it("runs the installed atqbo with --config and --format, extra arguments split but never evaluated", async () => {
    const result = await runAction(at({ ATQBO_COMMAND: "apply", ATQBO_CONFIG: "config/acme", ATQBO_ARGS: "--auto-approve $(touch pwned) ;echo" }))
    assert.strictEqual(result.code, 0, result.stderr)
    assert.deepStrictEqual(result.args, ["apply", "--config", "config/acme", "--format", "github", "--auto-approve", "$(touch", "pwned)", ";echo"])
    assert.isFalse(await stat(path.join(result.dir, "pwned")).then(() => true, () => false))
  })

  it("plans with --detailed-exitcode: 2 passes with changes=true, 0 with changes=false, 1 fails", async () => {
    const changes = await runAction(at({ ATQBO_COMMAND: "plan", ATQBO_ARGS: "--out plan.json" }), 2)
    assert.strictEqual(changes.code, 0, changes.stderr)
    assert.deepStrictEqual(changes.args, ["plan", "--config", "mappings", "--format", "github", "--detailed-exitcode", "--out", "plan.json"])
    assert.strictEqual(changes.outputs["changes"], "true")
    const none = await runAction(at({ ATQBO_COMMAND: "plan" }), 0)
    assert.strictEqual(none.outputs["changes"], "false")
    const failed = await runAction(at({ ATQBO_COMMAND: "plan" }), 1)
    assert.strictEqual(failed.code, 1)
    assert.isUndefined(failed.outputs["changes"])
    const applyFailed = await runAction(at({ ATQBO_COMMAND: "apply" }), 1)
    assert.strictEqual(applyFailed.code, 1)
  })

  it("refuses any other command without running atqbo", async () => {
    const result = await runAction(at({ ATQBO_COMMAND: "auth" }))
    assert.strictEqual(result.code, 1)
    assert.match(result.stdout, /^::error title=atqbo action::/m)
    assert.isNull(result.args)
  })
})
