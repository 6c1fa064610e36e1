/** The saved-plan / `--format json` document (schemas/plan.schema.json). */
import type { Plan } from "../domain/plan.ts"

export const renderJson = (plan: Plan): string => `${JSON.stringify(plan, null, 2)}\n`
