/** `atqbo doctor --sandbox` as a child process: a healthy setup, and one broken in every way doctor catches. */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { readFile, writeFile } from "node:fs/promises"
import * as path from "node:path"
import type { Check } from "../../src/onboarding/doctorChecks.ts"
import { writeDataset } from "./dataset.ts"
import { atqbo, withTempDir, writeScaffold } from "./helpers.ts"

interface DoctorJson {
  readonly ok: boolean
  readonly summary: string
  readonly checks: ReadonlyArray<Check>
}

const edit = (file: string, from: string, to: string) =>
  Effect.promise(async () => {
    const text = await readFile(file, "utf8")
    if (!text.includes(from)) throw new Error(`${file} does not contain ${JSON.stringify(from)}`)
    await writeFile(file, text.replace(from, to))
  })

const statuses = (checks: ReadonlyArray<Check>) => Object.fromEntries(checks.map((check) => [check.id, check.status]))

describe("atqbo doctor", () => {
  it.live("passes a healthy sandbox setup and fails a broken one, each finding with its fix", () =>
    withTempDir((cwd) =>
      Effect.gen(function*() {
        const good = yield* Effect.promise(() => writeDataset(path.join(cwd, "good")))
        const bad = yield* Effect.promise(() =>
          writeDataset(path.join(cwd, "bad"), {
            preferences: { AccountingInfoPrefs: { ClassTrackingPerTxn: true, ClassTrackingPerTxnLine: false } },
            sandboxYaml: "autotask:\n  limits:\n    hourlyThreshold: 8\n    thresholdLatency: false\n"
          })
        )
        const ok = yield* writeScaffold(path.join(cwd, "ok"))
        // The category "Hardware" cannot take invoice lines: map its billing code to a service.
        yield* edit(path.join(ok, "items.yaml"), "map: []", "map:\n  - billingCode: Hardware\n    item: Onsite Labor")
        const broken = yield* writeScaffold(path.join(cwd, "broken"))
        yield* edit(path.join(broken, "atqbo.yaml"), "    mode: qbo ", "    mode: autotask ")
        yield* edit(path.join(broken, "items.yaml"), "map: []", "map:\n  - billingCode: Remote Support\n    item: Hardware\n  - billingCode: Backup Monitorng\n    item: Remote Support")
        yield* edit(path.join(broken, "items.yaml"), "incomeAccount: Services", "incomeAccount: Consulting Income")
        yield* edit(path.join(broken, "terms.yaml"), "unmatched: omit", "unmatched: fail")
        yield* edit(path.join(broken, "classes.yaml"), "# default: Managed Services", "default: Projects")

        const [healthy, sick] = yield* Effect.all([
          atqbo(["doctor", "--sandbox", "--data", good, "--config", "ok", "--format", "json"], { cwd }),
          atqbo(["doctor", "--sandbox", "--data", bad, "--config", "broken"], { cwd })
        ], { concurrency: 2 })

        assert.strictEqual(healthy.code, 0, healthy.stdout + healthy.stderr)
        const report = JSON.parse(healthy.stdout) as DoctorJson
        assert.isTrue(report.ok)
        assert.deepStrictEqual(statuses(report.checks), {
          "config": "pass",
          "credentials": "pass",
          "autotask.zone": "pass",
          "autotask.threshold": "pass",
          "qbo.company": "pass",
          "qbo.numbering": "pass",
          "qbo.classes": "pass",
          "qbo.salesTax": "warn",
          "qbo.multicurrency": "pass",
          "qbo.incomeAccount": "pass",
          "qbo.mappedItems": "pass",
          "mappings.references": "pass",
          "coverage.terms": "warn",
          "coverage.items": "warn",
          "coverage.customers": "pass",
          "qbo.tokenStore": "skip"
        })
        const items = report.checks.find((check) => check.id === "coverage.items")!
        assert.include(items.detail, "near-duplicates of existing items: \"After-Hours Labor\" ≈ \"After Hours Labor\", \"Onsite Labour\" ≈ \"Onsite Labor\"")
        assert.include(items.fix, "atqbo import")
        assert.include(report.checks.find((check) => check.id === "qbo.company")!.detail, "\"Sandbox Company_US_1\"")
        assert.strictEqual(report.summary, "Doctor: 12 passed, 3 warnings, 0 failed, 1 skipped.")

        assert.strictEqual(sick.code, 1, sick.stderr)
        const line = (status: string, title: string) => new RegExp(`^\\[${status}\\] ${title} +(.+)\\n +fix: (.+)$`, "m")
        assert.match(sick.stdout, /^atqbo doctor · broken · sandbox \(built-in simulators\)$/m)
        assert.match(sick.stdout, line("FAIL", "Invoice numbering"))
        assert.match(sick.stdout, line("FAIL", "Class tracking"))
        assert.match(sick.stdout, line("FAIL", "Income account"))
        assert.match(sick.stdout, line("FAIL", "Mapped items"))
        assert.match(sick.stdout, line("FAIL", "Payment terms"))
        assert.match(sick.stdout, line("FAIL", "Billing codes"))
        assert.match(sick.stdout, line("FAIL", "Mapping references"))
        assert.match(sick.stdout, /broken\/items\.yaml:\d+: billing code "Backup Monitorng" does not exist in Autotask \(closest: "Backup Monitoring"\)/)
        assert.match(sick.stdout, line("warn", "Autotask API usage"))
        assert.include(sick.stdout, "Custom transaction numbers\" is off")
        assert.include(sick.stdout, "classes.yaml names \"Projects\", which is not an active QBO class")
        assert.include(sick.stdout, "income account \"Consulting Income\"")
        assert.include(sick.stdout, "\"Hardware\" is a category, not a product or service")
        assert.include(sick.stdout, "5 of 8 requests used")
        assert.match(sick.stdout, /^Doctor: \d+ passed, \d+ warnings?, 7 failed, 1 skipped\.$/m)
      })
    ))
})
