/**
 * One failed HTTP call to Autotask, before retries are exhausted: what kind of failure it is,
 * whether retrying can help, and how long the server asked us to wait. `describe` turns the
 * final one into the public `AutotaskError` with a sentence that says what failed and what to
 * do. Nothing here ever sees a header value, so no secret can reach a message.
 */
import { Data } from "effect"
import { AutotaskError, type AutotaskErrorKind } from "./AutotaskClient.ts"

/** What a call to Autotask can end in (a lost lease stops a write before any call). */
type CallFailureKind = Exclude<AutotaskErrorKind, "lease-lost" | "stopped">

export class AutotaskCallFailure extends Data.TaggedError("AutotaskCallFailure")<{
  readonly kind: CallFailureKind
  readonly status: number | undefined
  readonly errors: ReadonlyArray<string>
  /** e.g. `POST Invoices/query`. */
  readonly operation: string
  /** Short technical detail for the message: a transport cause or a body excerpt. */
  readonly detail: string
  readonly retryable: boolean
  readonly retryAfterMs: number | undefined
  /** Attempts made, filled in once retries stop. */
  readonly attempts: number
}> {}

const PERMISSION = /permission|not authori[sz]ed|security level|access denied|does not have the adequate/i
const RATE_LIMIT = /threshold|too many requests|rate limit|concurrent|thread limit/i
const TRANSIENT = /timeout|timed out|deadlock|try again|temporar|unavailable|unexpected error|error has occurred/i

const excerpt = (text: string): string => {
  const flat = text.replace(/\s+/g, " ").trim()
  return flat.length > 200 ? `${flat.slice(0, 200)}…` : flat
}

/** Autotask's `{"errors":[…]}` strings (also tolerating `{message}` objects), else []. */
export const errorStrings = (body: unknown): ReadonlyArray<string> => {
  if (typeof body !== "object" || body === null || !("errors" in body) || !Array.isArray(body.errors)) return []
  return body.errors.map((error: unknown) =>
    typeof error === "string"
      ? error
      : typeof error === "object" && error !== null && "message" in error
      ? String(error.message)
      : JSON.stringify(error)
  )
}

/** `Retry-After` as milliseconds: seconds (fractions accepted) or an HTTP date. */
export const parseRetryAfter = (value: string | undefined, now: number): number | undefined => {
  if (value === undefined || value.trim() === "") return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

type FailureFields = Omit<ConstructorParameters<typeof AutotaskCallFailure>[0], "attempts">

const failure = (fields: FailureFields) => new AutotaskCallFailure({ ...fields, attempts: 1 })

export const transportFailure = (operation: string, detail: string) =>
  failure({ kind: "network", status: undefined, errors: [], operation, detail, retryable: true, retryAfterMs: undefined })

export const unexpectedResponse = (operation: string, status: number | undefined, detail: string) =>
  failure({ kind: "unexpected-response", status, errors: [], operation, detail, retryable: false, retryAfterMs: undefined })

/**
 * Classifies a non-2xx answer (or a 2xx carrying `errors`). Autotask reports validation and
 * permission problems as 500 with `{"errors":[…]}`, so a 500 is retried only when it has no
 * such list (ASP.NET's generic `{"Message"}`, an HTML gateway page) or its text says it is
 * transient; 4xx other than 408/429 are never retried.
 */
export const classifyFailure = (
  operation: string,
  status: number,
  body: unknown,
  text: string,
  retryAfterMs: number | undefined
): AutotaskCallFailure => {
  const errors = errorStrings(body)
  const joined = errors.join(" ")
  const detail = errors.length > 0 ? excerpt(joined) : excerpt(text)
  const make = (kind: CallFailureKind, retryable: boolean) =>
    failure({ kind, status, errors, operation, detail, retryable, retryAfterMs })
  if (status === 401) return make("auth", false)
  if (status === 403) return make("permission", false)
  if (status === 429) return make("rate-limited", true)
  if (status === 408) return make("network", true)
  if (status >= 400 && status < 500) return make("invalid-request", false)
  if (errors.length === 0) return make("server", status >= 500)
  if (PERMISSION.test(joined)) return make("permission", false)
  if (RATE_LIMIT.test(joined)) return make("rate-limited", true)
  if (TRANSIENT.test(joined)) return make("server", true)
  return make("invalid-request", false)
}

export interface DescribeContext {
  readonly username: string
  /** Where the credentials came from, e.g. "the environment variables AUTOTASK_USERNAME, …". */
  readonly credentialSource: string | undefined
  /** True when the zone URL was configured rather than discovered. */
  readonly pinnedZone: boolean
}

const attemptsText = (attempts: number) => (attempts > 1 ? ` after ${attempts} attempts` : "")

/** The public error, with a sentence that says what failed and what to do about it. */
export const describe = (failure: AutotaskCallFailure, context: DescribeContext): AutotaskError => {
  const { operation, status, detail } = failure
  const said = detail === "" ? "" : `: ${detail}`
  const statusText = status === undefined ? "" : ` (HTTP ${status})`
  const credentials = context.credentialSource ?? "the Autotask API username, secret and integration code"
  let message: string
  switch (failure.kind) {
    case "auth":
      message = `Autotask rejected the credentials of API user "${context.username}"${statusText} on ${operation}. ` +
        `Check ${credentials}, that the API user is active with an API-only security level, and that the ` +
        `integration code belongs to this Autotask tenant.` +
        (context.pinnedZone ? " The configured zone URL may also be wrong: remove it to use zone discovery." : "")
      break
    case "permission":
      message = `The Autotask API user "${context.username}" is not allowed to do ${operation}${said}. ` +
        `Grant its security level access to this entity (invoices need billing/contract permissions).`
      break
    case "rate-limited":
      message = `Autotask kept refusing ${operation} as rate-limited${statusText}${attemptsText(failure.attempts)}${said}. ` +
        `The 10,000 requests/hour budget is shared by every integration on the tenant (see ThresholdInformation); ` +
        `wait and run again.`
      break
    case "server":
      message = `Autotask failed on ${operation}${statusText}${attemptsText(failure.attempts)}${said}. ` +
        `Autotask may be degraded; run again later.`
      break
    case "network":
      message = `Could not complete ${operation} with Autotask${attemptsText(failure.attempts)}${said}. ` +
        `Check network access to the Autotask zone and try again.`
      break
    case "invalid-request":
      message = `Autotask rejected ${operation}${statusText}${said}.`
      break
    case "unexpected-response":
      message = `Autotask answered ${operation}${statusText} with a response atqbo does not understand${said}.`
      break
  }
  return new AutotaskError({ kind: failure.kind, message, status, errors: failure.errors, operation })
}
