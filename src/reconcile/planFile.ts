/**
 * Reading a saved plan (`apply PLANFILE`, `show PLANFILE`): JSON, valid against
 * schemas/plan.schema.json, a format version we understand, and a checksum that still matches
 * its actions — an edited ("tampered") plan is refused rather than applied.
 */
import { readFile } from "node:fs/promises"
import { Ajv, type ValidateFunction } from "ajv"
import { Data, Effect } from "effect"
import planSchema from "../../schemas/plan.schema.json" with { type: "json" }
import type { Plan } from "../domain/plan.ts"
import { planChecksum } from "./plan.ts"

export class PlanFileInvalid extends Data.TaggedError("PlanFileInvalid")<{
  readonly file: string
  readonly message: string
}> {}

/** Compiled on first use (~50 ms): commands that never read a plan file do not pay for it. */
let planValidator: ValidateFunction | undefined


/** Checks a parsed plan; returns the reason it cannot be used, or undefined. */
export const planProblem = (value: unknown): string | undefined => {
  const validatePlan = (planValidator ??= new Ajv({ allErrors: true, strict: false }).compile(planSchema))
  if (!validatePlan(value)) {
    const first = validatePlan.errors?.slice(0, 3).map((error) => `${error.instancePath || "(top)"} ${error.message ?? ""}`).join("; ")
    return `it is not an atqbo plan (${first})`
  }
  const plan = value as unknown as Plan
  if (planChecksum(plan.actions) !== plan.checksum) {
    return "its actions do not match its checksum: the file was edited after `atqbo plan` wrote it"
  }
  return undefined
}

export const readPlanFile = (file: string) =>
  Effect.gen(function*() {
    const text = yield* Effect.tryPromise({
      try: () => readFile(file, "utf8"),
      catch: (error) => new PlanFileInvalid({ file, message: `cannot read the plan file ${file}: ${(error as Error).message}` })
    })
    const parsed = yield* Effect.try({
      try: () => JSON.parse(text) as unknown,
      catch: () => new PlanFileInvalid({ file, message: `the plan file ${file} is not JSON; write it with \`atqbo plan --out ${file}\`` })
    })
    const problem = planProblem(parsed)
    if (problem) return yield* new PlanFileInvalid({ file, message: `refusing the plan file ${file}: ${problem}` })
    return parsed as Plan
  })
