/**
 * Tokenizer of the QBO query language. Errors mimic the JavaCC parser behind QBO
 * ("Lexical error at line 1, column 37. Encountered: …"), because clients match on them.
 */
import { Faults, type SimFault } from "../faults.ts"

/** `error` is a lexical error, raised only when the parser reaches it (JavaCC lexes lazily). */
export type TokenKind = "identifier" | "string" | "number" | "punct" | "eof" | "error"

export interface Token {
  readonly kind: TokenKind
  /** Source text (for strings: with quotes and escapes). */
  readonly image: string
  /** Unescaped value for strings; the text otherwise. */
  readonly value: string
  readonly line: number
  readonly column: number
  readonly fault?: SimFault
}

const IDENT_START = /[A-Za-z_]/
const IDENT_PART = /[A-Za-z0-9_.]/
const WHITESPACE = new Set([" ", "\t", "\n", "\r", "\f"])
const PUNCT = ["<=", ">=", "!=", "<>", "=", "<", ">", "(", ")", ",", "*"]

const describeChar = (char: string): string => {
  const code = char.codePointAt(0)!
  const shown = code > 126 || code < 32 ? `\\u${code.toString(16).padStart(4, "0")}` : char
  return `"${shown}" (${code})`
}

export const tokenize = (statement: string): Array<Token> => {
  const tokens: Array<Token> = []
  let index = 0
  let line = 1
  let lineStart = 0
  const column = (at: number) => at - lineStart + 1
  while (index < statement.length) {
    const char = statement[index]!
    if (WHITESPACE.has(char)) {
      if (char === "\n") {
        line += 1
        lineStart = index + 1
      }
      index += 1
      continue
    }
    const start = index
    if (char === "'") {
      let value = ""
      index += 1
      let closed = false
      while (index < statement.length) {
        const c = statement[index]!
        if (c === "\\" && index + 1 < statement.length) {
          value += statement[index + 1]
          index += 2
          continue
        }
        if (c === "'") {
          closed = true
          index += 1
          break
        }
        value += c
        index += 1
      }
      if (!closed) {
        const fault = Faults.queryParse(
          `Invalid content. Lexical error at line ${line}, column ${column(statement.length) + 1}. Encountered: <EOF> after : "${statement.slice(start)}"`
        )
        tokens.push({ kind: "error", image: "", value: "", line, column: column(start), fault })
        return tokens
      }
      tokens.push({ kind: "string", image: statement.slice(start, index), value, line, column: column(start) })
      continue
    }
    if (IDENT_START.test(char)) {
      while (index < statement.length && IDENT_PART.test(statement[index]!)) index += 1
      const image = statement.slice(start, index)
      tokens.push({ kind: "identifier", image, value: image, line, column: column(start) })
      continue
    }
    if (/[0-9]/.test(char) || (char === "-" && /[0-9]/.test(statement[index + 1] ?? ""))) {
      index += 1
      while (index < statement.length && /[0-9.]/.test(statement[index]!)) index += 1
      const image = statement.slice(start, index)
      tokens.push({ kind: "number", image, value: image, line, column: column(start) })
      continue
    }
    const punct = PUNCT.find((p) => statement.startsWith(p, index))
    if (punct !== undefined) {
      index += punct.length
      tokens.push({ kind: "punct", image: punct, value: punct, line, column: column(start) })
      continue
    }
    const codePoint = String.fromCodePoint(statement.codePointAt(index)!)
    const fault = Faults.queryParse(
      `Invalid content. Lexical error at line ${line}, column ${column(start)}. Encountered: ${describeChar(codePoint)}, after : ""`
    )
    tokens.push({ kind: "error", image: "", value: "", line, column: column(start), fault })
    return tokens
  }
  tokens.push({ kind: "eof", image: "", value: "", line, column: column(statement.length) + 1 })
  return tokens
}
