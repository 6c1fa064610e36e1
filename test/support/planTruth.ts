/** Compares what a plan stated with what apply left in the QBO simulator. */
import { assert } from "@effect/vitest"
import type { Plan } from "../../src/domain/plan.ts"
import { ownerOf } from "../../src/reconcile/marker.ts"
import type { Sandbox } from "../../src/sandbox/sandbox.ts"

/** What the plan said each invoice and item would get is what QBO booked: due date, terms, income account. */
export const assertPlanReadTrue = (plan: Plan, sandbox: Sandbox): ReadonlyArray<string> => {
  const realm = sandbox.qbo.store(sandbox.realmId)
  const documents = new Map(realm.list("Invoice").map((doc) => [ownerOf(doc.PrivateNote as string | undefined), doc]))
  const stated = plan.actions.filter((action) => action.type === "invoice.create")
  for (const action of stated) {
    const doc = documents.get(action.autotaskInvoiceId)
    assert.isDefined(doc, `${action.address} was not created`)
    const term = (action.payload as Record<string, any>)["SalesTermRef"]?.name
    assert.deepStrictEqual(
      [doc!["DueDate"], (doc!["SalesTermRef"] as { name?: string } | undefined)?.name],
      [action.display.dueDate, term],
      `${action.address}: the plan said due ${action.display.dueDate} (${action.display.dueDateSource})`
    )
  }
  const accounts = new Map(realm.list("Account").map((account) => [account.Id, account.Name]))
  for (const action of plan.actions.filter((candidate) => candidate.type === "item.create")) {
    const item = realm.list("Item").find((candidate) => candidate.Name === action.name)!
    assert.strictEqual(accounts.get((item["IncomeAccountRef"] as { value: string }).value), action.display.incomeAccount, action.address)
  }
  return stated.map((action) => action.display.dueDateSource ?? "(none)")
}
