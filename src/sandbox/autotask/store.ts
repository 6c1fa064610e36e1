/**
 * The simulator's entity store: rows ordered by id (Autotask pages in id order), lookups by
 * id, and whole-row replacement for writes. Rows are never mutated in place, so a snapshot
 * a test took earlier stays as it was.
 */
import type { AtEntityName } from "../../autotask/model.ts"
import { type AutotaskDataset, type AutotaskRow, validateRows } from "./dataset.ts"
import { ENTITY_NAMES } from "./entities.ts"
import { buildSchema, type EntitySchema } from "./query.ts"
import { carryRawNumbers } from "./rawJson.ts"

/** Read access for tests and invariant checkers. */
export interface AutotaskStoreView {
  /** Current rows of an entity, ordered by id. */
  readonly all: (entity: AtEntityName) => ReadonlyArray<AutotaskRow>
  readonly get: (entity: AtEntityName, id: number) => AutotaskRow | undefined
}

interface EntityTable {
  readonly schema: EntitySchema
  /** Replaced on every write (copy-on-write), so it doubles as a version for caches. */
  rows: Array<AutotaskRow>
  readonly indexById: Map<number, number>
}

const copyRow = (row: object): AutotaskRow => {
  const copy = { ...row } as Record<string, unknown>
  carryRawNumbers(row, copy)
  return copy as AutotaskRow
}

export class AutotaskStore implements AutotaskStoreView {
  readonly #tables: Map<AtEntityName, EntityTable>

  constructor(dataset: AutotaskDataset) {
    this.#tables = new Map()
    for (const entity of ENTITY_NAMES) {
      const given = dataset.entities[entity] ?? []
      const rows = validateRows(entity, given, `dataset ${entity}`).map(copyRow).sort((a, b) => a.id - b.id)
      this.#tables.set(entity, {
        schema: buildSchema(entity, rows),
        rows,
        indexById: new Map(rows.map((row, index) => [row.id, index]))
      })
    }
  }

  #table(entity: AtEntityName): EntityTable {
    const table = this.#tables.get(entity)
    if (table === undefined) throw new Error(`unknown Autotask entity ${entity}`)
    return table
  }

  schema(entity: AtEntityName): EntitySchema {
    return this.#table(entity).schema
  }

  /** The live ordered rows (not a copy): callers must not modify it. */
  rows(entity: AtEntityName): ReadonlyArray<AutotaskRow> {
    return this.#table(entity).rows
  }

  all(entity: AtEntityName): ReadonlyArray<AutotaskRow> {
    return [...this.#table(entity).rows]
  }

  get(entity: AtEntityName, id: number): AutotaskRow | undefined {
    const table = this.#table(entity)
    const index = table.indexById.get(id)
    return index === undefined ? undefined : table.rows[index]
  }

  /** Replaces the row with the same id by a copy carrying `changes`. */
  update(entity: AtEntityName, id: number, changes: Readonly<Record<string, unknown>>): AutotaskRow | undefined {
    const table = this.#table(entity)
    const index = table.indexById.get(id)
    const current = index === undefined ? undefined : table.rows[index]
    if (index === undefined || current === undefined) return undefined
    const next = { ...current, ...changes } as Record<string, unknown>
    carryRawNumbers(current, next)
    // Copy-on-write of the array too, so arrays handed out by `rows()` stay consistent.
    const rows = [...table.rows]
    rows[index] = next as AutotaskRow
    table.rows = rows
    return next as AutotaskRow
  }
}
