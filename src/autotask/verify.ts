/**
 * Read-back verification of invoice write-backs: Autotask can answer 200 to a PATCH and not
 * apply it (reference §7), so the written fields are compared with the invoice read again.
 * Comparison follows how Autotask stores each field: blank (`null`/`""`) is one value,
 * timestamps compare as instants to the second, `paidDate` compares date-only.
 */
import type { AtInvoice, AtInvoiceWrite } from "./model.ts"

const isBlank = (value: unknown) => value === null || value === undefined || value === ""

/** Milliseconds since the epoch; a timestamp without a zone is UTC, as Autotask stores it. */
const instant = (value: string): number => {
  const text = value.trim()
  const withTime = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00` : text
  const zoned = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(withTime) ? withTime : `${withTime}Z`
  return Date.parse(zoned)
}

const dateOnly = (value: string): string => {
  const ms = instant(value)
  return Number.isNaN(ms) ? value.slice(0, 10) : new Date(ms).toISOString().slice(0, 10)
}

const sameValue = (field: keyof AtInvoiceWrite, expected: unknown, actual: unknown): boolean => {
  if (isBlank(expected) || isBlank(actual)) return isBlank(expected) && isBlank(actual)
  if (typeof expected !== "string" || typeof actual !== "string") return expected === actual
  switch (field) {
    case "invoiceNumber":
      return expected === actual
    case "paidDate":
      return dateOnly(expected) === dateOnly(actual)
    case "webServiceDate":
      return Math.floor(instant(expected) / 1000) === Math.floor(instant(actual) / 1000)
  }
}

export interface UnappliedField {
  readonly field: keyof AtInvoiceWrite
  readonly expected: unknown
  readonly actual: unknown
}

/** The first written field the invoice does not show, if any. */
export const firstUnappliedField = (written: AtInvoiceWrite, invoice: AtInvoice): UnappliedField | undefined => {
  for (const field of ["invoiceNumber", "webServiceDate", "paidDate"] as const) {
    if (!(field in written) || written[field] === undefined) continue
    const expected = written[field]
    const actual = invoice[field]
    if (!sameValue(field, expected, actual)) return { field, expected, actual: actual ?? null }
  }
  return undefined
}
