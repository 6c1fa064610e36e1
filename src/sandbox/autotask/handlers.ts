/**
 * Endpoint behaviour once a request is authenticated and past the limits: queries and
 * paging, count, single GET, PATCH/PUT, entity information. Each handler returns the JSON
 * body to send, or throws a `SimError`.
 */
import type { AtEntityName } from "../../autotask/model.ts"
import type { AutotaskRow } from "./dataset.ts"
import { DATA_PICKLISTS, DEFAULT_PICKLISTS, type FieldSpec, type Picklist, singularName, UPDATABLE_ENTITIES } from "./entities.ts"
import type { AutotaskSimOptions } from "./options.ts"
import { canonical, decodeCursor, encodeCursor, hashQuery, type PageCursor, pageOf } from "./paging.ts"
import { matchesAll, parseInstant, parseQuery } from "./query.ts"
import { carryRawNumbers } from "./rawJson.ts"
import { autotaskError, methodNotAllowed } from "./simError.ts"
import type { AutotaskStore } from "./store.ts"

export interface HandlerContext {
  readonly store: AutotaskStore
  readonly options: AutotaskSimOptions
  /** REST root of the zone the request came in on, ending in `/ATServicesRest/`. */
  readonly zoneRoot: string
  /** Draws the silent no-op write fault. */
  readonly noopWrite: () => boolean
}

/** Fields written date-only (reference §10.1: paidDate is stored without time). */
const DATE_ONLY_FIELDS: ReadonlySet<string> = new Set(["Invoices.paidDate"])

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

export const parseJsonBody = (text: string | undefined): unknown => {
  if (text === undefined || text.trim() === "") throw autotaskError("The request body is empty.", 400)
  try {
    return JSON.parse(text)
  } catch {
    throw autotaskError("The request body is not valid JSON.", 400)
  }
}

/** A query-string parameter, name matched case-insensitively (ASP.NET binding). */
export const searchParam = (url: URL, name: string): string | undefined => {
  for (const [key, value] of url.searchParams) {
    if (key.toLowerCase() === name) return value
  }
  return undefined
}

/** A row as the API shows it: projected to IncludeFields (+ id), UDF entities always with `userDefinedFields`. */
const present = (
  row: AutotaskRow,
  includeFields: ReadonlyArray<string> | undefined,
  hasUdfs: boolean
): Readonly<Record<string, unknown>> => {
  if (includeFields === undefined) {
    if (!hasUdfs || Array.isArray(row["userDefinedFields"])) return row
    const withUdfs: Record<string, unknown> = { ...row, userDefinedFields: [] }
    carryRawNumbers(row, withUdfs)
    return withUdfs
  }
  const projected: Record<string, unknown> = { id: row.id }
  for (const field of includeFields) projected[field] = row[field] ?? null
  if (hasUdfs) projected["userDefinedFields"] = row["userDefinedFields"] ?? []
  carryRawNumbers(row, projected)
  return projected
}

/**
 * Matching rows per (rows array, canonical query). Paging re-runs the query for every page;
 * the store replaces its rows array on each write, so a cached match can never be stale.
 */
const matchCache = new WeakMap<ReadonlyArray<AutotaskRow>, Map<string, ReadonlyArray<AutotaskRow>>>()
const MATCH_CACHE_ENTRIES = 64

const matchingRows = (
  context: HandlerContext,
  entity: AtEntityName,
  filter: ReturnType<typeof parseQuery>["filter"],
  query: unknown
): ReadonlyArray<AutotaskRow> => {
  const rows = context.store.rows(entity)
  const key = canonical(isRecord(query) ? Object.entries(query).find(([name]) => name.toLowerCase() === "filter")?.[1] : query)
  let cache = matchCache.get(rows)
  if (cache === undefined) {
    cache = new Map()
    matchCache.set(rows, cache)
  }
  const cached = cache.get(key)
  if (cached !== undefined) return cached
  const matching = rows.filter((row) => matchesAll(filter, row))
  if (cache.size >= MATCH_CACHE_ENTRIES) cache.clear()
  cache.set(key, matching)
  return matching
}

const runQuery = (
  context: HandlerContext,
  entity: AtEntityName,
  query: unknown,
  cursor: PageCursor | undefined,
  method: "GET" | "POST",
  searchText: string
) => {
  const schema = context.store.schema(entity)
  const parsed = parseQuery(query, schema)
  const matching = matchingRows(context, entity, parsed.filter, query)
  const page = pageOf(matching, cursor, parsed.maxRecords)
  const queryHash = hashQuery(query)
  const link = (position: Pick<PageCursor, "after" | "before">) => {
    const token = encodeCursor({ entity, method, queryHash, ...position })
    const base = `${context.zoneRoot}V1.0/${entity}/query/next?paging=${token}`
    return method === "POST" ? base : `${base}&search=${encodeURIComponent(searchText)}`
  }
  const first = page.rows[0]
  const last = page.rows[page.rows.length - 1]
  const items = page.rows.map((row) => present(row, parsed.includeFields, schema.hasUdfs))
  return {
    items,
    pageDetails: {
      count: items.length,
      requestCount: parsed.maxRecords,
      prevPageUrl: page.hasPrevious && first !== undefined ? link({ before: first.id }) : null,
      nextPageUrl: page.hasNext && last !== undefined ? link({ after: last.id }) : null
    }
  }
}

/** `GET|POST {Entity}/query`, `…/query/count`, `…/query/next`. */
export const handleQuery = (
  context: HandlerContext,
  entity: AtEntityName,
  sub: "query" | "count" | "next",
  method: string,
  url: URL,
  body: string | undefined
): unknown => {
  if (method !== "GET" && method !== "POST") throw methodNotAllowed(method)
  const readQuery = (): { readonly query: unknown; readonly text: string } => {
    if (method === "POST") return { query: parseJsonBody(body), text: body ?? "" }
    const search = searchParam(url, "search")
    if (search === undefined) throw autotaskError("The 'search' parameter with the query JSON is required.")
    try {
      return { query: JSON.parse(search), text: search }
    } catch {
      throw autotaskError("The 'search' parameter is not valid JSON.", 400)
    }
  }
  if (sub === "count") {
    const schema = context.store.schema(entity)
    const { query } = readQuery()
    const parsed = parseQuery(query, schema, { forCount: true })
    return { queryCount: matchingRows(context, entity, parsed.filter, query).length }
  }
  if (sub === "query") {
    const { query, text } = readQuery()
    return runQuery(context, entity, query, undefined, method, text)
  }
  const token = searchParam(url, "paging")
  if (token === undefined) throw autotaskError("The 'paging' parameter is required.")
  const cursor = decodeCursor(token, entity)
  // After a POST query the next page is POST-only (reference §5).
  if (cursor.method === "POST" && method === "GET") throw methodNotAllowed("GET")
  const { query, text } = readQuery()
  if (hashQuery(query) !== cursor.queryHash) {
    throw autotaskError("The query sent with the paging request does not match the original query.")
  }
  return runQuery(context, entity, query, cursor, cursor.method, text)
}

/** `GET {Entity}/{id}` → `{"item": row | null}`. */
export const handleGet = (context: HandlerContext, entity: AtEntityName, id: number): unknown => {
  const row = context.store.get(entity, id)
  return { item: row === undefined ? null : present(row, undefined, context.store.schema(entity).hasUdfs) }
}

const normalizeWrite = (entity: AtEntityName, spec: FieldSpec, value: unknown): unknown => {
  if (spec.type === "datetime") {
    if (value === null || value === "") return null
    const instant = typeof value === "string" ? parseInstant(value) : undefined
    if (instant === undefined) throw autotaskError(`Invalid value '${String(value)}' for date field '${spec.name}'.`)
    const iso = new Date(instant).toISOString()
    return DATE_ONLY_FIELDS.has(`${entity}.${spec.name}`) ? `${iso.slice(0, 10)}T00:00:00Z` : iso
  }
  if (value === null) return null
  if (typeof value !== "string" && typeof value !== "number") {
    throw autotaskError(`Invalid value for field '${spec.name}'.`)
  }
  const text = String(value)
  if (spec.length !== undefined && text.length > spec.length) {
    throw autotaskError(`The value of field '${spec.name}' exceeds its maximum length of ${spec.length}.`)
  }
  return text
}

/** `PATCH|PUT {Entity}` → `{"itemId": id}`; only Invoices and BillingItems accept updates. */
export const handleWrite = (
  context: HandlerContext,
  entity: AtEntityName,
  method: string,
  body: string | undefined
): { readonly body: unknown; readonly noop: boolean } => {
  if ((method !== "PATCH" && method !== "PUT") || !UPDATABLE_ENTITIES.has(entity)) throw methodNotAllowed(method)
  const payload = parseJsonBody(body)
  if (!isRecord(payload)) throw autotaskError(`The ${method} body must be a JSON object with an id.`, 400)
  const idEntry = Object.entries(payload).find(([key]) => key.toLowerCase() === "id")
  const id = idEntry?.[1]
  if (typeof id !== "number" || !Number.isInteger(id)) {
    throw autotaskError(`The ${method} body must include the integer id of the ${entity} entity to update.`)
  }
  if (context.store.get(entity, id) === undefined) {
    throw autotaskError(
      "No matching records found. The logged in Resource may not have the required permissions to update the data."
    )
  }
  const schema = context.store.schema(entity)
  const changes: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(payload)) {
    if (key.toLowerCase() === "id") continue
    const spec = schema.fields.get(key.toLowerCase())
    if (spec !== undefined && !spec.readOnly) {
      changes[spec.name] = normalizeWrite(entity, spec, value)
    } else if (context.options.strictWrites) {
      throw autotaskError(
        spec === undefined
          ? `Unable to find field '${key}' in the ${entity} entity.`
          : `The field '${spec.name}' of ${entity} is read-only.`
      )
    }
    // Otherwise ignored silently, as Autotask does (reference §7).
  }
  if (method === "PUT") {
    for (const spec of schema.fields.values()) {
      if (!spec.readOnly && !(spec.name in changes)) changes[spec.name] = null
    }
  }
  if (context.noopWrite()) return { body: { itemId: id }, noop: true }
  context.store.update(entity, id, changes)
  return { body: { itemId: id }, noop: false }
}

const picklistFor = (context: HandlerContext, entity: AtEntityName, field: string): Picklist | undefined => {
  const source = DATA_PICKLISTS[entity]?.[field]
  const fromData: Record<string, string> | undefined = source === undefined ? undefined : Object.fromEntries(
    context.store.rows(source).map((row) => [String(row.id), String(row["name"] ?? row.id)])
  )
  const configured = context.options.picklists[entity]?.[field] ?? DEFAULT_PICKLISTS[entity]?.[field]
  return configured === undefined && fromData === undefined ? undefined : { ...fromData, ...configured }
}

/** `GET {Entity}/entityInformation[/fields|/userDefinedFields]`. */
export const handleEntityInformation = (
  context: HandlerContext,
  entity: AtEntityName,
  sub: "info" | "fields" | "udfs"
): unknown => {
  const schema = context.store.schema(entity)
  if (sub === "info") {
    const updatable = UPDATABLE_ENTITIES.has(entity)
    return {
      info: {
        name: singularName(entity),
        canCreate: false,
        canDelete: false,
        canQuery: true,
        canUpdate: updatable,
        userAccessForCreate: "None",
        userAccessForDelete: "None",
        userAccessForQuery: "All",
        userAccessForUpdate: updatable ? "All" : "None",
        hasUserDefinedFields: schema.hasUdfs,
        supportsWebhookCallouts: false
      }
    }
  }
  if (sub === "udfs") {
    const names = new Set<string>()
    for (const row of context.store.rows(entity)) {
      const udfs = row["userDefinedFields"]
      if (!Array.isArray(udfs)) continue
      for (const udf of udfs) if (isRecord(udf) && typeof udf["name"] === "string") names.add(udf["name"])
    }
    return {
      fields: [...names].map((name) => ({
        name,
        label: name,
        type: "string",
        dataType: "string",
        isRequired: false,
        isPickList: false,
        picklistValues: null
      }))
    }
  }
  return {
    fields: [...schema.fields.values()].map((spec) => {
      const picklist = picklistFor(context, entity, spec.name)
      return {
        name: spec.name,
        dataType: spec.type,
        length: spec.length ?? 0,
        isRequired: spec.required,
        isReadOnly: spec.readOnly,
        isQueryable: spec.queryable,
        isReference: spec.reference !== undefined,
        referenceEntityType: spec.reference === undefined ? "" : singularName(spec.reference),
        isPickList: picklist !== undefined,
        picklistValues: picklist === undefined ? null : Object.entries(picklist).map(([value, label], index) => ({
          value,
          label,
          isDefaultValue: false,
          sortOrder: index,
          parentValue: "",
          isActive: true,
          isSystem: false
        })),
        picklistParentValueField: "",
        isSupportedWebhookField: false
      }
    })
  }
}
