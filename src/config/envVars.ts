/**
 * Credentials are referenced by environment-variable NAME. These rules tell a bad name from
 * a secret pasted where the name belongs — and never repeat a suspected secret in a message.
 */
import { formatPath } from "./dataPath.ts"
import type { DataPath } from "./yamlSource.ts"


export const ENV_VAR_NAME = /^[A-Z_][A-Z0-9_]*$/

export const isEnvVarName = (value: string): boolean => ENV_VAR_NAME.test(value)

/** Settings whose value names an environment variable end in `Env`. */
export const isEnvVarKey = (key: string): boolean => key.endsWith("Env")

/**
 * Heuristic: tokens, passwords, URLs with credentials and e-mail logins, as opposed to
 * variable names. Errs towards "secret": the cost is only a differently worded error.
 */
export const looksLikeSecret = (value: string): boolean => {
  if (value.length < 8 || /\s/.test(value)) return false
  const digits = value.replace(/[^0-9]/g, "").length
  const lower = /[a-z]/.test(value)
  const upper = /[A-Z]/.test(value)
  // Valid syntax, but a long run of capitals and digits without `_` is an Autotask integration code.
  if (isEnvVarName(value)) return value.length >= 16 && !value.includes("_") && digits >= 2
  if (lower && upper && digits > 0) return true
  if (/[^A-Za-z0-9_.\-${}]/.test(value)) return true
  return value.length >= 20 && digits >= 6
}

export interface EnvVarProblem {
  readonly message: string
  readonly hint: string
}

/** A name to suggest for the setting at `path`: its default, else derived from the path. */
const exampleName = (path: DataPath, defaultName: unknown): string =>
  typeof defaultName === "string"
    ? defaultName
    : path
      .filter((segment): segment is string => typeof segment === "string")
      .map((segment) => segment.replace(/Env$/, "").replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase())
      .join("_")

/**
 * Why `value` (the setting at `path`, whose schema default is `defaultName`) is not a usable
 * environment-variable name, if it is not.
 */
export const envVarProblem = (value: string, path: DataPath, defaultName?: unknown): EnvVarProblem | undefined => {
  const where = formatPath(path)
  if (looksLikeSecret(value)) {
    return {
      message: `\`${where}\` looks like a credential or secret value, not the name of an environment variable; secrets never belong in mapping files.`,
      hint: `Store the value in an environment variable (or a CI secret) and write that variable's name here, for example \`${
        exampleName(path, defaultName)
      }\`. If this value was ever committed, rotate it.`
    }
  }
  if (isEnvVarName(value)) return undefined
  const unwrapped = value.replace(/^\$\{?/, "").replace(/\}$/, "")
  const upper = unwrapped.toUpperCase().replace(/[-.]/g, "_")
  const suggestion = isEnvVarName(unwrapped)
    ? `Write the variable's name without \`$\`: \`${unwrapped}\`.`
    : isEnvVarName(upper)
    ? `Did you mean \`${upper}\`?`
    : "Use upper-case letters, digits and `_`, not starting with a digit."
  return {
    message: `\`${where}\` must name an environment variable (upper-case letters, digits and \`_\`, not starting with a digit); \`${value}\` is not a valid name.`,
    hint: suggestion
  }
}
