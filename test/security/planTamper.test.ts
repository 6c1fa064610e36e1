/**
 * A saved plan is what a reviewer approved. `apply PLANFILE` (and `show`) must refuse a plan
 * file that was edited afterwards — its checksum field, what it shows (summary, warnings), its
 * realmId, an action (even with the checksums recomputed to match), or its format — and write
 * nothing; the same configuration read from another path is not a change.
 */
import { cp, mkdtemp, readFile, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { contentChecksum, planChecksum } from "../../src/domain/checksum.ts"
import { countActions, type Plan } from "../../src/domain/plan.ts"
import { type Sandbox, startSandbox } from "../../src/sandbox/sandbox.ts"
import { runCli, sandboxEnv, writeConfig } from "../support/cli.ts"
import { mixedDataset } from "../support/datasets.ts"
import { bookWrites } from "../support/sandbox.ts"

let sandbox: Sandbox
let env: Record<string, string>
let configDir: string
let stateDir: string
let saved: Plan

const writes = () => bookWrites(sandbox)

beforeAll(async () => {
  sandbox = await startSandbox({ dataDir: await mixedDataset() })
  env = sandboxEnv(sandbox)
  // The refused applies run at once: each waits its turn for the apply lease.
  ;({ dir: configDir, stateDir } = await writeConfig(sandbox.realmId, { top: "lease:\n  waitSeconds: 120" }))
  const planFile = join(stateDir, "plan.json")
  const plan = await runCli(["plan", "--config", configDir, "--out", planFile], { env })
  expect(plan.code, plan.stderr).toBe(0)
  saved = JSON.parse(await readFile(planFile, "utf8")) as Plan
})

afterAll(async () => {
  await sandbox?.close()
})

/** Writes an edited copy of the saved plan. */
const tamper = async (name: string, edit: (plan: Record<string, any>) => void): Promise<string> => {
  const copy = structuredClone(saved) as unknown as Record<string, any>
  edit(copy)
  const file = join(stateDir, `${name}.json`)
  await writeFile(file, JSON.stringify(copy, null, 2))
  return file
}

/** `apply FILE` on an edited copy. One process at a time: ten at once only test the machine. */
const applyTampered = async (name: string, edit: (plan: Record<string, any>) => void) =>
  runCli(["apply", await tamper(name, edit), "--config", configDir, "--force"], { env })

/** Someone who knows the algorithms recomputes both checksums after the edit. */
const reseal = (plan: Record<string, any>) => {
  plan.checksum = planChecksum(plan.actions)
  plan.contentChecksum = contentChecksum(plan as unknown as Plan)
}

describe("tampered saved plans", () => {
  it("are refused, whichever part was edited, and nothing is written", async () => {
    const before = writes()
    const flipped = saved.checksum.replace(/.$/, (last) => (last === "0" ? "1" : "0"))
    const editChecksum = (plan: Record<string, any>) => {
      plan.checksum = flipped
    }
    const checksum = { apply: await applyTampered("checksum", editChecksum), show: await runCli(["show", await tamper("checksum-show", editChecksum)]) }
    // What a reviewer reads: zeroed counts and deleted warnings (issue 16 item 13); `show`
    // reads plans as apply does.
    const summary = await runCli(["show", await tamper("summary", (plan) => {
      for (const type of Object.keys(plan.summary.counts)) plan.summary.counts[type] = 0
      plan.summary.errors = 0
      plan.warnings = []
      plan.summary.warnings = 0
    })])
    const realm = await applyTampered("realm", (plan) => {
      plan.realmId = "4620816365212676460"
      reseal(plan)
    })
    // Someone who knows the checksum algorithms edits a payload and recomputes them.
    const recomputed = await applyTampered("recomputed", (plan) => {
      const create = plan.actions.find((action: { type: string }) => action.type === "customer.create")
      create.payload.DisplayName = "Mallory Ltd"
      reseal(plan)
    })
    const format = await applyTampered("format", (plan) => {
      plan.format_version = "99.0"
    })
    // Dropping an action (e.g. a write-back) and fixing the summary and the checksums.
    const dropped = await applyTampered("dropped", (plan) => {
      plan.actions = plan.actions.filter((action: { type: string }) => action.type !== "invoice.create")
      plan.summary.counts = countActions(plan.actions)
      reseal(plan)
    })

    expect(checksum.apply.code).toBe(1)
    expect(checksum.apply.stderr).toContain("its actions do not match its checksum: the file was edited after `atqbo plan` wrote it")
    expect(checksum.show.code).toBe(1)
    expect(checksum.show.stderr).toContain("the file was edited after `atqbo plan` wrote it")

    expect(summary.code).toBe(1)
    expect(summary.stderr).toContain("does not match its contentChecksum: the file was edited after `atqbo plan` wrote it")
    expect(summary.stdout).toBe("")

    // With both checksums recomputed, apply still refuses: the fresh plan is for another company.
    expect(realm.code).toBe(1)
    expect(realm.stderr).toContain("it was made for QBO company 4620816365212676460, but this configuration targets")
    expect(realm.stderr).toContain("nothing was written")

    for (const result of [recomputed, dropped]) {
      expect(result.code).toBe(1)
      expect(result.stderr).toContain("stale plan: Autotask or QBO changed since the plan was made (the configuration is the same), so it is not applied; nothing was written.")
    }
    expect(recomputed.stderr).toContain("changed (1): customer:Globex Industrial (customer)")
    expect(dropped.stderr).toContain("added (3): invoice:100 (invoice), invoice:101 (invoice), invoice:105 (invoice)")

    expect(format.code).toBe(1)
    expect(format.stderr).toMatch(/refusing the plan file .*format\.json: it was made by atqbo \S+ \(plan format 99\.0\), this is atqbo \S+ \(plan format 2\.\d+\)/)
    expect(writes()).toBe(before)
  })

  it("the untouched plan applies, with the same configuration given by another path", async () => {
    const file = join(stateDir, "untouched.json")
    await writeFile(file, JSON.stringify(saved))
    const elsewhere = await mkdtemp(join(tmpdir(), "atqbo-same-config-"))
    await cp(configDir, elsewhere, { recursive: true })
    const apply = await runCli(["apply", file, "--config", elsewhere], { env })
    expect(apply.code, apply.stderr + apply.stdout).toBe(0)
    expect(writes()).toBeGreaterThan(0)
  })
})
