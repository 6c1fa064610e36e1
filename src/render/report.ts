/**
 * The end-of-apply report: one row per action outcome (applied / adopted / failed / skipped /
 * rejected) and a totals line, as text for the terminal and Markdown for CI summaries.
 */
import { type ActionOutcome, type ApplyReport, type OutcomeStatus, sharedNumbers } from "../domain/report.ts"
import { escapeMarkdown } from "./markdown.ts"
import { LABEL, SYMBOL } from "./summary.ts"
import { padEnd, paint, paintSymbol, PLAIN, type Terminal, visibleLength, wrap } from "./terminal.ts"

const STATUSES: ReadonlyArray<OutcomeStatus> = ["applied", "adopted", "failed", "skipped", "rejected"]

export const reportTotals = (report: ApplyReport): string =>
  `Apply: ${STATUSES.map((status) => `${report.counts[status]} ${status}`).join(", ")}.`

const subject = (outcome: ActionOutcome): string =>
  outcome.autotaskInvoiceId !== undefined ? `Autotask invoice ${outcome.autotaskInvoiceId}` : outcome.address.replace(/^[a-z]+:/, "")

/** Status colours on a terminal: done green, failed red, left alone yellow. */
const paintStatus = (on: boolean, status: OutcomeStatus, text: string): string =>
  status === "applied" || status === "adopted" ? paint.green(on, text) : status === "failed" ? paint.red(on, text) : paint.yellow(on, text)

/**
 * One row per outcome in aligned columns (status, action, what it concerns, what happened; QBO
 * documents named by DocNumber with the Id in brackets), the result wrapped under itself when
 * the terminal is narrow; then warnings, totals and the journal.
 */
export const renderReportText = (report: ApplyReport, terminal: Terminal = PLAIN): string => {
  const out: Array<string> = []
  if (report.outcomes.length === 0) out.push("Nothing to apply.")
  const rows = report.outcomes.map((outcome) => ({ outcome, action: `${SYMBOL[outcome.type]} ${LABEL[outcome.type]}`, subject: subject(outcome) }))
  const statusWidth = Math.max(0, ...rows.map((row) => row.outcome.status.length))
  const actionWidth = Math.max(0, ...rows.map((row) => visibleLength(row.action)))
  const subjectWidth = Math.max(0, ...rows.map((row) => visibleLength(row.subject)))
  const indent = " ".repeat(2 + statusWidth + 2 + actionWidth + 2 + subjectWidth + 2)
  for (const row of rows) {
    const [first = "", ...rest] = wrap(row.outcome.message, terminal.width, indent, indent)
    const status = paintStatus(terminal.color, row.outcome.status, padEnd(row.outcome.status, statusWidth))
    const action = paintSymbol(terminal.color, SYMBOL[row.outcome.type], padEnd(row.action, actionWidth))
    out.push(`  ${status}  ${action}  ${padEnd(row.subject, subjectWidth)}  ${first.slice(indent.length)}`, ...rest)
  }
  for (const warning of sharedNumbers(report.outcomes)) out.push("", ...wrap(warning, terminal.width, "⚠ ", "  "))
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
