/**
 * Time as QBO shows it (Pacific local time with offset) and the simulator's clock.
 *
 * The clock has two jobs: `timeScale` shrinks every window and delay (a 60 s rate window
 * lasts 60 ms at 0.001), and `advance` jumps simulated time forward so tests can cross a
 * 24 h refresh-token rotation period instantly. Timestamps written into entities stay on
 * the wall clock.
 */

const PACIFIC = "America/Los_Angeles"

const pacificParts = new Intl.DateTimeFormat("en-US", {
  timeZone: PACIFIC,
  hourCycle: "h23",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit"
})

interface LocalParts {
  readonly date: string
  readonly time: string
  readonly offsetMinutes: number
}

const localParts = (date: Date): LocalParts => {
  const parts: Record<string, string> = {}
  for (const part of pacificParts.formatToParts(date)) parts[part.type] = part.value
  const date10 = `${parts["year"]}-${parts["month"]}-${parts["day"]}`
  const time = `${parts["hour"]}:${parts["minute"]}:${parts["second"]}`
  const asUtc = Date.UTC(
    Number(parts["year"]),
    Number(parts["month"]) - 1,
    Number(parts["day"]),
    Number(parts["hour"]),
    Number(parts["minute"]),
    Number(parts["second"])
  )
  const wholeSeconds = Math.floor(date.getTime() / 1000) * 1000
  return { date: date10, time, offsetMinutes: Math.round((asUtc - wholeSeconds) / 60_000) }
}

const formatOffset = (minutes: number): string => {
  const sign = minutes < 0 ? "-" : "+"
  const abs = Math.abs(minutes)
  return `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`
}

/** `MetaData` timestamps: no fraction (`2015-07-24T10:33:39-07:00`). */
export const metaTime = (date: Date): string => {
  const parts = localParts(date)
  return `${parts.date}T${parts.time}${formatOffset(parts.offsetMinutes)}`
}

/** Envelope `time`: milliseconds with trailing zeros trimmed (`…T10:33:39.11-07:00`). */
export const envelopeTime = (date: Date): string => {
  const parts = localParts(date)
  const millis = String(date.getTime() % 1000).padStart(3, "0").replace(/0+$/, "")
  return `${parts.date}T${parts.time}${millis === "" ? "" : `.${millis}`}${formatOffset(parts.offsetMinutes)}`
}

/** Today's date in the company's (Pacific) time zone: the default `TxnDate`. */
export const pacificDate = (date: Date): string => localParts(date).date

/** The Pacific UTC offset in effect at `date` (for datetimes given without one). */
export const pacificOffset = (date: Date): string => formatOffset(localParts(date).offsetMinutes)

/** Adds days to a `YYYY-MM-DD` date. */
export const addDays = (date: string, days: number): string => {
  const base = new Date(`${date}T00:00:00Z`)
  base.setUTCDate(base.getUTCDate() + days)
  return base.toISOString().slice(0, 10)
}

export class SimClock {
  private timeScale: number
  private anchorReal: number
  private anchorSim: number

  constructor(timeScale: number) {
    this.timeScale = timeScale
    this.anchorReal = Date.now()
    this.anchorSim = this.anchorReal
  }

  /** Simulated milliseconds: runs `1 / timeScale` times faster than the wall clock. */
  now(): number {
    return this.anchorSim + (Date.now() - this.anchorReal) / this.timeScale
  }

  setTimeScale(timeScale: number): void {
    this.anchorSim = this.now()
    this.anchorReal = Date.now()
    this.timeScale = timeScale
  }

  /** Jumps simulated time forward (token expiry, rotation, rate windows). */
  advance(simulatedMs: number): void {
    this.anchorSim += simulatedMs
  }

  /** Wall-clock milliseconds a simulated duration takes. */
  real(simulatedMs: number): number {
    return simulatedMs * this.timeScale
  }
}
