/**
 * The token store: one JSON file holding the newest refresh token (and the current access
 * token) for one realm. Written atomically — a temp file in the same directory, mode 0600,
 * then rename — so a crash never leaves a torn file and the rotated token is never lost.
 */
import { randomBytes } from "node:crypto"
import { chmod, mkdir, open, readFile, rename, rm, stat } from "node:fs/promises"
import { dirname } from "node:path"
import { Console, Effect, Option } from "effect"
import { QboAuthError } from "../QboClient.ts"

export interface QboTokenRecord {
  readonly realmId: string
  readonly refreshToken: string
  readonly accessToken?: string
  /** ISO time the access token expires. */
  readonly expiresAt?: string
  /** ISO time the refresh token expires (rolling, ~100 days). */
  readonly refreshTokenExpiresAt?: string
  readonly updatedAt: string
}

const storeError = (path: string, what: string, cause: unknown) =>
  new QboAuthError({
    reason: "token-store",
    message: `Could not ${what} the QBO token store ${path}: ${cause instanceof Error ? cause.message : String(cause)}`
  })

const isRecord = (value: unknown): value is QboTokenRecord =>
  typeof value === "object" &&
  value !== null &&
  typeof (value as Record<string, unknown>)["realmId"] === "string" &&
  typeof (value as Record<string, unknown>)["refreshToken"] === "string"

/**
 * The file's permission bits when group or others may read or write it (the refresh token
 * grants the company's books); undefined when it is private, absent, or on Windows (no modes).
 */
export const looseTokenStoreMode = (path: string): Effect.Effect<number | undefined> =>
  Effect.promise(async () => {
    if (process.platform === "win32") return undefined
    const mode = await stat(path).then((info) => info.mode & 0o777, () => undefined)
    return mode !== undefined && (mode & 0o077) !== 0 ? mode : undefined
  })

const octal = (mode: number): string => `0${mode.toString(8).padStart(3, "0")}`

/**
 * A store others can read is tightened to 0600 with a warning (they may already hold the
 * token: reconnect to replace it); one atqbo cannot tighten (another owner) is refused.
 */
const tighten = (path: string): Effect.Effect<void, QboAuthError> =>
  Effect.gen(function*() {
    const mode = yield* looseTokenStoreMode(path)
    if (mode === undefined) return
    yield* Effect.tryPromise({
      try: () => chmod(path, 0o600),
      catch: () =>
        new QboAuthError({
          reason: "token-store",
          message: `The QBO token store ${path} is readable by others (mode ${octal(mode)}) and atqbo cannot change that; run \`chmod 600 ${path}\` as its owner, then reconnect with \`atqbo auth qbo\` to replace the exposed refresh token.`
        })
    })
    yield* Console.error(
      `warning: the QBO token store ${path} was readable by others (mode ${octal(mode)}); atqbo set it to 0600. Whoever could read it may hold your QBO refresh token: reconnect with \`atqbo auth qbo\` to replace it.`
    )
  })

/** The stored record, or none when the file does not exist; a store others can read is tightened first. */
export const readTokenStore = (path: string): Effect.Effect<Option.Option<QboTokenRecord>, QboAuthError> =>
  tighten(path).pipe(Effect.andThen(Effect.tryPromise({
    try: async () => {
      try {
        return await readFile(path, "utf8")
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined
        throw error
      }
    },
    catch: (cause) => storeError(path, "read", cause)
  }).pipe(
    Effect.flatMap((text) => {
      if (text === undefined) return Effect.succeed(Option.none<QboTokenRecord>())
      let parsed: unknown
      try {
        parsed = JSON.parse(text)
      } catch {
        return Effect.fail(
          new QboAuthError({
            reason: "token-store",
            message: `The QBO token store ${path} is not valid JSON. Delete it and run \`atqbo auth qbo\` to reconnect.`
          })
        )
      }
      if (!isRecord(parsed)) {
        return Effect.fail(
          new QboAuthError({
            reason: "token-store",
            message: `The QBO token store ${path} has no realmId/refreshToken. Delete it and run \`atqbo auth qbo\` to reconnect.`
          })
        )
      }
      return Effect.succeed(Option.some(parsed))
    })
  )))

/** Writes the record atomically with mode 0600, creating the parent directory (0700). */
export const writeTokenStore = (path: string, record: QboTokenRecord): Effect.Effect<void, QboAuthError> =>
  Effect.tryPromise({
    try: async () => {
      await mkdir(dirname(path), { recursive: true, mode: 0o700 })
      const temp = `${path}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`
      const handle = await open(temp, "wx", 0o600)
      try {
        await handle.writeFile(`${JSON.stringify(record, null, 2)}\n`, "utf8")
        await handle.sync()
      } catch (error) {
        await handle.close()
        await rm(temp, { force: true })
        throw error
      }
      await handle.close()
      try {
        await rename(temp, path)
      } catch (error) {
        await rm(temp, { force: true })
        throw error
      }
      await chmod(path, 0o600)
    },
    catch: (cause) => storeError(path, "write", cause)
  })
