/**
 * Shared test fixtures: small realistic datasets, a scoped simulator, raw `fetch` probes
 * with Autotask's headers, and a client layer pointed at the simulator with tiny delays.
 */
import { Effect, Redacted } from "effect"
import {
  type AutotaskCredentials,
  AutotaskReader,
  type AutotaskReaderService,
  AutotaskWriter,
  type AutotaskWriterService
} from "../../src/autotask/AutotaskClient.ts"
import { AutotaskClientLive, type AutotaskClientOptions } from "../../src/autotask/AutotaskClientLive.ts"
import {
  type AutotaskDataset,
  type AutotaskSimulator,
  startAutotaskSimulator,
  type StartAutotaskSimulatorOptions
} from "../../src/sandbox/autotask/index.ts"

export const invoices = [
  {
    id: 155,
    batchID: 79,
    companyID: 369,
    createDateTime: "2025-09-05T09:47:15.227Z",
    invoiceDateTime: "2025-09-05T00:00:00",
    invoiceNumber: "1085",
    invoiceTotal: 52.7775,
    totalTaxValue: 11.0833,
    isVoided: false,
    orderNumber: "",
    comments: null,
    paymentTerm: 1,
    paidDate: null,
    webServiceDate: null,
    taxRegionName: "VAT",
    dueDate: "2025-10-05T00:00:00"
  },
  {
    id: 156,
    batchID: 79,
    companyID: 370,
    createDateTime: "2025-09-06T10:00:00Z",
    invoiceDateTime: "2025-09-06T00:00:00Z",
    invoiceNumber: null,
    invoiceTotal: 100,
    totalTaxValue: 0,
    isVoided: false,
    orderNumber: "PO-7",
    comments: "Monthly",
    paymentTerm: 2,
    paidDate: null,
    webServiceDate: null,
    taxRegionName: "",
    dueDate: "2025-10-06T00:00:00"
  },
  {
    id: 157,
    batchID: 80,
    companyID: 369,
    createDateTime: "2025-09-07T10:00:00Z",
    invoiceDateTime: "2025-09-07T00:00:00",
    invoiceNumber: "ERROR",
    invoiceTotal: -20.5,
    totalTaxValue: 0,
    isVoided: true,
    voidedDate: "2025-09-08T12:00:00Z",
    orderNumber: null,
    comments: "",
    paymentTerm: 1,
    paidDate: null,
    webServiceDate: "2025-09-07T11:00:00Z",
    taxRegionName: null,
    dueDate: null
  }
]

export const billingItems = [
  {
    id: 26039,
    invoiceID: 155,
    billingCodeID: 29683502,
    billingItemType: 1,
    subType: 1,
    nonBillable: 0,
    companyID: 369,
    itemName: "Remote support",
    description: "Printer fixed",
    quantity: 3.175,
    rate: 100,
    extendedPrice: 386.645,
    totalAmount: 0,
    lineItemFullDescription: "Remote support: printer fixed",
    webServiceDate: null,
    userDefinedFields: [{ name: "CustomerRanking", value: "Golden" }]
  },
  {
    id: 26040,
    invoiceID: 155,
    billingCodeID: 29683503,
    billingItemType: 5,
    subType: 1,
    nonBillable: 0,
    companyID: 369,
    itemName: "Backup subscription",
    description: null,
    quantity: 1,
    rate: 25,
    extendedPrice: 25,
    totalAmount: 25,
    webServiceDate: null,
    userDefinedFields: [{ name: "CustomerRanking", value: "Silver" }]
  },
  {
    id: 26041,
    invoiceID: 0,
    billingCodeID: 29683502,
    billingItemType: 1,
    subType: 1,
    nonBillable: 1,
    companyID: 370,
    itemName: "Onsite",
    description: "",
    quantity: 2,
    rate: 120,
    extendedPrice: 240,
    totalAmount: 240,
    webServiceDate: null
  }
]

export const paymentTerms = [
  { id: 1, name: "Net 30 Days", isActive: true, paymentDueInDays: 30 },
  { id: 2, name: "Due on Receipt", isActive: true, paymentDueInDays: 0 }
]

export const sampleDataset: AutotaskDataset = {
  entities: {
    Invoices: invoices,
    BillingItems: billingItems,
    PaymentTerms: paymentTerms,
    BillingCodes: [
      { id: 29683502, name: "Remote support", externalNumber: null, isActive: true, billingCodeType: 0, useType: 1 },
      { id: 29683503, name: "Sales", externalNumber: "0", isActive: true, billingCodeType: 2, useType: 2 }
    ],
    Companies: [
      { id: 369, companyName: "Acme Ltd", isActive: true, companyType: 1 },
      { id: 370, companyName: "Globex", isActive: true, companyType: 1, userDefinedFields: [] }
    ]
  }
}

/** `count` billing items with ids 1000… spread over `invoiceCount` invoices. */
export const manyBillingItems = (count: number, invoiceCount = 100) =>
  Array.from({ length: count }, (_, index) => ({
    id: 1000 + index,
    invoiceID: 5000 + (index % invoiceCount),
    billingCodeID: 29683502,
    billingItemType: 1,
    subType: 1,
    nonBillable: 0,
    quantity: 1,
    rate: index % 97,
    extendedPrice: index % 97,
    webServiceDate: null,
    userDefinedFields: []
  }))

/** A simulator that is closed when the test's scope ends. */
export const simulator = (start: StartAutotaskSimulatorOptions) =>
  Effect.acquireRelease(
    Effect.promise(() => startAutotaskSimulator(start)),
    (sim) => Effect.promise(() => sim.close())
  )

export const authHeaders = (sim: AutotaskSimulator): Record<string, string> => ({
  ApiIntegrationCode: sim.credentials.integrationCode,
  UserName: sim.credentials.username,
  Secret: sim.credentials.secret,
  "Content-Type": "application/json"
})

/** `{zoneRoot}V1.0/{path}` for the simulator's current zone. */
export const restUrl = (sim: AutotaskSimulator, path: string) => `${sim.zone().url}V1.0/${path}`

export interface RawResponse {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  readonly json: any
}

/** A raw HTTP probe with global fetch: the client under test is not involved. */
export const probe = async (url: string, init: RequestInit = {}): Promise<RawResponse> => {
  const response = await fetch(url, init)
  const text = await response.text()
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    json = undefined
  }
  return { status: response.status, headers: response.headers, text, json }
}

export const postJson = (sim: AutotaskSimulator, path: string, body: unknown, headers = authHeaders(sim)) =>
  probe(restUrl(sim, path), { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) })

export const getJson = (sim: AutotaskSimulator, path: string, headers = authHeaders(sim)) =>
  probe(restUrl(sim, path), { headers })

export const credentialsFor = (sim: AutotaskSimulator, secret = sim.credentials.secret): AutotaskCredentials => ({
  username: sim.credentials.username,
  secret: Redacted.make(secret),
  integrationCode: Redacted.make(sim.credentials.integrationCode),
  impersonationResourceId: undefined,
  source: "the environment variables AUTOTASK_USERNAME, AUTOTASK_SECRET, AUTOTASK_INTEGRATION_CODE"
})

/** Fast retries so fault tests take milliseconds. */
export const FAST_RETRY = { baseDelayMs: 1, maxDelayMs: 4, maxAttempts: 10 } as const

export const clientLayer = (sim: AutotaskSimulator, options: Partial<AutotaskClientOptions> = {}) =>
  AutotaskClientLive.layer({
    credentials: credentialsFor(sim),
    discoveryUrl: sim.baseUrl,
    retry: FAST_RETRY,
    ...options
  })

/** Runs `effect` with a client for `sim`; the layer (and its HTTP agent) is released afterwards. */
export const withClient = <A, E, R>(
  sim: AutotaskSimulator,
  effect: Effect.Effect<A, E, R>,
  options: Partial<AutotaskClientOptions> = {}
) => effect.pipe(Effect.provide(clientLayer(sim, options)))

/** Runs `body` against a fresh simulator that is closed afterwards (for plain async tests). */
export const withSimulator = async <A>(
  start: StartAutotaskSimulatorOptions,
  body: (sim: AutotaskSimulator) => Promise<A>
): Promise<A> => {
  const sim = await startAutotaskSimulator(start)
  try {
    return await body(sim)
  } finally {
    await sim.close()
  }
}

export const patchJson = (sim: AutotaskSimulator, path: string, body: unknown, method: "PATCH" | "PUT" = "PATCH") =>
  probe(restUrl(sim, path), { method, headers: authHeaders(sim), body: JSON.stringify(body) })

/** Runs `f` with the reader service. */
export const withReader = <A, E>(f: (reader: AutotaskReaderService) => Effect.Effect<A, E>) =>
  Effect.gen(function*() {
    return yield* f(yield* AutotaskReader)
  })

/** Runs `f` with the writer service. */
export const withWriter = <A, E>(f: (writer: AutotaskWriterService) => Effect.Effect<A, E>) =>
  Effect.gen(function*() {
    return yield* f(yield* AutotaskWriter)
  })
