/**
 * Autotask zone discovery (reference §1): `GET …/atservicesrest/v1.0/zoneInformation?user=`
 * answers without credentials with the tenant's REST root (`…/ATServicesRest/`). Clients
 * cache it and look again once when a call answers 401, because a tenant can be moved.
 */
import type { AtZoneInfo } from "./model.ts"

/**
 * Accepts a bare host (`https://webservices.autotask.net`), a REST root
 * (`…/ATServicesRest/`), a versioned root (`…/V1.0`) or the full zoneInformation URL.
 */
export const zoneInformationUrl = (discoveryUrl: string, username: string): string | undefined => {
  let url: URL
  try {
    url = new URL(discoveryUrl)
  } catch {
    return undefined
  }
  const path = url.pathname.replace(/\/+$/, "")
  const lower = path.toLowerCase()
  url.pathname = lower.endsWith("/zoneinformation")
    ? path
    : lower.endsWith("/v1.0")
    ? `${path}/zoneInformation`
    : lower.endsWith("/atservicesrest")
    ? `${path}/V1.0/zoneInformation`
    : `${path}/atservicesrest/V1.0/zoneInformation`
  url.search = ""
  url.searchParams.set("user", username)
  return url.toString()
}

/** The REST root with exactly one trailing slash, so `${root}V1.0/…` is always right. */
export const normalizeZoneRoot = (url: string): string => `${url.replace(/\/+$/, "")}/`

/** A configured zone URL stands in for discovery. */
export const pinnedZone = (zoneUrl: string): AtZoneInfo => ({
  zoneName: "configured",
  url: normalizeZoneRoot(zoneUrl),
  webUrl: "",
  ci: 0
})

/** Validates a zoneInformation body; undefined when it is not the documented shape. */
export const parseZoneInfo = (body: unknown): AtZoneInfo | undefined => {
  if (typeof body !== "object" || body === null) return undefined
  const record = body as Record<string, unknown>
  const url = record["url"]
  if (typeof url !== "string" || !/^https?:\/\//i.test(url)) return undefined
  return {
    zoneName: typeof record["zoneName"] === "string" ? record["zoneName"] : "",
    url: normalizeZoneRoot(url),
    webUrl: typeof record["webUrl"] === "string" ? record["webUrl"] : "",
    ci: typeof record["ci"] === "number" ? record["ci"] : 0
  }
}
