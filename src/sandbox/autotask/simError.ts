/**
 * A response the simulator answers with instead of data. Autotask has two error shapes:
 * its own `{"errors":["…"]}` (most failures, usually HTTP 500) and ASP.NET's
 * `{"Message":"…"}` (routing: unknown resource, wrong verb).
 */
export class SimError extends Error {
  readonly status: number
  readonly body: unknown
  readonly headers: Readonly<Record<string, string>>

  constructor(status: number, body: unknown, headers: Readonly<Record<string, string>> = {}) {
    super(JSON.stringify(body))
    this.name = "SimError"
    this.status = status
    this.body = body
    this.headers = headers
  }
}

/** `{"errors":[message]}` — Autotask's error envelope; 500 unless said otherwise. */
export const autotaskError = (message: string, status = 500, headers: Readonly<Record<string, string>> = {}) =>
  new SimError(status, { errors: [message] }, headers)

export const methodNotAllowed = (method: string) =>
  new SimError(405, { Message: `The requested resource does not support http method '${method}'.` })

export const notFound = (url: string) =>
  new SimError(404, { Message: `No HTTP resource was found that matches the request URI '${url}'.` })
