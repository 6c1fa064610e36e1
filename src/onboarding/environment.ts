/**
 * Environment variables the onboarding commands read, with the same overrides `connect.ts`
 * honours, so `doctor` and `auth qbo` look where `plan` and `apply` will look.
 */
import type { Config } from "../config/types.ts"
import { QBO_AUTHORIZE_URL, QBO_TOKEN_URL, apiBaseUrlFor } from "../qbo/auth/endpoints.ts"

/** A variable's trimmed value; unset and blank are the same. */
export const envValue = (name: string): string | undefined => {
  const value = process.env[name]?.trim()
  return value === undefined || value === "" ? undefined : value
}

export const ENV_OVERRIDES = {
  autotaskDiscoveryUrl: "ATQBO_AUTOTASK_DISCOVERY_URL",
  qboApiUrl: "ATQBO_QBO_API_URL",
  qboTokenUrl: "ATQBO_QBO_TOKEN_URL",
  qboAuthorizeUrl: "ATQBO_QBO_AUTHORIZE_URL",
  qboTokenStore: "ATQBO_QBO_TOKEN_STORE"
} as const

/** Where the QBO token store is: `ATQBO_QBO_TOKEN_STORE`, else `qbo.tokenStore`. */
export const tokenStorePath = (config: Config): string => envValue(ENV_OVERRIDES.qboTokenStore) ?? config.qbo.tokenStore

export const qboTokenUrl = (): string => envValue(ENV_OVERRIDES.qboTokenUrl) ?? QBO_TOKEN_URL

export const qboAuthorizeUrl = (): string => envValue(ENV_OVERRIDES.qboAuthorizeUrl) ?? QBO_AUTHORIZE_URL

export const qboApiBaseUrl = (config: Config): string => envValue(ENV_OVERRIDES.qboApiUrl) ?? apiBaseUrlFor(config.qbo.environment)

/** The QBO company: `qbo.realmId`, else the variable named by `qbo.realmIdEnv` (as `connect.ts`). */
export const configuredRealmId = (config: Config): string | undefined => config.qbo.realmId ?? envValue(config.qbo.realmIdEnv)
