/**
 * Markdown plan for PR comments and job summaries: summary, money totals and errors first, a
 * created document and its own write-back as one row, identical warnings once, per-invoice
 * details and per-customer subtotals folded in `<details>`, and always within GitHub's comment limit (65,536
 * characters): sections that do not fit are cut with a note saying so.
 */
import * as Money from "../domain/money.ts"
import { limitViolationText, type Plan, type PlanAction } from "../domain/plan.ts"
import { currencyOf, customerTotals } from "../domain/totals.ts"
import {
  companiesLine,
  differenceText,
  fieldChanges,
  foldedWriteBacks,
  groupWarnings,
  idsText,
  LABEL,
  LIMITS_HINT,
  LIMITS_TITLE,
  listedActions,
  replacedNumber,
  SECTIONS,
  summaryLine,
  SYMBOL,
  termsAndDue,
  totalRows,
  totalsOf,
  windowLine
} from "./summary.ts"

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

/** The money table: per currency, what apply books, takes back and refuses. */
const totalsTable = (plan: Plan): string | undefined => {
  const rows = totalsOf(plan).flatMap((totals) =>
    totalRows(totals).map((total) => row([`\`${total.symbol}\``, total.what, String(total.count), `${total.amount} ${escapeMarkdown(totals.currency)}`]))
  )
  return rows.length === 0 ? undefined : [row(["", "Totals", "Count", "Amount"]), row(["---", "---", "---:", "---:"]), ...rows].join("\n")
}

/** New documents' net amount per QBO customer, folded. */
const customerTable = (plan: Plan): string | undefined => {
  const customers = customerTotals(plan.actions, plan.currency)
  if (customers.length === 0) return undefined
  return [
    "<details><summary>Totals by customer</summary>",
    "",
    row(["QBO customer", "New documents", "Net amount"]),
    row(["---", "---:", "---:"]),
    ...customers.map((customer) => row([escapeMarkdown(customer.customer), String(customer.documents), `${Money.formatMoney(Money.decimal(customer.net))} ${escapeMarkdown(customer.currency)}`])),
    "",
    "</details>"
  ].join("\n")
}

const changeRow = (action: PlanAction, folded: ReadonlyMap<string, PlanAction>, homeCurrency: string): string => {
  const d = action.display
  const writeBack = folded.get(action.address)
  const what = action.type === "item.create" || action.type === "customer.create"
    ? escapeMarkdown(`${action.name ?? ""}${d.incomeAccount ? ` (income account ${d.incomeAccount})` : ""}`)
    : action.type === "autotask.writeback" || action.type === "autotask.paid"
    ? fieldChanges(action).map((change) => escapeMarkdown(`${change.field}: ${change.before} → ${change.after}`)).join("<br>")
    : escapeMarkdown(d.customer ?? d.company ?? "")
  const amount = d.total ? `${escapeMarkdown(d.total)} ${escapeMarkdown(currencyOf(action, homeCurrency))}` : ""
  const replaced = writeBack === undefined ? "" : replacedNumber(writeBack)
  const label = writeBack === undefined ? LABEL[action.type] : `${LABEL[action.type]} → write-back${replaced ? ` (replaces ${escapeMarkdown(replaced)})` : ""}`
  return row([`\`${SYMBOL[action.type]}\``, label, invoiceCell(action), what, amount])
}

const invoiceDetails = (action: PlanAction, homeCurrency: string): string => {
  const d = action.display
  const payload = action.payload as Record<string, unknown>
  const lines = (d.lines ?? []).map((line) =>
    row([escapeMarkdown(line.item), escapeMarkdown(line.description), line.qty, line.rate, escapeMarkdown(line.amount), escapeMarkdown(line.class ?? ""), escapeMarkdown(line.taxCode ?? "")])
  )
  return [
    `<details><summary>${SYMBOL[action.type]} ${LABEL[action.type]} ${invoiceCell(action)} → ${escapeMarkdown(d.customer ?? "")}: ${escapeMarkdown(d.total ?? "")} ${escapeMarkdown(currencyOf(action, homeCurrency))}</summary>`,
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
  const totals = totalsTable(plan)
  if (totals) head.push("", totals)
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
    const items = groupWarnings(plan.warnings).map((group) => {
      const diffs = group.differences.map(differenceText).join("; ")
      const ids = group.invoiceIds.length > 0 ? ` (${idsText(group.invoiceIds, 50)})` : ""
      return `- ${escapeMarkdown(group.message)}${diffs ? ` (${escapeMarkdown(diffs)})` : ""}${ids} \`${group.code}\``
    })
    const fitted = fit(items, Math.floor(budget * 0.3), "warnings", hint)
    sections.push([`#### ⚠️ Warnings (${plan.warnings.length})`, "", fitted.text].join("\n"))
    budget -= fitted.used + 60
  }
  const changes = listedActions(plan.actions).filter((action) => action.type !== "invoice.reject")
  if (changes.length > 0) {
    const ordered = SECTIONS.flatMap((section) => changes.filter((action) => section.types.includes(action.type)))
    const folded = foldedWriteBacks(plan.actions)
    const fitted = fit(ordered.map((action) => changeRow(action, folded, plan.currency)), Math.floor(budget * 0.6), "changes", hint)
    sections.push([`#### Changes (${changes.length})`, "", row(["", "Action", "Autotask invoice", "QBO / change", "Amount"]), row(["---", "---", "---", "---", "---:"]), fitted.text].join("\n"))
    budget -= fitted.used + 100
    const byCustomer = customerTable(plan)
    if (byCustomer && byCustomer.length < budget / 2) {
      sections.push(byCustomer)
      budget -= byCustomer.length
    }
    const documents = ordered.filter((action) => action.type === "invoice.create" || action.type === "creditmemo.create")
    if (documents.length > 0 && budget > 500) {
      const details = fit(documents.map((action) => invoiceDetails(action, plan.currency)), budget, "document details", hint)
      sections.push(["<details><summary>Document details</summary>", "", details.text, "", "</details>"].join("\n"))
    }
  } else if (errors.length === 0) {
    sections.push("No changes. QBO and Autotask match the configuration for this window.")
  }
  const text = [...head, "", ...sections.flatMap((section) => [section, ""])].join("\n")
  return text.length <= limit ? text : `${text.slice(0, limit - 80)}\n\n_… cut at GitHub's comment size limit._\n`
}
