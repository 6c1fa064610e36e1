/**
 * The demo plan (what `atqbo plan --sandbox` shows) as each audience reads it, compared with
 * golden files: text at 80 and 160 columns with and without colour, Markdown, and the PR
 * comment. The plan is made once, in-process against the simulators, and moved to the demo's
 * anchor date so the files do not change with the day. Update them on purpose with
 * `npx vitest run test/render -u` and review the diff like any other change.
 */
import { assert, beforeAll, describe, expect, it } from "@effect/vitest"
import type { Plan } from "../../src/domain/plan.ts"
import { planCommentBody } from "../../src/render/github.ts"
import { renderMarkdown } from "../../src/render/markdown.ts"
import { visibleLength } from "../../src/render/terminal.ts"
import { renderText } from "../../src/render/text.ts"
import { demoPlan } from "../support/demoPlan.ts"

const golden = (name: string): string => new URL(`./golden/${name}`, import.meta.url).pathname

describe("the demo plan, rendered", () => {
  let plan: Plan
  beforeAll(async () => {
    plan = await demoPlan()
  })

  for (const width of [80, 160]) {
    for (const color of [false, true]) {
      it(`as text at ${width} columns ${color ? "with" : "without"} colour`, async () => {
        const text = renderText(plan, { verbose: false, terminal: { color, width } })
        const tooWide = text.split("\n").filter((line) => visibleLength(line) > width)
        assert.deepStrictEqual(tooWide, [], `every line fits ${width} columns`)
        assert.strictEqual(text.includes("\u001b["), color, "colour codes only when asked for")
        await expect(text).toMatchFileSnapshot(golden(`plan-${width}${color ? "-color" : ""}.txt`))
      })
    }
  }

  it("as text in a pipe: every entry on one line, nothing cut", async () => {
    const text = renderText(plan, { verbose: false })
    assert.include(text, "Crabtree Valley Insurance Agency", "no name is cut without a width")
    assert.include(renderText(plan, { verbose: false, terminal: { color: false, width: 80 } }), "Crabtree Valley Insura…", "but is at 80 columns")
    await expect(text).toMatchFileSnapshot(golden("plan-pipe.txt"))
  })

  it("as text with --verbose: lines, payload fields and per-customer subtotals", async () => {
    await expect(renderText(plan, { verbose: true, terminal: { color: false, width: 160 } })).toMatchFileSnapshot(golden("plan-verbose-160.txt"))
  })

  it("as Markdown", async () => {
    await expect(renderMarkdown(plan)).toMatchFileSnapshot(golden("plan.md"))
  })

  it("as the PR comment", async () => {
    const body = planCommentBody(plan, { headSha: "0123456789abcdef0123", timestamp: "2026-02-13T12:00:00Z", runUrl: "https://github.com/acme/books/actions/runs/42" })
    await expect(body).toMatchFileSnapshot(golden("comment.md"))
  })
})
