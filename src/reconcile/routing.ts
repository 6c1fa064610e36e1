/**
 * Routing (pure): which QBO company (connection) an Autotask invoice is booked in, by its
 * company. A connection's route matches when all conditions it lists hold; a connection may
 * list several routes (any one matching) and one connection may be the default for
 * companies no route matches. Two matching connections, or none without a default, is an
 * error that names the invoice's company — never a guess.
 */
import type { AtCompany } from "../autotask/model.ts"
import type { ConnectionRoute } from "../config/types.ts"
import { nameKey } from "./names.ts"

export interface RoutedConnection {
  readonly name: string
  readonly routes: ReadonlyArray<ConnectionRoute>
  readonly isDefault: boolean
}

export type Routing =
  | { readonly kind: "routed"; readonly connection: string; readonly byDefault: boolean }
  | { readonly kind: "ambiguous"; readonly connections: ReadonlyArray<string> }
  | { readonly kind: "unrouted" }

const udfValue = (company: AtCompany, name: string): string | undefined => {
  const field = (company.userDefinedFields ?? []).find((udf) => nameKey(udf.name) === nameKey(name))
  return field?.value ?? undefined
}

/** True when every condition the route lists holds for the company. */
export const routeMatches = (route: ConnectionRoute, company: AtCompany): boolean =>
  (route.companyIds === undefined || route.companyIds.includes(company.id)) &&
  (route.classifications === undefined || (company.classification !== null && company.classification !== undefined && route.classifications.includes(company.classification))) &&
  (route.countries === undefined || (company.countryID !== null && company.countryID !== undefined && route.countries.includes(company.countryID))) &&
  (route.udf === undefined || (() => {
    const value = udfValue(company, route.udf.name)
    return value !== undefined && route.udf.values.some((candidate) => nameKey(candidate) === nameKey(value))
  })())

export const routeCompany = (company: AtCompany, connections: ReadonlyArray<RoutedConnection>): Routing => {
  const matching = connections.filter((connection) => connection.routes.some((route) => routeMatches(route, company)))
  if (matching.length === 1) return { kind: "routed", connection: matching[0]!.name, byDefault: false }
  if (matching.length > 1) return { kind: "ambiguous", connections: matching.map((connection) => connection.name) }
  const fallback = connections.find((connection) => connection.isDefault)
  return fallback ? { kind: "routed", connection: fallback.name, byDefault: true } : { kind: "unrouted" }
}

/**
 * The companies whose invoices go to connection `name` (the onboarding commands judge or
 * propose a company only in the QBO company it is booked in). `undefined`: the single company.
 */
export const companiesRoutedTo = (name: string | undefined, connections: ReadonlyArray<RoutedConnection>, companies: ReadonlyArray<AtCompany>): ReadonlyArray<AtCompany> =>
  name === undefined ? companies : companies.filter((company) => {
    const routing = routeCompany(company, connections)
    return routing.kind === "routed" && routing.connection === name
  })

/** Why an invoice of this company cannot be routed, as a sentence. */
export const routingProblem = (company: AtCompany, routing: Routing): string | undefined => {
  switch (routing.kind) {
    case "routed":
      return undefined
    case "ambiguous":
      return `company "${company.companyName}" (id ${company.id}) matches the routes of several connections (${routing.connections.join(", ")}); make the routes in atqbo.yaml exclusive`
    case "unrouted":
      return `company "${company.companyName}" (id ${company.id}) matches no connection's route and no connection is the default; add it to a route or set default: true on one connection in atqbo.yaml`
  }
}
