/**
 * The QBO v3 loopback simulator: one `node:http` server for the API
 * (`/v3/company/{realm}/…`) and Intuit's OAuth endpoints. Per request, in order: log and
 * count → throttle admission (per realm) → latency → dropped connection → bearer check →
 * minor version → injected 5xx/6000 → `requestid` replay → the operation → (writes) store
 * the response for replay → optionally lose it after the commit.
 */
import { randomUUID } from "node:crypto"
import { type IncomingMessage, type ServerResponse, createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { setTimeout as sleep } from "node:timers/promises"
import type { QboRealmData } from "./defaults.ts"
import { FaultInjector, type QboFaultKind, type QboFaultSpec, type RequestShape } from "./faultInjection.ts"
import {
  Faults,
  SimFault,
  TRANSIENT_DETAIL,
  gatewayAuthBody,
  nginxHtml,
  throttleFault,
  throttleXml
} from "./faults.ts"
import { type JsonObject, type JsonValue, isObject } from "./json.ts"
import { RealmLimiter } from "./limits.ts"
import {
  DEFAULT_QBO_SANDBOX_OAUTH,
  OAUTH_PATHS,
  OAuthServer,
  type OAuthReply,
  type QboSandboxCredentials,
  type QboSandboxOAuth,
  sandboxCredentials
} from "./oauth.ts"
import * as Operations from "./operations.ts"
import { DEFAULT_QBO_SIM_OPTIONS, type QboSimOptions, type QboSimOptionsInput, mergeSimOptions, parseSimOptions } from "./options.ts"
import { runBatch } from "./batch.ts"
import { changeDataCapture } from "./cdc.ts"
import { executeQuery, queryEntityName } from "./query/execute.ts"
import { type QboRealmView, createRealmStore, realmView } from "./realm.ts"
import type { OpContext } from "./rules.ts"
import type { RealmStore, SimEntity } from "./store.ts"
import { SimClock, envelopeTime } from "./time.ts"

export interface QboSimulatorOptions {
  /** 0 (default) picks a free port. */
  readonly port?: number
  readonly host?: string
  readonly realms: Record<string, QboRealmData>
  readonly oauth?: QboSandboxOAuth
  readonly options?: QboSimOptionsInput
}

export type QboRequestOutcome =
  | "ok"
  | "fault"
  | "auth"
  | "throttled"
  | "injected"
  | "dropped"
  | "replayed"
  | "lost"
  | "truncated"
  | "garbled"
  | "hung"
  | "oauth"
  | "not-found"

export interface QboRequestLogEntry {
  readonly at: string
  readonly method: string
  /** Path and query string as received. */
  readonly url: string
  /** Counting key: `"POST /batch"`, `"GET /query Invoice"`, `"POST /invoice?operation=void"`. */
  readonly key: string
  readonly realmId: string | undefined
  readonly requestId: string | undefined
  readonly minorVersion: string | undefined
  status: number | undefined
  outcome: QboRequestOutcome | undefined
}

export interface QboSimulator {
  /** API root: append `/v3/company/{realmId}/…`. */
  readonly baseUrl: string
  readonly tokenUrl: string
  readonly revokeUrl: string
  readonly authorizeUrl: string
  readonly discoveryUrl: string
  readonly userinfoUrl: string
  readonly jwksUrl: string
  readonly port: number
  readonly realmIds: ReadonlyArray<string>
  /** The client credentials and each realm's starting refresh token. */
  readonly oauth: QboSandboxCredentials
  /** Every request received, oldest first (the oldest are dropped beyond about `maxLogEntries`). */
  readonly requests: ReadonlyArray<QboRequestLogEntry>
  store(realmId: string): QboRealmView
  /** Requests per key since start (or `resetStats`). */
  counts(): Record<string, number>
  /** API write requests received (POSTs other than queries, batches included). */
  writeCount(): number
  /** API requests of a realm in flight now, and the peak since start (or `resetStats`). */
  concurrency(realmId: string): { readonly current: number; readonly peak: number }
  resetStats(): void
  readonly options: QboSimOptions
  setOptions(update: QboSimOptionsInput): void
  /** Scripted fault for the next matching request(s). */
  injectFault(spec: QboFaultSpec): void
  clearFaults(): void
  /** An access token for one realm, as the token endpoint would issue. */
  issueAccessToken(realmId: string): string
  isRefreshTokenValid(token: string): boolean
  /** Moves the simulated clock forward (token expiry, rotation period, rate windows). */
  advanceTime(simulatedMs: number): void
  close(): Promise<void>
}

const JSON_TYPE = "application/json;charset=UTF-8"

interface Reply {
  readonly status: number
  readonly contentType: string
  readonly body: string
  readonly headers?: Record<string, string>
}

const jsonReply = (status: number, body: JsonValue): Reply => ({ status, contentType: JSON_TYPE, body: JSON.stringify(body) })

const faultReply = (fault: SimFault, now: Date): Reply =>
  jsonReply(fault.status, { Fault: fault.toFault(), time: envelopeTime(now) })

const readBody = (req: IncomingMessage): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    req.on("data", (chunk: Buffer) => chunks.push(chunk))
    req.on("end", () => resolve(Buffer.concat(chunks)))
    req.on("error", reject)
  })

const utf8 = new TextDecoder("utf-8", { fatal: true })

const decodeUtf8 = (bytes: Buffer): string => {
  try {
    return utf8.decode(bytes)
  } catch {
    throw Faults.unsupportedOperation(
      "org.xml.sax.SAXParseException; com.sun.org.apache.xerces.internal.impl.io.MalformedByteSequenceException: Invalid byte 1 of 1-byte UTF-8 sequence is not supported."
    )
  }
}

const parseJsonBody = (text: string): JsonObject => {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    throw Faults.unsupportedProperty("Property Name:Can not deserialize the request body: it is not valid JSON")
  }
  if (!isObject(parsed)) throw Faults.unsupportedProperty("Property Name:the request body must be a JSON object")
  return parsed
}

/** Parsed API path: `/v3/company/{realm}/{segments…}`. */
interface ApiPath {
  readonly realmId: string
  readonly segments: ReadonlyArray<string>
  /** The part after the realm, for fault matching (`/invoice`, `/batch`). */
  readonly rest: string
}

const parseApiPath = (pathname: string): ApiPath | undefined => {
  const match = /^\/v3\/company\/([^/]+)(\/.*)?$/.exec(pathname)
  if (match === null) return undefined
  const rest = match[2] ?? "/"
  return { realmId: decodeURIComponent(match[1]!), segments: rest.split("/").filter((s) => s !== "").map((s) => decodeURIComponent(s)), rest }
}

const countKey = (method: string, api: ApiPath, url: URL, statement: string | undefined): string => {
  const [first = "", second, third] = api.segments
  const segment = first.toLowerCase()
  if (segment === "query") return `${method} /query ${statement === undefined ? "?" : (queryEntityName(statement) ?? "?")}`
  if (second === undefined) {
    const operation = url.searchParams.get("operation")
    return `${method} /${segment}${operation !== null && operation !== "update" ? `?operation=${operation}` : ""}`
  }
  if (segment === "companyinfo") return `${method} /companyinfo`
  return `${method} /${segment}/{id}${third !== undefined ? `/${third.toLowerCase()}` : ""}`
}

export const startQboSimulator = async (config: QboSimulatorOptions): Promise<QboSimulator> => {
  let options = mergeSimOptions(DEFAULT_QBO_SIM_OPTIONS, config.options === undefined ? undefined : parseSimOptions(config.options, "startQboSimulator options"))
  const clock = new SimClock(options.timeScale)
  const injector = new FaultInjector(options.faults.seed)
  const stores = new Map<string, RealmStore>()
  for (const [realmId, data] of Object.entries(config.realms)) stores.set(realmId, createRealmStore(realmId, data, new Date()))
  const realmIds = [...stores.keys()]
  const oauthConfig = sandboxCredentials(config.oauth ?? DEFAULT_QBO_SANDBOX_OAUTH, realmIds)
  const oauth = new OAuthServer(oauthConfig, clock, () => options.tokens, () => realmIds)
  const limiters = new Map<string, RealmLimiter>()
  let log: Array<QboRequestLogEntry> = []
  let counts: Record<string, number> = {}
  let writes = 0
  let baseUrl = ""

  const limiterFor = (realmId: string): RealmLimiter => {
    let limiter = limiters.get(realmId)
    if (limiter === undefined) {
      limiter = new RealmLimiter()
      limiters.set(realmId, limiter)
    }
    return limiter
  }

  const record = (entry: QboRequestLogEntry): void => {
    log.push(entry)
    // Trim in chunks so a long benchmark doesn't copy the log on every request.
    if (log.length > options.maxLogEntries + Math.ceil(options.maxLogEntries / 10)) log.splice(0, log.length - options.maxLogEntries)
    counts[entry.key] = (counts[entry.key] ?? 0) + 1
  }

  const send = (res: ServerResponse, reply: Reply, entry: QboRequestLogEntry | undefined, outcome: QboRequestOutcome): void => {
    if (entry !== undefined) {
      entry.status = reply.status
      entry.outcome = outcome
    }
    res.writeHead(reply.status, {
      "content-type": reply.contentType,
      intuit_tid: randomUUID(),
      "qbo-version": "1994.148",
      "cache-control": "max-age=0, no-cache, no-store, must-revalidate, private",
      ...reply.headers
    })
    res.end(reply.body)
  }

  const destroy = (req: IncomingMessage, entry: QboRequestLogEntry, outcome: "dropped" | "lost"): void => {
    entry.status = 0
    entry.outcome = outcome
    req.socket.destroy()
  }

  const fault = (shape: RequestShape, kind: QboFaultKind, rate: number): boolean =>
    injector.takeScripted(shape, [kind]) !== undefined || injector.chance(rate)

  const throttleReply = (now: Date): Reply => {
    const headers: Record<string, string> = {}
    if (options.throttle.retryAfterSeconds !== null) headers["retry-after"] = String(options.throttle.retryAfterSeconds)
    return options.throttle.xmlBody
      ? { status: 429, contentType: "application/xml;charset=UTF-8", body: throttleXml(envelopeTime(now)), headers }
      : { status: 429, contentType: JSON_TYPE, body: JSON.stringify({ Fault: throttleFault(), time: envelopeTime(now) }), headers }
  }

  /** Runs the operation a request names; returns the reply and whether it wrote. */
  const route = (method: string, api: ApiPath, url: URL, text: string, ctx: OpContext, statement: string | undefined): { reply: Reply; write: boolean } => {
    const now = ctx.now
    const [first = "", second, third] = api.segments
    const segment = first.toLowerCase()
    const wrap = (key: string, value: JsonValue): Reply => jsonReply(200, { [key]: value, time: envelopeTime(now) })

    if (segment === "query") {
      if (method !== "GET" && method !== "POST") throw Faults.unsupportedOperation(`Operation ${method} /query is not supported.`)
      if (statement === undefined || statement.trim() === "") throw Faults.queryParse(`Encountered "<EOF>" at line 1, column 1.\nWas expecting one of: "select" ...`)
      return { reply: wrap("QueryResponse", executeQuery(ctx.store, statement, options, now)), write: false }
    }
    if (segment === "batch") {
      if (method !== "POST") throw Faults.unsupportedOperation(`Operation ${method} /batch is not supported.`)
      const requestId = url.searchParams.get("requestid") ?? undefined
      const transient = () => fault({ method: "POST", path: "/batch", realmId: api.realmId }, "transient6000", options.faults.transientErrorRate)
      return { reply: jsonReply(200, runBatch(ctx, parseJsonBody(text), requestId, transient)), write: true }
    }
    if (segment === "cdc") {
      if (method !== "GET") throw Faults.unsupportedOperation(`Operation ${method} /cdc is not supported.`)
      const changes = changeDataCapture(ctx.store, url.searchParams.get("entities"), url.searchParams.get("changedSince"), options.cdc, now)
      return { reply: wrap("CDCResponse", changes), write: false }
    }
    if (segment === "preferences") {
      if (method === "GET") return { reply: wrap("Preferences", ctx.store.preferences), write: false }
      if (method === "POST") return { reply: wrap("Preferences", Operations.updatePreferences(ctx, parseJsonBody(text))), write: true }
    }
    if (segment === "companyinfo" && method === "GET") {
      if (second !== undefined && second !== api.realmId && second !== String(ctx.store.companyInfo["Id"])) throw Faults.notFound("Id")
      return { reply: wrap("CompanyInfo", ctx.store.companyInfo), write: false }
    }
    const entity = Operations.entityByName(segment)
    if (entity === undefined) throw Faults.unsupportedOperation(`Operation ${method} ${api.rest} is not supported.`)
    if (method === "GET" && second !== undefined && third === undefined) {
      return { reply: wrap(entity, Operations.read(ctx, entity, second)), write: false }
    }
    if (method === "GET" && second !== undefined && third?.toLowerCase() === "pdf") {
      Operations.read(ctx, entity, second)
      return { reply: { status: 200, contentType: "application/pdf", body: `%PDF-1.4\n% ${entity} ${second}\n%%EOF\n` }, write: false }
    }
    if (method === "POST" && second !== undefined && third?.toLowerCase() === "send") {
      const sendTo = url.searchParams.get("sendTo") ?? undefined
      return { reply: wrap(entity, Operations.send(ctx, entity, second, sendTo)), write: true }
    }
    if (method === "POST" && second === undefined) {
      const body = parseJsonBody(text)
      const operation = url.searchParams.get("operation")?.toLowerCase()
      if (operation === "delete") return { reply: wrap(entity, Operations.remove(ctx, entity, body)), write: true }
      if (operation === "void") return { reply: wrap(entity, Operations.voidTransaction(ctx, entity, body)), write: true }
      if (operation === "update") return { reply: wrap(entity, Operations.update(ctx, entity, body)), write: true }
      if (operation !== undefined) throw Faults.unsupportedOperation(`Operation ${operation} is not supported.`)
      return { reply: wrap(entity, Operations.create(ctx, entity, body)), write: true }
    }
    throw Faults.unsupportedOperation(`Operation ${method} ${api.rest} is not supported.`)
  }

  const handleApi = async (req: IncomingMessage, res: ServerResponse, url: URL, api: ApiPath, bytes: Buffer): Promise<void> => {
    const method = req.method ?? "GET"
    // Simulated time: MetaData stamps and the envelope's `time` follow advanceTime/timeScale.
    const now = new Date(clock.now())
    const segment = (api.segments[0] ?? "").toLowerCase()
    let text = ""
    let statement: string | undefined
    let decodeFault: SimFault | undefined
    try {
      text = decodeUtf8(bytes)
    } catch (error) {
      if (!(error instanceof SimFault)) throw error
      decodeFault = error
    }
    if (segment === "query") statement = method === "GET" ? (url.searchParams.get("query") ?? undefined) : text
    const requestId = url.searchParams.get("requestid") ?? undefined
    const entry: QboRequestLogEntry = {
      at: now.toISOString(),
      method,
      url: req.url ?? "",
      key: countKey(method, api, url, statement),
      realmId: api.realmId,
      requestId,
      minorVersion: url.searchParams.get("minorversion") ?? undefined,
      status: undefined,
      outcome: undefined
    }
    record(entry)
    const isWrite = method === "POST" && segment !== "query"
    if (isWrite) writes += 1
    const shape: RequestShape = { method, path: api.rest, realmId: api.realmId }

    // Throttling first: a throttled request costs nothing else.
    const release = limiterFor(api.realmId).admit(clock.now(), segment === "batch", options.limits)
    if (release === undefined || fault(shape, "throttle", options.faults.throttleRate)) {
      release?.()
      return send(res, throttleReply(now), entry, "throttled")
    }
    res.on("close", release)

    const latency = injector.latency(options.faults)
    if (latency > 0) await sleep(clock.real(latency))
    if (fault(shape, "dropConnection", options.faults.dropConnectionRate)) return destroy(req, entry, "dropped")

    const access = oauth.checkAccess(req.headers.authorization, api.realmId)
    if (!access.ok) return send(res, jsonReply(access.status, gatewayAuthBody(access.status, access.detail, Date.now())), entry, "auth")

    const store = stores.get(api.realmId)
    if (store === undefined) return send(res, faultReply(Faults.business("Unexpected Internal Error. (-30000)"), now), entry, "fault")
    if (options.strictMinorVersion) {
      const minor = Number(entry.minorVersion ?? "NaN")
      if (!Number.isInteger(minor) || minor < options.minimumMinorVersion) {
        const shown = entry.minorVersion ?? "(none)"
        return send(
          res,
          faultReply(Faults.unsupportedProperty(`Property Name:minorversion ${shown} is not supported; use ${options.minimumMinorVersion} or later`, "minorversion"), now),
          entry,
          "fault"
        )
      }
    }
    if (fault(shape, "http500", options.faults.serverErrorRate)) return send(res, faultReply(Faults.systemFailure(), now), entry, "injected")
    if (fault(shape, "http502", options.faults.badGatewayRate)) {
      return send(res, { status: 502, contentType: "text/html", body: nginxHtml(502) }, entry, "injected")
    }
    if (fault(shape, "http503", options.faults.unavailableRate)) {
      return send(res, { status: 503, contentType: "text/html", body: nginxHtml(503) }, entry, "injected")
    }
    if (segment !== "batch" && fault(shape, "transient6000", options.faults.transientErrorRate)) {
      return send(res, faultReply(Faults.transient(), now), entry, "injected")
    }
    if (decodeFault !== undefined) return send(res, faultReply(decodeFault, now), entry, "fault")

    // requestid: a repeat gets the stored original response, whatever happened since.
    if (isWrite && requestId !== undefined) {
      const stored = store.requestIds.get(requestId)
      const retention = options.requestIdRetentionSeconds
      if (stored !== undefined && retention !== null && clock.now() - stored.storedAt > retention * 1000) store.requestIds.delete(requestId)
      else if (stored !== undefined) return send(res, { status: stored.status, contentType: stored.contentType, body: stored.body }, entry, "replayed")
    }

    const include = new Set((url.searchParams.get("include") ?? "").toLowerCase().split(",").filter((s) => s !== ""))
    const ctx: OpContext = { store, options, now, visibleSeq: undefined, include }
    let reply: Reply
    let wrote = false
    try {
      const routed = route(method, api, url, text, ctx, statement)
      reply = routed.reply
      wrote = routed.write
    } catch (error) {
      if (!(error instanceof SimFault)) throw error
      return send(res, faultReply(error, now), entry, "fault")
    }
    if (wrote && requestId !== undefined && reply.status === 200) {
      store.requestIds.set(requestId, { status: reply.status, contentType: reply.contentType, body: reply.body, storedAt: clock.now() })
    }
    if (wrote && fault(shape, "loseResponse", options.faults.loseResponseRate)) return destroy(req, entry, "lost")
    if (reply.status === 200 && fault(shape, "truncateBody", options.faults.truncatedBodyRate)) {
      return send(res, { ...reply, body: reply.body.slice(0, Math.floor(reply.body.length / 2)) }, entry, "truncated")
    }
    if (reply.status === 200 && fault(shape, "garbleBody", options.faults.garbledBodyRate)) {
      return send(res, { ...reply, contentType: "text/html", body: "<html><body><h1>Service Unavailable</h1></body></html>" }, entry, "garbled")
    }
    if (fault(shape, "hang", options.faults.hangRate)) {
      await sleep(clock.real(options.faults.hangMs))
      return send(res, reply, entry, "hung")
    }
    send(res, reply, entry, "ok")
  }

  const handleOAuth = (req: IncomingMessage, res: ServerResponse, url: URL, bytes: Buffer): boolean => {
    const method = req.method ?? "GET"
    const text = bytes.toString("utf8")
    let reply: OAuthReply | undefined
    if (url.pathname === OAUTH_PATHS.token && method === "POST") {
      const hard = req.headers["x-include-refresh-token-hard-expires-in"]
      reply = oauth.token(req.headers.authorization, req.headers["content-type"], text, Array.isArray(hard) ? hard[0] : hard)
    } else if (url.pathname === OAUTH_PATHS.revoke && method === "POST") {
      reply = oauth.revoke(req.headers.authorization, req.headers["content-type"], text)
    } else if (url.pathname === OAUTH_PATHS.authorize && method === "GET") {
      reply = oauth.authorize(url)
    } else if ((url.pathname === OAUTH_PATHS.discovery || url.pathname === OAUTH_PATHS.sandboxDiscovery) && method === "GET") {
      reply = { status: 200, body: oauth.discovery(baseUrl) }
    } else if (url.pathname === OAUTH_PATHS.userinfo && method === "GET") {
      reply = oauth.userinfo(req.headers.authorization)
    } else if (url.pathname === OAUTH_PATHS.jwks && method === "GET") {
      reply = { status: 200, body: oauth.jwks() }
    }
    if (reply === undefined) return false
    const entry: QboRequestLogEntry = {
      at: new Date().toISOString(),
      method,
      url: req.url ?? "",
      key: `${method} ${url.pathname}`,
      realmId: undefined,
      requestId: undefined,
      minorVersion: undefined,
      status: reply.status,
      outcome: "oauth"
    }
    record(entry)
    const body = reply.body === undefined ? "" : typeof reply.body === "string" ? reply.body : JSON.stringify(reply.body)
    res.writeHead(reply.status, {
      ...(reply.body === undefined ? {} : { "content-type": typeof reply.body === "string" ? "text/plain" : "application/json" }),
      intuit_tid: randomUUID(),
      ...reply.headers
    })
    res.end(body)
    return true
  }

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://localhost")
    const bytes = await readBody(req)
    if (handleOAuth(req, res, url, bytes)) return
    const api = parseApiPath(url.pathname)
    if (api === undefined) {
      res.writeHead(404, { "content-type": "text/plain" })
      res.end(`Not found: ${url.pathname}`)
      return
    }
    await handleApi(req, res, url, api, bytes)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (res.headersSent) {
        res.destroy()
        return
      }
      const message = error instanceof Error ? error.message : String(error)
      res.writeHead(500, { "content-type": JSON_TYPE })
      res.end(JSON.stringify({ Fault: { Error: [{ Message: "Simulator error", Detail: message, code: "10000", element: "" }], type: "SystemFault" } }))
    })
  })
  server.keepAliveTimeout = 5_000

  const host = config.host ?? "127.0.0.1"
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(config.port ?? 0, host, () => {
      server.off("error", reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  baseUrl = `http://${host.includes(":") ? `[${host}]` : host}:${port}`

  return {
    baseUrl,
    tokenUrl: `${baseUrl}${OAUTH_PATHS.token}`,
    revokeUrl: `${baseUrl}${OAUTH_PATHS.revoke}`,
    authorizeUrl: `${baseUrl}${OAUTH_PATHS.authorize}`,
    discoveryUrl: `${baseUrl}${OAUTH_PATHS.discovery}`,
    userinfoUrl: `${baseUrl}${OAUTH_PATHS.userinfo}`,
    jwksUrl: `${baseUrl}${OAUTH_PATHS.jwks}`,
    port,
    realmIds,
    oauth: oauthConfig,
    get requests() {
      return log
    },
    store: (realmId) => {
      const store = stores.get(realmId)
      if (store === undefined) throw new Error(`No realm ${realmId} in the QBO simulator (have ${realmIds.join(", ")})`)
      return realmView(store)
    },
    counts: () => ({ ...counts }),
    writeCount: () => writes,
    concurrency: (realmId) => limiters.get(realmId)?.concurrency ?? { current: 0, peak: 0 },
    resetStats: () => {
      log = []
      counts = {}
      writes = 0
      for (const limiter of limiters.values()) limiter.resetPeak()
    },
    get options() {
      return options
    },
    setOptions: (update) => {
      options = mergeSimOptions(options, parseSimOptions(update, "setOptions"))
      clock.setTimeScale(options.timeScale)
      injector.reseed(options.faults.seed)
    },
    injectFault: (spec) => injector.inject(spec),
    clearFaults: () => injector.clear(),
    issueAccessToken: (realmId) => oauth.issueAccessToken(realmId),
    isRefreshTokenValid: (token) => oauth.isRefreshTokenValid(token),
    advanceTime: (simulatedMs) => clock.advance(simulatedMs),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()))
        server.closeAllConnections()
      })
  }
}

export { TRANSIENT_DETAIL }
export type { SimEntity }
