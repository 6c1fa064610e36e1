/**
 * Markdown plan for PR comments and job summaries: summary and errors first, per-invoice
 * details folded in `<details>`, and always within GitHub's comment limit (65,536
 * characters): sections that do not fit are cut with a note saying so.
 */
import { limitViolationText, type Plan, type PlanAction } from "../domain/plan.ts"
import { companiesLine, differenceText, fieldChanges, LABEL, LIMITS_HINT, LIMITS_TITLE, SECTIONS, summaryLine, SYMBOL, termsAndDue, windowLine } from "./summary.ts"

export const GITHUB_COMMENT_LIMIT = 65_536

export interface MarkdownOptions {
  /** Hard cap on the output length (characters). */
  readonly maxLength?: number
  /** Text placed first (e.g. the sticky-comment marker and head SHA). */
  readonly header?: string
  /** Where the full plan can be read when the comment is truncated. */
  readonly fullPlanHint?: string
}

/** Escapes text for a table cell or inline Markdown: no HTML, no pipes, no line breaks. */
export const escapeMarkdown = (text: string): string =>
  text
    .replace(/([\\`*_[\]#])/g, "\\$1")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\|/g, "\\|")
    .replace(/\r?\n/g, "<br>")

const invoiceCell = (action: PlanAction): string => {
  const company = action.connection ? `**${escapeMarkdown(action.connection)}** ` : ""
  if (action.autotaskInvoiceId === undefined) return company
  return company + escapeMarkdown(action.name ? `${action.name} (id ${action.autotaskInvoiceId})` : `id ${action.autotaskInvoiceId}`)
}

const row = (cells: ReadonlyArray<string>): string => `| ${cells.join(" | ")} |`

const changeRow = (action: PlanAction): string => {
  const d = action.display
  const what = action.type === "item.create" || action.type === "customer.create"
    ? escapeMarkdown(`${action.name ?? ""}${d.incomeAccount ? ` (income account ${d.incomeAccount})` : ""}`)
    : action.type === "autotask.writeback" || action.type === "autotask.paid"
    ? fieldChanges(action).map((change) => escapeMarkdown(`${change.field}: ${change.before} → ${change.after}`)).join("<br>")
    : escapeMarkdown(d.customer ?? d.company ?? "")
  const amount = d.total ? `${escapeMarkdown(d.total)} ${escapeMarkdown(d.currency ?? "")}` : ""
  return row([`\`${SYMBOL[action.type]}\``, LABEL[action.type], invoiceCell(action), what, amount])
}

const invoiceDetails = (action: PlanAction): string => {
  const d = action.display
  const payload = action.payload as Record<string, unknown>
  const lines = (d.lines ?? []).map((line) =>
    row([escapeMarkdown(line.item), escapeMarkdown(line.description), line.qty, line.rate, escapeMarkdown(line.amount), escapeMarkdown(line.class ?? ""), escapeMarkdown(line.taxCode ?? "")])
  )
  return [
    `<details><summary>${SYMBOL[action.type]} ${LABEL[action.type]} ${invoiceCell(action)} → ${escapeMarkdown(d.customer ?? "")}: ${escapeMarkdown(d.total ?? "")} ${escapeMarkdown(d.currency ?? "")}</summary>`,
    "",
    `DocNumber ${escapeMarkdown(d.docNumber ?? "(assigned by QBO)")} · date ${escapeMarkdown(String(payload.TxnDate ?? ""))}${action.type === "invoice.create" ? ` · ${escapeMarkdown(termsAndDue(action))}` : ""}`,
    "",
    row(["Item", "Description", "Qty", "Rate", "Amount", "Class", "Tax"]),
    row(["---", "---", "---:", "---:", "---:", "---", "---"]),
    ...lines,
    "",
    "</details>"
  ].join("\n")
}

/** Adds blocks in order until the budget runs out; then a note how many were left out. */
const fit = (blocks: ReadonlyArray<string>, budget: number, what: string, hint: string | undefined): { text: string; used: number } => {
  const kept: Array<string> = []
  let used = 0
  for (const [index, block] of blocks.entries()) {
    const note = `\n\n_… ${blocks.length - index} more ${what} not shown here (GitHub's comment size limit)${hint ? `; ${hint}` : ""}._`
    if (used + block.length + 1 + note.length > budget) {
      kept.push(note.trim())
      used += note.length
      return { text: kept.join("\n"), used }
    }
    kept.push(block)
    used += block.length + 1
  }
  return { text: kept.join("\n"), used }
}

export const renderMarkdown = (plan: Plan, options: MarkdownOptions = {}): string => {
  const limit = options.maxLength ?? GITHUB_COMMENT_LIMIT
  const hint = options.fullPlanHint
  const head: Array<string> = []
  if (options.header) head.push(options.header)
  head.push(`### ${escapeMarkdown(summaryLine(plan))}`)
  head.push("")
  head.push(
    `${escapeMarkdown(companiesLine(plan))} · ${escapeMarkdown(windowLine(plan))} · ${plan.summary.invoicesRead} Autotask invoices read, ${plan.summary.invoicesInSync} already in sync · checksum \`${plan.checksum.slice(0, 19)}\``
  )
  const sections: Array<string> = []
  // First and never cut: a reviewer must see that apply will refuse this plan.
  if (plan.overLimits.length > 0) {
    sections.push([
      `#### ⛔ ${LIMITS_TITLE} (${plan.overLimits.length})`,
      "",
      ...plan.overLimits.map((violation) => `- ${escapeMarkdown(limitViolationText(violation))}`),
      "",
      `_${LIMITS_HINT}._`
    ].join("\n"))
  }
  let budget = limit - head.join("\n").length - sections.join("\n").length - 200

  const errors = plan.actions.filter((action) => action.type === "invoice.reject")
  if (errors.length > 0) {
    const rows = errors.map((action) =>
      row([invoiceCell(action), escapeMarkdown(action.display.company ?? ""), escapeMarkdown(action.display.total ?? ""), action.reasons.map(escapeMarkdown).join("<br>")])
    )
    const fitted = fit(rows, Math.floor(budget * 0.4), "errors", hint)
    sections.push([`#### ❌ Errors (${errors.length})`, "", row(["Autotask invoice", "Company", "Total", "Why"]), row(["---", "---", "---:", "---"]), fitted.text].join("\n"))
    budget -= fitted.used + 120
  }
  if (plan.warnings.length > 0) {
    const items = plan.warnings.map((warning) => {
      const diffs = (warning.differences ?? []).map(differenceText).join("; ")
      return `- ${escapeMarkdown(warning.message)}${diffs ? ` (${escapeMarkdown(diffs)})` : ""} \`${warning.code}\``
    })
    const fitted = fit(items, Math.floor(budget * 0.3), "warnings", hint)
    sections.push([`#### ⚠️ Warnings (${plan.warnings.length})`, "", fitted.text].join("\n"))
    budget -= fitted.used + 60
  }
  const changes = plan.actions.filter((action) => action.type !== "invoice.reject")
  if (changes.length > 0) {
    const ordered = SECTIONS.flatMap((section) => changes.filter((action) => section.types.includes(action.type)))
    const fitted = fit(ordered.map(changeRow), Math.floor(budget * 0.6), "changes", hint)
    sections.push([`#### Changes (${changes.length})`, "", row(["", "Action", "Autotask invoice", "QBO / change", "Amount"]), row(["---", "---", "---", "---", "---:"]), fitted.text].join("\n"))
    budget -= fitted.used + 100
    const documents = ordered.filter((action) => action.type === "invoice.create" || action.type === "creditmemo.create")
    if (documents.length > 0 && budget > 500) {
      const details = fit(documents.map(invoiceDetails), budget, "document details", hint)
      sections.push(["<details><summary>Document details</summary>", "", details.text, "", "</details>"].join("\n"))
    }
  } else if (errors.length === 0) {
    sections.push("No changes. QBO and Autotask match the configuration for this window.")
  }
  const text = [...head, "", ...sections.flatMap((section) => [section, ""])].join("\n")
  return text.length <= limit ? text : `${text.slice(0, limit - 80)}\n\n_… cut at GitHub's comment size limit._\n`
}
