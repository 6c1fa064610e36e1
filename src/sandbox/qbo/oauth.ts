/**
 * Intuit's OAuth 2.0 server, simulated: authorize (auto-consent redirect with code, state
 * and realmId), token endpoint (authorization_code and refresh_token grants, Basic or
 * form client authentication), revoke, the discovery document and what it advertises for
 * OpenID Connect: userinfo, the JWKS, and an RS256 `id_token` when `openid` was granted.
 *
 * Refresh tokens rotate as Intuit's do: within the rotation period (24 h) a refresh returns
 * the same refresh token; after it, a new one, and the old one fails `invalid_grant` from
 * then on. Lifetimes run on the simulator clock, so `timeScale` and `advanceTime` apply.
 */
import { type KeyObject, createSign, generateKeyPairSync, randomBytes, timingSafeEqual } from "node:crypto"
import type { JsonObject } from "./json.ts"
import type { QboSimTokens } from "./options.ts"
import type { SimClock } from "./time.ts"

export interface QboSandboxOAuth {
  readonly clientId: string
  readonly clientSecret: string
  /**
   * The refresh token each company starts with, by realm id. Like Intuit's, every token
   * belongs to the one company it was issued for. A realm not listed gets
   * `sandboxRefreshToken(realmId)`.
   */
  readonly refreshTokens?: Readonly<Record<string, string>>
}

/** The OAuth settings of a running simulator: a refresh token for every realm. */
export interface QboSandboxCredentials extends QboSandboxOAuth {
  readonly refreshTokens: Readonly<Record<string, string>>
}

export const DEFAULT_QBO_SANDBOX_OAUTH: QboSandboxOAuth = {
  clientId: "ABsandboxClientId0000000000000000000000000000000",
  clientSecret: "sandboxClientSecret000000000000000000000"
}

/** A company's fixed, public starting refresh token (stable across runs, so it can be exported once). */
export const sandboxRefreshToken = (realmId: string): string => `RT1-000-H0-1700000000sandbox${realmId}`

/** `config` with a refresh token for every realm; a token for a realm the simulator lacks is an error. */
export const sandboxCredentials = (config: QboSandboxOAuth, realmIds: ReadonlyArray<string>): QboSandboxCredentials => {
  const unknown = Object.keys(config.refreshTokens ?? {}).filter((realmId) => !realmIds.includes(realmId))
  if (unknown.length > 0) throw new Error(`oauth.refreshTokens names realm ${unknown.join(", ")}, which the simulator does not have (${realmIds.join(", ")})`)
  return {
    ...config,
    refreshTokens: Object.fromEntries(realmIds.map((realmId) => [realmId, config.refreshTokens?.[realmId] ?? sandboxRefreshToken(realmId)]))
  }
}

export const OAUTH_PATHS = {
  authorize: "/connect/oauth2",
  token: "/oauth2/v1/tokens/bearer",
  revoke: "/v2/oauth2/tokens/revoke",
  discovery: "/.well-known/openid_configuration",
  sandboxDiscovery: "/.well-known/openid_sandbox_configuration",
  userinfo: "/v1/openid_connect/userinfo",
  jwks: "/op/v1/jwks"
} as const

/** Intuit's issuer; intuit-oauth's `validateIdToken` insists on exactly this `iss`. */
const ISSUER = "https://oauth.platform.intuit.com/op/v1"

/** What a sandbox connection was granted: accounting and every OpenID Connect scope. */
const SANDBOX_SCOPES = ["com.intuit.quickbooks.accounting", "openid", "profile", "email", "phone", "address"]

/**
 * The person who "signed in" to the sandbox. Claim names as Intuit's userinfo answers them
 * (camelCase, `emailVerified`, `address.streetAddress`…: Intuit docs "OpenID Connect",
 * "Get user profile information"), each behind the scope that releases it.
 */
const SANDBOX_USER = {
  sub: "5a3c2b1d-9f5e-4b1a-8d3e-c9a6b6f20e7f",
  profile: { givenName: "Sandra", familyName: "Box" },
  email: { email: "sandra.box@atqbo.local", emailVerified: true },
  phone: { phoneNumber: "+1 9195550100", phoneNumberVerified: false },
  address: { address: { streetAddress: "100 Sandbox Way", locality: "Raleigh", region: "NC", postalCode: "27601", country: "US" } }
} as const

interface AccessTokenRecord {
  readonly realmId: string
  readonly scopes: ReadonlyArray<string>
  readonly expiresAt: number
  readonly refreshToken: string | undefined
  revoked: boolean
}

interface RefreshTokenRecord {
  readonly realmId: string
  readonly scopes: ReadonlyArray<string>
  readonly issuedAt: number
  expiresAt: number
  valid: boolean
}

interface AuthorizationCode {
  readonly realmId: string
  readonly scopes: ReadonlyArray<string>
  readonly redirectUri: string
  readonly expiresAt: number
  used: boolean
}

export type AccessCheck =
  | { readonly ok: true }
  | { readonly ok: false; readonly status: 401 | 403; readonly detail: string | null }

export interface OAuthReply {
  readonly status: number
  readonly headers?: Record<string, string>
  readonly body?: JsonObject | string
}

const ACCESS_PREFIX = "eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0.."

const safeEqual = (a: string, b: string): boolean => {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

const invalidGrant = (description = "Incorrect or invalid refresh token"): OAuthReply => ({
  status: 400,
  body: { error: "invalid_grant", error_description: description }
})

export class OAuthServer {
  private readonly config: QboSandboxCredentials
  private readonly clock: SimClock
  private readonly tokens: () => QboSimTokens
  private readonly realms: () => ReadonlyArray<string>
  private readonly accessTokens = new Map<string, AccessTokenRecord>()
  private readonly refreshTokens = new Map<string, RefreshTokenRecord>()
  private readonly codes = new Map<string, AuthorizationCode>()
  private sequence = 0
  /** The id_token signing key, made on first use (RSA key generation is not free). */
  private signingKey: { readonly kid: string; readonly privateKey: KeyObject; readonly publicKey: KeyObject } | undefined

  constructor(config: QboSandboxCredentials, clock: SimClock, tokens: () => QboSimTokens, realms: () => ReadonlyArray<string>) {
    this.config = config
    this.clock = clock
    this.tokens = tokens
    this.realms = realms
    for (const [realmId, token] of Object.entries(config.refreshTokens)) {
      this.refreshTokens.set(token, {
        realmId,
        scopes: SANDBOX_SCOPES,
        issuedAt: clock.now(),
        expiresAt: clock.now() + tokens().refreshTokenTtlSeconds * 1000,
        valid: true
      })
    }
  }

  get clientId(): string {
    return this.config.clientId
  }

  /** An access token for `realmId`, as the token endpoint would issue. */
  issueAccessToken(realmId: string, refreshToken?: string, scopes: ReadonlyArray<string> = SANDBOX_SCOPES): string {
    const token = `${ACCESS_PREFIX}${randomBytes(48).toString("base64url")}`
    this.accessTokens.set(token, {
      realmId,
      scopes,
      refreshToken,
      expiresAt: this.clock.now() + this.tokens().accessTokenTtlSeconds * 1000,
      revoked: false
    })
    return token
  }

  private newRefreshToken(realmId: string, scopes: ReadonlyArray<string>): string {
    this.sequence += 1
    const token = `RT1-${String(100 + (this.sequence % 900))}-H0-${Math.floor(this.clock.now() / 1000)}${randomBytes(12).toString("hex")}`
    this.refreshTokens.set(token, {
      realmId,
      scopes,
      issuedAt: this.clock.now(),
      expiresAt: this.clock.now() + this.tokens().refreshTokenTtlSeconds * 1000,
      valid: true
    })
    return token
  }

  /** The live access token an `Authorization: Bearer` header carries, or why there is none. */
  private bearer(authorization: string | undefined): { readonly ok: true; readonly record: AccessTokenRecord } | { readonly ok: false; readonly detail: string | null } {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? "")
    if (match === null) return { ok: false, detail: null }
    const token = match[1]!
    const record = this.accessTokens.get(token)
    if (record === undefined) {
      return { ok: false, detail: token.length < 20 || token.length > 4000 ? "Malformed bearer token: too short or too long" : null }
    }
    if (record.revoked) return { ok: false, detail: null }
    if (this.clock.now() >= record.expiresAt) return { ok: false, detail: `Token expired: ${token}` }
    return { ok: true, record }
  }

  /**
   * Whether a bearer token may call `realmId`: 401 unknown/expired/revoked; 403 (3100) when it
   * was issued for another company (Intuit help article "3100 message=AuthorizationFailed;
   * errorCode=003100; statusCode=403"; captured in node-quickbooks #154, oauth-jsclient #2).
   */
  checkAccess(authorization: string | undefined, realmId: string): AccessCheck {
    const bearer = this.bearer(authorization)
    if (!bearer.ok) return { ok: false, status: 401, detail: bearer.detail }
    if (bearer.record.realmId !== realmId) return { ok: false, status: 403, detail: null }
    return { ok: true }
  }

  /**
   * `GET /v1/openid_connect/userinfo`: the signed-in user's claims for the scopes the token
   * carries (`sub` always). A token without `openid` is refused 403, one that is not live 401
   * (bodies UNCERTAIN: RFC 6750 error codes).
   */
  userinfo(authorization: string | undefined): OAuthReply {
    const bearer = this.bearer(authorization)
    if (!bearer.ok) return { status: 401, headers: { "www-authenticate": "Bearer error=\"invalid_token\"" }, body: { error: "invalid_token" } }
    const scopes = bearer.record.scopes
    if (!scopes.includes("openid")) return { status: 403, body: { error: "insufficient_scope" } }
    const released = (["profile", "email", "phone", "address"] as const).filter((scope) => scopes.includes(scope))
    return { status: 200, body: Object.assign({ sub: SANDBOX_USER.sub }, ...released.map((scope) => SANDBOX_USER[scope])) }
  }

  /** `GET /op/v1/jwks`: the public key that verifies this server's id_tokens. */
  jwks(): JsonObject {
    const { kid, publicKey } = this.key()
    const { n, e } = publicKey.export({ format: "jwk" })
    return { keys: [{ kty: "RSA", e: e ?? "AQAB", use: "sig", kid, alg: "RS256", n: n ?? "" }] }
  }

  private key() {
    if (this.signingKey === undefined) {
      const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 })
      this.signingKey = { kid: randomBytes(10).toString("base64url"), privateKey, publicKey }
    }
    return this.signingKey
  }

  /** An RS256 id_token for the sandbox user, timed by the wall clock clients check `exp` against. */
  private idToken(realmId: string): string {
    const { kid, privateKey } = this.key()
    const now = Math.floor(Date.now() / 1000)
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url")
    const signed = `${part({ alg: "RS256", kid })}.${part({ sub: SANDBOX_USER.sub, aud: [this.config.clientId], realmid: realmId, auth_time: now, iss: ISSUER, exp: now + 3600, iat: now })}`
    return `${signed}.${createSign("RSA-SHA256").update(signed).sign(privateKey).toString("base64url")}`
  }

  /** Client authentication: `Authorization: Basic` or `client_id`/`client_secret` in the form. */
  private authenticateClient(authorization: string | undefined, form: URLSearchParams): boolean {
    let id: string | undefined
    let secret: string | undefined
    const basic = /^Basic\s+(\S+)$/i.exec(authorization ?? "")
    if (basic !== null) {
      const decoded = Buffer.from(basic[1]!, "base64").toString("utf8")
      const colon = decoded.indexOf(":")
      if (colon >= 0) {
        id = decodeURIComponent(decoded.slice(0, colon))
        secret = decodeURIComponent(decoded.slice(colon + 1))
      }
    } else {
      id = form.get("client_id") ?? undefined
      secret = form.get("client_secret") ?? undefined
    }
    return id !== undefined && secret !== undefined && safeEqual(id, this.config.clientId) && safeEqual(secret, this.config.clientSecret)
  }

  /** `withIdToken`: a code exchange that was granted `openid` also answers an id_token. */
  private tokenReply(realmId: string, refreshToken: string, hardExpiry: boolean, withIdToken = false): OAuthReply {
    const record = this.refreshTokens.get(refreshToken)!
    const ttl = this.tokens()
    const body: Record<string, string | number> = {
      token_type: "bearer",
      access_token: this.issueAccessToken(realmId, refreshToken, record.scopes),
      refresh_token: refreshToken,
      expires_in: ttl.accessTokenTtlSeconds,
      x_refresh_token_expires_in: Math.max(0, Math.floor((record.expiresAt - this.clock.now()) / 1000))
    }
    if (hardExpiry) body["x_refresh_token_hard_expires_in"] = 157_680_000
    if (withIdToken && record.scopes.includes("openid")) body["id_token"] = this.idToken(realmId)
    return { status: 200, headers: { "cache-control": "no-store", pragma: "no-cache" }, body }
  }

  /** `POST /oauth2/v1/tokens/bearer` with a form body. */
  token(authorization: string | undefined, contentType: string | undefined, rawBody: string, hardExpiryHeader: string | undefined): OAuthReply {
    if (!(contentType ?? "").toLowerCase().includes("application/x-www-form-urlencoded")) {
      return { status: 400, body: { error: "invalid_request", error_description: "Content-Type must be application/x-www-form-urlencoded" } }
    }
    const form = new URLSearchParams(rawBody)
    if (!this.authenticateClient(authorization, form)) return { status: 401, body: { error: "invalid_client" } }
    const hardExpiry = (hardExpiryHeader ?? "").toLowerCase() === "true"
    const grant = form.get("grant_type")
    const now = this.clock.now()
    const ttl = this.tokens()
    if (grant === "refresh_token") {
      const presented = form.get("refresh_token")
      if (presented === null || presented === "") return { status: 400, body: { error: "invalid_request", error_description: "refresh_token is required" } }
      const record = this.refreshTokens.get(presented)
      if (record === undefined || !record.valid) return invalidGrant()
      if (now >= record.expiresAt) {
        record.valid = false
        return invalidGrant()
      }
      if (now - record.issuedAt < ttl.rotationPeriodSeconds * 1000) {
        record.expiresAt = now + ttl.refreshTokenTtlSeconds * 1000 // rolling lifetime
        return this.tokenReply(record.realmId, presented, hardExpiry)
      }
      record.valid = false // rotated: the old token fails from now on
      return this.tokenReply(record.realmId, this.newRefreshToken(record.realmId, record.scopes), hardExpiry)
    }
    if (grant === "authorization_code") {
      const code = form.get("code")
      const redirectUri = form.get("redirect_uri")
      if (code === null || redirectUri === null) {
        return { status: 400, body: { error: "invalid_request", error_description: "code and redirect_uri are required" } }
      }
      const record = this.codes.get(code)
      if (record === undefined || record.used || now >= record.expiresAt) return invalidGrant("Invalid authorization code")
      if (record.redirectUri !== redirectUri) return invalidGrant("redirect_uri does not match the authorization request")
      record.used = true
      return this.tokenReply(record.realmId, this.newRefreshToken(record.realmId, record.scopes), hardExpiry, true)
    }
    return { status: 400, body: { error: "unsupported_grant_type" } }
  }

  /** `GET /connect/oauth2?…`: consents at once and redirects with `code`, `state`, `realmId`. */
  authorize(url: URL): OAuthReply {
    const params = url.searchParams
    const redirectUri = params.get("redirect_uri")
    if (params.get("client_id") !== this.config.clientId) return { status: 400, body: "Invalid client_id" }
    if (redirectUri === null || !/^https?:\/\//.test(redirectUri)) return { status: 400, body: "Invalid redirect_uri" }
    const target = new URL(redirectUri)
    const state = params.get("state")
    if (state !== null) target.searchParams.set("state", state)
    const scopes = (params.get("scope") ?? "").split(/\s+/)
    if (params.get("response_type") !== "code") {
      target.searchParams.set("error", "unsupported_response_type")
    } else if (!scopes.includes("com.intuit.quickbooks.accounting")) {
      target.searchParams.set("error", "invalid_scope")
    } else {
      const realmId = params.get("realmId") ?? this.realms()[0]
      if (realmId === undefined || !this.realms().includes(realmId)) {
        target.searchParams.set("error", "access_denied")
      } else {
        const code = `AB11${Math.floor(this.clock.now() / 1000)}${randomBytes(18).toString("base64url")}`
        this.codes.set(code, {
          realmId,
          scopes: scopes.filter((scope) => scope !== ""),
          redirectUri,
          expiresAt: this.clock.now() + this.tokens().authorizationCodeTtlSeconds * 1000,
          used: false
        })
        target.searchParams.set("code", code)
        target.searchParams.set("realmId", realmId)
      }
    }
    return { status: 302, headers: { location: target.toString() } }
  }

  /** `POST /v2/oauth2/tokens/revoke` with `{"token":…}` (JSON) or `token=` (form). */
  revoke(authorization: string | undefined, contentType: string | undefined, rawBody: string): OAuthReply {
    let token: string | undefined
    const form = new URLSearchParams((contentType ?? "").includes("json") ? "" : rawBody)
    if ((contentType ?? "").includes("json")) {
      try {
        const parsed = JSON.parse(rawBody) as { token?: unknown }
        token = typeof parsed.token === "string" ? parsed.token : undefined
      } catch {
        token = undefined
      }
    } else {
      token = form.get("token") ?? undefined
    }
    if (!this.authenticateClient(authorization, form)) return { status: 401, body: { error: "invalid_client" } }
    if (token === undefined) return { status: 400, body: { error: "invalid_request" } }
    const refresh = this.refreshTokens.get(token)
    if (refresh !== undefined) {
      refresh.valid = false
      for (const access of this.accessTokens.values()) if (access.refreshToken === token) access.revoked = true
    }
    const access = this.accessTokens.get(token)
    if (access !== undefined) access.revoked = true
    return { status: 200 }
  }

  discovery(baseUrl: string): JsonObject {
    return {
      issuer: ISSUER,
      authorization_endpoint: `${baseUrl}${OAUTH_PATHS.authorize}`,
      token_endpoint: `${baseUrl}${OAUTH_PATHS.token}`,
      userinfo_endpoint: `${baseUrl}${OAUTH_PATHS.userinfo}`,
      revocation_endpoint: `${baseUrl}${OAUTH_PATHS.revoke}`,
      jwks_uri: `${baseUrl}${OAUTH_PATHS.jwks}`,
      response_types_supported: ["code"],
      subject_types_supported: ["public"],
      id_token_signing_alg_values_supported: ["RS256"],
      scopes_supported: ["openid", "email", "profile", "address", "phone", "com.intuit.quickbooks.accounting"],
      token_endpoint_auth_methods_supported: ["client_secret_post", "client_secret_basic"],
      claims_supported: ["aud", "exp", "iat", "iss", "realmid", "sub"]
    }
  }

  /** Test/inspection helper: whether a refresh token would still be accepted. */
  isRefreshTokenValid(token: string): boolean {
    const record = this.refreshTokens.get(token)
    return record !== undefined && record.valid && this.clock.now() < record.expiresAt
  }
}
