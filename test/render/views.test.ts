/**
 * The commands' views (src/render/views.ts): what `plan` and `apply` print and write is a pure
 * function of the plan (and report) and the run's `GithubContext`, so the GitHub output can be
 * checked without an environment, a clock or files. The bytes themselves are pinned by the
 * golden files and by test/workflows, which run the CLI.
 */
import { assert, beforeAll, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { TestClock } from "effect/testing"
import { githubContext } from "../../src/cli/output.ts"
import type { Plan } from "../../src/domain/plan.ts"
import { type ActionOutcome, type ApplyReport, countOutcomes } from "../../src/domain/report.ts"
import { planCommentBody, planSummary } from "../../src/render/github.ts"
import { renderPlan } from "../../src/render/index.ts"
import { PLAIN } from "../../src/render/terminal.ts"
import { renderText } from "../../src/render/text.ts"
import { applyView, type GithubContext, planView } from "../../src/render/views.ts"
import { demoPlan } from "../support/demoPlan.ts"

const RUN: GithubContext = {
  stepSummaryFile: "/run/summary.md",
  commentFile: "comment.md",
  runUrl: "https://github.com/acme/books/actions/runs/42",
  headSha: "0123456789abcdef0123",
  timestamp: "2026-02-13T12:00:00Z"
}

const options = (github: GithubContext | undefined) => ({ verbose: false, terminal: PLAIN, github })

describe("plan's view", () => {
  let plan: Plan
  beforeAll(async () => {
    plan = await demoPlan()
  })

  it("github: the same plan and run give the same output, made of the GitHub renderers", () => {
    const output = planView("github", options(RUN))(plan)
    assert.deepStrictEqual(planView("github", options({ ...RUN }))(structuredClone(plan)), output)
    assert.strictEqual(output.comment, planCommentBody(plan, RUN))
    assert.strictEqual(output.stepSummary, planSummary(plan))
    assert.match(output.stdout, /^::error title=/, "annotations first")
    assert.isTrue(output.stdout.endsWith(`\n${renderText(plan, { verbose: false, terminal: PLAIN })}`), "then the whole text")
  })

  it("github: a comment only when asked for, a summary only in a job that has one", () => {
    const bare = planView("github", options({ timestamp: RUN.timestamp }))(plan)
    assert.deepStrictEqual(Object.keys(bare), ["stdout"])
    assert.strictEqual(bare.stdout, planView("github", options(RUN))(plan).stdout, "stdout does not depend on the files")
    assert.deepStrictEqual(Object.keys(planView("github", options({ ...RUN, stepSummaryFile: undefined }))(plan)), ["stdout", "comment"])
    assert.deepStrictEqual(Object.keys(planView("github", options({ ...RUN, commentFile: undefined }))(plan)), ["stdout", "stepSummary"])
  })

  it("github: only the comment tells the run's time", () => {
    const later = planView("github", options({ ...RUN, timestamp: "2026-02-13T12:05:00Z" }))(plan)
    const now = planView("github", options(RUN))(plan)
    assert.strictEqual(later.stdout, now.stdout)
    assert.strictEqual(later.stepSummary, now.stepSummary)
    assert.notStrictEqual(later.comment, now.comment)
  })

  it("other formats: the plan alone on stdout, whatever the run", () => {
    for (const format of ["text", "markdown", "json"] as const) {
      const output = planView(format, options(RUN))(plan)
      assert.deepStrictEqual(output, { stdout: renderPlan(plan, format, { verbose: false, terminal: PLAIN }).trimEnd() })
    }
  })
})

describe("apply's view", () => {
  const outcome = (status: ActionOutcome["status"], message: string): ActionOutcome =>
    ({ address: "invoice:29684116", type: "invoice.create", autotaskInvoiceId: 29684116, status, message })
  const outcomes = [outcome("applied", "created QBO invoice 1026 (Id 203)"), outcome("failed", "QBO refused the invoice")]
  const report: ApplyReport = { runId: "r1", outcomes, counts: countOutcomes(outcomes), journal: undefined }
  const plan = { warnings: [], overLimits: [], actions: [] } as unknown as Plan

  it("text: the report alone; github adds annotations before it and the job summary", () => {
    const text = applyView("text", { terminal: PLAIN, github: RUN })(plan, report)
    assert.deepStrictEqual(Object.keys(text), ["stdout"])
    const github = applyView("github", { terminal: PLAIN, github: RUN })(plan, report)
    assert.deepStrictEqual(applyView("github", { terminal: PLAIN, github: { ...RUN } })(plan, report), github)
    assert.strictEqual(github.stdout, `::error title=atqbo apply%3A invoice%3A29684116 failed::QBO refused the invoice\n${text.stdout}`)
    assert.match(github.stepSummary ?? "", /^## atqbo apply\n/)
    assert.isUndefined(github.comment)
    assert.isUndefined(applyView("github", { terminal: PLAIN, github: { ...RUN, stepSummaryFile: undefined } })(plan, report).stepSummary)
  })
})

describe("the run, read from the environment", () => {
  it.effect("links the run, prefers the PR head, and takes the time from the Clock in whole seconds", () =>
    Effect.gen(function*() {
      yield* TestClock.adjust(1_500)
      const env = { GITHUB_STEP_SUMMARY: "/s.md", GITHUB_SERVER_URL: "https://github.com", GITHUB_REPOSITORY: "acme/books", GITHUB_RUN_ID: "42", GITHUB_SHA: "merge", ATQBO_HEAD_SHA: "head" }
      assert.deepStrictEqual(yield* githubContext("c.md", env), {
        stepSummaryFile: "/s.md",
        commentFile: "c.md",
        runUrl: "https://github.com/acme/books/actions/runs/42",
        headSha: "head",
        timestamp: "1970-01-01T00:00:01Z"
      })
      const bare = yield* githubContext(undefined, { GITHUB_STEP_SUMMARY: "", GITHUB_SERVER_URL: "https://github.com" })
      assert.deepStrictEqual(bare, { stepSummaryFile: undefined, commentFile: undefined, runUrl: undefined, headSha: undefined, timestamp: "1970-01-01T00:00:01Z" })
    }))
})
