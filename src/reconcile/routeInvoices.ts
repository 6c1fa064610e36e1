/**
 * Routing several QBO companies (Effect): Autotask's invoices and their companies are read once
 * and divided between the connections, each of which then observes only its own. An invoice
 * no connection (or several) would take becomes a rejection, never a guess.
 */
import { Effect } from "effect"
import { AutotaskReader } from "../autotask/AutotaskClient.ts"
import type { AtCompany, AtCurrency, AtInvoice } from "../autotask/model.ts"
import type { Config } from "../config/types.ts"
import type { PlanAction } from "../domain/plan.ts"
import { routingRejection } from "./connections.ts"
import { autotaskCurrencyFacts, displayCurrency } from "./currency.ts"
import { type Preread, readCurrencies, readInvoices } from "./observe.ts"
import { type RoutedConnection, routeCompany, routingProblem } from "./routing.ts"
import type { Window } from "./snapshot.ts"

interface Unrouted {
  readonly invoice: AtInvoice
  readonly company: AtCompany | undefined
  readonly problem: string
}

export interface RoutedInvoices {
  /** What each connection observes instead of reading Autotask's invoices again. */
  readonly preread: ReadonlyMap<string, Preread>
  readonly unrouted: ReadonlyArray<Unrouted>
  /** Autotask's currencies, read only when an unrouted invoice's company names one. */
  readonly currencies: ReadonlyArray<AtCurrency>
}

export const routeInvoices = Effect.fn("routeInvoices")(function*(config: Config, connections: ReadonlyArray<RoutedConnection>, window: Window) {
  const autotask = yield* AutotaskReader
  const invoices = yield* readInvoices(config, window)
  const companies = yield* autotask.queryIn<AtCompany>("Companies", "id", [...new Set(invoices.map((invoice) => invoice.companyID))])
  const companyById = new Map(companies.map((company) => [company.id, company]))
  const routed = new Map<string, Array<AtInvoice>>(connections.map((connection) => [connection.name, []]))
  const unrouted: Array<Unrouted> = []
  for (const invoice of invoices) {
    const company = companyById.get(invoice.companyID)
    const routing = company ? routeCompany(company, connections) : undefined
    const problem = company && routing ? routingProblem(company, routing) : `Autotask company ${invoice.companyID} could not be read`
    if (problem !== undefined || routing?.kind !== "routed") {
      unrouted.push({ invoice, company, problem: problem ?? "not routed" })
      continue
    }
    routed.get(routing.connection)!.push(invoice)
  }
  const currencies = yield* readCurrencies(unrouted.flatMap(({ company }) => (company ? [company] : [])))
  const preread = new Map([...routed].map(([name, own]): [string, Preread] => [name, { invoices: own, companies }]))
  return { preread, unrouted, currencies } satisfies RoutedInvoices
})

/**
 * The rejections of the invoices no connection takes. Their totals are in the company's
 * Autotask currency, as every other rejection's; `home` (the plan's currency) when it has none.
 */
export const unroutedRejections = (routed: RoutedInvoices, home: string): Array<PlanAction> => {
  const currencies = { ...autotaskCurrencyFacts(routed.currencies), qbo: { currency: home } }
  return routed.unrouted.map(({ invoice, company, problem }) => routingRejection(invoice, company, problem, displayCurrency(company, currencies)))
}
