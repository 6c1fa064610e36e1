/**
 * Turning QBO responses into `QboError`s people can act on. QBO answers failures in three
 * shapes (a `Fault`, the lowercase 401/403 gateway body, and XML or HTML from gateways);
 * all become a list of `QboFaultError`s plus a sentence. Auth details are dropped: QBO
 * echoes the token in "Token expired: …".
 */
import type { QboFaultError } from "./model.ts"
import { QboError, type QboErrorKind } from "./QboClient.ts"

export const TRANSIENT_6000 = "An unexpected error occurred while accessing or saving your data"

const asString = (value: unknown): string | undefined => (typeof value === "string" ? value : typeof value === "number" ? String(value) : undefined)

const fromErrorArray = (errors: unknown, lower: boolean): Array<QboFaultError> => {
  if (!Array.isArray(errors)) return []
  return errors.flatMap((raw): Array<QboFaultError> => {
    if (typeof raw !== "object" || raw === null) return []
    const error = raw as Record<string, unknown>
    const message = asString(lower ? error["message"] : error["Message"]) ?? ""
    const detail = asString(lower ? error["detail"] : error["Detail"])
    const element = asString(error["element"])
    return [{ Message: message, code: asString(error["code"]) ?? "", ...(detail === undefined ? {} : { Detail: detail }), ...(element === undefined ? {} : { element }) }]
  })
}

const decodeXml = (text: string): string =>
  text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&")

/** Fault errors from any of QBO's error bodies (JSON Fault, lowercase fault, XML). */
export const faultErrors = (body: unknown, text: string): Array<QboFaultError> => {
  if (typeof body === "object" && body !== null) {
    const record = body as Record<string, unknown>
    const fault = record["Fault"]
    if (typeof fault === "object" && fault !== null) return fromErrorArray((fault as Record<string, unknown>)["Error"], false)
    const lower = record["fault"]
    if (typeof lower === "object" && lower !== null) return fromErrorArray((lower as Record<string, unknown>)["error"], true)
  }
  if (text.includes("<Fault")) {
    const errors: Array<QboFaultError> = []
    for (const match of text.matchAll(/<Error\b([^>]*)>([\s\S]*?)<\/Error>/g)) {
      const attributes = match[1] ?? ""
      const inner = match[2] ?? ""
      const code = /code="([^"]*)"/.exec(attributes)?.[1] ?? ""
      const element = /element="([^"]*)"/.exec(attributes)?.[1]
      const message = decodeXml(/<Message>([\s\S]*?)<\/Message>/.exec(inner)?.[1] ?? "")
      const detail = /<Detail>([\s\S]*?)<\/Detail>/.exec(inner)?.[1]
      errors.push({ Message: message, code, ...(detail === undefined ? {} : { Detail: decodeXml(detail) }), ...(element === undefined ? {} : { element }) })
    }
    return errors
  }
  return []
}

export const isTransient6000 = (errors: ReadonlyArray<QboFaultError>): boolean =>
  errors.some((error) => error.code === "6000" && (error.Detail ?? "").includes(TRANSIENT_6000))

/** How a failed response should be treated. */
export const classify = (status: number, errors: ReadonlyArray<QboFaultError>): QboErrorKind => {
  const code = errors[0]?.code
  if (status === 401 || status === 403 || code === "3200" || code === "3100" || code === "120") return "auth"
  if (status === 429 || code === "3001") return "rate-limited"
  if (status >= 500 || code === "10000" || isTransient6000(errors)) return "server"
  if (code === "5010") return "stale"
  if (errors.length > 0) return "validation"
  return "unexpected-response"
}

const stripPrefix = (detail: string): string =>
  detail.replace(/^Business Validation Error:\s*/, "").replace(/^(QueryParserError|QueryValidationError):\s*/, "").trim()

/** A sentence for people, by code; the entity matters for 6240. */
export const explainFault = (error: QboFaultError | undefined, entity: string | undefined, status: number | undefined): string => {
  if (error === undefined) {
    if (status === 429) return "QuickBooks kept answering 429 (too many requests) and the retries ran out; wait a minute and run again"
    if (status !== undefined && status >= 500) return `QuickBooks answered HTTP ${status} and the retries ran out; try again in a few minutes`
    return `QuickBooks answered HTTP ${status ?? "?"} with a body atqbo could not read`
  }
  const detail = error.Detail === undefined ? "" : stripPrefix(error.Detail)
  const at = error.element ? ` (field ${error.element})` : ""
  switch (error.code) {
    case "6240":
      return entity === "Item"
        ? "the name is already used by another product or service (maybe inactive)"
        : entity === "Customer" || entity === "Vendor" || entity === "Employee" || entity === undefined
        ? "the name is already used by a customer, vendor or employee (maybe inactive)"
        : `the name is already used by another ${entity.toLowerCase()} (maybe inactive)`
    case "6140":
      return `the document number is already used in QuickBooks: ${detail}`
    case "610":
      return `a record it refers to does not exist, is inactive or was deleted${at}: ${detail}`
    case "2500":
      return `an item or account it refers to does not exist or is inactive${at}: ${detail}`
    case "2020":
      return `a required field is missing${at}: ${detail}`
    case "2050":
      return `a field is too long${at}: ${detail}`
    case "2170":
      return `a field has a value QuickBooks does not accept${at}: ${detail}`
    case "5010":
      return "the record changed in QuickBooks after atqbo read it (stale SyncToken); run again to use the current version"
    case "4000":
      return `QuickBooks could not parse the query: ${detail}`
    case "4001":
      return `QuickBooks rejected the query: ${detail}`
    case "3001":
      return "QuickBooks kept answering 429 (too many requests) and the retries ran out; wait a minute and run again"
    case "3200":
      return "QuickBooks rejected the access token (401) even after a refresh; run `atqbo auth qbo` to reconnect"
    case "3100":
      return "the QuickBooks connection is not authorized for this company (403); check the realm id, or run `atqbo auth qbo` for this company"
    case "120":
      return "the QuickBooks user who connected atqbo no longer has access (not an admin, or removed); reconnect with `atqbo auth qbo`"
    case "6190":
      return "the QuickBooks company's subscription has ended or was cancelled"
    case "6210":
      return "the accounting period is closed in QuickBooks, so this date can't be changed"
    case "10000":
      return `QuickBooks had an internal error: ${detail}`
    case "6000":
      return detail.includes(TRANSIENT_6000)
        ? "QuickBooks reported a temporary error and the retries ran out; try again in a few minutes"
        : `QuickBooks rejected the change${at}: ${detail}`
    default:
      return `${error.Message}${detail === "" ? "" : `: ${detail}`}${at}`
  }
}

/** Builds the `QboError` for a failed response. */
export const qboErrorFromResponse = (options: {
  readonly operation: string
  readonly entity: string | undefined
  readonly status: number
  readonly errors: ReadonlyArray<QboFaultError>
  readonly intuitTid: string | undefined
}): QboError => {
  const kind = classify(options.status, options.errors)
  // Auth faults echo the token ("Token expired: eyJ…"): never keep their details.
  const errors: ReadonlyArray<QboFaultError> = kind === "auth" ? options.errors.map(({ Detail: _detail, ...rest }) => rest) : options.errors
  const first = errors[0]
  const sentence = explainFault(first, options.entity, options.status)
  const code = first?.code === undefined || first.code === "" ? "" : ` [QBO ${first.code}]`
  const tid = options.intuitTid === undefined ? "" : ` (intuit_tid ${options.intuitTid})`
  return new QboError({
    kind,
    message: `${options.operation} failed: ${sentence}${code}${tid}`,
    status: options.status,
    code: first?.code === "" ? undefined : first?.code,
    detail: first?.Detail,
    element: first?.element === "" ? undefined : first?.element,
    errors,
    intuitTid: options.intuitTid,
    operation: options.operation
  })
}

/** An error QBO did not describe with a Fault (no code, detail, element or intuit_tid). */
const plainError = (kind: QboError["kind"], operation: string, message: string, status: number | undefined): QboError =>
  new QboError({ kind, message, status, code: undefined, detail: undefined, element: undefined, errors: [], intuitTid: undefined, operation })

export const networkError = (operation: string, reason: string): QboError =>
  plainError("network", operation, `${operation} failed: could not reach QuickBooks (${reason}); the retries ran out`, undefined)

export const clientSideError = (operation: string, message: string): QboError =>
  plainError("validation", operation, `${operation} failed: ${message}`, undefined)

/** A write refused before it was sent: the apply lost the company's lease. */
export const leaseLostError = (operation: string, message: string): QboError => plainError("lease-lost", operation, `${operation} not sent: ${message}`, undefined)

/** A write refused before it was sent: the apply was asked to stop. */
export const stoppedError = (operation: string, reason: string): QboError => plainError("stopped", operation, `${operation} not sent: ${reason}`, undefined)

/** A 200 answer without what QBO promises (e.g. no entity object). */
export const unexpectedAnswer = (operation: string, message: string): QboError =>
  plainError("unexpected-response", operation, `${operation} failed: ${message}`, 200)
