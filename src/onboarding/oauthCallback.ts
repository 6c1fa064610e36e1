/**
 * The loopback redirect target of the OAuth authorization-code flow (`atqbo auth qbo`): a
 * tiny HTTP server on localhost that waits for `GET /callback?code&state&realmId` (or
 * `?error=`), hands the parameters over and answers the browser once the caller knows the
 * outcome. Listens on 127.0.0.1 and, when available, on ::1 with the same port, because
 * `localhost` may resolve to either.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"

export interface CallbackParams {
  readonly code: string | undefined
  readonly state: string | undefined
  readonly realmId: string | undefined
  readonly error: string | undefined
  readonly errorDescription: string | undefined
}

export interface CallbackServer {
  readonly port: number
  /** `http://localhost:PORT/callback` — what the Intuit app must list as a redirect URI. */
  readonly redirectUri: string
  /** Resolves with the first request to /callback. */
  readonly received: Promise<CallbackParams>
  /** Answers the browser's waiting /callback request (once). */
  readonly respond: (ok: boolean, message: string) => void
  readonly close: () => Promise<void>
}

const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (char) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;" })[char]!)

const page = (ok: boolean, message: string): string =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>atqbo</title></head>` +
  `<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto">` +
  `<h1>${ok ? "atqbo is connected to QuickBooks" : "atqbo could not connect to QuickBooks"}</h1>` +
  `<p>${escapeHtml(message)}</p><p>You can close this tab and return to the terminal.</p></body></html>`

const listen = (server: Server, port: number, host: string): Promise<void> =>
  new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error)
    server.once("error", onError)
    server.listen(port, host, () => {
      server.off("error", onError)
      resolve()
    })
  })

/** Lets the answer to the browser finish (idle keep-alive sockets close at once), then forces the rest. */
const closeServer = (server: Server): Promise<void> =>
  new Promise((resolve) => {
    if (!server.listening) return resolve()
    const force = setTimeout(() => server.closeAllConnections(), 1_000)
    force.unref()
    server.close(() => {
      clearTimeout(force)
      resolve()
    })
    server.closeIdleConnections()
  })

export const startCallbackServer = async (port: number): Promise<CallbackServer> => {
  let resolveReceived: (params: CallbackParams) => void = () => {}
  const received = new Promise<CallbackParams>((resolve) => {
    resolveReceived = resolve
  })
  let pending: ServerResponse | undefined
  let answered = false
  let taken = false

  const handler = (request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? "/", "http://localhost")
    if (request.method !== "GET" || url.pathname !== "/callback") {
      response.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("Not found. atqbo waits for the QuickBooks sign-in at /callback.\n")
      return
    }
    if (taken) {
      response.writeHead(409, { "content-type": "text/html; charset=utf-8" }).end(page(false, "This sign-in was already answered; run `atqbo auth qbo` again to start over."))
      return
    }
    taken = true
    pending = response
    const get = (name: string) => url.searchParams.get(name) ?? undefined
    resolveReceived({
      code: get("code"),
      state: get("state"),
      realmId: get("realmId"),
      error: get("error"),
      errorDescription: get("error_description")
    })
  }

  const primary = createServer(handler)
  await listen(primary, port, "127.0.0.1")
  const actualPort = (primary.address() as AddressInfo).port
  const secondary = createServer(handler)
  // IPv6 loopback may be missing (containers); the IPv4 listener is enough then.
  const servers = await listen(secondary, actualPort, "::1").then(() => [primary, secondary], () => [primary])

  return {
    port: actualPort,
    redirectUri: `http://localhost:${actualPort}/callback`,
    received,
    respond: (ok, message) => {
      if (answered || pending === undefined) return
      answered = true
      pending.writeHead(ok ? 200 : 400, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" }).end(page(ok, message))
    },
    close: async () => {
      await Promise.all(servers.map(closeServer))
    }
  }
}
