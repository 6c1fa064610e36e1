/**
 * Name rules shared by matching and validation: how QBO compares names, which names QBO
 * refuses, and the customer-name normalisation from `customers.yaml`.
 */
import type { CustomerNameNormalization } from "../config/types.ts"

export const QBO_NAME_LIMITS = { item: 100, customer: 500, term: 31, class: 100 } as const

/** Why QBO would refuse this name, or undefined when it is acceptable. */
export const qboNameProblem = (kind: keyof typeof QBO_NAME_LIMITS, name: string): string | undefined => {
  if (name.trim().length === 0) return `the ${kind} name is empty`
  if (/[:\t\n\r]/.test(name)) {
    const what = name.includes(":") ? "a colon" : "a tab or line break"
    return `the ${kind} name "${name}" contains ${what}, which QBO does not allow (a colon separates sub-${kind}s)`
  }
  const limit = QBO_NAME_LIMITS[kind]
  if ([...name].length > limit) return `the ${kind} name is ${[...name].length} characters long; QBO allows at most ${limit}`
  return undefined
}

/** QBO compares names case-insensitively; so do we (after Unicode normalisation). */
export const nameKey = (name: string): string => name.normalize("NFC").trim().toLocaleLowerCase("en-US")

const PUNCTUATION = /[.,'"’‘“”`´!?;()[\]{}]/g

/** The comparison key for customer names per the configured normalisation. */
export const customerKey = (name: string, rules: CustomerNameNormalization): string => {
  let key = name.normalize("NFC").toLocaleLowerCase("en-US")
  if (rules.ignorePunctuation) key = key.replace(PUNCTUATION, "")
  if (rules.collapseWhitespace) key = key.replace(/\s+/g, " ").trim()
  for (const suffix of rules.ignoreSuffixes) {
    let normalizedSuffix = suffix.toLocaleLowerCase("en-US")
    if (rules.ignorePunctuation) normalizedSuffix = normalizedSuffix.replace(PUNCTUATION, "")
    const pattern = new RegExp(`[\\s,]+${escapeRegExp(normalizedSuffix.trim())}\\.?$`)
    key = key.replace(pattern, "")
  }
  return key.trim()
}

const escapeRegExp = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
