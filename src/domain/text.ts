/**
 * Text QBO limits by length. QBO counts characters (code points, as the simulator does); a cut
 * falls between user-perceived characters (grapheme clusters, `Intl.Segmenter`), so an emoji,
 * a flag or a letter with its accent is kept whole or dropped whole, never split.
 */

const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" })

const codePoints = (text: string): number => {
  let count = 0
  for (const _ of text) count += 1
  return count
}

/** `text` when it fits in `max` code points, else its longest prefix of whole graphemes that does. */
export const fitText = (text: string, max: number): { readonly text: string; readonly cut: boolean } => {
  if (text.length <= max || codePoints(text) <= max) return { text, cut: false }
  let used = 0
  let end = 0
  for (const { segment, index } of graphemes.segment(text)) {
    const size = codePoints(segment)
    if (used + size > max) break
    used += size
    end = index + segment.length
  }
  return { text: text.slice(0, end), cut: true }
}
