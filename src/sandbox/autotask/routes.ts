/**
 * URL → route. Paths are `/{zonePrefix}/ATServicesRest/V1.0/{Entity}/…` with any casing of
 * `atservicesrest`, `v1.0`, entity names and sub-resources (ASP.NET routing is
 * case-insensitive). The zone prefix is empty for the first zone and `zoneN` after a zone
 * move, which lets one port stand in for several Autotask hosts.
 */
import type { AtEntityName } from "../../autotask/model.ts"
import { entityFromPath } from "./entities.ts"

export type Route =
  | { readonly kind: "version" }
  | { readonly kind: "zoneInformation" }
  | { readonly kind: "threshold" }
  | { readonly kind: "query"; readonly entity: AtEntityName; readonly sub: "query" | "count" | "next" }
  | { readonly kind: "get"; readonly entity: AtEntityName; readonly id: number }
  | { readonly kind: "write"; readonly entity: AtEntityName }
  | { readonly kind: "entityInformation"; readonly entity: AtEntityName; readonly sub: "info" | "fields" | "udfs" }
  | { readonly kind: "notFound" }

export interface ResolvedRoute {
  readonly route: Route
  /** Segments before `ATServicesRest`, joined with `/`; undefined when the path has none. */
  readonly zonePrefix: string | undefined
  /** Counting key, e.g. `POST Invoices/query`. */
  readonly endpoint: string
  readonly entity: string | undefined
}

const endpointOf = (method: string, route: Route): string => {
  switch (route.kind) {
    case "version":
      return `${method} versionInformation`
    case "zoneInformation":
      return `${method} zoneInformation`
    case "threshold":
      return `${method} ThresholdInformation`
    case "query":
      return `${method} ${route.entity}/${route.sub === "query" ? "query" : `query/${route.sub}`}`
    case "get":
      return `${method} ${route.entity}/{id}`
    case "write":
      return `${method} ${route.entity}`
    case "entityInformation":
      return `${method} ${route.entity}/entityInformation${
        route.sub === "fields" ? "/fields" : route.sub === "udfs" ? "/userDefinedFields" : ""
      }`
    case "notFound":
      return `${method} (unknown route)`
  }
}

const entityRoute = (entity: AtEntityName, rest: ReadonlyArray<string>): Route => {
  const [first, second, ...more] = rest.map((segment) => segment.toLowerCase())
  if (more.length > 0) return { kind: "notFound" }
  if (first === undefined) return { kind: "write", entity }
  if (first === "query") {
    if (second === undefined) return { kind: "query", entity, sub: "query" }
    if (second === "count") return { kind: "query", entity, sub: "count" }
    if (second === "next") return { kind: "query", entity, sub: "next" }
    return { kind: "notFound" }
  }
  if (first === "entityinformation") {
    if (second === undefined) return { kind: "entityInformation", entity, sub: "info" }
    if (second === "fields") return { kind: "entityInformation", entity, sub: "fields" }
    if (second === "userdefinedfields") return { kind: "entityInformation", entity, sub: "udfs" }
    return { kind: "notFound" }
  }
  if (second === undefined && /^\d+$/.test(first)) return { kind: "get", entity, id: Number(first) }
  return { kind: "notFound" }
}

export const resolveRoute = (method: string, pathname: string): ResolvedRoute => {
  const segments = pathname.split("/").filter((segment) => segment !== "").map((segment) => {
    try {
      return decodeURIComponent(segment)
    } catch {
      return segment
    }
  })
  const rootIndex = segments.findIndex((segment) => segment.toLowerCase() === "atservicesrest")
  const zonePrefix = rootIndex === -1 ? undefined : segments.slice(0, rootIndex).join("/")
  const after = rootIndex === -1 ? [] : segments.slice(rootIndex + 1)
  let route: Route = { kind: "notFound" }
  let entity: string | undefined
  if (after.length === 1 && after[0]?.toLowerCase() === "versioninformation") {
    route = { kind: "version" }
  } else if (after[0]?.toLowerCase() === "v1.0" && after.length >= 2) {
    const [, resource = "", ...rest] = after
    const lower = resource.toLowerCase()
    if (lower === "zoneinformation" && rest.length === 0) route = { kind: "zoneInformation" }
    else if (lower === "thresholdinformation" && rest.length === 0) route = { kind: "threshold" }
    else {
      const known = entityFromPath(resource)
      if (known !== undefined) {
        entity = known
        route = entityRoute(known, rest)
      }
    }
  }
  if (route.kind === "threshold") entity = "ThresholdInformation"
  return { route, zonePrefix, endpoint: endpointOf(method, route), entity }
}
