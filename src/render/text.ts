/**
 * Terraform-like text plan for people: money totals first, `+ ~ - !` symbols (coloured on a
 * terminal), deterministic order, a created document and its own write-back as one entry,
 * identical warnings once, only what changes unless `verbose`, one summary line at the end.
 * Fits the terminal's width when it has one: names are cut with an ellipsis, amounts stay
 * aligned, sentences wrap.
 */
import { limitViolationText, type Plan, type PlanAction } from "../domain/plan.ts"
import { currencyOf, customerTotals } from "../domain/totals.ts"
import * as Money from "../domain/money.ts"
import {
  autotaskRef,
  companiesLine,
  differenceText,
  displayValue,
  fieldChanges,
  foldedWriteBacks,
  replacedNumber,
  groupWarnings,
  idsText,
  LABEL,
  LIMITS_HINT,
  LIMITS_TITLE,
  listedActions,
  SECTIONS,
  summaryLine,
  SYMBOL,
  termsAndDue,
  totalRows,
  totalsOf,
  windowLine
} from "./summary.ts"
import { padEnd, padStart, paint, paintSymbol, PLAIN, type Terminal, truncate, visibleLength, wrap } from "./terminal.ts"

export interface TextOptions {
  readonly verbose: boolean
  /** Colour and width; plain text of any width when absent. */
  readonly terminal?: Terminal
}

/** Lines of one entry's details start under its text. */
const DETAIL = "      "
const NOUN_WIDTH = 11
/** "  + invoice     ": where an entry's text starts. */
const LEAD_WIDTH = 4 + NOUN_WIDTH + 1

const lead = (action: PlanAction, style: Terminal): string =>
  `  ${padEnd(paintSymbol(style.color, SYMBOL[action.type], `${SYMBOL[action.type]} ${LABEL[action.type]}`), NOUN_WIDTH + 2)} `

/** A sentence after the entry's lead, wrapped under itself. */
const proseEntry = (action: PlanAction, text: string, style: Terminal): Array<string> => {
  const [first = "", ...rest] = wrap(text, style.width, " ".repeat(LEAD_WIDTH), " ".repeat(LEAD_WIDTH))
  return [lead(action, style) + first.slice(LEAD_WIDTH), ...rest]
}

const isDocument = (action: PlanAction): boolean => action.type === "invoice.create" || action.type === "creditmemo.create"

/** The QBO side of a document row: the customer of a new one, the number of one taken back. */
const documentSubject = (action: PlanAction): string => {
  const d = action.display
  if (isDocument(action)) return d.customer ?? ""
  const number = d.docNumber ?? d.qboId ?? ""
  return `QBO ${action.target.system === "qbo" && action.target.entity === "CreditMemo" ? "credit memo" : "invoice"} ${number}${d.company ? ` · ${d.company}` : ""}`
}

/** Facts under a new document: date, terms and due date, lines (DocNumber when atqbo sets it). */
const documentFacts = (action: PlanAction, verbose: boolean): string => {
  const d = action.display
  const payload = action.payload as Record<string, unknown>
  const known = d.docNumber !== undefined && !d.docNumber.startsWith("(")
  return [
    known || verbose ? `DocNumber ${d.docNumber ?? "(assigned by QBO)"}` : undefined,
    `date ${String(payload.TxnDate ?? "")}`,
    action.type === "invoice.create" ? termsAndDue(action) : undefined,
    payload.ClassRef ? `class ${(payload.ClassRef as { name?: string }).name ?? ""}` : undefined,
    `${d.lines?.length ?? 0} line${d.lines?.length === 1 ? "" : "s"}`
  ].filter((fact) => fact !== undefined).join(" · ")
}

const verboseDocumentLines = (action: PlanAction): Array<string> => {
  const payload = action.payload as Record<string, unknown>
  const out: Array<string> = []
  for (const line of action.display.lines ?? []) {
    const extras = [line.class ? `class ${line.class}` : undefined, line.taxCode, line.serviceDate].filter(Boolean).join(", ")
    out.push(`  ${padEnd(line.item, 28)} ${padEnd(line.qty, 8)} × ${padEnd(line.rate, 10)} = ${padEnd(line.amount, 12)} ${line.description}${extras ? ` [${extras}]` : ""}`)
  }
  if (payload.CustomerMemo) out.push(`memo: ${displayValue((payload.CustomerMemo as { value: string }).value)}`)
  if (payload.BillEmail) out.push(`bill e-mail: ${(payload.BillEmail as { Address: string }).Address}`)
  return out
}

/**
 * New documents, voids and removed duplicates as a table: Autotask invoice, QBO customer (cut
 * to the width left), amount right-aligned with its currency, the folded write-back, then the
 * document's facts: on the same line when they fit the width, else on a line below.
 */
const documentRows = (actions: ReadonlyArray<PlanAction>, plan: Plan, style: Terminal, verbose: boolean): Array<string> => {
  const folded = foldedWriteBacks(plan.actions)
  const rows = actions.map((action) => {
    const writeBack = folded.get(action.address)
    const replaced = writeBack === undefined ? "" : replacedNumber(writeBack)
    return {
      action,
      ref: autotaskRef(action),
      subject: documentSubject(action),
      amount: action.display.total ?? "",
      currency: currencyOf(action, plan.currency),
      note: writeBack === undefined ? "" : "→ write-back",
      facts: isDocument(action) ? `${replaced ? `replaces number ${replaced} · ` : ""}${documentFacts(action, verbose)}` : ""
    }
  })
  const widest = (pick: (row: (typeof rows)[number]) => string): number => Math.max(0, ...rows.map((row) => visibleLength(pick(row))))
  const refWidth = widest((row) => row.ref)
  const amountWidth = widest((row) => row.amount)
  const currencyWidth = widest((row) => row.currency)
  const noteWidth = widest((row) => row.note)
  const fixed = LEAD_WIDTH + refWidth + 2 + 2 + amountWidth + 1 + currencyWidth + (noteWidth > 0 ? noteWidth + 2 : 0)
  const subjectWidth = style.width === undefined
    ? widest((row) => row.subject)
    : Math.max(10, Math.min(widest((row) => row.subject), style.width - fixed))
  const out: Array<string> = []
  for (const row of rows) {
    const money = `${padStart(row.amount, amountWidth)} ${padEnd(row.currency, currencyWidth)}`
    const note = noteWidth > 0 ? `  ${padEnd(row.note, noteWidth)}` : ""
    const inline = style.width === undefined || fixed + subjectWidth + 2 + visibleLength(row.facts) <= style.width
    const facts = inline && row.facts ? `  ${row.facts}` : ""
    const line = `${padEnd(row.ref, refWidth)}  ${padEnd(truncate(row.subject, subjectWidth), subjectWidth)}  ${money}${note}${facts}`.trimEnd()
    out.push(lead(row.action, style) + truncate(line, style.width === undefined ? undefined : style.width - LEAD_WIDTH))
    if (!inline && row.facts) out.push(truncate(DETAIL + row.facts, style.width))
    if (isDocument(row.action) && verbose) out.push(...verboseDocumentLines(row.action).map((detail) => DETAIL + detail))
    if (row.action.type === "duplicate.remove" || (verbose && !isDocument(row.action))) out.push(...wrap(row.action.summary, style.width, DETAIL, DETAIL))
  }
  return out
}

/** Any other entry: its sentence, then what it changes. */
const otherEntry = (action: PlanAction, style: Terminal, verbose: boolean): Array<string> => {
  const out = proseEntry(action, action.summary, style)
  const detail = (text: string) => out.push(...wrap(text, style.width, DETAIL, `${DETAIL}  `))
  switch (action.type) {
    case "invoice.reject":
      for (const reason of action.reasons) detail(`- ${reason}`)
      for (const change of fieldChanges(action)) detail(`writes the error marker: ${change.field} ${change.before} → ${change.after}`)
      break
    case "autotask.writeback":
      for (const change of fieldChanges(action)) detail(`${change.field}: ${change.before} → ${change.after}`)
      break
    case "autotask.paid":
      // The sentence already says the date; the field only with --verbose.
      if (verbose) for (const change of fieldChanges(action)) detail(`${change.field}: ${change.before} → ${change.after}`)
      break
    case "item.create":
    case "customer.create":
      if (verbose) for (const [field, value] of Object.entries(action.payload as Record<string, unknown>)) detail(`${field}: ${displayValue(value)}`)
      break
    default:
      break
  }
  return out
}

/** "Totals (USD)" blocks: what apply books, takes back and refuses; per customer with --verbose. */
const totalsBlock = (plan: Plan, style: Terminal, verbose: boolean): Array<string> => {
  const out: Array<string> = []
  const customers = verbose ? customerTotals(plan.actions, plan.currency) : []
  for (const totals of totalsOf(plan)) {
    const rows = totalRows(totals)
    const countWidth = Math.max(...rows.map((row) => String(row.count).length))
    const whatWidth = Math.max(...rows.map((row) => row.what.length))
    const amountWidth = Math.max(...rows.map((row) => row.amount.length))
    out.push("", paint.bold(style.color, `Totals (${totals.currency})`))
    for (const row of rows) {
      out.push(`  ${paintSymbol(style.color, row.symbol)} ${padStart(String(row.count), countWidth)} ${padEnd(row.what, whatWidth)}  ${padStart(row.amount, amountWidth)}`)
    }
    const mine = customers.filter((customer) => customer.currency === totals.currency)
    if (mine.length > 0) {
      const amounts = mine.map((customer) => Money.formatMoney(Money.decimal(customer.net)))
      const amountColumn = Math.max(...amounts.map((amount) => amount.length))
      const nameWidth = Math.min(Math.max(...mine.map((customer) => visibleLength(customer.customer))), style.width === undefined ? Infinity : Math.max(10, style.width - 4 - 15 - amountColumn))
      out.push("  by customer:")
      mine.forEach((customer, index) => {
        const documents = `${customer.documents} document${customer.documents === 1 ? "" : "s"}`
        out.push(`    ${padEnd(truncate(customer.customer, nameWidth), nameWidth)}  ${padEnd(documents, 12)} ${padStart(amounts[index]!, amountColumn)}`)
      })
    }
  }
  return out
}

const warningsBlock = (plan: Plan, style: Terminal): Array<string> => {
  if (plan.warnings.length === 0) return []
  const out = ["", paint.bold(style.color, `Warnings (${plan.warnings.length})`)]
  for (const group of groupWarnings(plan.warnings)) {
    const lines = wrap(`${group.message} [${group.code}]`, style.width, "  ⚠ ", "    ")
    out.push(`  ${paintSymbol(style.color, "⚠")}${lines[0]!.slice(3)}`, ...lines.slice(1))
    if (group.invoiceIds.length > 0) out.push(...wrap(idsText(group.invoiceIds), style.width, DETAIL, DETAIL))
    for (const difference of group.differences) out.push(truncate(DETAIL + differenceText(difference), style.width))
  }
  return out
}

export const renderText = (plan: Plan, options: TextOptions): string => {
  const style = options.terminal ?? PLAIN
  const out: Array<string> = []
  out.push(...wrap(`atqbo plan · ${companiesLine(plan)} · ${windowLine(plan)}`, style.width, "", "  "))
  out.push(`${plan.summary.invoicesRead} Autotask invoice${plan.summary.invoicesRead === 1 ? "" : "s"} read, ${plan.summary.invoicesInSync} already in sync.`)
  if (plan.overLimits.length > 0) {
    out.push("", paint.red(style.color, `${LIMITS_TITLE} (${plan.overLimits.length})`))
    for (const violation of plan.overLimits) out.push(...wrap(limitViolationText(violation), style.width, "  ⛔ ", "     "))
    out.push(...wrap(`${LIMITS_HINT}.`, style.width, "  ", "  "))
  }
  out.push(...totalsBlock(plan, style, options.verbose))
  // With several QBO companies, one block per connection (and one for unroutable invoices).
  const listed = listedActions(plan.actions)
  const groups = plan.connections
    ? [
      ...plan.connections.map((connection) => ({
        title: `Connection ${connection.name} · QBO company ${connection.realmId}`,
        actions: listed.filter((action) => action.connection === connection.name)
      })),
      { title: "Not routed to any QBO company", actions: listed.filter((action) => !plan.connections!.some((c) => c.name === action.connection)) }
    ].filter((group) => group.actions.length > 0)
    : [{ title: undefined, actions: listed }]
  for (const group of groups) {
    if (group.title) out.push("", paint.bold(style.color, `== ${group.title} ==`))
    for (const section of SECTIONS) {
      const actions = group.actions.filter((action) => section.types.includes(action.type))
      if (actions.length === 0) continue
      out.push("", paint.bold(style.color, `${section.title} (${actions.length})`))
      const documents = actions.filter((action) => isDocument(action) || action.type === "invoice.void" || action.type === "duplicate.remove")
      if (documents.length > 0) out.push(...documentRows(documents, plan, style, options.verbose))
      for (const action of actions.filter((action) => !documents.includes(action))) out.push(...otherEntry(action, style, options.verbose))
    }
  }
  out.push(...warningsBlock(plan, style))
  if (plan.actions.length === 0) out.push("", "No changes. QBO and Autotask match the configuration for this window.")
  out.push("", ...wrap(summaryLine(plan), style.width, "", "  "))
  return `${out.join("\n")}\n`
}
