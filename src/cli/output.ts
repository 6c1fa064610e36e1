/**
 * The two impure ends of a command's view (src/render/views.ts): what the GitHub Actions run
 * is, read from the environment once, and writing an `Output` where it goes.
 */
import { appendFile } from "node:fs/promises"
import { Clock, Console, Effect } from "effect"
import type { GithubContext, Output } from "../render/views.ts"
import { writeOutput } from "./common.ts"

type Env = Readonly<Record<string, string | undefined>>

/** The run from the variables Actions sets (ATQBO_HEAD_SHA: the PR head, set by the atqbo-plan workflow). */
export const githubContext = (commentFile: string | undefined, env: Env = process.env) =>
  Effect.map(Clock.currentTimeMillis, (now): GithubContext => ({
    stepSummaryFile: env.GITHUB_STEP_SUMMARY || undefined,
    commentFile,
    runUrl: env.GITHUB_SERVER_URL && env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
      ? `${env.GITHUB_SERVER_URL}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
      : undefined,
    headSha: env.ATQBO_HEAD_SHA ?? env.GITHUB_SHA,
    // Whole seconds: the comment says when, not how precisely.
    timestamp: new Date(now).toISOString().replace(/\.\d+Z$/, "Z")
  }))

/** stdout, then the job summary (appended: other steps write there too), then the comment file. */
export const emit = Effect.fn("emit")(function*(output: Output, github?: GithubContext) {
  yield* Console.log(output.stdout)
  const summaryFile = github?.stepSummaryFile
  const summary = output.stepSummary
  if (summaryFile !== undefined && summary !== undefined) yield* Effect.promise(() => appendFile(summaryFile, summary, "utf8"))
  if (github?.commentFile !== undefined && output.comment !== undefined) yield* writeOutput(github.commentFile, output.comment)
})
