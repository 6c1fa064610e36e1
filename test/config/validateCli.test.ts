import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { execFile } from "node:child_process"
import { cp, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { renderGithub, renderJson, renderText } from "../../src/cli/validate.ts"
import { validateConfigDir } from "../../src/config/index.ts"
import { cliArgs } from "../support/cliCommand.ts"

interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** Runs `atqbo …` as a child process. */
const atqbo = (args: ReadonlyArray<string>, cwd = process.cwd()): Effect.Effect<Run> =>
  Effect.callback<Run>((resume) => {
    execFile(
      process.execPath,
      cliArgs(args),
      { cwd, env: { ...process.env, NO_COLOR: "1" } },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === "number" ? error.code : 1
        resume(Effect.succeed({ code, stdout, stderr }))
      }
    )
  })

/** A temp directory `parent/a,b:config` (a name GitHub properties must escape) holding a copy of mappings/. */
const withBrokenCopy = <A>(use: (parent: string, dir: string) => Effect.Effect<A>) =>
  Effect.acquireUseRelease(
    Effect.promise(async () => {
      const parent = await mkdtemp(path.join(tmpdir(), "atqbo-cli-"))
      const dir = path.join(parent, "a,b:config")
      await mkdir(dir)
      await cp("mappings", dir, { recursive: true })
      return parent
    }),
    (parent) => use(parent, path.join(parent, "a,b:config")),
    (parent) => Effect.promise(() => rm(parent, { recursive: true, force: true }))
  )

/** 12 errors (unknown keys, one with a `%`) and 12 warnings (shared customers, a misnamed file). */
const breakIt = (dir: string) =>
  Effect.promise(async () => {
    const unknownKeys = Array.from({ length: 11 }, (_, index) => `  unknown${index}: 1`)
    await writeFile(path.join(dir, "atqbo.yaml"), ["version: 1", "sync:", "  \"100%\": 1", ...unknownKeys, ""].join("\n"))
    const references = Array.from({ length: 12 }, (_, index) => `  - companyId: ${index + 1}\n    customer: Contoso`)
    await writeFile(path.join(dir, "customers.yaml"), ["crossReferences:", ...references, ""].join("\n"))
    await writeFile(path.join(dir, "item.yaml"), "matchField: name\n")
  })

describe("atqbo validate (child process)", () => {
  it.live("exits 0 on the example configuration", () =>
    Effect.gen(function*() {
      const run = yield* atqbo(["validate", "--config", "mappings", "--format", "json"])
      assert.strictEqual(run.code, 0, run.stderr)
      const output = JSON.parse(run.stdout) as { valid: boolean; problems: ReadonlyArray<unknown> }
      assert.isTrue(output.valid)
      assert.deepStrictEqual(output.problems, [])
    }))

  it.live("exits 1 on a broken copy and annotates at most 10 problems per severity, escaped", () =>
    withBrokenCopy((parent, dir) =>
      Effect.gen(function*() {
        yield* breakIt(dir)
        const [text, github] = yield* Effect.all([
          atqbo(["validate", "--config", dir]),
          atqbo(["validate", "--config", "a,b:config", "--format", "github"], parent)
        ], { concurrency: 2 })
        assert.strictEqual(text.code, 1)
        assert.match(text.stdout, /\n12 errors, 12 warnings in 6 files\n$/)

        assert.strictEqual(github.code, 1)
        const lines = github.stdout.trimEnd().split("\n")
        const errors = lines.filter((line) => line.startsWith("::error "))
        const warnings = lines.filter((line) => line.startsWith("::warning "))
        assert.strictEqual(errors.length, 10)
        assert.strictEqual(warnings.length, 10)
        assert.strictEqual(
          errors[0],
          "::error file=a%2Cb%3Aconfig/atqbo.yaml,line=3,col=3,title=atqbo validate::Unknown key `100%25` in `sync`.%0A" +
            "Valid keys in `sync`: timeZone, lookbackDays, numbering, negativeInvoices, voids, errorMarker, customerMemo, email, duplicates, exchangeRate."
        )
        assert.include(lines, "atqbo validate: 2 more errors not annotated (GitHub shows at most 10 per kind); the full list follows.")
        assert.include(lines, "atqbo validate: 2 more warnings not annotated (GitHub shows at most 10 per kind); the full list follows.")
        // The full list in plain text as well.
        assert.strictEqual(lines.filter((line) => /^a,b:config\/\S+:\d+:\d+ (error|warning): /.test(line)).length, 24)
        assert.strictEqual(lines.at(-1), "12 errors, 12 warnings in 6 files")
      })
    ))
})

describe("validate renderers", () => {
  it.effect("text: problem, hint below it, summary", () =>
    Effect.gen(function*() {
      const report = yield* validateConfigDir("mappings")
      const broken = {
        ...report,
        valid: false,
        errors: 1,
        warnings: 1,
        problems: [
          { file: "mappings/items.yaml", line: 12, column: 5, severity: "error" as const, message: "Unknown key `itme` in `map[0]`; did you mean `item`?", hint: "Valid keys in `map[0]`: billingCode, billingCodeId, item." },
          { file: "mappings/terms.yaml", line: 2, column: 11, severity: "warning" as const, message: "The alias `Net 30` maps the term to itself, which changes nothing." }
        ]
      }
      assert.strictEqual(
        renderText(broken),
        [
          "mappings/items.yaml:12:5 error: Unknown key `itme` in `map[0]`; did you mean `item`?",
          "  hint: Valid keys in `map[0]`: billingCode, billingCodeId, item.",
          "mappings/terms.yaml:2:11 warning: The alias `Net 30` maps the term to itself, which changes nothing.",
          "1 error, 1 warning in 6 files"
        ].join("\n")
      )
      assert.strictEqual(renderText(report), "0 errors, 0 warnings in 6 files")
      assert.deepStrictEqual(JSON.parse(renderJson(broken)), {
        valid: false,
        errors: 1,
        warnings: 1,
        files: report.files,
        problems: broken.problems
      })
      assert.strictEqual(renderGithub(report), "0 errors, 0 warnings in 6 files")
    }))
})
