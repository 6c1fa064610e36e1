/**
 * The package as a user gets it: `npm pack` of a copy of the repository (which builds there, so
 * the repository's dist/ is not rebuilt under tests that run it), the tarball installed into an empty
 * directory with production dependencies only, and from there `atqbo --version`, `init`,
 * `validate` and `plan --sandbox` on the Node running the tests. Then the repository init made:
 * its workflows and the installed action.yml pass the workflow linter, and the `run:` steps of
 * the plan and apply jobs run here against the installed package and the simulators. One pack
 * and one install for the whole file (they cost seconds); the CLI runs one at a time.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { execFileSync } from "node:child_process"
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { parse } from "yaml"
import { type Installed, npmEnv, packAndInstall, REPO_ROOT } from "../../scripts/packInstall.ts"
import { VERSION } from "../../src/cli/version.ts"
import { COMMENT_MARKER } from "../../src/render/github.ts"
import { type Sandbox, startSandbox } from "../../src/sandbox/sandbox.ts"
import { sandboxEnv } from "../support/cli.ts"
import { fakeTools, runJob, runProcess, type Workflow } from "../support/workflowJobs.ts"

const run = (command: string, args: ReadonlyArray<string>, cwd: string) => runProcess(command, args, { cwd, env: npmEnv({ NO_COLOR: "1" }) })

const gitStatus = () => {
  try {
    return execFileSync("git", ["status", "--porcelain"], { cwd: REPO_ROOT, encoding: "utf8" })
  } catch {
    return "(not a git checkout)"
  }
}

const VALIDATOR = createRequire(import.meta.url).resolve("@action-validator/cli/cli.mjs")

let work: string
let installed: Installed
let statusBefore: string
let statusAfter: string
const atqbo = (...args: Array<string>) => run(process.execPath, [installed.bin, ...args], installed.dir)

beforeAll(async () => {
  statusBefore = gitStatus()
  work = await mkdtemp(path.join(tmpdir(), "atqbo-package-"))
  installed = await packAndInstall(work)
  statusAfter = gitStatus()
}, 180_000)

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true })
})

describe("the packed and installed package", () => {
  it("ships the built code and what users need, and installs without devDependencies", async () => {
    assert.strictEqual(statusAfter, statusBefore, "npm pack left something in the repository")
    const files = execFileSync("tar", ["-tzf", installed.tarball], { encoding: "utf8" }).split("\n").map((file) => file.replace(/^package\//, ""))
    for (const file of ["bin/atqbo.js", "dist/atqbo.js", "dist/THIRD-PARTY-LICENSES.md", "schemas/atqbo.schema.json", "mappings/atqbo.yaml", "docs/github-actions.md", "docs/configuration.md", "src/sandbox/data/demo/sandbox.yaml", "src/sandbox/data/multicurrency/sandbox.yaml", ".github/workflows/atqbo-plan.yml", "action.yml", "README.md", "LICENSE", "package.json"]) {
      assert.include(files, file)
    }
    assert.deepStrictEqual(files.filter((file) => /^(src\/(?!sandbox\/data\/(demo|multicurrency)\/)|test\/|bench\/|scripts\/)|\.ts$/.test(file)), [], "no sources, tests or TypeScript")
    const modules = (await readdir(path.join(installed.dir, "node_modules"))).filter((name) => !name.startsWith("."))
    const manifest = JSON.parse(await readFile(path.join(REPO_ROOT, "package.json"), "utf8"))
    assert.sameMembers(modules, ["atqbo", ...Object.keys(manifest.dependencies)])
  })

  it("runs: --version, init, validate, plan --sandbox", async () => {
    const version = await atqbo("--version")
    assert.strictEqual(version.code, 0, version.stderr)
    assert.strictEqual(version.stdout.trim(), `atqbo v${VERSION}`)

    const init = await atqbo("init")
    assert.strictEqual(init.code, 0, init.stderr)
    assert.include(init.stdout, "The configuration in mappings/ is valid")
    const manifest = JSON.parse(await readFile(path.join(installed.dir, "package.json"), "utf8"))
    assert.match(manifest.dependencies.atqbo, /^file:.*atqbo-.*\.tgz$/, "the installed tarball stays the source")
    assert.deepStrictEqual(manifest.engines, { node: ">=22.19" })
    const modeline = (await readFile(path.join(installed.dir, "mappings", "items.yaml"), "utf8")).split("\n")[0]!
    assert.strictEqual(await readFile(path.resolve(installed.dir, "mappings", modeline.replace(/^.*\$schema=/, "")), "utf8"), await readFile(path.join(REPO_ROOT, "schemas/items.schema.json"), "utf8"))

    const validate = await atqbo("validate")
    assert.strictEqual(validate.code, 0, validate.stderr)
    assert.include(validate.stdout, "0 errors")

    const plan = await atqbo("plan", "--sandbox")
    assert.strictEqual(plan.code, 0, plan.stderr)
    assert.match(plan.stdout, /^Plan: \d+ invoices, .*to create/m)
  }, 120_000)
})

describe("the repository init made, with the installed package", () => {
  let sandbox: Sandbox
  let tools: string
  const workflow = async (name: string) => parse(await readFile(path.join(installed.dir, ".github", "workflows", name), "utf8")) as Workflow

  beforeAll(async () => {
    sandbox = await startSandbox({})
    tools = await fakeTools(work)
  }, 60_000)
  afterAll(async () => {
    await sandbox?.close()
  })

  const jobOptions = (extra: { secrets?: Record<string, string>; needs?: Record<string, { result: string }>; inputs?: Record<string, string> } = {}) => {
    const simulators = sandboxEnv(sandbox)
    const secrets = { ...simulators, QBO_REALM_ID: sandbox.realmId, ATQBO_SECRETS_TOKEN: "github_pat_fake", ...extra.secrets }
    return {
      workspace: installed.dir,
      // The runner: the Node running the tests first (setup-node's), fakes for gh, the simulators' endpoints.
      env: npmEnv({
        PATH: `${tools}${path.delimiter}${path.dirname(process.execPath)}${path.delimiter}${process.env["PATH"]}`,
        NO_COLOR: "1",
        GITHUB_SERVER_URL: "https://github.example",
        GITHUB_REPOSITORY: "acme/books",
        GITHUB_RUN_ID: "4242",
        ...Object.fromEntries(Object.entries(simulators).filter(([name]) => name.startsWith("ATQBO_")))
      }),
      context: {
        secrets,
        needs: extra.needs ?? {},
        inputs: extra.inputs ?? {},
        github: { event: { pull_request: { number: 7, head: { sha: "3f1c2a9b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a" } } } }
      }
    }
  }

  it("has workflows and an installed action.yml the workflow linter accepts", async () => {
    const files = [
      ...["atqbo-apply.yml", "atqbo-plan-comment.yml", "atqbo-plan.yml"].map((name) => path.join(installed.dir, ".github", "workflows", name)),
      path.join(installed.dir, "node_modules", "atqbo", "action.yml")
    ]
    for (const file of files) {
      const result = await run(process.execPath, [VALIDATOR, file], installed.dir)
      assert.strictEqual(result.code, 0, `${file}:\n${result.stdout}${result.stderr}`)
    }
  })

  it("plans a pull request: validate job, then the plan job writes the comment and plan.json; nothing is written", async () => {
    const plan = await workflow("atqbo-plan.yml")
    const validate = await runJob(plan, "validate", jobOptions())
    assert.strictEqual(validate.result, "success", JSON.stringify(validate.steps, null, 2))
    assert.deepStrictEqual(validate.steps.filter((step) => step.outcome === "success").map((step) => step.name), ["npm ci", "npx atqbo validate --format github"])

    const job = await runJob(plan, "plan", jobOptions({ needs: { validate: { result: validate.result } } }))
    assert.strictEqual(job.result, "success", JSON.stringify(job.steps, null, 2))
    const ran = job.steps.filter((step) => step.outcome === "success").map((step) => step.name)
    assert.includeMembers(ran, ["Decide whether a plan can run", "npm ci", "atqbo plan", "Persist the rotated QBO refresh token", "Explain a missing plan"])
    const out = path.join(job.temp, "atqbo-plan")
    const comment = await readFile(path.join(out, "comment.md"), "utf8")
    assert.isTrue(comment.startsWith(COMMENT_MARKER), comment.slice(0, 200))
    assert.match(comment, /Plan: \d+ invoices/)
    assert.strictEqual(await readFile(path.join(out, "pr-number"), "utf8"), "7\n")
    assert.property(JSON.parse(await readFile(path.join(out, "plan.json"), "utf8")), "format_version")
    assert.strictEqual(sandbox.qbo.writeCount() + sandbox.autotask.writeCount(), 0, "a plan wrote")
  }, 120_000)

  it("applies on the default branch: the apply job writes, journals and passes", async () => {
    const job = await runJob(await workflow("atqbo-apply.yml"), "apply", jobOptions({ inputs: { force: "false" } }))
    assert.strictEqual(job.result, "success", JSON.stringify(job.steps, null, 2))
    const apply = job.steps.find((step) => step.name === "atqbo apply")!
    assert.strictEqual(apply.outcome, "success")
    assert.match(apply.stdout, /Apply: \d+ applied, 0 adopted, 0 failed/)
    assert.isAbove(sandbox.qbo.writeCount(), 0)
    assert.lengthOf(await readdir(path.join(installed.dir, ".atqbo", "journal")), 1)
    assert.strictEqual(job.steps.find((step) => step.name === "Remove the QBO token store")!.outcome, "success")
  }, 120_000)

  it("runs the installed composite action's script", async () => {
    const action = parse(await readFile(path.join(installed.dir, "node_modules", "atqbo", "action.yml"), "utf8"))
    const options = jobOptions({ inputs: { command: "validate", config: "mappings", format: "text", args: "" } })
    const job = await runJob({ jobs: { action: { steps: action.runs.steps } } }, "action", {
      ...options,
      env: { ...options.env, GITHUB_ACTION_PATH: path.join(installed.dir, "node_modules", "atqbo") }
    })
    assert.strictEqual(job.result, "success", JSON.stringify(job.steps, null, 2))
    assert.include(job.steps[0]!.stdout, "0 errors")
  }, 60_000)
})
