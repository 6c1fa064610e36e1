/**
 * `npm run bench:startup`: how fast the installed package starts. Packs the project, installs
 * the tarball into a temporary directory with production dependencies only (as `npm install
 * atqbo` would), then times `atqbo --version`, `atqbo --help` and `atqbo validate` on the
 * example mappings, each run once to warm V8's compile cache (which bin/atqbo.js enables, as
 * every later start of an installed atqbo has it) and then `--runs` times.
 *
 *   npm run bench:startup                      # the pinned Node 24
 *   npm run bench:startup -- --node PATH       # another Node, e.g. 22
 *   npm run bench:startup -- --runs 20
 *
 * Prints min, median and max wall time per command against the targets (issue 14); exits 1
 * when a median misses its target. Wall time on a shared machine is noisy: run it when idle.
 */
import { spawnSync } from "node:child_process"
import { mkdtemp, rm } from "node:fs/promises"
import { tmpdir } from "node:os"
import * as path from "node:path"
import { parseArgs } from "node:util"
import { packAndInstall } from "../scripts/packInstall.ts"

const { values } = parseArgs({ options: { node: { type: "string" }, runs: { type: "string", default: "10" } } })
const node = values.node ?? process.execPath
const runs = Number(values.runs)

const work = await mkdtemp(path.join(tmpdir(), "atqbo-startup-"))
try {
  const installed = await packAndInstall(work)
  const mappings = path.join(installed.dir, "node_modules", "atqbo", "mappings")
  const cases = [
    { name: "atqbo --version", args: ["--version"], targetS: 0.4 },
    { name: "atqbo --help", args: ["--help"], targetS: 0.4 },
    { name: "atqbo validate (example mappings)", args: ["validate", "--config", mappings], targetS: 1 }
  ]
  const version = spawnSync(node, ["--version"], { encoding: "utf8" }).stdout.trim()
  console.log(`startup of the installed package (${path.basename(installed.tarball)}), Node ${version}, ${runs} runs each after one warm-up:\n`)
  let missed = 0
  for (const { name, args, targetS } of cases) {
    const times: Array<number> = []
    for (let run = 0; run <= runs; run++) {
      const start = process.hrtime.bigint()
      const result = spawnSync(node, [installed.bin, ...args], { cwd: installed.dir, encoding: "utf8" })
      const seconds = Number(process.hrtime.bigint() - start) / 1e9
      if (result.status !== 0) throw new Error(`${name} exited ${result.status}:\n${result.stdout}${result.stderr}`)
      if (run > 0) times.push(seconds)
    }
    times.sort((a, b) => a - b)
    const median = times[Math.floor(times.length / 2)]!
    if (median > targetS) missed++
    const verdict = median <= targetS ? "ok" : "MISSED"
    console.log(
      `  ${name.padEnd(36)} min ${times[0]!.toFixed(2)} s  median ${median.toFixed(2)} s  max ${times.at(-1)!.toFixed(2)} s   target ≤ ${targetS} s  ${verdict}`
    )
  }
  process.exitCode = missed === 0 ? 0 : 1
} finally {
  await rm(work, { recursive: true, force: true })
}
