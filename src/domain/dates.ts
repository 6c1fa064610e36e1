/**
 * Calendar dates (`YYYY-MM-DD`) and the one time-zone rule for Autotask timestamps.
 *
 * Autotask returns timestamps in UTC, sometimes without the `Z`. An invoice date is a
 * calendar date stored as midnight: converting midnight UTC to America/Chicago would move
 * every invoice to the day before, so a timestamp at exactly 00:00:00 is read as the
 * calendar date it names. Any other timestamp is an instant, converted to the configured zone.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})/
const MIDNIGHT = /^\d{4}-\d{2}-\d{2}(?:T00:00(?::00(?:\.0+)?)?)?(?:Z|[+-]00:?00)?$/

/** True for a valid IANA time-zone name. */
export const isTimeZone = (zone: string): boolean => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone })
    return true
  } catch {
    return false
  }
}

/** The calendar date of an instant in a time zone. */
export const dateInZone = (instant: Date, timeZone: string): string => {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" })
    .formatToParts(instant)
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? ""
  return `${get("year")}-${get("month")}-${get("day")}`
}

/** Parses an Autotask timestamp; zone-less values are UTC. */
export const parseAutotaskInstant = (timestamp: string): Date => {
  const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/.test(timestamp)
  return new Date(hasZone || !timestamp.includes("T") ? timestamp : `${timestamp}Z`)
}

/** The calendar date an Autotask timestamp stands for in `timeZone` (see the module comment). */
export const autotaskDate = (timestamp: string, timeZone: string): string => {
  if (MIDNIGHT.test(timestamp)) return timestamp.slice(0, 10)
  return dateInZone(parseAutotaskInstant(timestamp), timeZone)
}

/** `YYYY-MM-DD` plus (or minus) whole days. */
export const addDays = (date: string, days: number): string => {
  const match = DATE.exec(date)
  if (!match) throw new Error(`not a calendar date: ${date}`)
  const utc = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]) + days)
  return new Date(utc).toISOString().slice(0, 10)
}

export const isCalendarDate = (text: string): boolean => {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  if (!match) return false
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])))
  return date.toISOString().slice(0, 10) === text
}

/** Date part of a date or timestamp string, or undefined for blanks. */
export const datePart = (value: string | null | undefined): string | undefined =>
  value ? DATE.exec(value)?.[0] : undefined

/** Autotask timestamp (zone-less, as Autotask accepts in filters) for the start of a date. */
export const autotaskFilterTimestamp = (date: string): string => `${date}T00:00:00`
