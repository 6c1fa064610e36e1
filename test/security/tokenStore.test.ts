/**
 * The QBO token store holds the newest refresh token, which Intuit rotates: a torn or
 * world-readable file loses the connection or leaks it. `writeTokenStore` must create the
 * file 0600 (directory 0700), replace it atomically (temp file + rename), and leave no
 * temp files behind; a reader running during repeated writes must never see a partial file.
 */
import { chmod, mkdtemp, readdir, readFile, stat, writeFile } from "node:fs/promises"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Effect, Option } from "effect"
import { describe, expect, it, vi } from "vitest"
import { tokenStorePermissionsCheck } from "../../src/onboarding/doctorChecks.ts"
import { looseTokenStoreMode, readTokenStore, type QboTokenRecord, writeTokenStore } from "../../src/qbo/auth/tokenStore.ts"

const record = (n: number, size = 64): QboTokenRecord => ({
  realmId: "9341453129584572",
  refreshToken: `RT1-${n}-${String(n % 10).repeat(size)}`,
  accessToken: `eyJ-access-${n}`,
  expiresAt: new Date(Date.UTC(2026, 10, 26, 12, 0, 0) + n * 1000).toISOString(),
  updatedAt: new Date(Date.UTC(2026, 10, 26, 11, 0, 0) + n * 1000).toISOString()
})

const write = (path: string, value: QboTokenRecord) => Effect.runPromise(writeTokenStore(path, value))

/**
 * Writes `records` one after another with `writer` while reading the file as fast as possible;
 * returns how many reads saw a whole record and how many saw anything else. `writer` gets
 * `readsHappen()`, which resolves once both readers have read again.
 */
const hammer = async (
  path: string,
  records: ReadonlyArray<QboTokenRecord>,
  writer: (value: QboTokenRecord, readsHappen: () => Promise<void>) => Promise<void>
) => {
  const valid = new Set(records.map((value) => value.refreshToken))
  let writing = true
  let whole = 0
  let reads = 0
  const torn: Array<string> = []
  const readsHappen = async () => {
    const before = reads
    while (reads < before + 2) await new Promise((resolve) => setImmediate(resolve))
  }
  const reader = (async () => {
    while (writing) {
      const text = await readFile(path, "utf8")
      reads += 1
      try {
        const parsed = JSON.parse(text) as QboTokenRecord
        if (valid.has(parsed.refreshToken)) whole += 1
        else torn.push(`unknown record (${text.length} bytes)`)
      } catch {
        torn.push(`${text.length} bytes of ${JSON.stringify(records[0]).length}`)
      }
    }
  })()
  // The product's own reader, too.
  const productReader = (async () => {
    while (writing) {
      const read = await Effect.runPromise(Effect.result(readTokenStore(path)))
      reads += 1
      if (read._tag === "Failure") torn.push(`readTokenStore: ${read.failure.message.slice(0, 80)}`)
      else if (Option.isNone(read.success) || !valid.has(read.success.value.refreshToken)) torn.push("readTokenStore: no or unknown record")
      else whole += 1
    }
  })()
  try {
    for (const value of records) await writer(value, readsHappen)
  } finally {
    writing = false
    await Promise.all([reader, productReader])
  }
  return { whole, torn }
}

describe("QBO token store", () => {
  it("creates the file 0600 in a 0700 directory and keeps 0600 when it replaces a looser file", async () => {
    const root = await mkdtemp(join(tmpdir(), "atqbo-token-"))
    const path = join(root, "state", "nested", "qbo-token.json")
    await write(path, record(1))
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    expect((await stat(join(root, "state", "nested"))).mode & 0o777).toBe(0o700)

    const loose = join(root, "loose.json")
    await writeFile(loose, "{}", { mode: 0o644 })
    await chmod(loose, 0o644)
    await write(loose, record(2))
    expect((await stat(loose)).mode & 0o777).toBe(0o600)
    expect(JSON.parse(await readFile(loose, "utf8"))).toEqual(record(2))
  })

  it("never shows a partial file to a concurrent reader, and leaves no temp files", async () => {
    const root = await mkdtemp(join(tmpdir(), "atqbo-token-"))
    const path = join(root, "qbo-token.json")
    // Large records (≈ 256 KB) take several writes each, so a non-atomic store would be seen short.
    const records = Array.from({ length: 40 }, (_, n) => record(n, 256_000))
    await write(path, records[0]!)
    const { whole, torn } = await hammer(path, records, (value) => write(path, value))
    expect(torn).toEqual([])
    expect(whole).toBeGreaterThan(20)
    expect(await readdir(root)).toEqual(["qbo-token.json"])
    expect((await stat(path)).mode & 0o777).toBe(0o600)
    expect(JSON.parse(await readFile(path, "utf8"))).toEqual(records.at(-1))
  })

  it("the same check catches a writer that is not atomic (the test has teeth)", async () => {
    const root = await mkdtemp(join(tmpdir(), "atqbo-token-"))
    const path = join(root, "qbo-token.json")
    const records = Array.from({ length: 5 }, (_, n) => record(n, 1_000))
    await writeFile(path, JSON.stringify(records[0]))
    // Truncate, write half, let the readers look, write the rest: what a plain writeFile does
    // in chunks, made certain rather than left to the scheduler.
    const { torn } = await hammer(path, records, async (value, readsHappen) => {
      const text = JSON.stringify(value)
      await writeFile(path, text.slice(0, text.length / 2))
      await readsHappen()
      await writeFile(path, text)
    })
    expect(torn.length).toBeGreaterThan(0)
  })

  it("concurrent writers leave one whole record and no temp files", async () => {
    const root = await mkdtemp(join(tmpdir(), "atqbo-token-"))
    const path = join(root, "qbo-token.json")
    const records = Array.from({ length: 20 }, (_, n) => record(n, 100_000))
    await Promise.all(records.map((value) => write(path, value)))
    const final = JSON.parse(await readFile(path, "utf8")) as QboTokenRecord
    expect(records.map((value) => value.refreshToken)).toContain(final.refreshToken)
    expect(await readdir(root)).toEqual(["qbo-token.json"])
    expect((await stat(path)).mode & 0o777).toBe(0o600)
  })

  it("a store others can read is tightened to 0600 with a warning before it is read, and doctor reports it", async () => {
    const root = await mkdtemp(join(tmpdir(), "atqbo-token-"))
    const path = join(root, "qbo-token.json")
    const cases: ReadonlyArray<[number, boolean]> = [[0o644, true], [0o604, true], [0o660, true], [0o600, false], [0o400, false]]
    for (const [mode, loose] of cases) {
      await writeFile(path, JSON.stringify(record(1)))
      await chmod(path, mode)
      expect(await Effect.runPromise(looseTokenStoreMode(path)), mode.toString(8)).toBe(loose ? mode : undefined)
      const check = tokenStorePermissionsCheck(path, await Effect.runPromise(looseTokenStoreMode(path)))
      expect(check?.status, mode.toString(8)).toBe(loose ? "warn" : undefined)
      const warnings = vi.spyOn(console, "error").mockImplementation(() => {})
      const read = await Effect.runPromise(readTokenStore(path))
      const warned = warnings.mock.calls.map((call) => String(call[0]))
      warnings.mockRestore()
      expect(Option.getOrUndefined(read)?.refreshToken).toBe(record(1).refreshToken)
      expect((await stat(path)).mode & 0o777, mode.toString(8)).toBe(loose ? 0o600 : mode)
      expect(warned.some((line) => line.includes(`was readable by others (mode 0${mode.toString(8)}); atqbo set it to 0600`)), mode.toString(8)).toBe(loose)
    }
    expect(await Effect.runPromise(looseTokenStoreMode(join(root, "missing.json")))).toBeUndefined()
  })
})
