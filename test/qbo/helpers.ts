/**
 * Shared test plumbing: a simulator per suite, raw HTTP probes (global fetch, deliberately
 * not our client) and client layers wired to the simulator.
 */
import { NodeHttpClient } from "@effect/platform-node"
import { Layer } from "effect"
import { layerQboAuthStatic } from "../../src/qbo/auth/QboAuth.ts"
import { layerQboClient, type QboClientOptions } from "../../src/qbo/QboClientLive.ts"
import type { QboReader, QboWriter } from "../../src/qbo/QboClient.ts"
import {
  type JsonObject,
  type QboRealmData,
  type QboSandboxOAuth,
  type QboSimOptionsInput,
  type QboSimulator,
  startQboSimulator
} from "../../src/sandbox/qbo/index.ts"

export const REALM = "9341453129584572"
export const OTHER_REALM = "4620816365212676460"

/** A small company: one income account, one item, two customers, a class and a vendor. */
export const baseRealm = (overrides: Partial<QboRealmData> = {}): QboRealmData => ({
  Account: [
    { Id: "1", Name: "Services", AccountType: "Income", AccountSubType: "ServiceFeeIncome", Active: true },
    { Id: "2", Name: "Old Income", AccountType: "Income", Active: false }
  ],
  Item: [
    { Id: "1", Name: "Labor", Type: "Service", IncomeAccountRef: { value: "1" }, Active: true },
    { Id: "2", Name: "Retired Service", Type: "Service", IncomeAccountRef: { value: "1" }, Active: false },
    { Id: "3", Name: "Hardware", Type: "Category", Active: true }
  ],
  Customer: [
    { Id: "1", DisplayName: "Amy's Bird Sanctuary", Active: true, PrimaryEmailAddr: { Address: "birds@example.com" }, SalesTermRef: { value: "3" } },
    { Id: "2", DisplayName: "Dormant Co", Active: false }
  ],
  Vendor: [{ Id: "50", DisplayName: "Books by Bessie", Active: true }],
  Employee: [{ Id: "60", DisplayName: "Emily Platt", Active: true }],
  Class: [{ Id: "5000000000000007280", Name: "Consulting", Active: true }],
  ...overrides
})

export const startSim = (
  realms: Record<string, QboRealmData> = { [REALM]: baseRealm() },
  options: QboSimOptionsInput = {},
  oauth?: QboSandboxOAuth
): Promise<QboSimulator> => startQboSimulator({ realms, options, ...(oauth === undefined ? {} : { oauth }) })

export interface RawResponse {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  readonly json: any
}

/** A raw call to `/v3/company/{realm}{path}` with a bearer token (fetch, not our client). */
export const raw = async (
  sim: QboSimulator,
  path: string,
  init: {
    readonly method?: string
    readonly body?: unknown
    readonly contentType?: string
    readonly token?: string | null
    readonly realm?: string
  } = {}
): Promise<RawResponse> => {
  const realm = init.realm ?? REALM
  const token = init.token === undefined ? sim.issueAccessToken(realm) : init.token
  const headers: Record<string, string> = { accept: "application/json" }
  if (token !== null) headers["authorization"] = `Bearer ${token}`
  let body: string | undefined
  if (init.body !== undefined) {
    body = typeof init.body === "string" ? init.body : JSON.stringify(init.body)
    headers["content-type"] = init.contentType ?? "application/json"
  }
  const response = await fetch(`${sim.baseUrl}/v3/company/${realm}${path}`, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers,
    ...(body === undefined ? {} : { body })
  })
  const text = await response.text()
  let json: any
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: response.status, headers: response.headers, text, json }
}

/** `GET /query?query=…` (URL-encoded once). */
export const query = (sim: QboSimulator, statement: string, realm = REALM) =>
  raw(sim, `/query?query=${encodeURIComponent(statement)}&minorversion=75`, { realm })

/** `POST /query` with `application/text`. */
export const postQuery = (sim: QboSimulator, statement: string, realm = REALM) =>
  raw(sim, "/query?minorversion=75", { body: statement, contentType: "application/text", realm })

export const firstError = (response: RawResponse): { Message: string; Detail: string; code: string; element: string } =>
  response.json?.Fault?.Error?.[0]

export const invoiceBody = (overrides: JsonObject = {}): JsonObject => ({
  CustomerRef: { value: "1" },
  Line: [{ DetailType: "SalesItemLineDetail", Amount: 150, SalesItemLineDetail: { ItemRef: { value: "1" }, Qty: 1.5, UnitPrice: 100 } }],
  ...overrides
})

/** Client options with tiny retry delays for the simulator. */
export const clientOptions = (sim: QboSimulator, overrides: Partial<QboClientOptions> = {}): QboClientOptions => ({
  realmId: REALM,
  apiBaseUrl: sim.baseUrl,
  retry: { baseDelayMs: 5, maxDelayMs: 20, maxAttempts: 6, throttleWaitMs: 20 },
  ...overrides
})

/** Reader and writer against the simulator with a fixed (simulator-issued) token. */
export const clientLayer = (sim: QboSimulator, overrides: Partial<QboClientOptions> = {}): Layer.Layer<QboReader | QboWriter> =>
  layerQboClient(clientOptions(sim, overrides)).pipe(
    Layer.provide(layerQboAuthStatic(overrides.realmId ?? REALM, sim.issueAccessToken(overrides.realmId ?? REALM))),
    Layer.provide(NodeHttpClient.layerUndici)
  )
