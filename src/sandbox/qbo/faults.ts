/**
 * QBO's three error shapes (reference §3) and the fault catalogue (§4). Operations throw
 * `SimFault`; the server turns it into `{"Fault":…,"time":…}` with the right HTTP status,
 * and batch turns it into a per-item `Fault` under HTTP 200.
 */
import type { JsonObject } from "./json.ts"

export interface SimFaultError {
  readonly Message: string
  readonly Detail: string
  readonly code: string
  readonly element: string
}

export class SimFault extends Error {
  readonly status: number
  readonly type: string
  readonly errors: ReadonlyArray<SimFaultError>

  constructor(status: number, type: string, errors: ReadonlyArray<SimFaultError>) {
    super(errors.map((e) => `${e.code} ${e.Message}: ${e.Detail}`).join("; "))
    this.status = status
    this.type = type
    this.errors = errors
  }

  toFault(): JsonObject {
    return { Error: this.errors.map((e) => ({ ...e })), type: this.type }
  }
}

const validation = (code: string, message: string, detail: string, element = ""): SimFault =>
  new SimFault(400, "ValidationFault", [{ Message: message, Detail: detail, code, element }])

export const TRANSIENT_DETAIL =
  "An unexpected error occurred while accessing or saving your data. Please wait a few minutes and try again."

export const Faults = {
  required: (field: string, element = field): SimFault =>
    validation(
      "2020",
      "Required param missing, need to supply the required value for the API",
      `Required parameter ${field} is missing in the request`,
      element
    ),
  tooLong: (field: string, max: number): SimFault =>
    validation("2050", "Length exceeds limit", `Length of the field exceeds ${max} chars`, field),
  invalidEnumeration: (value: string, element: string): SimFault =>
    validation("2170", "Invalid Enumeration", `Invalid Enumeration : ${value}`, element),
  unsupportedProperty: (detail: string, element = ""): SimFault =>
    validation("2010", "Request has invalid or unsupported property", detail, element),
  /** Unknown Id on read/update, or an inactive/unknown customer, term or class reference. */
  notFound: (element = "", detail?: string): SimFault =>
    validation(
      "610",
      "Object Not Found",
      detail ??
        "Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees.",
      element
    ),
  deletedTransaction: (): SimFault =>
    validation("610", "Object Not Found", "Object Not Found : Another user has deleted this transaction.", ""),
  /** Unknown or inactive item/account reference. */
  invalidReference: (element: string, detail?: string): SimFault =>
    validation(
      "2500",
      "Invalid Reference Id",
      detail ?? `Invalid Reference Id : Something you're trying to use has been made inactive. Check the fields with accounts.`,
      element
    ),
  stale: (): SimFault =>
    validation(
      "5010",
      "Stale Object Error",
      "Stale Object Error : You and API API were working on this at the same time. API API finished before you did, so your work was not saved."
    ),
  business: (reason: string, element = ""): SimFault =>
    validation("6000", "A business validation error has occurred while processing your request", `Business Validation Error: ${reason}`, element),
  transient: (): SimFault =>
    validation("6000", "A business validation error has occurred while processing your request", `Business Validation Error: ${TRANSIENT_DETAIL}`),
  duplicateName: (detail: string): SimFault =>
    validation("6240", "Duplicate Name Exists Error", `The name supplied already exists. : ${detail}`),
  duplicateDocNumber: (docNumber: string, txnType: string, txnId: string): SimFault =>
    validation(
      "6140",
      "Duplicate Document Number Error",
      `Duplicate Document Number Error : You must specify a different number. This number has already been used. DocNumber=${docNumber} is assigned to TxnType=${txnType} with TxnId=${txnId}`
    ),
  queryParse: (detail: string): SimFault => validation("4000", "Error parsing query", `QueryParserError: ${detail}`),
  queryInvalid: (detail: string): SimFault => validation("4001", "Invalid query", `QueryValidationError: ${detail}`),
  unsupportedOperation: (detail: string): SimFault => validation("500", "Unsupported Operation", detail),
  systemFailure: (): SimFault =>
    new SimFault(500, "SystemFault", [
      {
        Message: "An application error has occurred while processing your request",
        Detail: "System Failure Error: An unexpected error occurred.",
        code: "10000",
        element: ""
      }
    ])
} as const

export const DUPLICATE_PARTY_NAME =
  "Another customer, vendor or employee is already using this name. Please use a different name."

/** The lowercase 401/403 gateway shape (reference §3b); `time` is epoch milliseconds. */
export const gatewayAuthBody = (status: 401 | 403, detail: string | null, nowMs: number): JsonObject => {
  const error =
    status === 401
      ? { message: "message=AuthenticationFailed; errorCode=003200; statusCode=401", detail, code: "3200", element: null }
      : { message: "message=AuthorizationFailed; errorCode=003100; statusCode=403", detail, code: "3100", element: null }
  return {
    warnings: null,
    intuitObject: null,
    fault: { error: [error], type: status === 401 ? "AUTHENTICATION" : "SERVICE" },
    report: null,
    queryResponse: null,
    batchItemResponse: [],
    attachableResponse: [],
    syncErrorResponse: null,
    requestId: null,
    time: nowMs,
    status: null,
    cdcresponse: []
  }
}

export const THROTTLE_MESSAGE = "message=ThrottleExceeded; errorCode=003001; statusCode=429"
/** Two spaces after the full stop, exactly as captured. */
export const THROTTLE_DETAIL = "The request limit was reached.  Try again later"

export const throttleFault = (): JsonObject => ({
  Error: [{ Message: THROTTLE_MESSAGE, Detail: THROTTLE_DETAIL, code: "3001", element: "" }],
  type: "SERVICE"
})

/** The XML 429 body older gateways returned even to JSON requests (python-quickbooks #43). */
export const throttleXml = (time: string): string =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n` +
  `<IntuitResponse xmlns="http://schema.intuit.com/finance/v3" time="${time}">` +
  `<Fault type="SERVICE"><Error code="3001"><Message>${THROTTLE_MESSAGE}</Message>` +
  `<Detail>${THROTTLE_DETAIL}</Detail></Error></Fault></IntuitResponse>`

export const nginxHtml = (status: 502 | 503): string => {
  const title = status === 502 ? "502 Bad Gateway" : "503 Service Temporarily Unavailable"
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`
}
