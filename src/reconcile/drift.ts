/**
 * Drift (pure): how an already-synced QBO document differs from what the Autotask invoice
 * says now — total, customer, and line by line (aligned with `diff`, so one inserted or
 * removed line reads as that, not as every later line changed). Lines compare by item and
 * amount; descriptions and unit-price rounding are not drift.
 */
import { diffArrays } from "diff"
import type { AtInvoice } from "../autotask/model.ts"
import * as Money from "../domain/money.ts"
import type { FieldDifference } from "../domain/plan.ts"
import type { OwnedDocument, PlanContext } from "./context.ts"
import { displayCurrency, documentCurrency } from "./currency.ts"
import { desiredDocument } from "./desired.ts"
import { invoiceTotal } from "./labels.ts"

/** An amount with its currency once there can be several (multicurrency on); as before otherwise. */
const inCurrency = (amount: Money.Decimal, code: string, ctx: PlanContext): string =>
  ctx.qbo.multiCurrency ? `${Money.formatMoney(amount)} ${code}` : Money.formatMoney(amount)

const lineKey = (item: string, amount: Money.Decimal): string => `${item} ${Money.formatMoney(amount)}`

export const driftOf = (invoice: AtInvoice, owned: OwnedDocument, ctx: PlanContext): ReadonlyArray<FieldDifference> => {
  const differences: Array<FieldDifference> = []
  const autotaskTotal = Money.abs(invoiceTotal(invoice))
  const qboTotal = Money.fromApi(owned.doc.TotalAmt)
  const atCurrency = displayCurrency(ctx.companies.get(invoice.companyID), ctx)
  const qboCurrency = documentCurrency(owned.doc, ctx)
  if (!Money.equalsToCent(autotaskTotal, qboTotal) || atCurrency !== qboCurrency) {
    differences.push({ field: "TotalAmt", autotask: inCurrency(autotaskTotal, atCurrency, ctx), qbo: inCurrency(qboTotal, qboCurrency, ctx) })
  }
  if (atCurrency !== qboCurrency) differences.push({ field: "CurrencyRef", autotask: atCurrency, qbo: qboCurrency })
  // The rest needs what atqbo would create today; if the invoice could not be created now
  // (say a mapping changed), only the total is compared.
  const desired = desiredDocument(invoice, ctx)
  if (desired.kind !== "document") return differences
  const { document } = desired
  if (document.customer.kind === "existing" && document.customer.customer.Id !== owned.doc.CustomerRef.value) {
    const qboCustomer = ctx.snapshot.qbo.customers.find((customer) => customer.Id === owned.doc.CustomerRef.value)
    differences.push({ field: "CustomerRef", autotask: document.customer.customer.DisplayName, qbo: qboCustomer?.DisplayName ?? owned.doc.CustomerRef.name ?? owned.doc.CustomerRef.value })
  }
  const itemNames = new Map(ctx.snapshot.qbo.items.map((item) => [item.Id, item.Name]))
  const wanted = document.lines.map((line) => `${line.item} ${line.amount}`)
  const held = owned.doc.Line
    .filter((line) => line.DetailType === "SalesItemLineDetail")
    .map((line) => {
      const ref = line.SalesItemLineDetail?.ItemRef
      return lineKey(ref ? itemNames.get(ref.value) ?? ref.name ?? `item ${ref.value}` : "(no item)", Money.fromApi(line.Amount))
    })
  for (const change of diffArrays(wanted, held)) {
    if (!change.added && !change.removed) continue
    for (const line of change.value) {
      differences.push(change.removed ? { field: "Line", autotask: line, qbo: "(missing)" } : { field: "Line", autotask: "(missing)", qbo: line })
    }
  }
  return differences
}
