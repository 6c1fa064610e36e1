/** A configuration directory (atqbo.yaml only; defaults for the rest) whose state lives in a temp dir. */
import { mkdtemp, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"

export interface BenchConfig {
  readonly dir: string
  /** Token store and journal live here. */
  readonly stateDir: string
}

/** Safety limits high enough for any generated dataset (the bench measures, it does not gate). */
export const GENEROUS_LIMITS = "limits:\n  maxNewCustomers: 100000\n  maxNewItems: 100000\n  maxInvoices: 1000000\n  maxVoids: 100000\n  maxEmails: 100000\n  maxAutotaskUpdates: 1000000"

export const writeBenchConfig = async (
  realmId: string,
  extra: ReadonlyArray<string> = [GENEROUS_LIMITS],
  /** Lines under `sync:` (indented by two spaces), e.g. numbering. */
  sync: ReadonlyArray<string> = []
): Promise<BenchConfig> => {
  const stateDir = await mkdtemp(join(tmpdir(), "atqbo-bench-state-"))
  const dir = await mkdtemp(join(tmpdir(), "atqbo-bench-config-"))
  await writeFile(
    join(dir, "atqbo.yaml"),
    [
      "version: 1",
      "qbo:",
      `  realmId: "${realmId}"`,
      `  tokenStore: ${join(stateDir, "qbo-token.json")}`,
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
