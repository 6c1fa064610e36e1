/** All semantic rules, per file; each sees only files that parsed. */
import type { ConfigFileName } from "../files.ts"
import type { ConfigProblem } from "../problems.ts"
import type { YamlSource } from "../yamlSource.ts"
import { atqboRules } from "./atqboRules.ts"
import { classesRules } from "./classesRules.ts"
import { customersRules } from "./customersRules.ts"
import { itemsRules } from "./itemsRules.ts"
import { taxesRules } from "./taxesRules.ts"
import { termsRules } from "./termsRules.ts"

const RULES: Readonly<Record<ConfigFileName, (source: YamlSource) => ReadonlyArray<ConfigProblem>>> = {
  atqbo: atqboRules,
  items: itemsRules,
  terms: termsRules,
  customers: customersRules,
  classes: classesRules,
  taxes: taxesRules
}

export const semanticProblems = (name: ConfigFileName, source: YamlSource): ReadonlyArray<ConfigProblem> => RULES[name](source)
