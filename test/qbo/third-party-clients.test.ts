/**
 * Two widely used third-party clients, installed from npm and run unmodified against the
 * simulator over loopback, the way an integration uses them: intuit-oauth connects a company
 * (authorize → createToken), reads the user (getUserInfo) and validates the id_token against
 * the JWKS; node-quickbooks then asks what changed (changeDataCapture) with that token.
 * Only their documented endpoint settings point them here (setAuthorizeURLs, the static
 * jwks_uri and V3_ENDPOINT_BASE_URL), and those are put back afterwards.
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import OAuthClient from "intuit-oauth"
import nodeQuickBooks from "node-quickbooks"
import { DEFAULT_QBO_SANDBOX_OAUTH, type QboSimulator } from "../../src/sandbox/qbo/index.ts"
import { baseRealm, invoiceBody, raw, REALM, startSim } from "./helpers.ts"

// node-quickbooks is CommonJS (module.exports = QuickBooks) but its typings declare an ES default.
const QuickBooks = nodeQuickBooks as unknown as typeof nodeQuickBooks.QuickBooks
const { clientId, clientSecret } = DEFAULT_QBO_SANDBOX_OAUTH
const REDIRECT = "http://127.0.0.1:9/callback" // never called: the test follows the redirect itself

/** The static endpoint settings the clients read, to restore after the suite. */
const saved = {
  authorize: OAuthClient.authorizeEndpoint,
  token: OAuthClient.tokenEndpoint,
  revoke: OAuthClient.revokeEndpoint,
  userinfo: OAuthClient.userinfo_endpoint_sandbox,
  jwks: OAuthClient.jwks_uri,
  api: QuickBooks.V3_ENDPOINT_BASE_URL
}

describe("third-party clients against the simulator", () => {
  let sim: QboSimulator
  let oauth: OAuthClient
  beforeAll(async () => {
    // Changed two days ago, so only what the test changes shows up in CDC.
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000).toISOString()
    const customers = baseRealm().Customer!.map((customer) => ({ ...customer, MetaData: { CreateTime: twoDaysAgo, LastUpdatedTime: twoDaysAgo } }))
    sim = await startSim({ [REALM]: baseRealm({ Customer: customers }) })
    oauth = new OAuthClient({ clientId, clientSecret, environment: "sandbox", redirectUri: REDIRECT })
    oauth.setAuthorizeURLs({ authorizeEndpoint: sim.authorizeUrl, tokenEndpoint: sim.tokenUrl, revokeEndpoint: sim.revokeUrl, userInfoEndpoint: sim.userinfoUrl })
    OAuthClient.jwks_uri = sim.jwksUrl
    QuickBooks.V3_ENDPOINT_BASE_URL = `${sim.baseUrl}/v3/company/`
  })
  afterAll(async () => {
    OAuthClient.authorizeEndpoint = saved.authorize
    OAuthClient.tokenEndpoint = saved.token
    OAuthClient.revokeEndpoint = saved.revoke
    OAuthClient.userinfo_endpoint_sandbox = saved.userinfo
    OAuthClient.jwks_uri = saved.jwks
    QuickBooks.V3_ENDPOINT_BASE_URL = saved.api
    await sim.close()
  })

  it("intuit-oauth connects a company, reads the user with getUserInfo and validates the id_token", async () => {
    const { OpenId, Email, Profile, Accounting } = OAuthClient.scopes
    const consent = oauth.authorizeUri({ scope: [Accounting, OpenId, Email, Profile], state: "third-party" })
    const redirect = await fetch(consent, { redirect: "manual" })
    const callback = redirect.headers.get("location") ?? ""
    assert.isTrue(callback.startsWith(REDIRECT), callback)
    await oauth.createToken(callback)
    assert.strictEqual(oauth.getToken().realmId, REALM)

    const user = await oauth.getUserInfo()
    assert.strictEqual(user.status(), 200)
    assert.deepStrictEqual(Object.keys(user.json).sort(), ["email", "emailVerified", "familyName", "givenName", "sub"])
    assert.isTrue(await oauth.validateIdToken(), "the id_token verifies against the simulator's JWKS")
  })

  it("node-quickbooks changeDataCapture lists what changed, a deleted invoice as Deleted", async () => {
    const since = new Date(Date.now() - 60_000)
    const token = oauth.getToken().access_token
    const created = (await raw(sim, "/invoice", { token, body: invoiceBody() })).json.Invoice
    const deleted = (await raw(sim, "/invoice", { token, body: invoiceBody() })).json.Invoice
    await raw(sim, "/invoice?operation=delete", { token, body: { Id: deleted.Id, SyncToken: deleted.SyncToken } })

    const qbo = new QuickBooks(clientId, clientSecret, token, false, REALM, true, false, null, "2.0", oauth.getToken().refresh_token)
    const changes = await new Promise<any>((resolve, reject) =>
      qbo.changeDataCapture(["Invoice", "Customer"], since, (error: unknown, body: unknown) => (error ? reject(error) : resolve(body)))
    )
    const [invoices, customers] = changes.CDCResponse[0].QueryResponse
    assert.deepStrictEqual(invoices.Invoice.map((invoice: any) => [invoice.Id, invoice.status]), [[created.Id, undefined], [deleted.Id, "Deleted"]])
    assert.strictEqual(invoices.Invoice[0].TotalAmt, created.TotalAmt)
    assert.deepStrictEqual(customers, {}, "no customer changed")
    assert.strictEqual(sim.counts()["GET /cdc"], 1)
  })
})
