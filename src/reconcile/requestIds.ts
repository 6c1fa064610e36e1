/**
 * Deterministic QBO `requestid`s. The same realm, action and payload always give the same id,
 * so a retry within a run or a re-run after a crash replays QBO's stored response instead of
 * creating a second document. QBO joins a batch's requestid with each `bId` and allows 50
 * characters in all: 34 + at most 3 (`bId` "0"…"29") stays far inside.
 */
import { createHash } from "node:crypto"
import { canonicalJson } from "../domain/checksum.ts"

const digest = (parts: ReadonlyArray<string>, length: number): string =>
  createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, length)

/** 34 characters: `aq-` + 31 hex digits of a SHA-256 (124 bits). */
export const requestIdFor = (realmId: string, address: string, payload: unknown): string =>
  `aq-${digest([realmId, address, canonicalJson(payload)], 31)}`

/**
 * For a batch: derived from every item's own request id, in order. A `salt` distinguishes a
 * re-submission of items that failed transiently: QBO may have stored the first batch's
 * response with those failures, and replaying it would fail them forever.
 */
export const batchRequestIdFor = (realmId: string, itemIds: ReadonlyArray<string>, salt = ""): string =>
  `aqb${digest([realmId, ...itemIds, ...(salt ? [salt] : [])], 31)}`

export const MAX_REQUEST_ID_LENGTH = 50
