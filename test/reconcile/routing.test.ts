import { assert, describe, it } from "@effect/vitest"
import type { ConnectionRoute } from "../../src/config/types.ts"
import { type RoutedConnection, routeCompany, routingProblem } from "../../src/reconcile/routing.ts"
import { company } from "../support/fixtures.ts"

const route = (extra: Partial<ConnectionRoute>): ConnectionRoute => ({
  companyIds: undefined,
  classifications: undefined,
  countries: undefined,
  udf: undefined,
  source: undefined,
  ...extra
})

const connections: ReadonlyArray<RoutedConnection> = [
  { name: "us", isDefault: true, routes: [route({ companyIds: [1, 2] })] },
  { name: "canada", isDefault: false, routes: [route({ countries: [39] }), route({ udf: { name: "Billing Entity", values: ["CA"] } })] },
  { name: "uk-managed", isDefault: false, routes: [route({ countries: [225], classifications: [7] })] }
]

describe("routing", () => {
  it.each([
    ["by company id", company(1, "A", { countryID: 237 }), { kind: "routed", connection: "us", byDefault: false }],
    ["by country", company(5, "B", { countryID: 39 }), { kind: "routed", connection: "canada", byDefault: false }],
    ["by user-defined field, case-insensitive", company(6, "C", { userDefinedFields: [{ name: "billing entity", value: "ca" }] }), { kind: "routed", connection: "canada", byDefault: false }],
    ["all conditions of a route must hold", company(7, "D", { countryID: 225, classification: 3 }), { kind: "routed", connection: "us", byDefault: true }],
    ["country and classification together", company(8, "E", { countryID: 225, classification: 7 }), { kind: "routed", connection: "uk-managed", byDefault: false }],
    ["the default takes the rest", company(9, "F", { countryID: 237 }), { kind: "routed", connection: "us", byDefault: true }],
    ["two matching connections are ambiguous", company(2, "G", { countryID: 39 }), { kind: "ambiguous", connections: ["us", "canada"] }]
  ] as const)("%s", (_, subject, expected) => {
    assert.deepStrictEqual(routeCompany(subject, connections), expected)
  })

  it("without a default, an unmatched company is an error naming it", () => {
    const routing = routeCompany(company(9, "Initech"), connections.slice(1))
    assert.deepStrictEqual(routing, { kind: "unrouted" })
    assert.match(routingProblem(company(9, "Initech"), routing)!, /company "Initech" \(id 9\) matches no connection's route and no connection is the default/)
    assert.match(routingProblem(company(2, "Globex"), { kind: "ambiguous", connections: ["us", "canada"] })!, /matches the routes of several connections \(us, canada\)/)
  })
})
