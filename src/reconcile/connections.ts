/**
 * A plan's parts (pure): per-company plans become one plan with one checksum — every address
 * of a connection prefixed `name/` so actions of different companies never collide — and a
 * plan splits back into its parts for apply. The implicit target of a single-company
 * configuration is a part too: its plan is the whole plan, unprefixed.
 */
import type { NonEmptyReadonlyArray } from "effect/Array"
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


/** One QBO company's plan: `name` is its connection, `undefined` for the implicit target. */
export interface Part {
  readonly name: string | undefined
  readonly plan: Plan
}

interface ConnectionPart extends Part {
  readonly name: string
}

const isConnectionPart = (part: Part): part is ConnectionPart => part.name !== undefined

/**
 * One plan over every QBO company: sections in configuration order, one checksum over all.
 * The implicit target's plan is returned as it is, so a single-company plan stays what it was.
 */
export const combinePlans = (parts: NonEmptyReadonlyArray<Part>, unrouted: ReadonlyArray<PlanAction>): Plan => {
  const connectionParts = parts.filter(isConnectionPart)
  if (connectionParts.length === 0) return parts[0].plan
  return combineConnections(connectionParts, unrouted)
}

const combineConnections = (parts: ReadonlyArray<ConnectionPart>, unrouted: ReadonlyArray<PlanAction>): Plan => {
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

/** The inverse of `combinePlans`: each QBO company's part, as a plan `apply` executes with that company's client. */
export const partsOf = (plan: Plan): ReadonlyArray<Part> =>
  plan.connections ? plan.connections.map((connection) => ({ name: connection.name, plan: connectionPlan(plan, connection.name) })) : [{ name: undefined, plan }]

/** The rejections of invoices no connection takes (a single-company plan has none). */
export const unroutedActions = (plan: Plan): ReadonlyArray<PlanAction> => plan.actions.filter((action) => action.connection === UNROUTED)

/** The actions of one connection of a combined plan. */
const connectionPlan = (plan: Plan, name: string): Plan => {
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
