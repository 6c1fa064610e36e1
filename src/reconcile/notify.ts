/**
 * Notifications (optional, atqbo.yaml `notifications`): once per apply run, when any action
 * failed or any invoice was rejected — or when apply failed before its first write (bad
 * credentials, a stale plan, a safety limit) — a webhook (Slack/Teams-compatible `text`, or
 * JSON) and/or an e-mail over SMTP. URLs and SMTP passwords come from environment variables;
 * they are never part of a message, the password never crosses an unencrypted connection
 * (unless `allowInsecureAuth`), and a notification that cannot be delivered is reported, not fatal.
 */
import { Effect, Redacted } from "effect"
import type { NotificationsConfig } from "../config/types.ts"
import type { Plan } from "../domain/plan.ts"
import type { ApplyReport } from "../domain/report.ts"

export interface Notice {
  readonly subject: string
  readonly text: string
  /** The webhook's `json` body. */
  readonly json: Readonly<Record<string, unknown>>
}

export interface Problem {
  readonly status: "failed" | "rejected"
  readonly address: string
  readonly autotaskInvoiceId: number | undefined
  readonly autotaskNumber: string | undefined
  readonly company: string | undefined
  readonly reason: string
}

/** What went wrong in a run, in words a finance lead acts on; undefined when nothing did. */
export const noticeFor = (plan: Plan, report: ApplyReport): Notice | undefined => {
  const actions = new Map(plan.actions.map((action) => [action.address, action]))
  const problems: Array<Problem> = report.outcomes
    .filter((outcome) => outcome.status === "failed" || outcome.status === "rejected")
    .map((outcome) => {
      const action = actions.get(outcome.address)
      return {
        status: outcome.status as "failed" | "rejected",
        address: outcome.address,
        autotaskInvoiceId: outcome.autotaskInvoiceId,
        autotaskNumber: action?.name,
        company: action?.display.company,
        reason: outcome.status === "rejected" && action ? action.reasons.join("; ") : outcome.message
      }
    })
  if (problems.length === 0) return undefined
  const failed = problems.filter((problem) => problem.status === "failed").length
  const rejected = problems.length - failed
  const subject = `atqbo: ${[failed > 0 ? `${failed} failed` : "", rejected > 0 ? `${rejected} rejected` : ""].filter(Boolean).join(", ")} in QBO company ${plan.realmId}`
  const lines = problems.map((problem) => {
    const invoice = problem.autotaskInvoiceId === undefined
      ? problem.address
      : `Autotask invoice ${problem.autotaskNumber ? `${problem.autotaskNumber} ` : ""}(id ${problem.autotaskInvoiceId})`
    return `- ${problem.status}: ${invoice}${problem.company ? ` for ${problem.company}` : ""}: ${problem.reason}`
  })
  return {
    subject,
    text: [`${subject} (run ${report.runId})`, "", ...lines].join("\n"),
    json: { event: "atqbo.apply", runId: report.runId, subject, counts: report.counts, problems }
  }
}

/** Apply stopped before its first write (credentials, a stale or edited plan, a safety limit…). */
export const failureNotice = (company: string, reason: string): Notice => {
  const subject = `atqbo: apply failed before writing anything (QBO company ${company})`
  return {
    subject,
    text: [subject, "", reason, "", "Nothing was written to QBO or Autotask; the next run tries again."].join("\n"),
    json: { event: "atqbo.apply.failed", subject, reason }
  }
}

export interface Delivery {
  readonly channel: "webhook" | "email"
  readonly ok: boolean
  readonly detail: string
}

const envSecret = (name: string | undefined): Redacted.Redacted<string> | undefined => {
  const value = name ? process.env[name] : undefined
  return value ? Redacted.make(value) : undefined
}

const sendWebhook = (config: NonNullable<NotificationsConfig["webhook"]>, notice: Notice) =>
  Effect.gen(function*() {
    const url = envSecret(config.urlEnv)
    if (!url) return { channel: "webhook", ok: false, detail: `environment variable ${config.urlEnv} is not set` } satisfies Delivery
    const body = config.format === "json" ? notice.json : { text: notice.text }
    const response = yield* Effect.tryPromise(() =>
      fetch(Redacted.value(url), {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(15_000)
      })
    ).pipe(Effect.result)
    // The URL embeds the webhook's secret: report the status only.
    if (response._tag === "Failure") return { channel: "webhook", ok: false, detail: "the webhook could not be reached" } satisfies Delivery
    return response.success.ok
      ? ({ channel: "webhook", ok: true, detail: `HTTP ${response.success.status}` } satisfies Delivery)
      : ({ channel: "webhook", ok: false, detail: `the webhook answered HTTP ${response.success.status}` } satisfies Delivery)
  })

const sendEmail = (config: NonNullable<NotificationsConfig["email"]>, notice: Notice) =>
  Effect.gen(function*() {
    const user = config.usernameEnv ? process.env[config.usernameEnv] : undefined
    const password = envSecret(config.passwordEnv)
    // Loaded only for this e-mail: no other command or apply needs the SMTP library.
    const { default: nodemailer } = yield* Effect.promise(() => import("nodemailer"))
    const auth = user && password ? { user, pass: Redacted.value(password) } : undefined
    // Credentials cross only an encrypted connection: without `secure`, the server must take
    // STARTTLS (nodemailer would otherwise send AUTH in the clear to a server that offers none).
    const requireTLS = auth !== undefined && !config.secure && !config.allowInsecureAuth
    const transport = nodemailer.createTransport({
      host: config.host,
      port: config.port,
      secure: config.secure,
      requireTLS,
      ...(auth ? { auth } : {}),
      connectionTimeout: 15_000,
      greetingTimeout: 15_000
    })
    const sent = yield* Effect.tryPromise(() =>
      transport.sendMail({ from: config.from, to: [...config.to], subject: notice.subject, text: notice.text })
    ).pipe(Effect.result)
    transport.close()
    if (sent._tag === "Failure") {
      const cause = sent.failure.cause as { code?: string; responseCode?: number } | undefined
      const failed = `SMTP delivery via ${config.host}:${config.port} failed${cause?.responseCode ? ` (${cause.responseCode})` : cause?.code ? ` (${cause.code})` : ""}`
      const why = requireTLS && cause?.code === "ETLS"
        ? ": the server offers no STARTTLS, and atqbo does not send the SMTP password over an unencrypted connection. Use `secure: true` (port 465) or a server with STARTTLS; only for a trusted relay set notifications.email.allowInsecureAuth: true"
        : ""
      return { channel: "email", ok: false, detail: `${failed}${why}` } satisfies Delivery
    }
    return { channel: "email", ok: true, detail: `sent to ${config.to.join(", ")}` } satisfies Delivery
  })

/** Sends a notice on every configured channel. */
export const deliver = (config: NotificationsConfig, notice: Notice): Effect.Effect<ReadonlyArray<Delivery>> =>
  Effect.gen(function*() {
    const deliveries: Array<Delivery> = []
    if (config.webhook) deliveries.push(yield* sendWebhook(config.webhook, notice))
    if (config.email) deliveries.push(yield* sendEmail(config.email, notice))
    return deliveries
  })

/** After an apply: its failures and rejections, if any. */
export const notify = (config: NotificationsConfig, plan: Plan, report: ApplyReport): Effect.Effect<ReadonlyArray<Delivery>> => {
  const notice = noticeFor(plan, report)
  return notice ? deliver(config, notice) : Effect.succeed([])
}
