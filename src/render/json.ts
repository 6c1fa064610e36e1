/**
 * The saved-plan / `--format json` document (schemas/plan.schema.json), sealed with its
 * `contentChecksum` so an edited file is refused by `show` and `apply`.
 */
import { contentChecksum } from "../domain/checksum.ts"
import type { Plan } from "../domain/plan.ts"

export const renderJson = (plan: Plan): string => {
  const { format_version, checksum, contentChecksum: _previous, ...rest } = plan
  const sealed = { format_version, checksum, contentChecksum: contentChecksum(plan), ...rest }
  return `${JSON.stringify(sealed, null, 2)}\n`
}
