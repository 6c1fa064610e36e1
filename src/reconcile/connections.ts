/**
 * Several QBO companies (pure): per-connection plans become one plan with one checksum —
 * every address prefixed `name/` so actions of different companies never collide — and a
 * combined plan splits back into per-connection plans for apply.
 */
import type { AtCompany, AtInvoice } from "../autotask/model.ts"
import * as Money from "../domain/money.ts"
import {
  type ActionTarget,
  countActions,
  isPayloadRef,
  type Json,
  type Plan,
  type PlanAction,
  type PlanWarning
} from "../domain/plan.ts"
import { planChecksum } from "../domain/checksum.ts"
import { planTotals } from "../domain/totals.ts"

export const UNROUTED = "(unrouted)"

const prefixed = (connection: string, address: string): string => `${connection}/${address}`

const prefixRefs = (value: Json, connection: string): Json => {
  if (isPayloadRef(value)) return { $ref: prefixed(connection, value.$ref), field: value.field }
  if (Array.isArray(value)) return value.map((entry) => prefixRefs(entry, connection))
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, entry]) => [key, prefixRefs(entry as Json, connection)]))
  }
  return value
}

const prefixTarget = (target: ActionTarget, connection: string): ActionTarget =>
  target.system === "qbo" && "id" in target
    ? {
      ...target,
      id: typeof target.id === "string" ? target.id : { $ref: prefixed(connection, target.id.$ref), field: target.id.field },
      syncToken: typeof target.syncToken === "string" ? target.syncToken : { $ref: prefixed(connection, target.syncToken.$ref), field: target.syncToken.field }
    }
    : target

export const prefixAction = (action: PlanAction, connection: string): PlanAction => ({
  ...action,
  connection,
  address: prefixed(connection, action.address),
  dependsOn: action.dependsOn.map((address) => prefixed(connection, address)),
  payload: prefixRefs(action.payload, connection),
  target: prefixTarget(action.target, connection)
})

/** A rejection for an invoice no connection (or several) would take. */
export const routingRejection = (invoice: AtInvoice, company: AtCompany | undefined, reason: string, currency: string): PlanAction => ({
  type: "invoice.reject",
  connection: UNROUTED,
  address: prefixed(UNROUTED, `reject:${invoice.id}`),
  autotaskInvoiceId: invoice.id,
  name: invoice.invoiceNumber && invoice.invoiceNumber.trim() !== "" ? invoice.invoiceNumber : undefined,
  summary: `Autotask invoice id ${invoice.id} for ${company?.companyName ?? `company ${invoice.companyID}`} cannot be routed to a QBO company`,
  target: { system: "none" },
  payload: null,
  before: undefined,
  dependsOn: [],
  reasons: [reason],
  display: { company: company?.companyName, total: Money.formatMoney(Money.fromApi(invoice.invoiceTotal)), currency }
})


export interface ConnectionPart {
  readonly name: string
  readonly plan: Plan
}

/** One plan over every connection: sections in configuration order, one checksum over all. */
export const combinePlans = (parts: ReadonlyArray<ConnectionPart>, unrouted: ReadonlyArray<PlanAction>): Plan => {
  const first = parts[0]!.plan
  const actions = [...parts.flatMap((part) => part.plan.actions.map((action) => prefixAction(action, part.name))), ...unrouted]
  const warnings: Array<PlanWarning> = parts.flatMap((part) =>
    part.plan.warnings.map((warning) => ({ ...warning, message: `[${part.name}] ${warning.message}` }))
  )
  const counts = countActions(actions)
  const invoicesRead = parts.reduce((sum, part) => sum + part.plan.summary.invoicesRead, 0) + unrouted.length
  return {
    ...first,
    checksum: planChecksum(actions),
    realmId: "multiple",
    connections: parts.map((part) => ({ name: part.name, realmId: part.plan.realmId, counts: part.plan.summary.counts })),
    summary: {
      counts,
      warnings: warnings.length,
      errors: counts["invoice.reject"],
      invoicesRead,
      invoicesInSync: parts.reduce((sum, part) => sum + part.plan.summary.invoicesInSync, 0),
      totals: planTotals(actions, first.currency)
    },
    actions,
    warnings,
    // Each connection has its own limits (buildPlan checked them with its configuration).
    overLimits: parts.flatMap((part) => part.plan.overLimits.map((violation) => ({ ...violation, connection: part.name })))
  }
}

/** The actions of one connection of a combined plan, as a plan `apply` can execute with that company's client. */
export const connectionPlan = (plan: Plan, name: string): Plan => {
  const connection = plan.connections?.find((entry) => entry.name === name)
  const actions = plan.actions.filter((action) => action.connection === name)
  const counts = countActions(actions)
  return {
    ...plan,
    realmId: connection?.realmId ?? plan.realmId,
    actions,
    summary: { ...plan.summary, counts, errors: counts["invoice.reject"] },
    overLimits: plan.overLimits.filter((violation) => violation.connection === name)
  }
}
