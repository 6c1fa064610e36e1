/**
 * GitHub Actions output for `plan --format github` and `apply --format github`, produced by
 * the CLI so the workflows stay thin: annotations (10 per level per step, the rest in the log
 * and summary), the job-summary Markdown (≤ 1 MiB) and the sticky PR comment body (hidden
 * marker, head SHA, timestamp, ≤ 65,536 characters). Pure.
 */
import { limitViolationText, type Plan } from "../domain/plan.ts"
import type { ApplyReport } from "../domain/report.ts"
import { type Annotation, formatAnnotation, limitAnnotations } from "./githubAnnotations.ts"
import { GITHUB_COMMENT_LIMIT, renderMarkdown } from "./markdown.ts"
import { renderReportMarkdown } from "./report.ts"
import { groupWarnings, idsText, LIMITS_HINT } from "./summary.ts"

/** Identifies atqbo's comment among a PR's comments, so it is updated instead of repeated. */
export const COMMENT_MARKER = "<!-- atqbo:plan -->"

/** GitHub refuses job summaries over 1 MiB (bytes, not characters); stay under with room. */
export const SUMMARY_LIMIT = 1_000_000

const bytes = (text: string): number => Buffer.byteLength(text, "utf8")

/** Renders with a character budget, shrinking it until the UTF-8 size fits `limit` bytes. */
const fitBytes = (render: (maxLength: number) => string, limit: number): string => {
  let budget = limit
  let text = render(budget)
  while (bytes(text) > limit && budget > 1_000) {
    budget = Math.floor(budget * (limit / bytes(text)) * 0.98)
    text = render(budget)
  }
  return text
}

export interface CommentContext {
  /** The commit the plan is for (the PR head, not the merge commit). */
  readonly headSha?: string | undefined
  /** "Updated …": passed in, so the same run renders the same bytes. */
  readonly timestamp: string
  /** Link to the run, where the job summary and the JSON artifact are. */
  readonly runUrl?: string | undefined
}

export const planAnnotations = (plan: Plan): Array<Annotation> => [
  ...plan.overLimits.map((violation): Annotation => ({
    level: "error",
    title: `atqbo: over the safety limit ${violation.limit}`,
    message: `${limitViolationText(violation)}. ${LIMITS_HINT}.`
  })),
  ...plan.actions
    .filter((action) => action.type === "invoice.reject")
    .map((action): Annotation => ({
      level: "error",
      title: `atqbo: Autotask invoice ${action.name ? `${action.name} ` : ""}(id ${action.autotaskInvoiceId}) cannot be synced`,
      message: action.reasons.join("\n")
    })),
  // The same warning about several invoices is one annotation (GitHub shows only 10 per step).
  ...groupWarnings(plan.warnings).map((group): Annotation => ({
    level: "warning",
    title: `atqbo: ${group.code}`,
    message: group.invoiceIds.length > 0 ? `${group.message} (${idsText(group.invoiceIds)})` : group.message
  }))
]

/** Annotation lines for the log: at most 10 per level, then a notice of how many more. */
export const annotationLines = (annotations: ReadonlyArray<Annotation>): Array<string> => {
  const limited = limitAnnotations(annotations)
  const lines = limited.shown.map(formatAnnotation)
  for (const level of ["error", "warning"] as const) {
    if (limited.omitted[level] > 0) {
      lines.push(formatAnnotation({ level: "notice", message: `${limited.omitted[level]} more ${level}s are listed in the log and the job summary` }))
    }
  }
  return lines
}

export const planCommentBody = (plan: Plan, context: CommentContext): string => {
  const sha = context.headSha ? ` for \`${context.headSha.slice(0, 12)}\`` : ""
  const header = [COMMENT_MARKER, `## atqbo plan${sha}`, `_Updated ${context.timestamp}${context.runUrl ? ` · [run and full plan](${context.runUrl})` : ""}_`, ""].join("\n")
  return renderMarkdown(plan, {
    header,
    maxLength: GITHUB_COMMENT_LIMIT,
    fullPlanHint: context.runUrl ? `see the job summary of the [run](${context.runUrl}) or its plan artifact` : "see the job summary or the plan artifact"
  })
}

export const planSummary = (plan: Plan): string =>
  fitBytes((maxLength) => renderMarkdown(plan, { header: "## atqbo plan", maxLength }), SUMMARY_LIMIT)

export const applyAnnotations = (report: ApplyReport): Array<Annotation> =>
  report.outcomes
    .filter((outcome) => outcome.status === "failed" || outcome.status === "rejected")
    .map((outcome): Annotation => ({
      level: outcome.status === "failed" ? "error" : "warning",
      title: `atqbo apply: ${outcome.address} ${outcome.status}`,
      message: outcome.message
    }))

export const applySummary = (report: ApplyReport): string =>
  fitBytes((maxLength) => {
    // About 200 characters per row; the report says how many rows it left out.
    const text = `## atqbo apply\n\n${renderReportMarkdown(report, Math.max(10, Math.floor(maxLength / 200)))}`
    return text.length <= maxLength ? text : `${text.slice(0, maxLength - 80)}\n\n_… cut at GitHub's summary size limit; see the journal artifact._\n`
  }, SUMMARY_LIMIT)
