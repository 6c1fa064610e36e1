/**
 * What the GitHub Actions workflows rely on from `atqbo plan --format github`, end to end: the
 * CLI runs as a child process against the built-in simulators (`--sandbox --data`) loaded with
 * the dataset in fixtures/ (dates moved next to today), with GITHUB_STEP_SUMMARY and
 * ATQBO_HEAD_SHA set as in the atqbo-plan workflow. Checked: annotations (escaped, at most 10
 * per level plus a notice for the rest), the job summary, the sticky comment body (marker, head
 * SHA, GitHub's 65,536-character limit with the summary line kept when a large plan is cut) and
 * the saved plan.json.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { execFile } from "node:child_process"
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import * as path from "node:path"
import type { Plan } from "../../src/domain/plan.ts"
import { planProblem } from "../../src/reconcile/planFile.ts"
import { COMMENT_MARKER } from "../../src/render/github.ts"
import { escapeMarkdown, GITHUB_COMMENT_LIMIT } from "../../src/render/markdown.ts"
import { summaryLine } from "../../src/render/summary.ts"
import { cliArgs } from "../support/cliCommand.ts"

const FIXTURES = path.resolve("test/workflows/fixtures")
/** The newest invoice date of the fixture dataset; it becomes yesterday (UTC). */
const ANCHOR = "2026-11-20"
const HEAD_SHA = "3f1c2a9b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a"
const RUN_URL = "https://github.example/acme/books/actions/runs/4242"
const HOSTILE_COMPANY = "Contoso 100%: Ops, Inc | <b>Rebates</b>"
const SUMMARY_LIMIT_BYTES = 1024 * 1024
/** Invoices added for the large plan, so its comment has to be cut. */
const LARGE_EXTRA_INVOICES = 360

type Row = Record<string, unknown>

const DAY_MS = 86_400_000
const shiftDays = Math.round((Date.parse(new Date().toISOString().slice(0, 10)) - DAY_MS - Date.parse(ANCHOR)) / DAY_MS)

/** Moves the date part of an Autotask timestamp by `shiftDays`, keeping the time. */
const shift = (value: unknown): unknown => {
  if (typeof value !== "string" || !/^\d{4}-\d{2}-\d{2}/.test(value)) return value
  const moved = new Date(Date.parse(value.slice(0, 10)) + shiftDays * DAY_MS).toISOString().slice(0, 10)
  return `${moved}${value.slice(10)}`
}

const shiftRow = (row: Row, fields: ReadonlyArray<string>): Row =>
  Object.fromEntries(Object.entries(row).map(([key, value]) => [key, fields.includes(key) ? shift(value) : value]))

const readJson = async (file: string) => JSON.parse(await readFile(file, "utf8")) as Array<Row>

/** Copies the fixture dataset into `dir` with dates near today, plus `extra` generated invoices. */
const writeDataset = async (dir: string, extra: number) => {
  await cp(path.join(FIXTURES, "dataset"), dir, { recursive: true })
  const invoices = (await readJson(path.join(dir, "autotask/Invoices.json")))
    .map((row) => shiftRow(row, ["invoiceDateTime", "createDateTime", "fromDate", "toDate"]))
  const items = (await readJson(path.join(dir, "autotask/BillingItems.json"))).map((row) => shiftRow(row, ["itemDate"]))
  const template = invoices.find((row) => row["companyID"] === 29683102)!
  let itemId = 29700001
  for (let index = 0; index < extra; index++) {
    const id = 29710001 + index
    const date = shift(`2026-11-${String(11 + (index % 10)).padStart(2, "0")}T15:00:00`)
    invoices.push({ ...template, id, invoiceDateTime: date, createDateTime: date, invoiceNumber: `T2026.${id}`, invoiceTotal: 600, paymentTerm: null })
    for (let line = 0; line < 3; line++) {
      items.push({
        id: itemId++,
        invoiceID: id,
        billingCodeID: line === 2 ? 29682802 : 29682801,
        billingItemType: 1,
        description: `Managed services, line ${line + 1} of invoice ${id}: monitoring, patching and remote support`,
        itemDate: date,
        quantity: 2,
        rate: 100,
        extendedPrice: 200,
        taxDollars: 0,
        nonBillable: 0
      })
    }
  }
  await writeFile(path.join(dir, "autotask/Invoices.json"), JSON.stringify(invoices))
  await writeFile(path.join(dir, "autotask/BillingItems.json"), JSON.stringify(items))
}

interface PlanRun {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
  readonly summary: string
  readonly comment: string
  readonly plan: Plan
  readonly planJson: unknown
}

const PREVIOUS_SUMMARY = "## an earlier step\n\nkept\n\n"

const runPlan = async (root: string, name: string, extra: number): Promise<PlanRun> => {
  const dir = path.join(root, name)
  await writeDataset(path.join(dir, "data"), extra)
  const files = {
    summary: path.join(dir, "summary.md"),
    comment: path.join(dir, "comment.md"),
    plan: path.join(dir, "plan.json")
  }
  // GitHub appends each step's summary to one file: the CLI must append, not overwrite.
  await writeFile(files.summary, PREVIOUS_SUMMARY)
  const args = cliArgs([
    "plan", "--sandbox", "--data", path.join(dir, "data"), "--config", path.join(FIXTURES, "config"),
    "--format", "github", "--comment-file", files.comment, "--out", files.plan, "--detailed-exitcode"
  ])
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NO_COLOR: "1",
    GITHUB_STEP_SUMMARY: files.summary,
    ATQBO_HEAD_SHA: HEAD_SHA,
    GITHUB_SHA: "0000000000000000000000000000000000000000",
    GITHUB_SERVER_URL: "https://github.example",
    GITHUB_REPOSITORY: "acme/books",
    GITHUB_RUN_ID: "4242"
  }
  const { code, stdout, stderr } = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, args, { cwd: process.cwd(), env, maxBuffer: 64 * 1024 * 1024 }, (error, out, err) => {
      resolve({ code: error === null ? 0 : typeof error.code === "number" ? error.code : 1, stdout: out, stderr: err })
    })
  })
  const read = (file: string) => readFile(file, "utf8").catch(() => "")
  const planText = await read(files.plan)
  const planJson: unknown = planText === "" ? undefined : JSON.parse(planText)
  return { code, stdout, stderr, summary: await read(files.summary), comment: await read(files.comment), plan: planJson as Plan, planJson }
}

let root: string
let small: PlanRun
let large: PlanRun

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "atqbo-github-output-"))
  ;[small, large] = await Promise.all([runPlan(root, "small", 0), runPlan(root, "large", LARGE_EXTRA_INVOICES)])
})

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true })
})

// ---------------------------------------------------------------------------------------------
// Workflow-command parsing (actions/toolkit command.ts rules, reversed)

interface ParsedAnnotation {
  readonly level: string
  readonly properties: Record<string, string>
  readonly message: string
  readonly raw: string
}

const unescapeData = (text: string) => text.replace(/%0D/g, "\r").replace(/%0A/g, "\n").replace(/%25/g, "%")
const unescapeProperty = (text: string) =>
  text.replace(/%3A/g, ":").replace(/%2C/g, ",").replace(/%0D/g, "\r").replace(/%0A/g, "\n").replace(/%25/g, "%")

/** Every `%` must start an escape: `%25`, `%0D`, `%0A` (and in properties `%3A`, `%2C`). */
const BARE_PERCENT_DATA = /%(?!25|0D|0A)/
const BARE_PERCENT_PROPERTY = /%(?!25|0D|0A|3A|2C)/

const annotations = (stdout: string): Array<ParsedAnnotation> =>
  stdout.split("\n").filter((line) => /^::(error|warning|notice)\b/.test(line)).map((raw) => {
    const match = /^::(error|warning|notice)(?: ([^:]*))?::(.*)$/.exec(raw)
    assert.isNotNull(match, `not a workflow command: ${raw}`)
    const [, level, props, message] = match!
    const properties: Record<string, string> = {}
    for (const pair of props ? props.split(",") : []) {
      const [key, ...value] = pair.split("=")
      assert.notMatch(value.join("="), BARE_PERCENT_PROPERTY, raw)
      properties[key!] = unescapeProperty(value.join("="))
    }
    assert.notMatch(message!, BARE_PERCENT_DATA, raw)
    return { level: level!, properties, message: unescapeData(message!), raw }
  })

const byLevel = (list: ReadonlyArray<ParsedAnnotation>, level: string) => list.filter((annotation) => annotation.level === level)

// ---------------------------------------------------------------------------------------------

describe("atqbo plan --format github (small plan: 13 rejected invoices, 12 warnings)", () => {
  it("exits 2 (changes present) and saves a valid plan.json", () => {
    assert.strictEqual(small.code, 2, small.stderr)
    assert.isUndefined(planProblem(small.planJson))
    assert.strictEqual(small.plan.summary.errors, 13)
    assert.strictEqual(small.plan.summary.warnings, 12)
    assert.isAbove(small.plan.summary.counts["invoice.create"], 0)
  })

  it("annotates at most 10 errors and 10 warnings and says how many more there are", () => {
    const all = annotations(small.stdout)
    assert.lengthOf(byLevel(all, "error"), 10)
    assert.lengthOf(byLevel(all, "warning"), 10)
    const notices = byLevel(all, "notice").map((notice) => notice.message)
    assert.deepStrictEqual(notices, [
      "3 more errors are listed in the log and the job summary",
      "2 more warnings are listed in the log and the job summary"
    ])
    // Annotations come first, then the text plan for the log, ending with the summary line.
    assert.match(small.stdout, /^::error /)
    assert.include(small.stdout, summaryLine(small.plan))
  })

  it("escapes hostile invoice numbers in titles and company names in messages", () => {
    const errors = byLevel(annotations(small.stdout), "error")
    const first = errors[0]!
    // `CR%0:a,b` in a property: % → %25, : → %3A, , → %2C.
    assert.include(first.raw, "title=atqbo%3A Autotask invoice CR%250%3Aa%2Cb (id 29684101) cannot be synced::")
    assert.strictEqual(first.properties["title"], "atqbo: Autotask invoice CR%0:a,b (id 29684101) cannot be synced")
    assert.deepStrictEqual(Object.keys(first.properties), ["title"])
    for (const error of errors) {
      // Two reasons (negative total, illegal customer name) on two lines, sent as %0A.
      assert.include(error.message, "\n")
      assert.include(error.message, HOSTILE_COMPANY)
      assert.include(error.raw, "Contoso 100%25: Ops, Inc | <b>Rebates</b>")
      assert.notInclude(error.raw, "\r")
    }
    for (const warning of byLevel(annotations(small.stdout), "warning")) {
      assert.strictEqual(warning.properties["title"], "atqbo: term-omitted")
      assert.match(warning.message, /"Net \d+ Days"/, "one warning per unmatched term (each invoice here has its own)")
    }
  })

  it("appends the Markdown plan to the job summary, with every error", () => {
    assert.isTrue(small.summary.startsWith(PREVIOUS_SUMMARY), "the summary must be appended to, not replaced")
    const own = small.summary.slice(PREVIOUS_SUMMARY.length)
    assert.match(own, /^## atqbo plan\n/)
    assert.include(own, `### ${escapeMarkdown(summaryLine(small.plan))}`)
    // The 3 errors beyond the 10 annotations are in the summary.
    for (let id = 29684101; id <= 29684113; id++) assert.include(own, `(id ${id})`)
    assert.isAtMost(Buffer.byteLength(own, "utf8"), SUMMARY_LIMIT_BYTES)
  })

  it("writes the sticky comment body: marker first, head SHA, run link, errors before changes", () => {
    const comment = small.comment
    assert.isTrue(comment.startsWith(`${COMMENT_MARKER}\n`))
    assert.include(comment, `\`${HEAD_SHA.slice(0, 12)}\``)
    assert.include(comment, RUN_URL)
    assert.include(comment, `### ${escapeMarkdown(summaryLine(small.plan))}`)
    assert.include(comment, small.plan.checksum.slice(0, 19))
    assert.isAtMost(comment.length, GITHUB_COMMENT_LIMIT)
    const errors = comment.indexOf("Errors (13)")
    const changes = comment.indexOf("Changes (")
    assert.isAbove(errors, 0)
    assert.isAbove(changes, errors)
    assert.include(comment, "<details>")
    // Markdown/HTML in a company name is shown as text, never rendered.
    assert.include(comment, escapeMarkdown(HOSTILE_COMPANY))
    assert.notInclude(comment, "<b>Rebates</b>")
    assert.notInclude(comment, "not shown here")
  })
})

describe("atqbo plan --format github (large plan)", () => {
  it("keeps the comment within GitHub's limit, cutting details but keeping the summary line", () => {
    assert.strictEqual(large.code, 2, large.stderr)
    assert.isUndefined(planProblem(large.planJson))
    assert.strictEqual(large.plan.summary.counts["invoice.create"], 12 + LARGE_EXTRA_INVOICES)
    const comment = large.comment
    assert.isAtMost(comment.length, GITHUB_COMMENT_LIMIT)
    assert.isAbove(comment.length, GITHUB_COMMENT_LIMIT - 10_000, "the large plan should fill the comment")
    assert.isTrue(comment.startsWith(`${COMMENT_MARKER}\n`))
    assert.include(comment, `\`${HEAD_SHA.slice(0, 12)}\``)
    const line = `### ${escapeMarkdown(summaryLine(large.plan))}`
    assert.include(comment.slice(0, 1_000), line, "the summary line stays at the top")
    assert.match(comment, /more [a-z ]+ not shown here \(GitHub's comment size limit\); see the job summary of the \[run\]/)
    assert.include(comment, RUN_URL)
  })

  it("keeps the full plan in the job summary, under 1 MiB, and the same annotation limits", () => {
    const own = large.summary.slice(PREVIOUS_SUMMARY.length)
    assert.include(own, `### ${escapeMarkdown(summaryLine(large.plan))}`)
    assert.isAbove(own.length, large.comment.length)
    assert.include(own, `T2026.${29710001 + LARGE_EXTRA_INVOICES - 1}`)
    assert.isAtMost(Buffer.byteLength(own, "utf8"), SUMMARY_LIMIT_BYTES)
    const all = annotations(large.stdout)
    assert.lengthOf(byLevel(all, "error"), 10)
    assert.lengthOf(byLevel(all, "warning"), 10)
  })
})
