/**
 * Reading whole result sets: POST the query with 500 rows per page, then re-POST the exact
 * same body to each `nextPageUrl` until there is none (reference §5). And splitting large
 * `in` lists into queries that stay within Autotask's 500-OR-condition limit.
 */
import { Effect } from "effect"
import { AutotaskCallFailure, unexpectedResponse } from "./failure.ts"
import type { AtEntityName, AtFilter } from "./model.ts"
import type { AutotaskCaller } from "./transport.ts"

export const PAGE_SIZE = 500
export const MAX_OR_CONDITIONS = 500

/** A row as returned; only `id` is relied on here. */
export type AutotaskRowData = Readonly<Record<string, unknown>> & { readonly id: number }

/** OR conditions as Autotask counts them: each item of an `or` group, each value of `in`/`notIn`. */
export const countOrConditions = (filter: ReadonlyArray<AtFilter>): number =>
  filter.reduce((total, condition) => {
    if (condition.op === "and" || condition.op === "or") {
      return total + (condition.op === "or" ? condition.items.length : 0) + countOrConditions(condition.items)
    }
    return total + ((condition.op === "in" || condition.op === "notIn") && Array.isArray(condition.value)
      ? condition.value.length
      : 0)
  }, 0)

/** Distinct values (first occurrence order) in chunks of at most `size`. */
export const chunkDistinct = <V extends number | string>(values: ReadonlyArray<V>, size: number): Array<Array<V>> => {
  const distinct = [...new Set(values)]
  const chunks: Array<Array<V>> = []
  for (let start = 0; start < distinct.length; start += size) chunks.push(distinct.slice(start, start + size))
  return chunks
}

/** Rows ordered by id, later duplicates dropped. */
export const orderedById = (rows: Iterable<AutotaskRowData>): Array<AutotaskRowData> => {
  const byId = new Map<number, AutotaskRowData>()
  for (const row of rows) if (!byId.has(row.id)) byId.set(row.id, row)
  return [...byId.values()].sort((a, b) => a.id - b.id)
}

interface PageBody {
  readonly items: ReadonlyArray<AutotaskRowData>
  readonly nextPageUrl: string | null
}

const readPage = (operation: string, body: unknown): Effect.Effect<PageBody, AutotaskCallFailure> => {
  const record = typeof body === "object" && body !== null ? body as Record<string, unknown> : undefined
  const items = record?.["items"]
  const details = record?.["pageDetails"]
  const valid = Array.isArray(items) &&
    items.every((item: unknown) =>
      typeof item === "object" && item !== null && typeof (item as Record<string, unknown>)["id"] === "number"
    )
  if (!valid) {
    return Effect.fail(unexpectedResponse(operation, 200, `expected {items:[…]} but got ${JSON.stringify(body).slice(0, 120)}`))
  }
  const next = typeof details === "object" && details !== null ? (details as Record<string, unknown>)["nextPageUrl"] : null
  return Effect.succeed({ items: items as ReadonlyArray<AutotaskRowData>, nextPageUrl: typeof next === "string" && next !== "" ? next : null })
}

/** Every row matching `filter`, following `nextPageUrl` with the same POST body. */
export const queryAllPages = (
  call: AutotaskCaller,
  entity: AtEntityName,
  filter: ReadonlyArray<AtFilter>,
  includeFields: ReadonlyArray<string> | undefined
): Effect.Effect<Array<AutotaskRowData>, AutotaskCallFailure> =>
  Effect.gen(function*() {
    const body = JSON.stringify({
      MaxRecords: PAGE_SIZE,
      ...(includeFields === undefined ? {} : { IncludeFields: ["id", ...includeFields.filter((field) => field !== "id")] }),
      filter
    })
    const first = `POST ${entity}/query`
    let page = yield* readPage(first, yield* call({ method: "POST", resource: entity, operation: first, path: `${entity}/query`, body }))
    const rows = [...page.items]
    const visited = new Set<string>()
    const next = `POST ${entity}/query/next`
    while (page.nextPageUrl !== null) {
      if (visited.has(page.nextPageUrl)) {
        return yield* unexpectedResponse(next, 200, "Autotask returned the same nextPageUrl twice")
      }
      visited.add(page.nextPageUrl)
      page = yield* readPage(next, yield* call({ method: "POST", resource: entity, operation: next, url: page.nextPageUrl, body }))
      rows.push(...page.items)
    }
    return orderedById(rows)
  })
