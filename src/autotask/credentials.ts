/**
 * Autotask credentials from environment variables named in atqbo.yaml. The secret and the
 * integration code are read as `Redacted` and stay that way until the request header is
 * built; a missing variable fails with a sentence naming it.
 */
import { Config, Data, Effect, Option, type Redacted } from "effect"
import type { AutotaskCredentials } from "./AutotaskClient.ts"

export interface AutotaskCredentialEnv {
  readonly usernameEnv: string
  readonly secretEnv: string
  readonly integrationCodeEnv: string
  /** Optional: when named and set, writes impersonate this resource. */
  readonly impersonationResourceIdEnv?: string | undefined
}

export class AutotaskCredentialsError extends Data.TaggedError("AutotaskCredentialsError")<{
  readonly message: string
  /** The environment variable at fault. */
  readonly variable: string
}> {}

const missing = (variable: string, holds: string) => () =>
  new AutotaskCredentialsError({
    variable,
    message: `Environment variable ${variable} is not set: it must hold ${holds}. ` +
      `Set it (in CI, as a repository secret) or change the variable name in atqbo.yaml.`
  })

export const autotaskCredentialsFromEnv = Effect.fn("autotaskCredentialsFromEnv")(
  function*(env: AutotaskCredentialEnv) {
    const username = yield* Config.String(env.usernameEnv).pipe(
      Effect.mapError(missing(env.usernameEnv, "the Autotask API user's username")),
      Effect.filterOrFail((value) => value.trim() !== "", missing(env.usernameEnv, "the Autotask API user's username"))
    )
    const secret: Redacted.Redacted<string> = yield* Config.Redacted(env.secretEnv).pipe(
      Effect.mapError(missing(env.secretEnv, "the Autotask API user's secret"))
    )
    const integrationCode: Redacted.Redacted<string> = yield* Config.Redacted(env.integrationCodeEnv).pipe(
      Effect.mapError(missing(env.integrationCodeEnv, "the Autotask API tracking identifier (integration code)"))
    )
    let impersonationResourceId: string | undefined
    if (env.impersonationResourceIdEnv !== undefined && env.impersonationResourceIdEnv !== "") {
      const variable = env.impersonationResourceIdEnv
      const value = yield* Config.option(Config.String(variable)).pipe(
        Effect.mapError(missing(variable, "an Autotask resource id"))
      )
      impersonationResourceId = Option.getOrUndefined(value)?.trim()
      if (impersonationResourceId !== undefined && !/^\d+$/.test(impersonationResourceId)) {
        return yield* new AutotaskCredentialsError({
          variable,
          message: `Environment variable ${variable} must be a numeric Autotask resource id.`
        })
      }
    }
    const names = [env.usernameEnv, env.secretEnv, env.integrationCodeEnv].join(", ")
    return {
      username: username.trim(),
      secret,
      integrationCode,
      impersonationResourceId,
      source: `the environment variables ${names}`
    } satisfies AutotaskCredentials
  }
)
