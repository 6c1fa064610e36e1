/** Small helpers for writing YAML by hand with comments (what `import` generates). */
import { stringify } from "yaml"

/** A YAML scalar for `value`, quoted only when a plain scalar would be misread. */
export const yamlScalar = (value: string | number | boolean): string => {
  const scalar = stringify(value, { lineWidth: 0, minContentWidth: 0 }).trimEnd()
  // Block scalars (multi-line text) would not fit on the line of a key; JSON quoting is valid YAML.
  return scalar.includes("\n") ? JSON.stringify(value) : scalar
}

/** Text safe inside a `#` comment: one line, no control characters. */
export const commentText = (text: string): string => text.replace(/[\u0000-\u001f\u007f]+/g, " ")

/** `"name"` for messages and comments. */
export const quoted = (name: string): string => `"${commentText(name)}"`
