/**
 * Semantic rules for customers.yaml: a company is cross-referenced once per currency (an entry
 * without `currency` covers the others); two companies on one customer is legal (e.g. two
 * Autotask sites billed as one QBO customer) but worth a warning.
 */
import type { ConfigProblem } from "../problems.ts"
import type { YamlSource } from "../yamlSource.ts"
import { asArray, asInteger, asRecord, asString, code, nameKey, reporter } from "./context.ts"

interface Seen {
  readonly index: number
  readonly customer: string | undefined
  readonly company: string
}

export const customersRules = (source: YamlSource): ReadonlyArray<ConfigProblem> => {
  const report = reporter(source)
  const problems: Array<ConfigProblem> = []
  const byCompany = new Map<string, Seen>()
  const byCustomer = new Map<string, Seen>()
  asArray(asRecord(source.data)?.["crossReferences"]).forEach((entry, index) => {
    const reference = asRecord(entry)
    if (reference === undefined) return
    const customer = asString(reference["customer"])
    const id = asInteger(reference["companyId"])
    const name = asString(reference["company"])
    const currency = asString(reference["currency"])
    const inCurrency = currency === undefined ? "" : ` (${currency})`
    const companies: Array<{ key: string; field: string; label: string }> = []
    if (id !== undefined) companies.push({ key: `id:${id}${inCurrency}`, field: "companyId", label: `Company id ${id}${inCurrency}` })
    if (name !== undefined) companies.push({ key: `name:${nameKey(name)}${inCurrency}`, field: "company", label: `Company ${code(name)}${inCurrency}` })

    let duplicate = false
    for (const company of companies) {
      const earlier = byCompany.get(company.key)
      if (earlier === undefined) {
        byCompany.set(company.key, { index, customer, company: company.label })
        continue
      }
      duplicate = true
      const line = report.lineOf(["crossReferences", earlier.index])
      const sameCustomer = customer !== undefined && earlier.customer !== undefined && nameKey(customer) === nameKey(earlier.customer)
      problems.push(
        sameCustomer
          ? report(["crossReferences", index, company.field], "value", "error", `${company.label} is cross-referenced twice (also on line ${line}).`, "Remove one of the two entries.")
          : report(
            ["crossReferences", index, company.field],
            "value",
            "error",
            `${company.label} is cross-referenced to ${code(customer ?? "?")} here but to ${code(earlier.customer ?? "?")} on line ${line}; a company's invoices${currency === undefined ? "" : ` in ${currency}`} go to one customer.`,
            "Keep the entry with the right customer and remove the other."
          )
      )
    }

    const [company] = companies
    if (customer === undefined || company === undefined || duplicate) return
    const earlier = byCustomer.get(nameKey(customer))
    if (earlier === undefined) {
      byCustomer.set(nameKey(customer), { index, customer, company: company.label })
    } else if (earlier.company !== company.label) {
      problems.push(report(
        ["crossReferences", index, "customer"],
        "value",
        "warning",
        `Customer ${code(customer)} is also the target of ${lowerFirst(earlier.company)} on line ${report.lineOf(["crossReferences", earlier.index])}; invoices of both companies will go to this one customer.`,
        "If that is intended, nothing to do; otherwise point one of them at another customer."
      ))
    }
  })
  return problems
}

const lowerFirst = (text: string): string => text.charAt(0).toLowerCase() + text.slice(1)
