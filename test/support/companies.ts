/**
 * The two-company fixture (a US and a Canadian QBO company from one Autotask database): the
 * dataset for the simulators and the `connections:` that route to them. Shared by the e2e test
 * of plan/apply and the onboarding commands' tests.
 */
import { mkdir, writeFile } from "node:fs/promises"
import { join } from "node:path"
import { billingCode, billingItem, company, invoice } from "./fixtures.ts"
import { daysAgo, writeDataset } from "./sandbox.ts"

export const US = "1231000001"
export const CA = "1231000002"
const at = (date: string) => `${date}T00:00:00`

export const dataset = async (): Promise<string> => {
  const dir = await writeDataset({
    autotask: {
      Invoices: [
        invoice(500, 1, 100, { invoiceDateTime: at(daysAgo(1)) }),
        invoice(501, 2, 200, { invoiceDateTime: at(daysAgo(1)) }),
        invoice(502, 3, 300, { invoiceDateTime: at(daysAgo(2)) }),
        invoice(503, 4, 400, { invoiceDateTime: at(daysAgo(2)) })
      ],
      BillingItems: [
        billingItem(1, 500, 10, 1, 100),
        billingItem(2, 501, 10, 2, 100),
        billingItem(3, 502, 10, 3, 100),
        billingItem(4, 503, 10, 4, 100)
      ].map((item) => ({ ...item, itemDate: at(daysAgo(2)) })),
      BillingCodes: [billingCode(10, "Managed Services")],
      Companies: [
        company(1, "Acme US Inc", { countryID: 237 }),
        company(2, "Maple Leaf Dental", { countryID: 39 }),
        company(3, "Northern Lights Legal", { countryID: 237, userDefinedFields: [{ name: "Billing Entity", value: "ca" }] }),
        company(4, "Globex Holdings", { countryID: 237 })
      ]
    }
  })
  for (const realm of [US, CA]) {
    await mkdir(join(dir, "qbo", realm), { recursive: true })
    await writeFile(join(dir, "qbo", realm, "Item.json"), JSON.stringify([{ Id: "5", SyncToken: "0", Name: "Managed Services", Type: "Service", Active: true, IncomeAccountRef: { value: "1" } }]))
    await writeFile(join(dir, "qbo", realm, "CompanyInfo.json"), JSON.stringify({ Id: "1", SyncToken: "0", CompanyName: realm === US ? "Northwind US" : "Northwind Canada", Country: realm === US ? "US" : "CA" }))
  }
  return dir
}

export const connections = (stateDir: string, canadaRoutes: ReadonlyArray<string> = ["      - countries: [39]", "      - udf: { name: Billing Entity, values: [CA] }"], canadaLimits = "") =>
  [
    "connections:",
    "  - name: us",
    "    qbo:",
    `      realmId: "${US}"`,
    "      refreshTokenEnv: QBO_US_REFRESH_TOKEN",
    `      tokenStore: ${join(stateDir, "qbo-us.json")}`,
    "    default: true",
    "  - name: canada",
    "    qbo:",
    `      realmId: "${CA}"`,
    "      refreshTokenEnv: QBO_CA_REFRESH_TOKEN",
    `      tokenStore: ${join(stateDir, "qbo-ca.json")}`,
    ...(canadaLimits ? ["    limits:", canadaLimits] : []),
    "    routes:",
    ...canadaRoutes
  ].join("\n")

