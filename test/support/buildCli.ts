/**
 * Vitest global setup: builds the CLI bundle (`npm run build` → dist/) from the source under
 * test, once per run, so every test that runs `atqbo` as a process runs bin/atqbo.js, what
 * users install. A bundled start loads a few files instead of ~1,400 type-stripped modules:
 * about half the CPU of each of the suite's ~90 CLI processes.
 */
import { execFileSync } from "node:child_process"
import { REPO_ROOT } from "./cliCommand.ts"

export default function setup(): void {
  execFileSync(process.execPath, ["--experimental-strip-types", "--no-warnings=ExperimentalWarning", "scripts/build.ts"], {
    cwd: REPO_ROOT,
    stdio: ["ignore", "ignore", "inherit"]
  })
}
