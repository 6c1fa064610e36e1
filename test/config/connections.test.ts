import { assert, describe, it } from "@effect/vitest"
import { checkConfig } from "../../src/config/checkConfig.ts"
import { CONFIG_FILES } from "../../src/config/files.ts"
import { checkTexts, problemLines, yaml } from "./helpers.ts"

const twoCompanies = (...extra: ReadonlyArray<string>) =>
  yaml(
    "version: 1",
    "qbo:",
    "  clientIdEnv: QBO_CLIENT_ID",
    "connections:",
    "  - name: us",
    "    qbo:",
    '      realmId: "111"',
    "      refreshTokenEnv: QBO_US_REFRESH_TOKEN",
    "      tokenStore: .atqbo/qbo-us.json",
    "    limits:",
    "      maxInvoices: 20",
    "    routes:",
    "      - companyIds: [1, 2]",
    "    default: true",
    "  - name: canada",
    "    qbo:",
    '      realmId: "222"',
    "      refreshTokenEnv: QBO_CA_REFRESH_TOKEN",
    "      tokenStore: .atqbo/qbo-ca.json",
    "    mappings: connections/canada",
    "    routes:",
    "      - countries: [39]",
    "      - udf: { name: Billing Entity, values: [CA] }",
    ...extra
  )

describe("connections (several QBO companies)", () => {
  it("builds one complete config per connection, inheriting shared settings and mapping files", () => {
    const check = checkConfig({
      dir: "cfg",
      files: CONFIG_FILES.map((spec) => ({
        name: spec.name,
        file: `cfg/${spec.fileName}`,
        text: spec.name === "atqbo" ? twoCompanies() : spec.name === "terms" ? yaml("aliases:", '  "Net 30 Days": Net 30') : undefined
      })),
      connections: [{
        name: "canada",
        dir: "cfg/connections/canada",
        missingDirectory: false,
        files: CONFIG_FILES.filter((spec) => spec.name !== "atqbo").map((spec) => ({
          name: spec.name,
          file: `cfg/connections/canada/${spec.fileName}`,
          text: spec.name === "taxes" ? yaml("region: global", "global:", "  defaultTaxCode: GST") : undefined
        }))
      }]
    })
    assert.deepStrictEqual(problemLines(check), [])
    const [us, canada] = check.config!.connections
    assert.strictEqual(us!.name, "us")
    assert.isTrue(us!.isDefault)
    assert.strictEqual(us!.config.qbo.realmId, "111")
    assert.strictEqual(us!.config.qbo.clientIdEnv, "QBO_CLIENT_ID", "shared setting inherited")
    assert.strictEqual(us!.config.limits.maxInvoices, 20)
    assert.strictEqual(us!.config.limits.maxNewCustomers, 25, "default kept")
    assert.deepStrictEqual(us!.routes.map((route) => route.companyIds), [[1, 2]])
    assert.strictEqual(canada!.config.taxes.region, "global", "the connection's own taxes.yaml")
    assert.strictEqual(canada!.config.taxes.global.defaultTaxCode, "GST")
    assert.strictEqual(us!.config.taxes.region, "us", "the shared default")
    assert.deepStrictEqual(canada!.config.terms.aliases.map((alias) => [alias.autotask, alias.qbo]), [["Net 30 Days", "Net 30"]], "shared terms.yaml")
    assert.deepStrictEqual(canada!.routes[1]!.udf, { name: "Billing Entity", values: ["CA"] })
    assert.deepStrictEqual(canada!.routes[1]!.source, { file: "cfg/atqbo.yaml", line: 23, column: 9 })
  })

  it("reports every ambiguity and sharing problem with its position", () => {
    const check = checkTexts({
      atqbo: twoCompanies(
        "  - name: us",
        "    qbo:",
        '      realmId: "111"',
        "    routes:",
        "      - companyIds: [2, 3]",
        "    default: true",
        "  - name: orphan",
        "    qbo:",
        '      realmId: "333"',
        "      refreshTokenEnv: QBO_ORPHAN_TOKEN",
        "      tokenStore: .atqbo/orphan.json"
      )
    })
    assert.deepStrictEqual(problemLines(check), [
      "cfg/atqbo.yaml:24:11 error: Connection name `us` is used twice (first on line 5).",
      "cfg/atqbo.yaml:26:16 error: QBO company `111` is the realm of two connections.",
      "cfg/atqbo.yaml:28:22 error: Company 2 is routed to both connection `us` and connection `us`; every invoice must go to exactly one QBO company.",
      "cfg/atqbo.yaml:29:14 error: Only one connection can be the default; connection `us` and the one on line 14 both are.",
      "cfg/atqbo.yaml:30:5 error: connection `orphan` has no routes and is not the default, so no invoice would ever be booked there."
    ])
    assert.isUndefined(check.config)
  })

  it("refuses two connections sharing a token store or refresh-token variable", () => {
    const check = checkTexts({
      atqbo: yaml("version: 1", "connections:", "  - name: us", "    qbo: { realmId: \"1\" }", "    default: true", "  - name: ca", "    qbo: { realmId: \"2\" }", "    routes: [{ countries: [39] }]")
    })
    assert.deepStrictEqual(problemLines(check), [
      "cfg/atqbo.yaml:7:5 error: connection `ca` shares the refresh-token variable `QBO_REFRESH_TOKEN` with another connection; refresh tokens belong to one QBO company and rotate.",
      "cfg/atqbo.yaml:7:5 error: connection `ca` shares the token store `.atqbo/qbo-token.json` with another connection; refresh tokens belong to one QBO company and rotate."
    ])
  })

  it("validates connection names and route shapes against the schema", () => {
    const check = checkTexts({ atqbo: yaml("version: 1", "connections:", "  - name: US East", "    qbo: {}", "    routes:", "      - {}", "      - companyId: [1]") })
    const lines = problemLines(check).join("\n")
    assert.match(lines, /cfg\/atqbo\.yaml:3:11 error: .*short lowercase name/)
    assert.match(lines, /cfg\/atqbo\.yaml:6:9 error: /)
    assert.match(lines, /cfg\/atqbo\.yaml:7:9 error: Unknown key `companyId`.*did you mean `companyIds`/)
  })

  it("keeps a single-company configuration free of connections", () => {
    assert.deepStrictEqual(checkTexts({}).config!.connections, [])
  })
})
