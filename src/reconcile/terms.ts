/**
 * Which QBO term an Autotask payment term becomes (pure): the QBO term of the same name, else
 * the one its terms.yaml alias names; only an active term counts. Shared by the planner and
 * `doctor`, so doctor never passes a term plan then leaves off.
 */
import type { AtPaymentTerm } from "../autotask/model.ts"
import type { QboTerm } from "../qbo/model.ts"
import { isActive, type PlanContext } from "./context.ts"
import { at } from "./labels.ts"
import { closestHint, qboNamed } from "./mappings.ts"
import { nameKey } from "./names.ts"

export type TermMatch =
  | { readonly ok: true; readonly term: QboTerm }
  /** `tried`: `"Net 45"`, or `"Net 45" or its alias "Net 45 days" (mappings/terms.yaml:4)`. */
  | { readonly ok: false; readonly tried: string }

export const matchTerm = (atTerm: AtPaymentTerm, ctx: PlanContext): TermMatch => {
  const alias = ctx.config.terms.aliases.find((entry) => nameKey(entry.autotask) === nameKey(atTerm.name))
  const term = ctx.terms.get(nameKey(atTerm.name)) ?? (alias ? ctx.terms.get(nameKey(alias.qbo)) : undefined)
  if (term && isActive(term)) return { ok: true, term }
  // The closest QBO name helps with a misspelt alias; for a plain Autotask name it would only mislead ("Net 45" ≈ "Net 15").
  if (!alias) return { ok: false, tried: `"${atTerm.name}"` }
  return { ok: false, tried: `"${atTerm.name}" or its alias "${alias.qbo}"${at(alias.source)}${closestHint(alias.qbo, qboNamed(ctx.snapshot.qbo.terms))}` }
}
