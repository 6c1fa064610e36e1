import { assert, describe, it } from "@effect/vitest"
import { escapeData, escapeProperty, formatAnnotation, limitAnnotations } from "../../src/render/githubAnnotations.ts"

describe("GitHub annotations", () => {
  it("escapes message data: %, CR and LF", () => {
    assert.strictEqual(escapeData("100% done\r\nnext: a, b"), "100%25 done%0D%0Anext: a, b")
  })

  it("escapes properties: additionally : and ,", () => {
    assert.strictEqual(escapeProperty("dir,1/a:b%\n.yaml"), "dir%2C1/a%3Ab%25%0A.yaml")
  })

  it("formats a command with its properties in order", () => {
    assert.strictEqual(
      formatAnnotation({ level: "error", message: "Bad: 50%\nhint", file: "mappings/a,b.yaml", line: 3, col: 5, title: "atqbo validate" }),
      "::error file=mappings/a%2Cb.yaml,line=3,col=5,title=atqbo validate::Bad: 50%25%0Ahint"
    )
    assert.strictEqual(formatAnnotation({ level: "notice", message: "plain" }), "::notice::plain")
  })

  it("keeps the first 10 of each level and counts the rest", () => {
    const annotations = [
      ...Array.from({ length: 12 }, (_, index) => ({ level: "error" as const, message: `e${index}` })),
      ...Array.from({ length: 3 }, (_, index) => ({ level: "warning" as const, message: `w${index}` })),
      ...Array.from({ length: 11 }, (_, index) => ({ level: "notice" as const, message: `n${index}` }))
    ]
    const { shown, omitted } = limitAnnotations(annotations)
    assert.deepStrictEqual(omitted, { error: 2, warning: 0, notice: 1 })
    assert.deepStrictEqual(shown.map((annotation) => annotation.message), [
      ...Array.from({ length: 10 }, (_, index) => `e${index}`),
      "w0", "w1", "w2",
      ...Array.from({ length: 10 }, (_, index) => `n${index}`)
    ])
    assert.strictEqual(limitAnnotations(annotations, 1).shown.length, 3)
  })
})
