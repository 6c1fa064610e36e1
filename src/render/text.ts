/**
 * Terraform-like text plan for people: `+ ~ - !` symbols, deterministic order, money
 * formatted, only what changes unless `verbose`, one summary line at the end.
 */
import { limitViolationText, type Plan, type PlanAction } from "../domain/plan.ts"
import { companiesLine, differenceText, displayValue, fieldChanges, LABEL, LIMITS_HINT, LIMITS_TITLE, SECTIONS, summaryLine, SYMBOL, termsAndDue, windowLine } from "./summary.ts"

export interface TextOptions {
  readonly verbose: boolean
}

const pad = (text: string, width: number): string => (text.length >= width ? text : text + " ".repeat(width - text.length))

const headline = (action: PlanAction, currency: string): string => {
  const d = action.display
  switch (action.type) {
    case "item.create":
    case "customer.create":
      return `${action.summary}`
    case "invoice.create":
    case "creditmemo.create": {
      const source = action.name ? `Autotask ${action.name} (id ${action.autotaskInvoiceId})` : `Autotask id ${action.autotaskInvoiceId}`
      return `${pad(source, 34)} → ${pad(`"${d.customer ?? ""}"`, 34)} ${d.total ?? ""} ${d.currency ?? currency}`
    }
    case "invoice.void":
    case "duplicate.remove":
      return `${action.summary}  ${d.total ?? ""} ${d.currency ?? currency}`
    default:
      return action.summary
  }
}

const detailLines = (action: PlanAction, options: TextOptions): Array<string> => {
  const out: Array<string> = []
  const d = action.display
  switch (action.type) {
    case "invoice.reject":
      for (const reason of action.reasons) out.push(`- ${reason}`)
      for (const change of fieldChanges(action)) out.push(`writes the error marker: ${change.field} ${change.before} → ${change.after}`)
      break
    case "invoice.create":
    case "creditmemo.create": {
      const payload = action.payload as Record<string, unknown>
      const facts = [
        `DocNumber ${d.docNumber ?? "(assigned by QBO)"}`,
        `date ${String(payload.TxnDate ?? "")}`,
        action.type === "invoice.create" ? termsAndDue(action) : undefined,
        payload.ClassRef ? `class ${(payload.ClassRef as { name?: string }).name ?? ""}` : undefined,
        `${d.lines?.length ?? 0} line${d.lines?.length === 1 ? "" : "s"}`
      ].filter((fact) => fact !== undefined)
      out.push(facts.join(" · "))
      if (options.verbose) {
        for (const line of d.lines ?? []) {
          const extras = [line.class ? `class ${line.class}` : undefined, line.taxCode, line.serviceDate].filter(Boolean).join(", ")
          out.push(`  ${pad(line.item, 28)} ${pad(line.qty, 8)} × ${pad(line.rate, 10)} = ${pad(line.amount, 12)} ${line.description}${extras ? ` [${extras}]` : ""}`)
        }
        if (payload.CustomerMemo) out.push(`memo: ${displayValue((payload.CustomerMemo as { value: string }).value)}`)
        if (payload.BillEmail) out.push(`bill e-mail: ${(payload.BillEmail as { Address: string }).Address}`)
      }
      break
    }
    case "autotask.writeback":
    case "autotask.paid":
      for (const change of fieldChanges(action)) out.push(`${change.field}: ${change.before} → ${change.after}`)
      break
    case "item.create":
    case "customer.create":
      if (options.verbose) {
        for (const [field, value] of Object.entries(action.payload as Record<string, unknown>)) {
          out.push(`${field}: ${displayValue(value)}`)
        }
      }
      break
    default:
      break
  }
  return out
}

export const renderText = (plan: Plan, options: TextOptions): string => {
  const out: Array<string> = []
  out.push(`atqbo plan · ${companiesLine(plan)} · ${windowLine(plan)}`)
  out.push(`${plan.summary.invoicesRead} Autotask invoice${plan.summary.invoicesRead === 1 ? "" : "s"} read, ${plan.summary.invoicesInSync} already in sync.`)
  if (plan.overLimits.length > 0) {
    out.push("", `${LIMITS_TITLE} (${plan.overLimits.length})`)
    for (const violation of plan.overLimits) out.push(`  ⛔ ${limitViolationText(violation)}`)
    out.push(`  ${LIMITS_HINT}.`)
  }
  // With several QBO companies, one block per connection (and one for unroutable invoices).
  const groups = plan.connections
    ? [
      ...plan.connections.map((connection) => ({
        title: `Connection ${connection.name} · QBO company ${connection.realmId}`,
        actions: plan.actions.filter((action) => action.connection === connection.name)
      })),
      { title: "Not routed to any QBO company", actions: plan.actions.filter((action) => !plan.connections!.some((c) => c.name === action.connection)) }
    ].filter((group) => group.actions.length > 0)
    : [{ title: undefined, actions: plan.actions }]
  for (const group of groups) {
    if (group.title) out.push("", `== ${group.title} ==`)
    for (const section of SECTIONS) {
      const actions = group.actions.filter((action) => section.types.includes(action.type))
      if (actions.length === 0) continue
      out.push("", `${section.title} (${actions.length})`)
      for (const action of actions) {
        out.push(`  ${SYMBOL[action.type]} ${pad(LABEL[action.type], 11)} ${headline(action, plan.currency)}`)
        for (const detail of detailLines(action, options)) out.push(`      ${detail}`)
      }
    }
  }
  if (plan.warnings.length > 0) {
    out.push("", `Warnings (${plan.warnings.length})`)
    for (const warning of plan.warnings) {
      out.push(`  ⚠ ${warning.message} [${warning.code}]`)
      for (const difference of warning.differences ?? []) {
        out.push(`      ${differenceText(difference)}`)
      }
    }
  }
  if (plan.actions.length === 0) out.push("", "No changes. QBO and Autotask match the configuration for this window.")
  out.push("", summaryLine(plan))
  return `${out.join("\n")}\n`
}
