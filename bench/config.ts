/** A configuration directory (atqbo.yaml only; defaults for the rest) whose state lives in a temp dir. */
import { mkdtemp, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"

export interface BenchConfig {
  readonly dir: string
  /** Token stores and journal live here. */
  readonly stateDir: string
}

/**
 * A QBO company of the configuration. One is written as `qbo:`; several as `connections:`,
 * one per company, named `name`, each with its own refresh-token variable and token store.
 */
export interface BenchCompany {
  readonly realmId: string
  /** The connection's name (several companies). */
  readonly name?: string
  /** Autotask companies routed here by id; absent: the default connection, which takes the rest. */
  readonly autotaskCompanyIds?: ReadonlyArray<number>
}

/** Safety limits high enough for any generated dataset (the bench measures, it does not gate). */
export const GENEROUS_LIMITS = "limits:\n  maxNewCustomers: 100000\n  maxNewItems: 100000\n  maxInvoices: 1000000\n  maxVoids: 100000\n  maxEmails: 100000\n  maxAutotaskUpdates: 1000000"

/** The variable that carries a connection's refresh token. */
const refreshTokenEnv = (name: string): string => `QBO_${name.toUpperCase().replace(/-/g, "_")}_REFRESH_TOKEN`

/** `qbo:` for one company. */
const qboLines = (company: BenchCompany, stateDir: string): ReadonlyArray<string> => [
  "qbo:",
  `  realmId: "${company.realmId}"`,
  `  tokenStore: ${join(stateDir, "qbo-token.json")}`
]

/** `connections:` for several: the one without routes is the default. */
const connectionLines = (companies: ReadonlyArray<BenchCompany>, stateDir: string): ReadonlyArray<string> => [
  "connections:",
  ...companies.flatMap((company, index) => {
    const name = company.name ?? `company-${index + 1}`
    return [
      `  - name: ${name}`,
      "    qbo:",
      `      realmId: "${company.realmId}"`,
      `      refreshTokenEnv: ${refreshTokenEnv(name)}`,
      `      tokenStore: ${join(stateDir, `qbo-${name}.json`)}`,
      ...(company.autotaskCompanyIds === undefined
        ? ["    default: true"]
        : ["    routes:", `      - companyIds: [${company.autotaskCompanyIds.join(", ")}]`])
    ]
  })
]

export const writeBenchConfig = async (
  companies: ReadonlyArray<BenchCompany>,
  extra: ReadonlyArray<string> = [GENEROUS_LIMITS],
  /** Lines under `sync:` (indented by two spaces), e.g. numbering. */
  sync: ReadonlyArray<string> = []
): Promise<BenchConfig> => {
  const stateDir = await mkdtemp(join(tmpdir(), "atqbo-bench-state-"))
  const dir = await mkdtemp(join(tmpdir(), "atqbo-bench-config-"))
  const [only, ...more] = companies
  if (only === undefined) throw new Error("writeBenchConfig: no QBO company")
  await writeFile(
    join(dir, "atqbo.yaml"),
    [
      "version: 1",
      ...(more.length === 0 ? qboLines(only, stateDir) : connectionLines(companies, stateDir)),
      "sync:",
      "  timeZone: UTC",
      ...sync,
      "journal:",
      `  dir: ${join(stateDir, "journal")}`,
      ...extra,
      ""
    ].join("\n")
  )
  return { dir, stateDir }
}
