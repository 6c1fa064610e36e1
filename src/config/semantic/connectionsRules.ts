/**
 * Semantic rules for atqbo.yaml `connections` (several QBO companies): names unique, at most
 * one default, every connection reachable, company ids routed to one connection only, and
 * each company with its own realm, refresh token and token store.
 */
import type { ConfigProblem } from "../problems.ts"
import type { YamlSource } from "../yamlSource.ts"
import { asArray, asInteger, asRecord, asString, code, recordAt, reporter } from "./context.ts"

const QBO_DEFAULTS = { refreshTokenEnv: "QBO_REFRESH_TOKEN", tokenStore: ".atqbo/qbo-token.json" } as const

export const connectionsRules = (source: YamlSource): ReadonlyArray<ConfigProblem> => {
  const report = reporter(source)
  const problems: Array<ConfigProblem> = []
  const connections = asArray(asRecord(source.data)?.["connections"])
  if (connections.length === 0) return problems
  const shared = recordAt(source.data, "qbo") ?? {}

  const names = new Map<string, number>()
  const realms = new Map<string, number>()
  const stores = new Map<string, number>()
  const refreshTokens = new Map<string, number>()
  const companyOwner = new Map<number, number>()
  let defaultAt: number | undefined

  connections.forEach((raw, index) => {
    const connection = asRecord(raw)
    if (connection === undefined) return
    const name = asString(connection["name"])
    const label = name === undefined ? `connection ${index + 1}` : `connection ${code(name)}`
    if (name !== undefined) {
      const first = names.get(name)
      if (first !== undefined) {
        problems.push(report(["connections", index, "name"], "value", "error", `Connection name ${code(name)} is used twice (first on line ${report.lineOf(["connections", first, "name"])}).`, "Give every connection its own name."))
      } else names.set(name, index)
    }

    if (connection["default"] === true) {
      if (defaultAt !== undefined) {
        problems.push(report(["connections", index, "default"], "value", "error", `Only one connection can be the default; ${label} and the one on line ${report.lineOf(["connections", defaultAt, "default"])} both are.`, "Keep `default: true` on one connection and route the others' companies explicitly."))
      } else defaultAt = index
    }

    const routes = asArray(connection["routes"])
    if (routes.length === 0 && connection["default"] !== true) {
      problems.push(report(["connections", index], "key", "error", `${label} has no routes and is not the default, so no invoice would ever be booked there.`, "Add `routes:` (company ids, classifications, countries or a user-defined field) or `default: true`."))
    }
    routes.forEach((rawRoute, routeIndex) => {
      const route = asRecord(rawRoute)
      if (route === undefined) return
      // Routes that list only company ids make overlaps certain; report them here, not at plan time.
      if (Object.keys(route).length !== 1) return
      asArray(route["companyIds"]).forEach((value, valueIndex) => {
        const id = asInteger(value)
        if (id === undefined) return
        const owner = companyOwner.get(id)
        if (owner !== undefined && owner !== index) {
          const other = asString(asRecord(connections[owner])?.["name"]) ?? String(owner + 1)
          problems.push(report(["connections", index, "routes", routeIndex, "companyIds", valueIndex], "value", "error", `Company ${id} is routed to both connection ${code(other)} and ${label}; every invoice must go to exactly one QBO company.`, "Remove the company id from one of the two connections."))
        } else companyOwner.set(id, index)
      })
    })

    const qbo = recordAt(connection, "qbo") ?? {}
    const realm = asString(qbo["realmId"])
    if (realm !== undefined) {
      const first = realms.get(realm)
      if (first !== undefined) problems.push(report(["connections", index, "qbo", "realmId"], "value", "error", `QBO company ${code(realm)} is the realm of two connections.`, "Each connection is a different QBO company; merge them or fix the realm id."))
      else realms.set(realm, index)
    }
    const unique = (key: "tokenStore" | "refreshTokenEnv", seen: Map<string, number>, what: string) => {
      const value = asString(qbo[key]) ?? asString(shared[key]) ?? QBO_DEFAULTS[key]
      const first = seen.get(value)
      if (first !== undefined) {
        const where = asString(qbo[key]) !== undefined ? ["connections", index, "qbo", key] : ["connections", index, "qbo"]
        problems.push(report(where, asString(qbo[key]) !== undefined ? "value" : "key", "error", `${label} shares the ${what} ${code(value)} with another connection; refresh tokens belong to one QBO company and rotate.`, `Set \`qbo.${key}\` on each connection.`))
      } else seen.set(value, index)
    }
    unique("tokenStore", stores, "token store")
    unique("refreshTokenEnv", refreshTokens, "refresh-token variable")
  })
  return problems
}
