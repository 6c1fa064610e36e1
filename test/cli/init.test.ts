/**
 * `atqbo init` as a child process: a configuration repository in an empty directory, merged into
 * an existing one, the default branch from git, and never a write outside the target. The text
 * builders (package.json pin, .gitignore, workflow adaptation) are tested as functions.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { execFileSync } from "node:child_process"
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises"
import * as path from "node:path"
import { parse } from "yaml"
import { VERSION } from "../../src/cli/version.ts"
import { validateConfigDir } from "../../src/config/index.ts"
import { adaptWorkflow, gitignoreWith, packageJsonWith, scaffoldWorkflow } from "../../src/onboarding/scaffold.ts"
import { atqbo, withTempDir } from "./helpers.ts"

const read = (file: string) => Effect.promise(() => readFile(file, "utf8"))
const write = (file: string, text: string) => Effect.promise(() => mkdir(path.dirname(file), { recursive: true }).then(() => writeFile(file, text)))
const git = (cwd: string, ...args: Array<string>) => execFileSync("git", args, { cwd, encoding: "utf8" }).trim()

/** Every path under `dir` (relative, sorted), without descending into .git. */
const tree = (dir: string) =>
  Effect.promise(async () =>
    (await readdir(dir, { recursive: true })).map(String).filter((file) => {
      const segments = file.split(path.sep)
      const git = segments.indexOf(".git")
      return git === -1 || git === segments.length - 1
    }).sort()
  )

const SOURCE_WORKFLOWS = ["atqbo-apply.yml", "atqbo-plan-comment.yml", "atqbo-plan.yml"]
const MAPPINGS = ["atqbo", "items", "terms", "customers", "classes", "taxes"]

describe("atqbo init", () => {
  it.live("makes an empty directory a configuration repository, git init included; refuses to overwrite without --force", () =>
    withTempDir((outer) =>
      Effect.gen(function*() {
        const cwd = path.join(outer, "books")
        yield* Effect.promise(() => mkdir(cwd))
        const branch = git(outer, "var", "GIT_DEFAULT_BRANCH")
        const first = yield* atqbo(["init"], { cwd })
        assert.strictEqual(first.code, 0, first.stderr)
        assert.deepStrictEqual(yield* tree(outer), ["books", ...(yield* tree(cwd)).map((file) => path.join("books", file))], "nothing beside the target")

        const manifest = JSON.parse(yield* read(path.join(cwd, "package.json")))
        assert.deepStrictEqual(manifest, {
          name: "books",
          private: true,
          description: "atqbo configuration: Autotask invoices to QuickBooks Online",
          engines: { node: ">=22.19" },
          dependencies: { atqbo: VERSION }
        })
        // Modelines resolve to the installed package's schemas, offline.
        for (const name of MAPPINGS) {
          const modeline = (yield* read(path.join(cwd, "mappings", `${name}.yaml`))).split("\n")[0]!
          const schema = /\$schema=(.*)$/.exec(modeline)![1]!
          assert.strictEqual(path.resolve(cwd, "mappings", schema), path.join(cwd, "node_modules", "atqbo", "schemas", `${name}.schema.json`))
        }
        const report = yield* validateConfigDir(path.join(cwd, "mappings"))
        assert.isTrue(report.valid)
        assert.strictEqual(report.warnings, 0, JSON.stringify(report.problems))

        const ignored = (yield* read(path.join(cwd, ".gitignore"))).split("\n")
        assert.includeMembers(ignored, ["node_modules/", ".atqbo/", "plan.json", "*.plan.json"])
        assert.deepStrictEqual((yield* tree(path.join(cwd, ".github", "workflows"))), SOURCE_WORKFLOWS)
        for (const name of SOURCE_WORKFLOWS) {
          const source = yield* read(path.resolve(".github/workflows", name))
          assert.strictEqual(yield* read(path.join(cwd, ".github", "workflows", name)), scaffoldWorkflow(source, { configDir: "mappings", branch }))
        }
        const apply = parse(yield* read(path.join(cwd, ".github", "workflows", "atqbo-apply.yml")))
        assert.deepStrictEqual(apply.on.push.branches, [branch])
        assert.strictEqual(yield* read(path.join(cwd, "docs", "github-actions.md")), yield* read(path.resolve("docs/github-actions.md")))
        assert.include(yield* read(path.join(cwd, "README.md")), "npx atqbo plan --sandbox")
        assert.strictEqual(git(cwd, "symbolic-ref", "--short", "HEAD"), branch, "git init made the branch the workflows apply from")
        assert.include(first.stdout, `git init  (branch ${branch})`)
        assert.include(first.stdout, `runs on pushes to ${branch} (git's default for new repositories)`)
        for (const step of ["npm install", "npx atqbo auth qbo", "npx atqbo import --force", "npx atqbo plan"]) assert.include(first.stdout, step)

        // After an edit it refuses, naming the file, and writes nothing.
        yield* write(path.join(cwd, "mappings", "items.yaml"), "matchField: externalNumber\n")
        const refused = yield* atqbo(["init"], { cwd })
        assert.strictEqual(refused.code, 1)
        assert.include(refused.stderr, "init would overwrite 1 existing file")
        assert.include(refused.stderr, "  mappings/items.yaml")
        assert.include(refused.stderr, "--force")
        assert.strictEqual(yield* read(path.join(cwd, "mappings", "items.yaml")), "matchField: externalNumber\n")

        const forced = yield* atqbo(["init", "--force"], { cwd })
        assert.strictEqual(forced.code, 0, forced.stderr)
        assert.match(forced.stdout, /overwrote +mappings\/items\.yaml/)
        assert.match(forced.stdout, /unchanged +mappings\/atqbo\.yaml/)
        assert.match(forced.stdout, /unchanged +package\.json/)
        assert.notInclude(forced.stdout, "git init", "an existing repository is not initialised again")
        assert.match(yield* read(path.join(cwd, "mappings", "items.yaml")), /^matchField: name/m)
      })
    ))

  it.live("merges into an existing repository: its package.json and .gitignore, origin's default branch, another config directory; writes only inside DIR", () =>
    withTempDir((outer) =>
      Effect.gen(function*() {
        const repo = path.join(outer, "repo")
        yield* Effect.promise(() => mkdir(repo))
        git(repo, "init", "--quiet")
        git(repo, "symbolic-ref", "refs/remotes/origin/HEAD", "refs/remotes/origin/trunk")
        yield* write(path.join(repo, "package.json"), JSON.stringify({ name: "books", dependencies: { atqbo: "file:../atqbo-0.1.0.tgz", left: "1.0.0" } }))
        yield* write(path.join(repo, ".gitignore"), "node_modules")
        yield* write(path.join(repo, "README.md"), "# Ours\n")
        yield* write(path.join(outer, "sibling.txt"), "untouched\n")
        const before = yield* tree(outer)

        const run = yield* atqbo(["init", "repo", "--config", "config/acme"], { cwd: outer })
        assert.strictEqual(run.code, 0, run.stderr)
        const after = yield* tree(outer)
        assert.deepStrictEqual(after.filter((file) => !file.startsWith(`repo${path.sep}`)), before.filter((file) => !file.startsWith(`repo${path.sep}`)))
        assert.strictEqual(yield* read(path.join(outer, "sibling.txt")), "untouched\n")

        assert.deepStrictEqual(JSON.parse(yield* read(path.join(repo, "package.json"))), {
          name: "books",
          dependencies: { atqbo: "file:../atqbo-0.1.0.tgz", left: "1.0.0" },
          engines: { node: ">=22.19" }
        })
        assert.match(run.stdout, /updated +package\.json \(atqbo stays file:\.\.\/atqbo-0\.1\.0\.tgz/)
        assert.strictEqual(yield* read(path.join(repo, ".gitignore")), `node_modules\n${gitignoreWith("node_modules")!.text.slice("node_modules\n".length)}`)
        assert.strictEqual(yield* read(path.join(repo, "README.md")), "# Ours\n")
        assert.match(run.stdout, /kept +README\.md/)
        assert.isTrue((yield* validateConfigDir(path.join(repo, "config", "acme"))).valid)
        const plan = parse(yield* read(path.join(repo, ".github", "workflows", "atqbo-plan.yml")))
        assert.deepStrictEqual(plan.on.pull_request.paths, ["config/acme/**", "package.json", "package-lock.json", ".github/workflows/atqbo-*.yml"])
        assert.deepStrictEqual(parse(yield* read(path.join(repo, ".github", "workflows", "atqbo-apply.yml"))).on.push.branches, ["trunk"])
        assert.include(run.stdout, "runs on pushes to trunk (origin's default branch)")
        assert.include(run.stdout, "cd repo && npx atqbo plan --config config/acme --sandbox")
      })
    ))

  it.live("without git and without --default-branch it asks for the branch and writes nothing", () =>
    withTempDir((cwd) =>
      Effect.gen(function*() {
        const run = yield* atqbo(["init"], { cwd, env: { PATH: "" } })
        assert.strictEqual(run.code, 1)
        assert.include(run.stderr, "--default-branch NAME")
        assert.deepStrictEqual(yield* tree(cwd), [])
      })
    ))
})

describe("init's texts", () => {
  const pin = (existing: string | undefined) => packageJsonWith(existing, { dirName: "Acme Books", version: "1.2.3", node: ">=22.19" })

  it("pins atqbo exactly, keeping everything else of an existing package.json", () => {
    assert.deepStrictEqual(JSON.parse(pin(undefined).text).dependencies, { atqbo: "1.2.3" })
    assert.strictEqual(JSON.parse(pin(undefined).text).name, "acme-books")
    const ranged = pin(JSON.stringify({ name: "x", devDependencies: { atqbo: "^1.0.0" }, engines: { node: ">=24" } }))
    assert.deepStrictEqual(JSON.parse(ranged.text), { name: "x", devDependencies: { atqbo: "1.2.3" }, engines: { node: ">=24" } })
    assert.strictEqual(ranged.note, "atqbo pinned to 1.2.3 (was ^1.0.0)")
    for (const spec of ["file:../atqbo.tgz", "github:acme/atqbo#v1", "https://example.test/atqbo.tgz", "npm:other@1"]) {
      assert.strictEqual(JSON.parse(pin(JSON.stringify({ dependencies: { atqbo: spec } })).text).dependencies.atqbo, spec)
    }
  })

  it("appends only the missing .gitignore entries", () => {
    assert.isUndefined(gitignoreWith("/node_modules\n.atqbo\nplan.json\n*.plan.json\n"))
    assert.deepStrictEqual(gitignoreWith("dist/\n.atqbo/")?.added, ["node_modules/", "plan.json", "*.plan.json"])
    assert.isTrue(gitignoreWith("dist/")!.text.startsWith("dist/\n# atqbo:"))
  })

  it("adapts a workflow: no tool paths, the default branch, another configuration directory", () => {
    const text = [
      "on:",
      "  push:",
      "    branches: [main]",
      "    paths:",
      "      - \"mappings/**\"",
      "      - \"package.json\"",
      "      # The tool itself, in atqbo's own repository (atqbo init leaves these out):",
      "      - \"src/**\"",
      "      - \"bin/**\"",
      "jobs:",
      "  a:",
      "    steps:",
      "      - run: npx atqbo validate --format github # names from mappings/atqbo.yaml",
      ""
    ].join("\n")
    assert.strictEqual(adaptWorkflow(text, "mappings"), text)
    assert.strictEqual(
      scaffoldWorkflow(text, { configDir: "cfg", branch: "trunk" }),
      [
        "on:",
        "  push:",
        "    branches: [trunk]",
        "    paths:",
        "      - \"cfg/**\"",
        "      - \"package.json\"",
        "jobs:",
        "  a:",
        "    steps:",
        "      - run: npx atqbo validate --config cfg --format github # names from cfg/atqbo.yaml",
        ""
      ].join("\n")
    )
  })
})
