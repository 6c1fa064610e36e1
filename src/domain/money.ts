/**
 * The one model of money: Effect's BigDecimal, never binary floats.
 *
 * Amounts arrive as JSON numbers from both APIs (Autotask sends up to 4 decimals, QBO 2–5).
 * A JSON number's shortest round-trip text equals the text the server sent for any value
 * with at most 15 significant digits, so `fromApi` converts through that text exactly.
 * Rounding rules live here and nowhere else: currency amounts round half away from zero
 * to cents, as both Autotask's invoice and QBO's ledger do.
 */
import { BigDecimal, Option } from "effect"

export type Decimal = BigDecimal.BigDecimal

export const ZERO: Decimal = BigDecimal.fromBigInt(0n)

/**
 * Parses an API amount (number or numeric string); null, "" and undefined are zero. Anything
 * else also reads as zero: check amounts that decide what is booked with `amountProblem` first.
 */
export const fromApi = (value: unknown): Decimal => {
  const parsed = parseDecimal(value)
  return Option.getOrElse(parsed, () => ZERO)
}

/** A JSON number is exact up to 15 significant digits (IEEE 754 double); beyond, it may already be rounded. */
const MAX_EXACT_DIGITS = 15
/** QBO stores amounts in "10.5" format: at most 10 digits before the decimal point, 5 after. */
const QBO_INTEGER_DIGITS = 10
const QBO_DECIMALS = 5

const significantDigits = (text: string): number => text.replace(/^-/, "").replace(".", "").replace(/^0+/, "").replace(/e.*$/i, "").length

const describeValue = (value: unknown): string =>
  typeof value === "string" ? JSON.stringify(value) : Array.isArray(value) ? "a list" : typeof value === "object" ? "an object" : String(value)

/**
 * Why an API amount cannot be read exactly, or undefined when it can (`fromApi` then gives
 * its exact value): not a number, or more digits than a JSON number carries exactly.
 */
export const amountProblem = (value: unknown): string | undefined => {
  if (value === null || value === undefined || value === "") return undefined
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return `is ${value}, not a number`
    const digits = significantDigits(String(value))
    return digits > MAX_EXACT_DIGITS || /e/i.test(String(value))
      ? `is ${value}, which has more digits than can be read exactly (at most ${MAX_EXACT_DIGITS})`
      : undefined
  }
  if (typeof value === "string" && Option.isSome(BigDecimal.fromString(value.trim()))) return undefined
  return `is ${describeValue(value)}, not a number`
}

/** Why QBO cannot hold `a` exactly (more than 10 digits before the point, or more than 5 after), or undefined. */
export const qboAmountProblem = (a: Decimal): string | undefined => {
  const [whole = "", fraction = ""] = toText(abs(a)).split(".")
  if (whole.replace(/^0+/, "").length > QBO_INTEGER_DIGITS) return `${formatMoney(a)} has more than ${QBO_INTEGER_DIGITS} digits before the decimal point, more than QBO can hold`
  if (fraction.length > QBO_DECIMALS) return `${toText(a)} has more than ${QBO_DECIMALS} decimals, more than QBO can hold`
  return undefined
}

/** Parses a decimal; `None` for anything that is not a finite number or numeric string. */
export const parseDecimal = (value: unknown): Option.Option<Decimal> => {
  if (value === null || value === undefined || value === "") return Option.some(ZERO)
  if (typeof value === "number") return Number.isFinite(value) ? BigDecimal.fromNumber(value) : Option.none()
  if (typeof value === "string") return BigDecimal.fromString(value.trim())
  return Option.none()
}

export const decimal = (text: string): Decimal => BigDecimal.fromStringUnsafe(text)

export const add = (a: Decimal, b: Decimal): Decimal => BigDecimal.sum(a, b)
export const subtract = (a: Decimal, b: Decimal): Decimal => BigDecimal.subtract(a, b)
export const multiply = (a: Decimal, b: Decimal): Decimal => BigDecimal.multiply(a, b)
export const negate = (a: Decimal): Decimal => BigDecimal.negate(a)
export const abs = (a: Decimal): Decimal => BigDecimal.abs(a)
export const sum = (values: Iterable<Decimal>): Decimal => BigDecimal.sumAll(values)
export const isZero = (a: Decimal): boolean => BigDecimal.isZero(a)
export const isNegative = (a: Decimal): boolean => BigDecimal.isNegative(a)
export const equals = (a: Decimal, b: Decimal): boolean => BigDecimal.equals(a, b)
export const compare = (a: Decimal, b: Decimal): -1 | 0 | 1 => BigDecimal.Order(a, b)

/** Rounds half away from zero at `scale` decimals (2 = cents). */
export const roundTo = (a: Decimal, scale: number): Decimal =>
  BigDecimal.normalize(BigDecimal.round(a, { scale, mode: "half-from-zero" }))

export const toCents = (a: Decimal): Decimal => roundTo(a, 2)

/** Exact division rounded half away from zero at `scale`; `None` when dividing by zero. */
export const divideRounded = (a: Decimal, b: Decimal, scale: number): Option.Option<Decimal> => {
  if (BigDecimal.isZero(b)) return Option.none()
  // Divide with generous precision, then round once.
  const widened = BigDecimal.scale(a, scale + 20)
  return BigDecimal.divide(widened, b).pipe(Option.map((q) => roundTo(q, scale)))
}

/** True when both amounts are the same to the cent after rounding. */
export const equalsToCent = (a: Decimal, b: Decimal): boolean => BigDecimal.equals(toCents(a), toCents(b))

/** Plain decimal text without exponent or trailing zeros ("386.645", "-12.5", "0"). */
export const toText = (a: Decimal): string => BigDecimal.format(BigDecimal.normalize(a))

/**
 * The JSON number to send to an API. The number's shortest text equals `toText` for every
 * amount we send (≤ 15 significant digits), so no binary rounding reaches the wire.
 */
export const toApiNumber = (a: Decimal): number => Number(toText(a))

/** Money for people: two decimals (more when the value has them), thousands separators. */
export const formatMoney = (a: Decimal, minimumDecimals = 2): string => {
  const text = toText(a)
  const negative = text.startsWith("-")
  const [whole = "0", fraction = ""] = (negative ? text.slice(1) : text).split(".")
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",")
  const paddedFraction = fraction.padEnd(minimumDecimals, "0")
  return `${negative ? "-" : ""}${grouped}.${paddedFraction}`
}
