/**
 * The Autotask REST loopback simulator: a plain `node:http` server (so faults can drop
 * sockets and shape bytes exactly) that authenticates like Autotask, enforces its thread
 * and hourly limits, injects faults, and hands the request to the endpoint handlers.
 *
 * Per request, in order: route → (zoneInformation / versioninformation: no auth, no
 * limits) → credentials and zone → hourly threshold → thread limit → injected fault →
 * latency → handler. Every request is logged with the status it got.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import type { AtThresholdInfo, AtZoneInfo } from "../../autotask/model.ts"
import type { AutotaskDataset } from "./dataset.ts"
import { type InjectedFault, FaultPlan } from "./faults.ts"
import {
  handleEntityInformation,
  handleGet,
  handleQuery,
  handleWrite,
  type HandlerContext,
  searchParam
} from "./handlers.ts"
import { RequestThreshold, thresholdDelayMs, ThreadLimiter } from "./limits.ts"
import {
  type AutotaskSimOptions,
  type AutotaskSimOptionsInput,
  DEFAULT_AUTOTASK_SIM_OPTIONS,
  mergeSimOptions,
  validateSimOptions
} from "./options.ts"
import { stringifyPreservingNumbers } from "./rawJson.ts"
import { type ResolvedRoute, resolveRoute } from "./routes.ts"
import { autotaskError, methodNotAllowed, notFound, SimError } from "./simError.ts"
import { AutotaskStore, type AutotaskStoreView } from "./store.ts"

export interface AutotaskSimulatorCredentials {
  readonly username: string
  readonly secret: string
  readonly integrationCode: string
}

export const DEFAULT_AUTOTASK_SANDBOX_CREDENTIALS: AutotaskSimulatorCredentials = {
  username: "sandbox@atqbo.local",
  secret: "sandbox-secret",
  integrationCode: "ATQBOSANDBOXINTEGRATIONCODE"
}

export interface StartAutotaskSimulatorOptions {
  /** 0 (default) binds an ephemeral port. */
  readonly port?: number
  readonly host?: string
  readonly data: AutotaskDataset
  readonly credentials?: AutotaskSimulatorCredentials
  /** Overrides the dataset's own options (sandbox.yaml). */
  readonly options?: AutotaskSimOptionsInput
}

export type AutotaskRequestFault = InjectedFault | "noop-write"

export interface AutotaskRequestRecord {
  readonly method: string
  /** Path and query string as received. */
  readonly path: string
  /** Counting key, e.g. `POST BillingItems/query/next`. */
  readonly endpoint: string
  readonly entity: string | undefined
  /** HTTP status sent; 0 when the connection was dropped. */
  readonly status: number
  /** `Date.now()` when the request arrived. */
  readonly at: number
  readonly durationMs: number
  /** The threshold-band slow-down held on this request (after timeScale), so tests read the band, not the clock. */
  readonly throttledMs: number
  readonly write: boolean
  /** The fault injected into this request, if any. */
  readonly fault: AutotaskRequestFault | undefined
  /** Set when the simulator itself failed (a bug): the message of the exception. */
  readonly internalError?: string
}

export interface AutotaskSimulator {
  /** `http://127.0.0.1:PORT/` */
  readonly baseUrl: string
  /** Zone discovery endpoint; call with `?user=`. */
  readonly discoveryUrl: string
  readonly credentials: AutotaskSimulatorCredentials
  readonly store: AutotaskStoreView
  /** Every request so far, in completion order. */
  readonly requests: ReadonlyArray<AutotaskRequestRecord>
  /** Requests per endpoint key (`"POST Invoices/query"`); faulted ones excluded on request. */
  readonly counts: (options?: { readonly includeFaulted?: boolean }) => Readonly<Record<string, number>>
  readonly readCount: () => number
  readonly writeCount: () => number
  readonly clearRequests: () => void
  readonly options: () => AutotaskSimOptions
  /** Changes options at run time (validated; nested sections merge). */
  readonly setOptions: (options: AutotaskSimOptionsInput) => void
  /** The zone `zoneInformation` currently answers with. */
  readonly zone: () => AtZoneInfo
  /** Moves the tenant to a new zone: the old zone URL answers 401 from now on. */
  readonly moveZone: () => AtZoneInfo
  readonly threshold: () => AtThresholdInfo
  /** Moves the simulator's clock forward: the hourly threshold's rolling window passes without waiting. */
  readonly advanceTime: (ms: number) => void
  /**
   * Keeps every API request that got its thread slot waiting until the returned function is
   * called: several requests in flight at once, however fast or slow the machine (tests).
   */
  readonly hold: () => () => void
  readonly close: () => Promise<void>
}

const MAX_BODY_BYTES = 20 * 1024 * 1024

const readBody = (request: IncomingMessage): Promise<string | undefined> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    let size = 0
    request.on("data", (chunk: Buffer) => {
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        reject(autotaskError("The request body is too large.", 413))
        request.destroy()
      } else {
        chunks.push(chunk)
      }
    })
    request.on("end", () => resolve(size === 0 ? undefined : Buffer.concat(chunks).toString("utf8")))
    request.on("error", reject)
  })

const header = (request: IncomingMessage, name: string): string | undefined => {
  // Node lower-cases header names, which makes Autotask's headers case-insensitive for free.
  const value = request.headers[name]
  return Array.isArray(value) ? value[0] : value
}

interface Reply {
  readonly status: number
  readonly body: unknown
  readonly headers?: Readonly<Record<string, string>>
}

export const startAutotaskSimulator = async (start: StartAutotaskSimulatorOptions): Promise<AutotaskSimulator> => {
  const store = new AutotaskStore(start.data)
  const credentials = start.credentials ?? DEFAULT_AUTOTASK_SANDBOX_CREDENTIALS
  let options = mergeSimOptions(
    mergeSimOptions(DEFAULT_AUTOTASK_SIM_OPTIONS, validateSimOptions(start.data.options, "dataset options")),
    validateSimOptions(start.options, "startAutotaskSimulator options")
  )
  const faults = new FaultPlan(options.seed)
  const threads = new ThreadLimiter()
  const threshold = new RequestThreshold()
  const log: Array<AutotaskRequestRecord> = []
  const sleepers = new Set<{ readonly timer: NodeJS.Timeout; readonly wake: () => void }>()
  /** Zone path prefixes; the last one is current. */
  const zones: Array<string> = [""]
  let origin = ""
  let held: { readonly until: Promise<void>; readonly release: () => void } | undefined
  let skippedMs = 0
  const now = () => Date.now() + skippedMs

  const zoneRoot = (index: number) => {
    const prefix = zones[index] ?? ""
    return `${origin}/${prefix === "" ? "" : `${prefix}/`}ATServicesRest/`
  }
  const zoneInfo = (): AtZoneInfo => {
    const index = zones.length - 1
    return { zoneName: `Sandbox Zone ${index + 1}`, url: zoneRoot(index), webUrl: `${origin}/ww${index + 1}/`, ci: 29683 }
  }
  const thresholdInfo = (used: number): AtThresholdInfo => ({
    externalRequestThreshold: options.limits.hourlyThreshold,
    requestThresholdTimeframe: Math.round(options.limits.thresholdWindowMs / 60_000),
    currentTimeframeRequestCount: used
  })

  const sleep = (ms: number): Promise<void> =>
    ms <= 0 ? Promise.resolve() : new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          sleepers.delete(entry)
          resolve()
        }, ms),
        wake: resolve
      }
      sleepers.add(entry)
    })

  const retryAfter = (): Readonly<Record<string, string>> =>
    options.faults.retryAfterSeconds === null ? {} : { "retry-after": String(options.faults.retryAfterSeconds) }

  const authenticated = (request: IncomingMessage) =>
    header(request, "username")?.toLowerCase() === credentials.username.toLowerCase() &&
    header(request, "secret") === credentials.secret &&
    header(request, "apiintegrationcode") === credentials.integrationCode

  /** Waits the configured latency, then either returns the injected fault's reply or nothing. */
  const injectFault = async (
    fault: InjectedFault | undefined,
    extraDelayMs: number
  ): Promise<Reply | "drop" | "drop-mid-body" | undefined> => {
    await sleep((faults.latencyMs(options.latency) + extraDelayMs) * options.timeScale)
    switch (fault) {
      case undefined:
        return undefined
      case "drop":
      case "drop-mid-body":
        return fault
      case "500":
        // ASP.NET's shape for an unhandled server exception.
        return { status: 500, body: { Message: "An error has occurred." } }
      case "503":
        return { status: 503, body: "<html><body><h1>503 Service Unavailable</h1></body></html>" }
      case "429":
        return { status: 429, body: { errors: ["Too many requests. Please retry later."] }, headers: retryAfter() }
    }
  }

  const processRequest = async (
    request: IncomingMessage,
    method: string,
    url: URL,
    resolved: ResolvedRoute,
    body: string | undefined,
    state: { fault: AutotaskRequestFault | undefined; release: (() => void) | undefined; throttledMs: number }
  ): Promise<Reply | "drop" | "drop-mid-body"> => {
    const { route } = resolved
    const zoneIndex = resolved.zonePrefix === undefined ? -1 : zones.indexOf(resolved.zonePrefix)
    if (route.kind === "notFound" || zoneIndex === -1) throw notFound(url.href)

    // Discovery endpoints: any zone answers, no credentials, exempt from limits.
    if (route.kind === "version" || route.kind === "zoneInformation") {
      if (method !== "GET") throw methodNotAllowed(method)
      state.fault = faults.pick(options.faults, { rateLimited: false })
      const faulted = await injectFault(state.fault, 0)
      if (faulted !== undefined) return faulted
      if (route.kind === "version") return { status: 200, body: { apiVersions: ["1.0"] } }
      const user = searchParam(url, "user")?.trim() ?? ""
      if (user.toLowerCase() !== credentials.username.toLowerCase()) {
        throw autotaskError(`Zone information could not be found for user '${user}'.`)
      }
      return { status: 200, body: zoneInfo() }
    }

    // A moved tenant's old zone rejects credentials, exactly like bad credentials (§8).
    if (!authenticated(request) || zoneIndex !== zones.length - 1) {
      throw new SimError(401, { errors: ["Authentication failed"] })
    }
    const impersonation = header(request, "impersonationresourceid")
    if (impersonation !== undefined && !/^\d+$/.test(impersonation.trim())) {
      throw autotaskError(`ImpersonationResourceId '${impersonation}' is not a valid resource id.`)
    }

    const arrived = now()
    const { limits } = options
    const used = threshold.count(arrived, limits.thresholdWindowMs)
    if (used >= limits.hourlyThreshold) {
      throw autotaskError(limits.thresholdBlockMessage, limits.thresholdBlockStatus, retryAfter())
    }
    threshold.record(arrived)

    const slotKey = `${credentials.integrationCode}|${resolved.entity ?? "?"}`
    state.release = threads.tryAcquire(slotKey, limits.concurrentPerEntity)
    if (state.release === undefined) {
      throw autotaskError(limits.concurrencyLimitMessage, limits.concurrencyLimitStatus, retryAfter())
    }

    if (held !== undefined) await held.until
    state.fault = faults.pick(options.faults, { rateLimited: true })
    const slowDown = limits.thresholdLatency ? thresholdDelayMs(used + 1, limits.hourlyThreshold) : 0
    state.throttledMs = slowDown * options.timeScale
    const faulted = await injectFault(state.fault, slowDown + options.processingMs)
    if (faulted !== undefined) return faulted

    const context: HandlerContext = {
      store,
      options,
      zoneRoot: zoneRoot(zoneIndex),
      noopWrite: () => faults.noopWrite(options.faults.noopWriteRate)
    }
    switch (route.kind) {
      case "threshold":
        if (method !== "GET") throw methodNotAllowed(method)
        return { status: 200, body: thresholdInfo(used + 1) }
      case "query":
        return { status: 200, body: handleQuery(context, route.entity, route.sub, method, url, body) }
      case "get":
        if (method !== "GET") throw methodNotAllowed(method)
        return { status: 200, body: handleGet(context, route.entity, route.id) }
      case "write": {
        const result = handleWrite(context, route.entity, method, body)
        if (result.noop) state.fault = "noop-write"
        return { status: 200, body: result.body }
      }
      case "entityInformation":
        if (method !== "GET") throw methodNotAllowed(method)
        return { status: 200, body: handleEntityInformation(context, route.entity, route.sub) }
    }
  }

  const send = (response: ServerResponse, reply: Reply) => {
    if (response.destroyed) return
    const isText = typeof reply.body === "string"
    const text = isText ? String(reply.body) : stringifyPreservingNumbers(reply.body)
    response.writeHead(reply.status, {
      "content-type": isText ? "text/html; charset=utf-8" : "application/json; charset=utf-8",
      "content-length": Buffer.byteLength(text),
      ...reply.headers
    })
    response.end(text)
  }

  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const at = Date.now()
    const method = (request.method ?? "GET").toUpperCase()
    const url = new URL(request.url ?? "/", origin)
    const resolved = resolveRoute(method, url.pathname)
    const state: { fault: AutotaskRequestFault | undefined; release: (() => void) | undefined; throttledMs: number } = {
      fault: undefined,
      release: undefined,
      throttledMs: 0
    }
    let status = 0
    let internalError: string | undefined
    try {
      const body = await readBody(request)
      const reply = await processRequest(request, method, url, resolved, body, state)
      if (reply === "drop") {
        request.socket.destroy()
      } else if (reply === "drop-mid-body") {
        // Headers promise a body that never fully arrives.
        response.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": "4096" })
        response.write("{\"items\":[{\"id\":")
        await new Promise((resolve) => setImmediate(resolve))
        response.destroy()
      } else {
        status = reply.status
        send(response, reply)
      }
    } catch (error) {
      if (error instanceof SimError) {
        status = error.status
        send(response, { status: error.status, body: error.body, headers: error.headers })
      } else {
        status = 500
        internalError = error instanceof Error ? error.message : String(error)
        send(response, { status: 500, body: { Message: "An error has occurred." } })
      }
    } finally {
      state.release?.()
      const route = resolved.route
      log.push({
        method,
        path: url.pathname + url.search,
        endpoint: resolved.endpoint,
        entity: resolved.entity,
        status,
        at,
        durationMs: Date.now() - at,
        throttledMs: state.throttledMs,
        write: route.kind === "write",
        fault: state.fault,
        ...(internalError === undefined ? {} : { internalError })
      })
    }
  }

  const server = createServer({ keepAliveTimeout: 10_000 }, (request, response) => {
    void handle(request, response)
  })
  server.on("clientError", (_error, socket) => socket.destroy())
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject)
    server.listen(start.port ?? 0, start.host ?? "127.0.0.1", () => {
      server.off("error", reject)
      resolve()
    })
  })
  const address = server.address() as AddressInfo
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address
  origin = `http://${host}:${address.port}`

  const count = (predicate: (record: AutotaskRequestRecord) => boolean) => log.filter(predicate).length

  return {
    baseUrl: `${origin}/`,
    discoveryUrl: `${origin}/atservicesrest/v1.0/zoneInformation`,
    credentials,
    store,
    get requests() {
      return log
    },
    counts: ({ includeFaulted = true } = {}) => {
      const result: Record<string, number> = {}
      for (const record of log) {
        if (!includeFaulted && record.fault !== undefined) continue
        result[record.endpoint] = (result[record.endpoint] ?? 0) + 1
      }
      return result
    },
    readCount: () => count((record) => !record.write),
    writeCount: () => count((record) => record.write),
    clearRequests: () => {
      log.length = 0
    },
    options: () => options,
    setOptions: (input) => {
      options = mergeSimOptions(options, validateSimOptions(input, "setOptions"))
      if (input.seed !== undefined) faults.reseed(options.seed)
    },
    zone: zoneInfo,
    moveZone: () => {
      zones.push(`zone${zones.length + 1}`)
      return zoneInfo()
    },
    threshold: () => thresholdInfo(threshold.count(now(), options.limits.thresholdWindowMs)),
    advanceTime: (ms) => {
      skippedMs += ms
    },
    hold: () => {
      let release = () => {}
      const until = new Promise<void>((resolve) => (release = resolve))
      const current = { until, release: () => {
        if (held === current) held = undefined
        release()
      } }
      held = current
      return current.release
    },
    close: async () => {
      held?.release()
      for (const sleeper of sleepers) {
        clearTimeout(sleeper.timer)
        sleeper.wake()
      }
      sleepers.clear()
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    }
  }
}
