/**
 * Relative dates for sandbox datasets. The simulators serve a dataset exactly as written, but
 * a demo whose invoices carry fixed dates falls out of the look-back window a fortnight
 * later. A dataset therefore may declare in its `sandbox.yaml`
 *
 *     dates:
 *       anchor: "2026-02-13"          # the day the dataset was written as "today"
 *       timeZone: America/New_York    # whose "today" the anchor becomes (default UTC)
 *
 * and `startSandbox` moves every date and timestamp of both halves of the dataset by the
 * whole number of days from the anchor to today in that zone, between loading the files and
 * starting the simulators. Only the date part changes: times, fractions and the presence or
 * absence of `Z` or an offset stay as written (`2026-02-13T00:00:00`, `…T15:12:07.317Z`,
 * `…T07:40:12-08:00`, `2026-02-13`), as do Autotask's number spellings. A dataset without
 * `dates:` is served unchanged.
 */
import { readFile } from "node:fs/promises"
import { join } from "node:path"
import { parse } from "yaml"
import { addDays, dateInZone, isCalendarDate, isTimeZone } from "../../domain/dates.ts"
import type { AutotaskDataset } from "../autotask/index.ts"
import { carryRawNumbers } from "../autotask/rawJson.ts"
import type { QboRealmData, QboSimOptionsInput } from "../qbo/index.ts"

export interface DateAnchor {
  /** The calendar date (`YYYY-MM-DD`) that becomes today. */
  readonly anchor: string
  /** The IANA zone in which "today" is taken. */
  readonly timeZone: string
}

/** A loaded dataset, as `startSandbox` hands it to the two simulators. */
export interface LoadedDataset {
  readonly autotask: AutotaskDataset
  readonly qbo: { readonly realms: Record<string, QboRealmData>; readonly options: QboSimOptionsInput }
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

/** The `dates:` section of `DIR/sandbox.yaml`, or undefined when the dataset's dates are fixed. */
export const readDateAnchor = async (dir: string): Promise<DateAnchor | undefined> => {
  const path = join(dir, "sandbox.yaml")
  let text: string
  try {
    text = await readFile(path, "utf8")
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined
    throw error
  }
  // The simulators' loaders report YAML syntax errors with positions; this reads one section.
  const root: unknown = parse(text)
  const section = isRecord(root) ? root["dates"] : undefined
  if (section === undefined || section === null) return undefined
  if (!isRecord(section)) throw new Error(`${path}: dates: expected a mapping with anchor and timeZone`)
  const unknown = Object.keys(section).filter((key) => key !== "anchor" && key !== "timeZone")
  if (unknown.length > 0) throw new Error(`${path}: dates.${unknown[0]}: unknown setting (expected anchor, timeZone)`)
  const { anchor, timeZone = "UTC" } = section
  if (typeof anchor !== "string" || !isCalendarDate(anchor)) {
    throw new Error(`${path}: dates.anchor must be a quoted date like "2026-02-13", got ${JSON.stringify(anchor)}`)
  }
  if (typeof timeZone !== "string" || !isTimeZone(timeZone)) {
    throw new Error(`${path}: dates.timeZone must be an IANA time zone like America/New_York, got ${JSON.stringify(timeZone)}`)
  }
  return { anchor, timeZone }
}

/** Whole days from the anchor to the calendar date of `now` in the anchor's zone. */
export const daysSinceAnchor = (dates: DateAnchor, now: Date): number => {
  const utc = (date: string) => Date.parse(`${date}T00:00:00Z`)
  return Math.round((utc(dateInZone(now, dates.timeZone)) - utc(dates.anchor)) / 86_400_000)
}

/** A calendar date, optionally followed by a time and a zone (`Z`, `-08:00`), and nothing else. */
const DATE_OR_TIMESTAMP = /^(\d{4}-\d{2}-\d{2})((?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?(?:Z|[+-]\d{2}:?\d{2})?)$/

/**
 * `value` with every string that is a date or timestamp moved by `days` (date part only,
 * spelling kept). Unchanged objects and arrays are returned as they are; changed objects are
 * copies that keep the source spelling of their numbers (`0.0000`, `52.7775`).
 */
export const shiftDates = <A>(value: A, days: number): A => {
  if (days === 0) return value
  const shift = (node: unknown): unknown => {
    if (typeof node === "string") {
      const match = DATE_OR_TIMESTAMP.exec(node)
      return match && isCalendarDate(match[1]!) ? `${addDays(match[1]!, days)}${match[2]}` : node
    }
    if (Array.isArray(node)) {
      const shifted = node.map(shift)
      return shifted.some((entry, index) => entry !== node[index]) ? shifted : node
    }
    if (isRecord(node)) {
      let copy: Record<string, unknown> | undefined
      for (const [key, entry] of Object.entries(node)) {
        const shifted = shift(entry)
        if (shifted === entry) continue
        copy ??= { ...node }
        copy[key] = shifted
      }
      if (copy === undefined) return node
      carryRawNumbers(node, copy)
      return copy
    }
    return node
  }
  return shift(value) as A
}

/** The dataset's entities and QBO companies with their dates moved by `days`; options as they were. */
export const shiftDataset = (dataset: LoadedDataset, days: number): LoadedDataset => ({
  autotask: { ...dataset.autotask, entities: shiftDates(dataset.autotask.entities, days) },
  qbo: { ...dataset.qbo, realms: shiftDates(dataset.qbo.realms, days) }
})

/** What `startSandbox` calls: the dataset rebased to `now` if its sandbox.yaml declares `dates:`. */
export const rebaseDates = async (dir: string, dataset: LoadedDataset, now: Date = new Date()): Promise<LoadedDataset> => {
  const dates = await readDateAnchor(dir)
  return dates === undefined ? dataset : shiftDataset(dataset, daysSinceAnchor(dates, now))
}
