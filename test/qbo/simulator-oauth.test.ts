/**
 * Raw probes of the simulated Intuit OAuth server: token endpoint grants and client
 * authentication, refresh-token rotation, authorize redirect, revoke, discovery.
 */
import { createPublicKey, createVerify } from "node:crypto"
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { DEFAULT_QBO_SANDBOX_OAUTH, type QboSimulator, sandboxRefreshToken } from "../../src/sandbox/qbo/index.ts"
import { baseRealm, OTHER_REALM, raw, REALM, startSim } from "./helpers.ts"

const { clientId, clientSecret } = DEFAULT_QBO_SANDBOX_OAUTH
const initialRefreshToken = sandboxRefreshToken(REALM)
const basic = (id = clientId, secret = clientSecret) => `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`

const tokenRequest = (sim: QboSimulator, form: Record<string, string>, authorization: string | undefined = basic(), extra: Record<string, string> = {}) =>
  fetch(sim.tokenUrl, {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      accept: "application/json",
      ...(authorization === undefined ? {} : { authorization }),
      ...extra
    },
    body: new URLSearchParams(form).toString()
  }).then(async (response) => ({ status: response.status, json: (await response.json()) as any }))

const refresh = (sim: QboSimulator, refreshToken: string) => tokenRequest(sim, { grant_type: "refresh_token", refresh_token: refreshToken })

describe("QBO simulator: OAuth", () => {
  let sim: QboSimulator
  beforeAll(async () => {
    sim = await startSim({ [REALM]: baseRealm(), [OTHER_REALM]: {} })
  })
  afterAll(() => sim.close())

  it("serves the discovery document with its own endpoints", async () => {
    const response = await fetch(sim.discoveryUrl)
    const document = (await response.json()) as any
    assert.strictEqual(document.token_endpoint, sim.tokenUrl)
    assert.strictEqual(document.authorization_endpoint, sim.authorizeUrl)
    assert.strictEqual(document.revocation_endpoint, sim.revokeUrl)
    assert.deepStrictEqual(document.token_endpoint_auth_methods_supported, ["client_secret_post", "client_secret_basic"])
    assert.isTrue(sim.discoveryUrl.endsWith("/.well-known/openid_configuration"))
  })

  it("refreshes with Basic client auth and a form body", async () => {
    const response = await refresh(sim, initialRefreshToken)
    assert.strictEqual(response.status, 200)
    assert.deepStrictEqual(Object.keys(response.json).sort(), ["access_token", "expires_in", "refresh_token", "token_type", "x_refresh_token_expires_in"])
    assert.strictEqual(response.json.token_type, "bearer")
    assert.strictEqual(response.json.expires_in, 3600)
    assert.closeTo(response.json.x_refresh_token_expires_in, 8_726_400, 2)
    assert.strictEqual(response.json.refresh_token, initialRefreshToken, "same refresh token within the rotation period")
    assert.strictEqual((await raw(sim, "/customer/1", { token: response.json.access_token })).status, 200)
    const hard = await tokenRequest(sim, { grant_type: "refresh_token", refresh_token: initialRefreshToken }, basic(), {
      "x-include-refresh-token-hard-expires-in": "true"
    })
    assert.strictEqual(typeof hard.json.x_refresh_token_hard_expires_in, "number")
  })

  it("rejects bad client credentials (401 invalid_client) and accepts client_secret_post", async () => {
    const bad = await tokenRequest(sim, { grant_type: "refresh_token", refresh_token: initialRefreshToken }, basic(clientId, "wrong"))
    assert.strictEqual(bad.status, 401)
    assert.strictEqual(bad.json.error, "invalid_client")
    const post = await tokenRequest(sim, { grant_type: "refresh_token", refresh_token: initialRefreshToken, client_id: clientId, client_secret: clientSecret }, undefined)
    assert.strictEqual(post.status, 200)
  })

  it("gives every company its own starting refresh token, whose access tokens work for that company only (403/3100 elsewhere)", async () => {
    assert.deepStrictEqual(sim.oauth.refreshTokens, { [REALM]: sandboxRefreshToken(REALM), [OTHER_REALM]: sandboxRefreshToken(OTHER_REALM) })
    const rotating = await startSim({ [REALM]: baseRealm(), [OTHER_REALM]: {} }, { tokens: { rotationPeriodSeconds: 0 } })
    try {
      const own = await refresh(rotating, sandboxRefreshToken(OTHER_REALM))
      assert.notStrictEqual(own.json.refresh_token, sandboxRefreshToken(OTHER_REALM), "rotated at once")
      const rotated = await refresh(rotating, own.json.refresh_token)
      for (const token of [own.json.access_token, rotated.json.access_token]) {
        assert.strictEqual((await raw(rotating, `/companyinfo/${OTHER_REALM}`, { token, realm: OTHER_REALM })).status, 200)
        for (const realm of [REALM, "123456789"]) {
          const refused = await raw(rotating, "/customer/1", { token, realm })
          assert.strictEqual(refused.status, 403, `realm ${realm}: another company, or one the simulator lacks`)
          assert.strictEqual(refused.json.fault.error[0].code, "3100")
          assert.strictEqual(refused.json.fault.type, "SERVICE")
        }
      }
    } finally {
      await rotating.close()
    }
    const named = await startSim({ [REALM]: baseRealm() }, {}, { clientId, clientSecret, refreshTokens: { [REALM]: "RT1-mine" } })
    try {
      assert.strictEqual((await refresh(named, "RT1-mine")).status, 200)
    } finally {
      await named.close()
    }
    const unknown = await startSim({ [REALM]: baseRealm() }, {}, { clientId, clientSecret, refreshTokens: { "777": "RT1-x" } }).then(() => "started", String)
    assert.match(unknown, /oauth\.refreshTokens names realm 777, which the simulator does not have/)
  })

  it("rotates after the rotation period; the old refresh token then fails invalid_grant", async () => {
    const rotating = await startSim()
    try {
      const same = await refresh(rotating, initialRefreshToken)
      assert.strictEqual(same.json.refresh_token, initialRefreshToken)
      rotating.advanceTime(24 * 3600 * 1000)
      const rotated = await refresh(rotating, initialRefreshToken)
      assert.strictEqual(rotated.status, 200)
      assert.notStrictEqual(rotated.json.refresh_token, initialRefreshToken)
      const old = await refresh(rotating, initialRefreshToken)
      assert.strictEqual(old.status, 400)
      assert.deepStrictEqual(old.json, { error: "invalid_grant", error_description: "Incorrect or invalid refresh token" })
      assert.strictEqual((await refresh(rotating, rotated.json.refresh_token)).json.refresh_token, rotated.json.refresh_token)
      assert.strictEqual((await raw(rotating, "/customer/1", { token: same.json.access_token })).status, 401, "the first access token has expired by now")
    } finally {
      await rotating.close()
    }
  })

  it("authorizes with a redirect carrying code, state and realmId; the code is single-use and realm-bound", async () => {
    const redirectUri = "http://127.0.0.1:9/callback"
    const url = new URL(sim.authorizeUrl)
    url.search = new URLSearchParams({
      client_id: clientId,
      response_type: "code",
      scope: "com.intuit.quickbooks.accounting",
      redirect_uri: redirectUri,
      state: "xyz",
      realmId: OTHER_REALM
    }).toString()
    const redirect = await fetch(url, { redirect: "manual" })
    assert.strictEqual(redirect.status, 302)
    const location = new URL(redirect.headers.get("location") ?? "")
    assert.strictEqual(`${location.origin}${location.pathname}`, redirectUri)
    assert.strictEqual(location.searchParams.get("state"), "xyz")
    assert.strictEqual(location.searchParams.get("realmId"), OTHER_REALM)
    const code = location.searchParams.get("code") ?? ""
    const exchanged = await tokenRequest(sim, { grant_type: "authorization_code", code, redirect_uri: redirectUri })
    assert.strictEqual(exchanged.status, 200)
    assert.match(exchanged.json.refresh_token, /^RT1-/)
    assert.strictEqual((await raw(sim, "/companyinfo/" + OTHER_REALM, { token: exchanged.json.access_token, realm: OTHER_REALM })).status, 200)
    assert.strictEqual((await raw(sim, "/customer/1", { token: exchanged.json.access_token })).status, 403, "bound to the authorized company")
    const again = await tokenRequest(sim, { grant_type: "authorization_code", code, redirect_uri: redirectUri })
    assert.strictEqual(again.json.error, "invalid_grant")
    const badScope = await fetch(`${sim.authorizeUrl}?client_id=${clientId}&response_type=code&scope=openid&redirect_uri=${encodeURIComponent(redirectUri)}`, {
      redirect: "manual"
    })
    assert.strictEqual(new URL(badScope.headers.get("location") ?? "").searchParams.get("error"), "invalid_scope")
  })

  it("serves the userinfo and JWKS it advertises; an openid code exchange answers an id_token the JWKS verifies", async () => {
    const discovery = (await (await fetch(sim.discoveryUrl)).json()) as any
    assert.strictEqual(discovery.userinfo_endpoint, sim.userinfoUrl)
    assert.strictEqual(discovery.jwks_uri, sim.jwksUrl)
    const connect = async (scope: string) => {
      const redirectUri = "http://127.0.0.1:9/callback"
      const url = new URL(sim.authorizeUrl)
      url.search = new URLSearchParams({ client_id: clientId, response_type: "code", scope, redirect_uri: redirectUri, state: "s" }).toString()
      const location = new URL((await fetch(url, { redirect: "manual" })).headers.get("location") ?? "")
      return (await tokenRequest(sim, { grant_type: "authorization_code", code: location.searchParams.get("code") ?? "", redirect_uri: redirectUri })).json
    }
    const userinfo = (token: string) =>
      fetch(sim.userinfoUrl, { headers: { authorization: `Bearer ${token}`, accept: "application/json" } }).then(async (r) => ({ status: r.status, json: (await r.json()) as any }))

    const signedIn = await connect("com.intuit.quickbooks.accounting openid email")
    const info = await userinfo(signedIn.access_token)
    assert.strictEqual(info.status, 200)
    assert.deepStrictEqual(Object.keys(info.json).sort(), ["email", "emailVerified", "sub"], "claims of the granted scopes only")
    const [header, payload, signature] = (signedIn.id_token as string).split(".") as [string, string, string]
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"))
    assert.strictEqual(claims.iss, "https://oauth.platform.intuit.com/op/v1")
    assert.deepStrictEqual(claims.aud, [clientId])
    assert.strictEqual(claims.sub, info.json.sub)
    assert.strictEqual(claims.realmid, REALM)
    const jwks = (await (await fetch(sim.jwksUrl)).json()) as any
    const kid = JSON.parse(Buffer.from(header, "base64url").toString("utf8")).kid
    const jwk = jwks.keys.find((key: any) => key.kid === kid)
    assert.strictEqual(jwk.alg, "RS256")
    const verified = createVerify("RSA-SHA256").update(`${header}.${payload}`).verify(createPublicKey({ key: jwk, format: "jwk" }), Buffer.from(signature, "base64url"))
    assert.isTrue(verified, "signed with the key the JWKS publishes")

    const accountingOnly = await connect("com.intuit.quickbooks.accounting")
    assert.isUndefined(accountingOnly.id_token)
    assert.strictEqual((await userinfo(accountingOnly.access_token)).status, 403)
    assert.strictEqual((await userinfo("eyJub3QiOiJhIHRva2VuIn0.made-up-and-long-enough")).status, 401)
  })

  it("revokes a refresh token and the access tokens issued from it", async () => {
    const revoking = await startSim()
    try {
      const tokens = await refresh(revoking, initialRefreshToken)
      const response = await fetch(revoking.revokeUrl, {
        method: "POST",
        headers: { authorization: basic(), "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ token: initialRefreshToken })
      })
      assert.strictEqual(response.status, 200)
      assert.strictEqual((await refresh(revoking, initialRefreshToken)).json.error, "invalid_grant")
      assert.strictEqual((await raw(revoking, "/customer/1", { token: tokens.json.access_token })).status, 401)
    } finally {
      await revoking.close()
    }
  })

  it("expires access tokens on the scaled clock", async () => {
    const scaled = await startSim(undefined, { timeScale: 0.00001 }) // one hour = 36 ms
    try {
      const tokens = await refresh(scaled, initialRefreshToken)
      assert.strictEqual(tokens.json.expires_in, 3600)
      await new Promise((resolve) => setTimeout(resolve, 60))
      const response = await raw(scaled, "/customer/1", { token: tokens.json.access_token })
      assert.strictEqual(response.status, 401)
      assert.match(response.json.fault.error[0].detail, /^Token expired: /)
    } finally {
      await scaled.close()
    }
  })
})
