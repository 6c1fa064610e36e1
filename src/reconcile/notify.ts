/**
 * Notifications (optional, atqbo.yaml `notifications`): once per apply run, when any action
 * failed or any invoice was rejected, a webhook (Slack/Teams-compatible `text`, or JSON) and/or
 * an e-mail over SMTP. URLs and SMTP passwords come from environment variables; they are never
 * part of a message, and a notification that cannot be delivered is reported, not fatal.
 */
import { Effect, Redacted } from "effect"
import type { NotificationsConfig } from "../config/types.ts"
import type { Plan } from "../domain/plan.ts"
import type { ApplyReport } from "../domain/report.ts"

export interface Notice {
  readonly subject: string
  readonly text: string
  readonly problems: ReadonlyArray<{
    readonly status: "failed" | "rejected"
    readonly address: string
    readonly autotaskInvoiceId: number | undefined
    readonly autotaskNumber: string | undefined
    readonly company: string | undefined
    readonly reason: string
  }>
}

/** What went wrong in a run, in words a finance lead acts on; undefined when nothing did. */
export const noticeFor = (plan: Plan, report: ApplyReport): Notice | undefined => {
  const actions = new Map(plan.actions.map((action) => [action.address, action]))
  const problems = report.outcomes
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
  return { subject, text: [`${subject} (run ${report.runId})`, "", ...lines].join("\n"), problems }
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

const sendWebhook = (config: NonNullable<NotificationsConfig["webhook"]>, notice: Notice, report: ApplyReport) =>
  Effect.gen(function*() {
    const url = envSecret(config.urlEnv)
    if (!url) return { channel: "webhook", ok: false, detail: `environment variable ${config.urlEnv} is not set` } satisfies Delivery
    const body = config.format === "json"
      ? { event: "atqbo.apply", runId: report.runId, subject: notice.subject, counts: report.counts, problems: notice.problems }
      : { text: notice.text }
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
    const transport = nodemailer.createTransport({
      host: config.host,
      port: config.port,
      secure: config.secure,
      ...(user && password ? { auth: { user, pass: Redacted.value(password) } } : {}),
      connectionTimeout: 15_000,
      greetingTimeout: 15_000
    })
    const sent = yield* Effect.tryPromise(() =>
      transport.sendMail({ from: config.from, to: [...config.to], subject: notice.subject, text: notice.text })
    ).pipe(Effect.result)
    transport.close()
    if (sent._tag === "Failure") {
      const cause = sent.failure.cause as { code?: string; responseCode?: number } | undefined
      return { channel: "email", ok: false, detail: `SMTP delivery via ${config.host}:${config.port} failed${cause?.responseCode ? ` (${cause.responseCode})` : cause?.code ? ` (${cause.code})` : ""}` } satisfies Delivery
    }
    return { channel: "email", ok: true, detail: `sent to ${config.to.join(", ")}` } satisfies Delivery
  })

export const notify = (config: NotificationsConfig, plan: Plan, report: ApplyReport): Effect.Effect<ReadonlyArray<Delivery>> =>
  Effect.gen(function*() {
    const notice = noticeFor(plan, report)
    if (!notice) return []
    const deliveries: Array<Delivery> = []
    if (config.webhook) deliveries.push(yield* sendWebhook(config.webhook, notice, report))
    if (config.email) deliveries.push(yield* sendEmail(config.email, notice))
    return deliveries
  })
