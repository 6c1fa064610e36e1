/**
 * What the text plan may assume about where it is printed: colour (ANSI, on a terminal only,
 * as https://no-color.org and FORCE_COLOR ask) and a width to fit. Five SGR codes need no
 * library. Pure but for `terminalFor`, which reads the stream and the environment once.
 */

export interface Terminal {
  readonly color: boolean
  /** Columns to fit; undefined: no limit (a pipe or a file keeps every character). */
  readonly width: number | undefined
}

/** Plain text of unknown width: files, pipes, tests. */
export const PLAIN: Terminal = { color: false, width: undefined }

type Env = Readonly<Record<string, string | undefined>>

/**
 * Colour when forced (`FORCE_COLOR` other than `0`/`false`), else only on a terminal without
 * `NO_COLOR`, outside CI logs and not on a `dumb` terminal.
 */
export const colorWanted = (env: Env, isTTY: boolean): boolean => {
  const force = env.FORCE_COLOR
  if (force !== undefined) return force !== "0" && force !== "false"
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false
  return isTTY && env.CI === undefined && env.TERM !== "dumb"
}

/** The terminal's columns; else `COLUMNS` when set; else no limit. */
export const widthOf = (env: Env, columns: number | undefined): number | undefined => {
  if (columns !== undefined && columns > 0) return columns
  const fromEnv = Number(env.COLUMNS)
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : undefined
}

export const terminalFor = (stream: { readonly isTTY?: boolean; readonly columns?: number }, env: Env = process.env): Terminal => ({
  color: colorWanted(env, stream.isTTY === true),
  width: widthOf(env, stream.isTTY === true ? stream.columns : undefined)
})

const sgr = (open: number, close: number) => (on: boolean, text: string): string => (on && text !== "" ? `\u001b[${open}m${text}\u001b[${close}m` : text)

export const paint = {
  green: sgr(32, 39),
  yellow: sgr(33, 39),
  red: sgr(31, 39),
  bold: sgr(1, 22),
  dim: sgr(2, 22)
}

/** The colour of a plan symbol, as Terraform shows them: create green, update yellow, remove and error red. */
export const paintSymbol = (on: boolean, symbol: string, text: string = symbol): string =>
  symbol === "+" ? paint.green(on, text) : symbol === "~" || symbol === "⚠" ? paint.yellow(on, text) : symbol === "-" || symbol === "!" ? paint.red(on, text) : text

/** Length as the terminal shows it: code points, colour codes left out. */
export const visibleLength = (text: string): number => [...text.replace(/\u001b\[\d+m/g, "")].length

/** Cuts `text` to `width` columns with an ellipsis; unchanged when it fits or there is no limit. */
export const truncate = (text: string, width: number | undefined): string => {
  if (width === undefined) return text
  const chars = [...text]
  if (chars.length <= width) return text
  return width <= 1 ? "…".slice(0, width) : `${chars.slice(0, width - 1).join("")}…`
}

export const padEnd = (text: string, width: number): string => text + " ".repeat(Math.max(0, width - visibleLength(text)))
export const padStart = (text: string, width: number): string => " ".repeat(Math.max(0, width - visibleLength(text))) + text

/**
 * Breaks prose into lines of at most `width` columns at spaces, the first starting with
 * `first` and the rest with `rest` (a hanging indent); one line when there is no limit.
 */
export const wrap = (text: string, width: number | undefined, first: string, rest: string): Array<string> => {
  if (width === undefined || visibleLength(first) + visibleLength(text) <= width) return [first + text]
  const lines: Array<string> = []
  let line = first
  let empty = true
  for (const word of text.split(" ")) {
    const candidate = empty ? line + word : `${line} ${word}`
    if (!empty && visibleLength(candidate) > width) {
      lines.push(line)
      line = rest + word
    } else {
      line = candidate
    }
    empty = false
  }
  lines.push(line)
  return lines
}
