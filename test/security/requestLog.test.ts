/** What `--log-level debug` may print of a URL: path and query, with anything secret-looking masked. */
import { assert, describe, it } from "@effect/vitest"
import { Redacted } from "effect"
import { safePath } from "../../src/http/requestLog.ts"

describe("the debug request line", () => {
  it("keeps the path and plain query, drops the host's user info and masks secret-looking values", () => {
    assert.strictEqual(safePath("https://user:pw@quickbooks.api.intuit.com/v3/company/1/query?minorversion=75"), "/v3/company/1/query?minorversion=75")
    assert.strictEqual(
      safePath("https://x.test/oauth?code=abc&state=s&refresh_token=rt&client_secret=cs&apiKey=k", [["requestid", "r-1"]]),
      "/oauth?code=***&state=s&refresh_token=***&client_secret=***&apiKey=***&requestid=r-1"
    )
    assert.strictEqual(safePath("https://x.test/a", [["page", Redacted.make("p")]]), "/a?page=***", "a Redacted value is never printed")
    assert.strictEqual(safePath("not a url"), "(unparsable URL)")
  })
})
