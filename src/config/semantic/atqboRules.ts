/** Semantic rules for atqbo.yaml: time zone, secrets in `…Env` settings, contradictory settings. */
import { envVarProblem, isEnvVarKey, isEnvVarName } from "../envVars.ts"
import { formatPath } from "../dataPath.ts"
import { configFileSpec } from "../files.ts"
import { schemaAt } from "../schemaWalk.ts"
import type { ConfigProblem } from "../problems.ts"
import { closestMatch } from "../suggest.ts"
import type { DataPath, YamlSource } from "../yamlSource.ts"
import { asRecord, asString, code, recordAt, reporter } from "./context.ts"
import { connectionsRules } from "./connectionsRules.ts"

export const atqboRules = (source: YamlSource): ReadonlyArray<ConfigProblem> => {
  const report = reporter(source)
  const problems: Array<ConfigProblem> = []
  const data = source.data
  const sync = recordAt(data, "sync")

  const timeZone = asString(sync?.["timeZone"])
  if (timeZone !== undefined && timeZone !== "" && !isTimeZone(timeZone)) {
    const suggestion = closestMatch(timeZone, knownTimeZones())
    problems.push(report(
      ["sync", "timeZone"],
      "value",
      "error",
      `Unknown time zone ${code(timeZone)}${suggestion === undefined ? "." : `; did you mean ${code(suggestion)}?`}`,
      "Use an IANA time zone name such as `America/New_York`, `Europe/London` or `UTC`."
    ))
  }

  // Valid-looking names that are really pasted secrets (bad syntax is the schema's to report).
  const envSettings = envVarSettings(data)
  for (const { path, value } of envSettings) {
    if (!isEnvVarName(value)) continue
    const problem = envVarProblem(value, path, schemaAt(configFileSpec("atqbo").schema, path)?.["default"])
    if (problem !== undefined) problems.push(report(path, "value", "error", problem.message, problem.hint))
  }

  // One variable cannot hold two different credentials.
  const firstUse = new Map<string, DataPath>()
  for (const { path, value } of envSettings) {
    if (!isEnvVarName(value)) continue
    const earlier = firstUse.get(value)
    if (earlier === undefined) {
      firstUse.set(value, path)
      continue
    }
    // Connections may share a credential of the same kind (one Intuit app's client id).
    if (earlier.at(-1) === path.at(-1) && path[0] === "connections") continue
    problems.push(report(
      path,
      "value",
      "error",
      `${code(formatPath(path))} names ${code(value)}, which ${code(formatPath(earlier))} on line ${report.lineOf(earlier)} already uses; each setting needs its own variable.`
    ))
  }

  const numbering = recordAt(data, "sync", "numbering")
  const errorMarker = recordAt(data, "sync", "errorMarker")
  if (errorMarker?.["write"] === true && numbering?.["mode"] === "autotask") {
    problems.push(report(
      ["sync", "errorMarker", "write"],
      "value",
      "error",
      "`sync.errorMarker.write` cannot be used with `sync.numbering.mode: autotask`: the marker would overwrite the Autotask invoice number.",
      "Set `errorMarker.write: false`, or use `numbering.mode: qbo`."
    ))
  }
  const prefix = asString(numbering?.["prefix"])
  if (prefix !== undefined && prefix !== "" && numbering?.["mode"] !== "autotask") {
    problems.push(report(
      ["sync", "numbering", "prefix"],
      "value",
      "warning",
      "`sync.numbering.prefix` is ignored: a prefix is only added when `numbering.mode` is `autotask`.",
      "Remove the prefix, or set `numbering.mode: autotask`."
    ))
  }

  const email = recordAt(data, "notifications", "email")
  if (email !== undefined) {
    const username = email["usernameEnv"] !== undefined
    const password = email["passwordEnv"] !== undefined
    if (username !== password) {
      const [given, missing] = username ? ["usernameEnv", "passwordEnv"] : ["passwordEnv", "usernameEnv"]
      problems.push(report(
        ["notifications", "email", given],
        "key",
        "error",
        `\`notifications.email.${given}\` is set without \`${missing}\`; SMTP authentication needs both.`,
        `Add \`${missing}\`, or remove \`${given}\` to send without authentication.`
      ))
    }
  }
  problems.push(...connectionsRules(source))
  return problems
}

/** Every `…Env` setting with a text value, in document order. */
const envVarSettings = (data: unknown): ReadonlyArray<{ path: DataPath; value: string }> => {
  const found: Array<{ path: DataPath; value: string }> = []
  const walk = (node: unknown, path: DataPath): void => {
    const record = asRecord(node)
    if (record === undefined) return
    for (const [key, value] of Object.entries(record)) {
      if (isEnvVarKey(key) && typeof value === "string") found.push({ path: [...path, key], value })
      else walk(value, [...path, key])
    }
  }
  walk(data, [])
  return found
}

export const isTimeZone = (timeZone: string): boolean => {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone })
    return true
  } catch {
    return false
  }
}

const knownTimeZones = (): ReadonlyArray<string> => ["UTC", ...Intl.supportedValuesOf("timeZone")]
