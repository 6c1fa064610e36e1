/**
 * A command line atqbo cannot read (a misspelt command or flag, a bad value) gets one line on
 * stderr — what was wrong, the nearest valid name, and where the full help is — not the whole
 * help text. `--help` and a bare `atqbo` still print the help as effect/cli renders it.
 */
import { Console } from "effect"
import { CliError, CliOutput } from "effect/cli"

type UsageError = CliOutput.Presenter.InvalidInvocation["errors"][number]

const quoteFlag = (name: string): string => (name.startsWith("-") ? name : `--${name}`)

/** `atqbo plan: unknown flag --sandbx; did you mean --sandbox? see atqbo plan --help`. */
export const usageLine = (commandPath: ReadonlyArray<string>, error: UsageError): string => {
  const command = commandPath.join(" ")
  const help = `see ${command} --help`
  const nearest = (suggestions: ReadonlyArray<string>, show: (name: string) => string) =>
    suggestions.length > 0 ? `; did you mean ${suggestions.map(show).join(" or ")}?` : ""
  if (error instanceof CliError.UnknownSubcommand) {
    return `${command}: unknown command "${error.subcommand}"${nearest(error.suggestions, (name) => `"${name}"`)} ${help}`
  }
  if (error instanceof CliError.UnrecognizedOption) {
    return `${command}: unknown flag ${quoteFlag(error.option)}${nearest(error.suggestions, quoteFlag)} ${help}`
  }
  // The rest (a bad or missing value, a missing argument) say it in one sentence already.
  const sentence = error.message.split("\n")[0]!.replace(/\.$/, "")
  return `${command}: ${sentence.charAt(0).toLowerCase()}${sentence.slice(1)}; ${help}`
}

/** Help and version as effect/cli prints them; an invalid invocation as one line on stderr. */
export const usagePresenter = CliOutput.layerPresenter({
  present: (event) =>
    event._tag === "InvalidInvocation" && event.errors.length > 0
      // The first error is the cause; later ones follow from it (a misspelt command makes its flags unknown too).
      ? Console.error(usageLine(event.commandPath, event.errors[0]!))
      : CliOutput.defaultPresenter.present(event)
})
