/** Intuit endpoints (reference §1.1, §9). The simulator serves the same paths on loopback. */

export const QBO_API_BASE_PRODUCTION = "https://quickbooks.api.intuit.com"
export const QBO_API_BASE_SANDBOX = "https://sandbox-quickbooks.api.intuit.com"
export const QBO_TOKEN_URL = "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer"
export const QBO_AUTHORIZE_URL = "https://appcenter.intuit.com/connect/oauth2"
export const QBO_REVOKE_URL = "https://developer.api.intuit.com/v2/oauth2/tokens/revoke"
export const QBO_DISCOVERY_URL_PRODUCTION = "https://developer.api.intuit.com/.well-known/openid_configuration"
export const QBO_DISCOVERY_URL_SANDBOX = "https://developer.api.intuit.com/.well-known/openid_sandbox_configuration"
export const QBO_ACCOUNTING_SCOPE = "com.intuit.quickbooks.accounting"

export type QboEnvironment = "production" | "sandbox"

export const apiBaseUrlFor = (environment: QboEnvironment): string =>
  environment === "production" ? QBO_API_BASE_PRODUCTION : QBO_API_BASE_SANDBOX

export const DEFAULT_TOKEN_STORE_PATH = ".atqbo/qbo-token.json"
export const DEFAULT_CLIENT_ID_ENV = "QBO_CLIENT_ID"
export const DEFAULT_CLIENT_SECRET_ENV = "QBO_CLIENT_SECRET"
export const DEFAULT_REFRESH_TOKEN_ENV = "QBO_REFRESH_TOKEN"
