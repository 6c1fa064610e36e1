import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { SMTPServer } from "smtp-server"
import type { Plan } from "../../src/domain/plan.ts"
import type { ApplyReport } from "../../src/domain/report.ts"
import { failureNotice, notify, noticeFor } from "../../src/reconcile/notify.ts"
import { buildPlan } from "../../src/reconcile/plan.ts"
import { billingCode, billingItem, company, config, invoice, qboCustomer, qboItem, snapshot } from "../support/fixtures.ts"

const plan: Plan = buildPlan(
  snapshot({
    autotask: {
      invoices: [invoice(100, 1, 150), invoice(102, 1, -20)],
      billingItems: [billingItem(1, 100, 10, 2, 75), billingItem(3, 102, 10, 1, -20)],
      billingCodes: [billingCode(10, "Managed Services")],
      companies: [company(1, "Acme <Corp>")]
    },
    qbo: { items: [qboItem("5", "Managed Services")], customers: [qboCustomer("7", "Acme <Corp>")] }
  }),
  config(),
  { toolVersion: "test", createdAt: "2026-11-26T10:00:00Z" }
)

const report: ApplyReport = {
  runId: "run-1",
  journal: undefined,
  counts: { applied: 1, adopted: 0, failed: 1, skipped: 0, rejected: 1 },
  outcomes: [
    { address: "invoice:100", type: "invoice.create", autotaskInvoiceId: 100, status: "failed", message: "Duplicate Document Number Error (code 6140)", code: "6140" },
    { address: "reject:102", type: "invoice.reject", autotaskInvoiceId: 102, status: "rejected", message: "rejected" }
  ]
}

const SECRET_URL_PATH = "/hooks/T000/SECRET-PATH-TOKEN"

describe("notifications", () => {
  it("names the invoice, number, company and reason of every failure and rejection", () => {
    const notice = noticeFor(plan, report)!
    assert.strictEqual(notice.subject, "atqbo: 1 failed, 1 rejected in QBO company 9341453129584572")
    assert.include(notice.text, "- failed: Autotask invoice (id 100) for Acme <Corp>: Duplicate Document Number Error (code 6140)")
    assert.match(notice.text, /- rejected: Autotask invoice \(id 102\) for Acme <Corp>: the total is negative \(-20\.00\); QBO cannot accept a negative invoice\. Set sync\.negativeInvoices: credit-memo/)
    assert.isUndefined(noticeFor(plan, { ...report, outcomes: [] }))
  })

  it.live("posts Slack-style text to the webhook and e-mails over SMTP, once each", () =>
    Effect.gen(function*() {
      const received: Array<{ path: string; body: string }> = []
      const http = createServer((request, response) => {
        let body = ""
        request.on("data", (chunk) => (body += chunk))
        request.on("end", () => {
          received.push({ path: request.url ?? "", body })
          response.end("ok")
        })
      })
      yield* Effect.promise(() => new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve)))
      const mails: Array<{ from: string; to: Array<string>; data: string; user: string | undefined }> = []
      const smtp = new SMTPServer({
        authOptional: false,
        disabledCommands: ["STARTTLS"],
        onAuth: (auth, _session, callback) =>
          auth.username === "mailer" && auth.password === "smtp-pass-XYZ" ? callback(null, { user: auth.username }) : callback(new Error("bad credentials")),
        onData: (stream, session, callback) => {
          let data = ""
          stream.on("data", (chunk) => (data += chunk))
          stream.on("end", () => {
            mails.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
              to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
              data,
              user: session.user as string | undefined
            })
            callback()
          })
        }
      })
      yield* Effect.promise(() => new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve)))
      const httpPort = (http.address() as AddressInfo).port
      const smtpPort = (smtp.server.address() as AddressInfo).port
      process.env.TEST_WEBHOOK_URL = `http://127.0.0.1:${httpPort}${SECRET_URL_PATH}`
      process.env.TEST_SMTP_USER = "mailer"
      process.env.TEST_SMTP_PASS = "smtp-pass-XYZ"

      const deliveries = yield* notify(
        {
          webhook: { urlEnv: "TEST_WEBHOOK_URL", format: "slack" },
          email: { host: "127.0.0.1", port: smtpPort, secure: false, allowInsecureAuth: true, usernameEnv: "TEST_SMTP_USER", passwordEnv: "TEST_SMTP_PASS", from: "atqbo@msp.test", to: ["finance@msp.test"] }
        },
        plan,
        report
      )
      yield* Effect.promise(() => new Promise<void>((resolve) => http.close(() => resolve())))
      yield* Effect.promise(() => new Promise<void>((resolve) => smtp.close(() => resolve())))

      assert.deepStrictEqual(deliveries.map((delivery) => [delivery.channel, delivery.ok]), [["webhook", true], ["email", true]])
      assert.strictEqual(received.length, 1)
      assert.strictEqual(received[0]!.path, SECRET_URL_PATH)
      const posted = JSON.parse(received[0]!.body) as { text: string }
      assert.match(posted.text, /^atqbo: 1 failed, 1 rejected/)
      assert.strictEqual(mails.length, 1)
      assert.strictEqual(mails[0]!.user, "mailer")
      assert.deepStrictEqual(mails[0]!.to, ["finance@msp.test"])
      assert.include(mails[0]!.data, "Subject: atqbo: 1 failed, 1 rejected in QBO company 9341453129584572")
      for (const delivery of deliveries) {
        assert.notInclude(delivery.detail, "SECRET-PATH-TOKEN")
        assert.notInclude(delivery.detail, "smtp-pass-XYZ")
      }
    }))

  it.live("never sends the SMTP password to a server that offers no STARTTLS, unless allowInsecureAuth says so", () =>
    Effect.gen(function*() {
      const authAttempts: Array<string> = []
      const smtp = new SMTPServer({
        disabledCommands: ["STARTTLS"],
        allowInsecureAuth: true,
        onAuth: (auth, _session, callback) => {
          authAttempts.push(auth.password ?? "")
          callback(null, { user: auth.username })
        },
        onData: (stream, _session, callback) => {
          stream.resume()
          stream.on("end", () => callback())
        }
      })
      yield* Effect.promise(() => new Promise<void>((resolve) => smtp.listen(0, "127.0.0.1", resolve)))
      const port = (smtp.server.address() as AddressInfo).port
      process.env.TEST_PLAIN_SMTP_USER = "mailer"
      process.env.TEST_PLAIN_SMTP_PASS = "plain-pass-QRS"
      const email = (allowInsecureAuth: boolean) => ({
        webhook: undefined,
        email: { host: "127.0.0.1", port, secure: false, allowInsecureAuth, usernameEnv: "TEST_PLAIN_SMTP_USER", passwordEnv: "TEST_PLAIN_SMTP_PASS", from: "atqbo@msp.test", to: ["finance@msp.test"] }
      })
      const refused = yield* notify(email(false), plan, report)
      const allowed = yield* notify(email(true), plan, report)
      yield* Effect.promise(() => new Promise<void>((resolve) => smtp.close(() => resolve())))

      assert.strictEqual(refused.length, 1)
      assert.isFalse(refused[0]!.ok)
      assert.include(refused[0]!.detail, "the server offers no STARTTLS, and atqbo does not send the SMTP password over an unencrypted connection")
      assert.include(refused[0]!.detail, "allowInsecureAuth: true")
      assert.notInclude(refused[0]!.detail, "plain-pass-QRS")
      // Only the explicitly allowed delivery authenticated: the refused one never sent the password.
      assert.deepStrictEqual(authAttempts, ["plain-pass-QRS"])
      assert.isTrue(allowed[0]!.ok)
    }))

  it("a failure before the first write is a notice too, with the reason", () => {
    const notice = failureNotice("9341453129584572", "stale plan: Autotask or QBO changed since the plan was made")
    assert.strictEqual(notice.subject, "atqbo: apply failed before writing anything (QBO company 9341453129584572)")
    assert.include(notice.text, "stale plan: Autotask or QBO changed")
    assert.include(notice.text, "Nothing was written")
    assert.deepStrictEqual(notice.json.event, "atqbo.apply.failed")
  })

  it.live("reports an unreachable webhook and a missing URL without revealing the URL", () =>
    Effect.gen(function*() {
      process.env.TEST_DEAD_WEBHOOK = `http://127.0.0.1:9${SECRET_URL_PATH}`
      const deliveries = yield* notify({ webhook: { urlEnv: "TEST_DEAD_WEBHOOK", format: "json" }, email: undefined }, plan, report)
      assert.deepStrictEqual(deliveries, [{ channel: "webhook", ok: false, detail: "the webhook could not be reached" }])
      const unset = yield* notify({ webhook: { urlEnv: "TEST_UNSET_WEBHOOK_VAR", format: "json" }, email: undefined }, plan, report)
      assert.deepStrictEqual(unset, [{ channel: "webhook", ok: false, detail: "environment variable TEST_UNSET_WEBHOOK_VAR is not set" }])
    }))
})
