/**
 * A small run of `npm run chaos` (bench/chaos.ts): faults injected in both simulators, two
 * QBO companies (`connections:`, part of the Autotask companies routed to the second), two
 * real CLI applies at a time (staggered, waiting for each other's leases), SIGKILLed at random
 * moments, repeated until every apply of an attempt exits 0; then zero duplicate and zero
 * missing documents, each in the company its invoice routes to and none in the other, every
 * line as planned, totals to the cent, write-backs equal to the DocNumbers, no duplicate
 * customers or items, nothing for rejected invoices.
 */
import { describe, expect, it } from "vitest"
import { formatSummary, runChaos } from "../../bench/chaos.ts"
import { cliArgs } from "../support/cliCommand.ts"

describe("chaos (small)", () => {
  it("converges with zero violations after SIGKILLs of overlapping applies to two QBO companies under injected faults", async () => {
    const log: Array<string> = []
    const summary = await runChaos({ rounds: 1, invoices: 30, writers: 2, seed: 11, maxAttempts: 8, twoCompanies: 1, cli: cliArgs([]), log: (line) => log.push(line) })
    const report = `${formatSummary(summary)}\n${log.join("\n")}`
    expect(summary.totals.converged, report).toBe(1)
    expect(summary.totals.twoCompanyRounds, report).toBe(1)
    expect(summary.totals.kills, report).toBeGreaterThanOrEqual(1)
    // Kills landed while the CLI was writing, not only while it was starting.
    expect(summary.rounds.flatMap((round) => round.runs).some((run) => run.exit === "killed" && run.writes > 0), report).toBe(true)
    expect(Object.values(summary.totals.faults).reduce((sum, n) => sum + n, 0), report).toBeGreaterThan(0)
    expect(summary.totals.violations, report).toBe(0)
  }, 300_000) // a chaos run is long by design: many CLI runs, killed and repeated
})
