/**
 * The simulators are the stand-ins every other test trusts to behave like the real APIs: they
 * must refuse requests without valid credentials (raw fetch, not our clients), and a refused
 * write must change nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { DEFAULT_REALM_ID, startQboSimulator } from "../../src/sandbox/qbo/index.ts"
import { type Sandbox, startSandbox } from "../../src/sandbox/sandbox.ts"
import { mixedDataset } from "../support/datasets.ts"

const CREDENTIALS = { username: "api-user@msp.test", secret: "AT-SIM-SECRET-4b1e", integrationCode: "AT-SIM-INTEGRATION-77c0" }
const CLIENT = { clientId: "ABsecurityclient", clientSecret: "QBO-SIM-CLIENT-SECRET-5d2a" }
const REFRESH_TOKEN = "RT1-SIM-REFRESH-TOKEN-0f9b"
const OAUTH = { ...CLIENT, refreshTokens: { [DEFAULT_REALM_ID]: REFRESH_TOKEN } }

let sandbox: Sandbox

beforeAll(async () => {
  sandbox = await startSandbox({ dataDir: await mixedDataset(), autotaskCredentials: CREDENTIALS, qboOAuth: OAUTH })
})
afterAll(async () => {
  await sandbox.close()
})

const autotaskUrl = (path: string) => `${sandbox.autotask.zone().url}V1.0/${path}`
const autotaskHeaders = (overrides: Record<string, string | undefined> = {}): Record<string, string> => {
  const headers: Record<string, string | undefined> = {
    "content-type": "application/json",
    ApiIntegrationCode: CREDENTIALS.integrationCode,
    UserName: CREDENTIALS.username,
    Secret: CREDENTIALS.secret,
    ...overrides
  }
  return Object.fromEntries(Object.entries(headers).filter((entry): entry is [string, string] => entry[1] !== undefined))
}
const qboUrl = (path: string, realm = sandbox.realmId) => `${sandbox.qbo.baseUrl}/v3/company/${realm}${path}?minorversion=75`
const query = JSON.stringify({ filter: [{ op: "exist", field: "id" }] })

describe("the Autotask simulator refuses requests without valid credentials", () => {
  const cases: ReadonlyArray<[string, Record<string, string | undefined>]> = [
    ["no credentials at all", { ApiIntegrationCode: undefined, UserName: undefined, Secret: undefined }],
    ["no secret", { Secret: undefined }],
    ["a wrong secret", { Secret: "wrong-secret" }],
    ["the secret in another case", { Secret: CREDENTIALS.secret.toLowerCase() }],
    ["no integration code", { ApiIntegrationCode: undefined }],
    ["a wrong integration code", { ApiIntegrationCode: "NOT-THE-CODE" }],
    ["another user", { UserName: "mallory@msp.test" }]
  ]
  it.each(cases)("%s → 401 on queries, reads and writes", async (_name, overrides) => {
    const headers = autotaskHeaders(overrides)
    const before = sandbox.autotask.store.get("Invoices", 100)
    const responses = await Promise.all([
      fetch(autotaskUrl("Invoices/query"), { method: "POST", headers, body: query }),
      fetch(autotaskUrl("Companies/1"), { headers }),
      fetch(autotaskUrl("ThresholdInformation"), { headers }),
      fetch(autotaskUrl("Invoices"), { method: "PATCH", headers, body: JSON.stringify({ id: 100, invoiceNumber: "HACKED" }) })
    ])
    for (const response of responses) {
      expect(response.status).toBe(401)
      const text = await response.text()
      expect(text).not.toContain("HACKED")
      expect(text).not.toContain("Acme")
    }
    expect(sandbox.autotask.store.get("Invoices", 100)).toEqual(before)
  })

  it("answers the same request with valid credentials (the probe is right)", async () => {
    const response = await fetch(autotaskUrl("Invoices/query"), { method: "POST", headers: autotaskHeaders(), body: query })
    expect(response.status).toBe(200)
    expect(((await response.json()) as { items: Array<unknown> }).items.length).toBeGreaterThan(0)
  })
})

describe("the QBO simulator refuses requests without a valid bearer token", () => {
  const invoiceBody = JSON.stringify({ CustomerRef: { value: "7" }, Line: [{ DetailType: "SalesItemLineDetail", Amount: 1, SalesItemLineDetail: { ItemRef: { value: "5" }, Qty: 1, UnitPrice: 1 } }] })

  it.each([
    ["no Authorization header", undefined],
    ["a Basic header", `Basic ${Buffer.from(`${OAUTH.clientId}:${OAUTH.clientSecret}`).toString("base64")}`],
    ["a made-up bearer token", "Bearer eyJmYWtlIjoidG9rZW4ifQ.not-a-token-issued-by-intuit"],
    ["the refresh token used as a bearer", `Bearer ${REFRESH_TOKEN}`],
    ["the client secret used as a bearer", `Bearer ${OAUTH.clientSecret}`]
  ])("%s → 401 on reads, queries and writes, nothing created", async (_name, authorization) => {
    const headers: Record<string, string> = { accept: "application/json", ...(authorization ? { authorization } : {}) }
    const invoicesBefore = sandbox.qbo.store(sandbox.realmId).list("Invoice").length
    const responses = await Promise.all([
      fetch(qboUrl(`/companyinfo/${sandbox.realmId}`), { headers }),
      fetch(qboUrl("/query"), { method: "POST", headers: { ...headers, "content-type": "application/text" }, body: "SELECT * FROM Customer" }),
      fetch(qboUrl("/invoice"), { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: invoiceBody }),
      fetch(qboUrl("/batch"), { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify({ BatchItemRequest: [{ bId: "1", operation: "create", Invoice: JSON.parse(invoiceBody) }] }) })
    ])
    for (const response of responses) {
      expect(response.status).toBe(401)
      expect(await response.text()).not.toContain("Acme")
    }
    expect(sandbox.qbo.store(sandbox.realmId).list("Invoice").length).toBe(invoicesBefore)
  })

  it("refuses a token issued for another company (403), by another server, or expired (401)", async () => {
    const sim = await startQboSimulator({ realms: { "1111111111": {}, "2222222222": {} }, oauth: CLIENT })
    try {
      const companyInfo = (token: string) =>
        fetch(`${sim.baseUrl}/v3/company/1111111111/companyinfo/1111111111?minorversion=75`, { headers: { authorization: `Bearer ${token}`, accept: "application/json" } })
      expect((await companyInfo(sim.issueAccessToken("2222222222"))).status).toBe(403)
      expect((await companyInfo(sandbox.qbo.issueAccessToken(sandbox.realmId))).status).toBe(401)
      const token = sim.issueAccessToken("1111111111")
      expect((await companyInfo(token)).status).toBe(200)
      sim.advanceTime(2 * 3600_000)
      const expired = await companyInfo(token)
      expect(expired.status).toBe(401)
    } finally {
      await sim.close()
    }
  })

  it("issues tokens only to the registered client with a valid refresh token", async () => {
    const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString()
    const post = (authorization: string | undefined, body: string) =>
      fetch(sandbox.qbo.tokenUrl, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json", ...(authorization ? { authorization } : {}) },
        body
      })
    const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString("base64")}`
    const grant = form({ grant_type: "refresh_token", refresh_token: REFRESH_TOKEN })

    const noClient = await post(undefined, grant)
    expect(noClient.status).toBe(401)
    const wrongSecret = await post(basic(OAUTH.clientId, "wrong"), grant)
    expect(wrongSecret.status).toBe(401)
    expect(await wrongSecret.text()).toContain("invalid_client")
    const wrongToken = await post(basic(OAUTH.clientId, OAUTH.clientSecret), form({ grant_type: "refresh_token", refresh_token: "RT1-not-a-real-refresh-token" }))
    expect(wrongToken.status).toBe(400)
    expect(await wrongToken.text()).toContain("invalid_grant")
    const valid = await post(basic(OAUTH.clientId, OAUTH.clientSecret), grant)
    expect(valid.status).toBe(200)
    expect(((await valid.json()) as { access_token?: string }).access_token).toBeTypeOf("string")
  })
})
