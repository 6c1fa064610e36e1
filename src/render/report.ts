/**
 * The end-of-apply report: one row per action outcome (applied / adopted / failed / skipped /
 * rejected) and a totals line, as text for the terminal and Markdown for CI summaries.
 */
import { type ActionOutcome, type ApplyReport, type OutcomeStatus, sharedNumbers } from "../domain/report.ts"
import { escapeMarkdown } from "./markdown.ts"
import { LABEL, SYMBOL } from "./summary.ts"

const STATUSES: ReadonlyArray<OutcomeStatus> = ["applied", "adopted", "failed", "skipped", "rejected"]

export const reportTotals = (report: ApplyReport): string =>
  `Apply: ${STATUSES.map((status) => `${report.counts[status]} ${status}`).join(", ")}.`

const subject = (outcome: ActionOutcome): string =>
  outcome.autotaskInvoiceId !== undefined ? `Autotask invoice ${outcome.autotaskInvoiceId}` : outcome.address.replace(/^[a-z]+:/, "")

const pad = (text: string, width: number): string => (text.length >= width ? text : text + " ".repeat(width - text.length))

export const renderReportText = (report: ApplyReport): string => {
  const out: Array<string> = []
  if (report.outcomes.length === 0) out.push("Nothing to apply.")
  for (const outcome of report.outcomes) {
    out.push(`  ${pad(outcome.status, 8)} ${SYMBOL[outcome.type]} ${pad(LABEL[outcome.type], 11)} ${pad(subject(outcome), 28)} ${outcome.message}`)
  }
  for (const warning of sharedNumbers(report.outcomes)) out.push("", `⚠ ${warning}`)
  out.push("", reportTotals(report))
  if (report.journal) out.push(`Journal: ${report.journal}`)
  return `${out.join("\n")}\n`
}

export const renderReportMarkdown = (report: ApplyReport, maxRows = 500): string => {
  const out: Array<string> = [`### ${reportTotals(report)}`, ""]
  for (const warning of sharedNumbers(report.outcomes)) out.push(`⚠ ${escapeMarkdown(warning)}`, "")
  // What needs attention first: failures, rejections, skips, then successes.
  const priority: Record<OutcomeStatus, number> = { failed: 0, rejected: 1, skipped: 2, adopted: 3, applied: 4 }
  const interesting = [...report.outcomes].sort((a, b) => priority[a.status] - priority[b.status])
  if (interesting.length > 0) {
    out.push("| Status | Action | Subject | Detail |", "| --- | --- | --- | --- |")
    for (const outcome of interesting.slice(0, maxRows)) {
      out.push(`| ${outcome.status} | \`${SYMBOL[outcome.type]}\` ${LABEL[outcome.type]} | ${escapeMarkdown(subject(outcome))} | ${escapeMarkdown(outcome.message)} |`)
    }
    if (interesting.length > maxRows) out.push("", `_… ${interesting.length - maxRows} more rows in the journal artifact._`)
  }
  if (report.journal) out.push("", `Journal: \`${report.journal}\``)
  return `${out.join("\n")}\n`
}
