/**
 * Environment variables the onboarding commands read, with the same overrides `connect.ts`
 * honours, so `doctor` and `auth qbo` look where `plan` and `apply` will look.
 */
import { basename, join } from "node:path"
import type { Config, QboConnection } from "../config/types.ts"
import { targetsOf } from "../reconcile/targets.ts"
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

/**
 * Where a company's QBO token store is: `ATQBO_QBO_TOKEN_STORE`, else the connection's
 * `tokenStore`. An override ending in "/" is a directory of stores, one per company
 * (`<dir>/<realmId>.json`; the connection's own file name while the company is not known yet),
 * so several connections never share one store; `atqbo sandbox` prints such a directory.
 */
export const tokenStorePath = (qbo: QboConnection, realmId: string | undefined): string => {
  const override = envValue(ENV_OVERRIDES.qboTokenStore)
  if (override === undefined) return qbo.tokenStore
  if (!/[/\\]$/.test(override)) return override
  return join(override, realmId === undefined ? basename(qbo.tokenStore) : `${realmId}.json`)
}

export const qboTokenUrl = (): string => envValue(ENV_OVERRIDES.qboTokenUrl) ?? QBO_TOKEN_URL

export const qboAuthorizeUrl = (): string => envValue(ENV_OVERRIDES.qboAuthorizeUrl) ?? QBO_AUTHORIZE_URL

export const qboApiBaseUrl = (config: Config): string => envValue(ENV_OVERRIDES.qboApiUrl) ?? apiBaseUrlFor(config.qbo.environment)

/** The QBO company: `qbo.realmId`, else the variable named by `qbo.realmIdEnv` (as `connect.ts`). */
export const configuredRealmId = (config: Config): string | undefined => config.qbo.realmId ?? envValue(config.qbo.realmIdEnv)

/** Every QBO company of the configuration: the connections', else the single one. */
export const companiesOf = (config: Config): ReadonlyArray<QboConnection> => targetsOf(config).map((target) => target.config.qbo)

/**
 * The variables a live run needs that are unset or blank, each once, in the order atqbo.yaml
 * names them. A company whose token store exists (`hasStore`) needs no refresh token, nor a
 * realm id variable: `atqbo auth qbo` stored both there.
 */
export const missingVariables = (config: Config, hasStore: (qbo: QboConnection) => boolean): ReadonlyArray<string> => {
  const { autotask } = config
  const needed = [autotask.usernameEnv, autotask.secretEnv, autotask.integrationCodeEnv]
  for (const qbo of companiesOf(config)) {
    needed.push(qbo.clientIdEnv, qbo.clientSecretEnv)
    const stored = hasStore(qbo)
    if (qbo.realmId === undefined && !stored) needed.push(qbo.realmIdEnv)
    if (!stored) needed.push(qbo.refreshTokenEnv)
  }
  return [...new Set(needed)].filter((name) => envValue(name) === undefined)
}

/** The sentence for unset variables, shared by `plan`/`apply` and `doctor`. */
export const missingVariablesFix = (missing: ReadonlyArray<string>, config: Config): string => {
  const qboOnes = companiesOf(config).flatMap((qbo) => [qbo.refreshTokenEnv, qbo.realmIdEnv])
  return `Set ${missing.length === 1 ? "it" : "them"} in the environment (in CI, as repository secrets) or change the names in atqbo.yaml` +
    (missing.some((name) => qboOnes.includes(name)) ? "; `atqbo auth qbo` gets the QBO refresh token and prints the realm id" : "") +
    ". Try atqbo without credentials with --sandbox."
}
