/**
 * Reading a saved plan (`apply PLANFILE`, `show PLANFILE`): JSON, of a plan format this atqbo
 * understands, valid against schemas/plan.schema.json, and unedited — its `checksum` matches
 * its actions, its `contentChecksum` everything a reviewer reads, and its summary its actions.
 * A saved plan is what `show` shows: an edited one is refused by both commands.
 */
import { readFile } from "node:fs/promises"
import { Ajv, type ValidateFunction } from "ajv"
import { Effect, Schema } from "effect"
import planSchema from "../../schemas/plan.schema.json" with { type: "json" }
import { contentChecksum, planChecksum } from "../domain/checksum.ts"
import { ALL_ACTION_TYPES, countActions, type Plan, PLAN_FORMAT_VERSION } from "../domain/plan.ts"

export class PlanFileInvalid extends Schema.TaggedError<PlanFileInvalid>()("PlanFileInvalid", {
  file: Schema.String,
  message: Schema.String
}) {}

/** Compiled on first use (~50 ms): commands that never read a plan file do not pay for it. */
let planValidator: ValidateFunction | undefined

const major = (version: string): string => version.split(".")[0] ?? version

const EDITED = "the file was edited after `atqbo plan` wrote it"

/** A plan of another format: who made it, and who reads it (Terraform's rule). */
const formatProblem = (value: { format_version?: unknown; tool?: { version?: unknown } }, toolVersion: string): string | undefined => {
  const format = typeof value.format_version === "string" ? value.format_version : "?"
  if (major(format) === major(PLAN_FORMAT_VERSION)) return undefined
  const maker = typeof value.tool?.version === "string" ? value.tool.version : "an unknown version"
  return `it was made by atqbo ${maker} (plan format ${format}), this is atqbo ${toolVersion} (plan format ${PLAN_FORMAT_VERSION}); plan again with this version`
}

/** The summary says what the actions and warnings are, or the file was edited. */
const summaryProblem = (plan: Plan): string | undefined => {
  const counts = countActions(plan.actions)
  const wrong = ALL_ACTION_TYPES.filter((type) => (plan.summary.counts[type] ?? 0) !== counts[type])
  if (wrong.length > 0) return `its summary counts (${wrong.join(", ")}) do not match its actions: ${EDITED}`
  if (plan.summary.errors !== counts["invoice.reject"] || plan.summary.warnings !== plan.warnings.length) {
    return `its summary of errors and warnings does not match its actions and warnings: ${EDITED}`
  }
  return undefined
}

/** Checks a parsed plan; returns the reason it cannot be used, or undefined. */
export const planProblem = (value: unknown, toolVersion = "(this version)"): string | undefined => {
  if (typeof value !== "object" || value === null || (value as { tool?: { name?: unknown } }).tool?.name !== "atqbo") {
    return "it is not an atqbo plan (write one with `atqbo plan --out FILE`)"
  }
  const format = formatProblem(value, toolVersion)
  if (format) return format
  const validatePlan = (planValidator ??= new Ajv({ allErrors: true, strict: false }).compile(planSchema))
  if (!validatePlan(value)) {
    const first = validatePlan.errors?.slice(0, 3).map((error) => `${error.instancePath || "(top)"} ${error.message ?? ""}`).join("; ")
    return `it is not a valid atqbo plan (${first})`
  }
  const plan = value as unknown as Plan
  if (planChecksum(plan.actions) !== plan.checksum) return `its actions do not match its checksum: ${EDITED}`
  if (contentChecksum(plan) !== plan.contentChecksum) return `what it shows (summary, reasons, warnings, limits…) does not match its contentChecksum: ${EDITED}`
  return summaryProblem(plan)
}

export const readPlanFile = (file: string, toolVersion: string) =>
  Effect.gen(function*() {
    const text = yield* Effect.tryPromise({
      try: () => readFile(file, "utf8"),
      catch: (error) => new PlanFileInvalid({ file, message: `cannot read the plan file ${file}: ${(error as Error).message}` })
    })
    const parsed = yield* Effect.try({
      try: () => JSON.parse(text) as unknown,
      catch: () => new PlanFileInvalid({ file, message: `the plan file ${file} is not JSON; write it with \`atqbo plan --out ${file}\`` })
    })
    const problem = planProblem(parsed, toolVersion)
    if (problem) return yield* new PlanFileInvalid({ file, message: `refusing the plan file ${file}: ${problem}` })
    return parsed as Plan
  })
