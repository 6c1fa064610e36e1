/**
 * What each command prints, picked once per command by its format, as Terraform's views are
 * (`views.NewPlan(viewType, view)`): the command computes, asks its view for an `Output` and
 * writes it (src/cli/output.ts). Everything that depends on the format is here, so a command
 * never formats and a new format is one more case in one place. Pure: the run (environment,
 * time) comes in as a `GithubContext` value.
 */
import type { Plan } from "../domain/plan.ts"
import type { ApplyReport } from "../domain/report.ts"
import { annotationLines, applyAnnotations, applySummary, type CommentContext, planAnnotations, planCommentBody, planSummary } from "./github.ts"
import { PLAN_FORMATS, renderPlan } from "./index.ts"
import { renderReportText } from "./report.ts"
import type { Terminal } from "./terminal.ts"
import { renderText } from "./text.ts"

/** `plan --format`: the plan formats (show prints those offline) and github, which needs a run. */
export const PLAN_VIEW_FORMATS = [...PLAN_FORMATS, "github"] as const
export type PlanViewFormat = (typeof PLAN_VIEW_FORMATS)[number]

/** `apply --format`: github adds annotations and the job summary to the report. */
export const APPLY_FORMATS = ["text", "github"] as const
export type ApplyFormat = (typeof APPLY_FORMATS)[number]

/** The GitHub Actions run a github view writes for, read from the environment once by the command. */
export interface GithubContext extends CommentContext {
  /** `GITHUB_STEP_SUMMARY`: when set, the view renders the job summary. */
  readonly stepSummaryFile?: string | undefined
  /** `plan --comment-file`: when set, the view renders the sticky PR comment body. */
  readonly commentFile?: string | undefined
}

/** What a command prints (stdout, a newline is added) and, in GitHub Actions, writes to files. */
export interface Output {
  readonly stdout: string
  /** Appended to the job summary file. */
  readonly stepSummary?: string
  /** Written to the comment file. */
  readonly comment?: string
}

export interface ViewOptions {
  readonly verbose: boolean
  readonly terminal: Terminal
  /** For github: the run; without one (tests) only the annotations and the text. */
  readonly github?: GithubContext | undefined
}

export const planView = (format: PlanViewFormat, options: ViewOptions) => (plan: Plan): Output => {
  if (format !== "github") return { stdout: renderPlan(plan, format, options).trimEnd() }
  const github = options.github
  // The text is printed whole, trailing newline and all, as the Actions log has always shown it.
  const stdout = [...annotationLines(planAnnotations(plan)), renderText(plan, options)].join("\n")
  return {
    stdout,
    ...(github?.stepSummaryFile !== undefined && { stepSummary: planSummary(plan) }),
    ...(github?.commentFile !== undefined && { comment: planCommentBody(plan, github) })
  }
}

export const applyView = (format: ApplyFormat, options: Omit<ViewOptions, "verbose">) => (plan: Plan, report: ApplyReport): Output => {
  const stdout = `\n${renderReportText(report, options.terminal).trimEnd()}`
  if (format !== "github") return { stdout }
  // Failures and rejections, then the plan's warnings (drift seen by the schedule).
  const warnings = planAnnotations(plan).filter((annotation) => annotation.level === "warning")
  return {
    stdout: [...annotationLines([...applyAnnotations(report), ...warnings]), stdout].join("\n"),
    ...(options.github?.stepSummaryFile !== undefined && { stepSummary: applySummary(report) })
  }
}
