/**
 * "Close match" for `atqbo import`: names that differ only in case, punctuation, spacing,
 * legal suffixes or a typo or two. Exact matching stays the reconciler's job (`nameKey`,
 * `customerKey`); this only proposes mappings for a person to review. Pure.
 */

/** Edit distance (insertions, deletions, substitutions), by code point. */
export const levenshtein = (a: string, b: string): number => {
  const x = [...a]
  const y = [...b]
  if (x.length === 0) return y.length
  if (y.length === 0) return x.length
  let previous = Array.from({ length: y.length + 1 }, (_, index) => index)
  for (let i = 1; i <= x.length; i++) {
    const current = [i]
    for (let j = 1; j <= y.length; j++) {
      const substitution = previous[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1)
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution)
    }
    previous = current
  }
  return previous[y.length]!
}

/** Lower case, accents dropped, `&` as "and", punctuation as space, whitespace collapsed. */
export const looseKey = (name: string): string =>
  name
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLocaleLowerCase("en-US")
    .replace(/&/g, " and ")
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim()

const LEGAL_SUFFIXES = new Set([
  "inc",
  "incorporated",
  "llc",
  "llp",
  "lp",
  "ltd",
  "limited",
  "co",
  "corp",
  "corporation",
  "company",
  "plc",
  "pty",
  "gmbh",
  "ag",
  "sa",
  "bv",
  "pc",
  "pllc"
])

/** Company names: `looseKey` without a leading "the" and trailing legal forms ("Contoso, Inc." → "contoso"). */
export const companyKey = (name: string): string => {
  const words = looseKey(name).split(" ").filter((word) => word !== "")
  if (words[0] === "the" && words.length > 1) words.shift()
  while (words.length > 1 && LEGAL_SUFFIXES.has(words[words.length - 1]!)) words.pop()
  return words.join(" ")
}

/** Payment terms: `looseKey` without "days" and with "upon" as "on" ("Net 30 Days" → "net 30"). */
export const termKey = (name: string): string =>
  looseKey(name)
    .split(" ")
    .filter((word) => word !== "days" && word !== "day")
    .map((word) => (word === "upon" ? "on" : word))
    .join(" ")

const numbersIn = (key: string): string => (key.match(/\d+/g) ?? []).join(",")

/**
 * Whether two keys are close: equal, or a few edits apart relative to their length — but
 * never when their numbers differ ("Net 10" is not "Net 15", "E3" is not "E5").
 */
export const keysAreClose = (a: string, b: string): { readonly close: boolean; readonly distance: number } => {
  if (a === "" || b === "") return { close: false, distance: Number.POSITIVE_INFINITY }
  const distance = levenshtein(a, b)
  if (distance === 0) return { close: true, distance }
  if (numbersIn(a) !== numbersIn(b)) return { close: false, distance }
  const longest = Math.max([...a].length, [...b].length)
  const allowed = Math.min(3, Math.floor(longest / 5))
  return { close: distance <= allowed, distance }
}

export type Closest<A> =
  | { readonly kind: "close"; readonly candidate: A; readonly distance: number }
  | { readonly kind: "ambiguous"; readonly candidates: ReadonlyArray<A> }
  | { readonly kind: "none" }

/**
 * The single closest candidate under `keyOf`, if it is close; several equally close ones are
 * ambiguous (a person must choose), so no mapping is proposed for them.
 */
export const closest = <A>(
  name: string,
  candidates: ReadonlyArray<A>,
  nameOf: (candidate: A) => string,
  keyOf: (name: string) => string
): Closest<A> => {
  const key = keyOf(name)
  let best: Array<A> = []
  let bestDistance = Number.POSITIVE_INFINITY
  for (const candidate of candidates) {
    const { close, distance } = keysAreClose(key, keyOf(nameOf(candidate)))
    if (!close) continue
    if (distance < bestDistance) {
      best = [candidate]
      bestDistance = distance
    } else if (distance === bestDistance) {
      best.push(candidate)
    }
  }
  if (best.length === 0) return { kind: "none" }
  if (best.length > 1) return { kind: "ambiguous", candidates: best }
  return { kind: "close", candidate: best[0]!, distance: bestDistance }
}
