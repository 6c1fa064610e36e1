/**
 * How tests start `atqbo` as a process: `node bin/atqbo.js …`, the installed entry point, which
 * runs the bundle test/support/buildCli.ts builds from the current source before the suite.
 */
import { join } from "node:path"
import { fileURLToPath } from "node:url"

export const REPO_ROOT = fileURLToPath(new URL("../..", import.meta.url))

/** The Node arguments that run `atqbo ARGS` (with `process.execPath`). */
export const cliArgs = (args: ReadonlyArray<string>): Array<string> => [join(REPO_ROOT, "bin/atqbo.js"), ...args]
