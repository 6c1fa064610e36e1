/** `atqbo import --sandbox` as a child process against a small dataset. */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { cp, readFile } from "node:fs/promises"
import * as path from "node:path"
import { validateConfigDir } from "../../src/config/index.ts"
import { writeDataset } from "./dataset.ts"
import { atqbo, withTempDir, writeScaffold } from "./helpers.ts"

const read = (file: string) => Effect.promise(() => readFile(file, "utf8"))

interface PlanJson {
  readonly actions: ReadonlyArray<{ readonly type: string; readonly name?: string }>
  readonly warnings: ReadonlyArray<{ readonly code: string; readonly autotaskInvoiceId?: number }>
}

const undated = (text: string) => text.replace(/ on \d{4}-\d{2}-\d{2}/, "")

describe("atqbo import", () => {
  it.live("proposes items, terms and customers with a match report; never overwrites without --force; the proposals validate and fix the plan", () =>
    withTempDir((cwd) =>
      Effect.gen(function*() {
        const data = yield* Effect.promise(() => writeDataset(path.join(cwd, "data")))
        const cfg = yield* writeScaffold(path.join(cwd, "cfg"))
        const sandbox = ["--sandbox", "--data", data, "--config", "cfg"]

        const refused = yield* atqbo(["import", ...sandbox], { cwd })
        assert.strictEqual(refused.code, 1)
        assert.include(refused.stderr, "import would overwrite cfg/items.yaml, cfg/terms.yaml, cfg/customers.yaml, so it read nothing and wrote nothing")
        assert.include(refused.stderr, "--force")

        const [proposed, before] = yield* Effect.all([
          atqbo(["import", ...sandbox, "--out", "proposals"], { cwd }),
          atqbo(["plan", ...sandbox, "--format", "json"], { cwd })
        ], { concurrency: 2 })
        assert.strictEqual(proposed.code, 0, proposed.stderr)
        const report = proposed.stdout
        assert.match(report, /^Billing codes → QBO items \(by name\): 1 matched, 3 differing, 1 missing in QBO$/m)
        assert.match(report, /^Payment terms → QBO terms: 1 matched, 2 differing, 1 missing in QBO$/m)
        assert.match(report, /^Companies → QBO customers: 1 matched, 2 differing, 2 missing in QBO$/m)
        assert.match(report, /≈ differing Onsite Labour\s+Onsite Labor\s+close match/)
        assert.match(report, /≈ differing Hardware\s+Hardware\s+QBO item "Hardware" is of type Category/)
        assert.match(report, /\+ missing\s+Backup Monitoring\s+—\s+apply creates it/)
        assert.match(report, /= matched\s+Northwind Traders\s+Northwind Traders/)
        assert.notInclude(report, "Tailspin Toys", "companies without invoices are not read")
        assert.notInclude(report, "Retired Code", "inactive billing codes are not read")

        const proposals = path.join(cwd, "proposals")
        const items = yield* read(path.join(proposals, "items.yaml"))
        const terms = yield* read(path.join(proposals, "terms.yaml"))
        const customers = yield* read(path.join(proposals, "customers.yaml"))
        assert.include(items, "# close match: billing code \"After-Hours Labor\" (id 2) ≈ QBO item \"After Hours Labor\"; check it\n  - billingCodeId: 2\n    item: After Hours Labor\n")
        assert.include(items, "#   \"Backup Monitoring\" (id 5): apply creates it (missing.policy: create)")
        assert.include(terms, "  Net 30 Days: Net 30\n")
        assert.include(terms, "  Due Upon Receipt: Due on receipt\n")
        assert.include(customers, "  - companyId: 11\n    customer: Contoso\n")
        assert.include(customers, "  - companyId: 12\n    customer: Fabrikam Inc\n")
        for (const text of [items, terms, customers]) assert.match(text, /^# yaml-language-server: \$schema=\.\.\/schemas\/\w+\.schema\.json\n/)

        // The proposals, dropped into the configuration, validate…
        const merged = path.join(cwd, "merged")
        yield* Effect.promise(async () => {
          await cp(cfg, merged, { recursive: true })
          await cp(proposals, merged, { recursive: true })
        })
        const validation = yield* validateConfigDir(merged)
        assert.isTrue(validation.valid, JSON.stringify(validation.problems))
        assert.strictEqual(validation.errors, 0)

        // …and `import --force` in place makes the plan use the existing customers and terms.
        const forced = yield* atqbo(["import", ...sandbox, "--force"], { cwd })
        assert.strictEqual(forced.code, 0, forced.stderr)
        assert.include(forced.stderr, "(replacing the previous files)")
        assert.strictEqual(undated(yield* read(path.join(cfg, "customers.yaml"))), undated(customers), "--out and in place write the same proposal")
        const after = yield* atqbo(["plan", ...sandbox, "--format", "json"], { cwd })
        assert.strictEqual(after.code, 0, after.stderr)
        const customerNames = (run: string) =>
          (JSON.parse(run) as PlanJson).actions.filter((action) => action.type === "customer.create").map((action) => action.name).sort()
        const termsOmitted = (run: string) =>
          (JSON.parse(run) as PlanJson).warnings.filter((warning) => warning.code === "term-omitted").map((warning) => warning.autotaskInvoiceId).sort()
        assert.deepStrictEqual(customerNames(before.stdout), ["Adventure Works", "Contoso Ltd", "Fabrikam, Inc.", "Litware"])
        assert.deepStrictEqual(customerNames(after.stdout), ["Adventure Works", "Litware"])
        assert.deepStrictEqual(termsOmitted(before.stdout), [101, 102, 103])
        assert.deepStrictEqual(termsOmitted(after.stdout), [103], "the aliases give invoices 101 and 102 their terms; Net 45 stays missing")
      })
    ))
})
