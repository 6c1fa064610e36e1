/**
 * Attachable: the metadata of an attachment, or a note on its own (no file). atqbo keeps its
 * apply lease in one such note, so the simulator models what that relies on:
 *
 * - Create (`POST /attachable`) with `Note` and no file: a standalone note; `Note` is required
 *   when there is no `FileName`, at most 2000 characters; `FileName` at most 1000.
 *   Sources: Intuit "Attach images and notes" (developer.intuit.com/app/developer/qbo/docs/
 *   workflows/attach-images-and-notes: POST /attachable with a Note); the Attachable API
 *   reference field list (Note "required for standalone notes", max 2000; FileName max 1000).
 * - Update (`POST /attachable` with `Id` + `SyncToken`, full or sparse): the same SyncToken
 *   rule as every entity — an older SyncToken is 5010 Stale Object Error (reference §7), which
 *   the shared `operations.update` enforces; every write bumps SyncToken and LastUpdatedTime.
 * - Query: `Id`, `FileName`, `Category`, `ContentType` and `MetaData` times filter. Whether
 *   `Note` filters is UNCERTAIN (third-party drivers list it, Intuit's samples filter only on
 *   AttachableRef): option `attachableNoteQueryable`; atqbo's client falls back to reading
 *   every Attachable when QBO answers 4001.
 * - `AttachableRef` links to other records are kept as sent; the simulator does not check them.
 */
import { Faults } from "./faults.ts"
import type { JsonObject, MutableJson } from "./json.ts"
import { checkLength } from "./rules.ts"

const CATEGORIES = new Set(["Contact Photo", "Document", "Image", "Receipt", "Signature", "Sound", "Other"])

export const buildAttachable = (input: JsonObject): MutableJson => {
  const note = input["Note"]
  const fileName = input["FileName"]
  if ((typeof note !== "string" || note === "") && (typeof fileName !== "string" || fileName === "")) throw Faults.required("Note")
  checkLength(note, "Note", 2000)
  checkLength(fileName, "FileName", 1000)
  const category = input["Category"]
  if (category !== undefined && category !== null && (typeof category !== "string" || !CATEGORIES.has(category))) {
    throw Faults.business(`Invalid Category: ${String(category)}`, "Category")
  }
  const output: MutableJson = {}
  for (const [key, value] of Object.entries(input)) if (value !== null && value !== undefined) output[key] = value
  return output
}
