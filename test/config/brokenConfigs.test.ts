import { assert, describe, it } from "@effect/vitest"
import { BROKEN_CASES } from "./brokenCases.ts"
import { checkTexts, problemLines, yaml } from "./helpers.ts"

describe("broken configurations", () => {
  it("covers at least 30 cases", () => {
    assert.isAtLeast(BROKEN_CASES.length, 30)
  })

  for (const brokenCase of BROKEN_CASES) {
    it(brokenCase.name, () => {
      const check = checkTexts(brokenCase.files, brokenCase.strayFiles)
      assert.deepStrictEqual(problemLines(check), brokenCase.expected)
      const errors = brokenCase.expected.filter((line) => / error: /.test(line)).length
      assert.strictEqual(check.errors, errors)
      // Errors withhold the typed config; warnings alone do not.
      assert.strictEqual(check.config === undefined, errors > 0)
      if (brokenCase.hint !== undefined) assert.include(check.problems[0]?.hint ?? "", brokenCase.hint)
    })
  }
})

describe("problems across files", () => {
  it("reports every problem of every file in one run, sorted by file, line and column", () => {
    const check = checkTexts({
      atqbo: yaml("version: 1", "sync:", "  lookbackDays: 500", "  negativeInvoices: refuse", "limts: {}"),
      terms: yaml("aliases:", "  A: B", "  B: C", "unmatched: skip"),
      items: yaml("map:", "  - billingCode: X", "    item: \"a:b\"", "  - billingCode: X", "    item: Y", "missing:", "  policy: fallback"),
      customers: yaml("crossReferences:", "  - companyId: 1", "    customer: Acme", "  - companyId: 2", "    customer: ACME"),
      classes: yaml("lines:", "  rules:", "    - class: Hardware", "  defualt: Services"),
      taxes: yaml("region: global", "global:", "\tcodes: []")
    })
    assert.deepStrictEqual(problemLines(check), [
      "cfg/atqbo.yaml:3:17 error: `sync.lookbackDays` must be between 1 and 365; found 500.",
      "cfg/atqbo.yaml:4:21 error: `sync.negativeInvoices` must be one of `reject` or `credit-memo`; found the text \"refuse\".",
      "cfg/atqbo.yaml:5:1 error: Unknown key `limts`; did you mean `limits`?",
      "cfg/classes.yaml:3:7 error: This line class rule has no condition, so it refers to no billing code, billing code id or billing item type.",
      "cfg/classes.yaml:4:3 error: Unknown key `defualt` in `lines`; did you mean `default`?",
      "cfg/customers.yaml:5:15 warning: Customer `ACME` is also the target of company id 1 on line 2; invoices of both companies will go to this one customer.",
      "cfg/items.yaml:3:11 error: Invalid value \"a:b\" for `map[0].item`: QBO item names cannot contain `:` (QBO uses it to join sub-items), tabs or line breaks.",
      "cfg/items.yaml:4:18 error: Billing code `X` is mapped to `Y` here but to `a:b` on line 2; a billing code maps to one item.",
      "cfg/items.yaml:7:11 error: `missing.policy` is `fallback`, but no `missing.fallbackItem` names the item to fall back to.",
      "cfg/taxes.yaml:3:1 error: Tabs are not allowed for indentation in YAML.",
      "cfg/terms.yaml:2:6 error: The alias `A` → `B` chains into `B` → `C` (line 3); aliases are applied once, not followed.",
      "cfg/terms.yaml:4:12 error: `unmatched` must be one of `omit` or `fail`; found the text \"skip\"."
    ])
    assert.strictEqual(check.errors, 11)
    assert.strictEqual(check.warnings, 1)
    assert.strictEqual(check.config, undefined)
  })

  it("still builds the config when there are only warnings", () => {
    const check = checkTexts({ terms: yaml("aliases:", "  Net 30: Net 30") })
    assert.strictEqual(check.errors, 0)
    assert.strictEqual(check.warnings, 1)
    assert.isDefined(check.config)
  })
})
