/**
 * "Did you mean …?" for misspelt keys and values: the closest candidate by optimal string
 * alignment distance (Damerau–Levenshtein with adjacent transpositions), case-insensitive.
 */

export const editDistance = (a: string, b: string): number => {
  const rows = a.length + 1
  const columns = b.length + 1
  const distance: Array<Array<number>> = Array.from({ length: rows }, (_, row) =>
    Array.from({ length: columns }, (_, column) => (row === 0 ? column : column === 0 ? row : 0)))
  const cell = (row: number, column: number): number => distance[row]?.[column] ?? Number.POSITIVE_INFINITY
  for (let row = 1; row < rows; row++) {
    for (let column = 1; column < columns; column++) {
      const cost = a[row - 1] === b[column - 1] ? 0 : 1
      let best = Math.min(cell(row - 1, column) + 1, cell(row, column - 1) + 1, cell(row - 1, column - 1) + cost)
      if (row > 1 && column > 1 && a[row - 1] === b[column - 2] && a[row - 2] === b[column - 1]) {
        best = Math.min(best, cell(row - 2, column - 2) + 1)
      }
      distance[row]![column] = best
    }
  }
  return cell(a.length, b.length)
}

/**
 * The candidate closest to `input`, if it is close enough to be a plausible typo: at most a
 * third of the input's length in edits (at least one), or the same word in another case.
 */
export const closestMatch = (input: string, candidates: Iterable<string>): string | undefined => {
  const needle = input.toLowerCase()
  const allowed = Math.max(1, Math.floor(needle.length / 3))
  let best: { candidate: string; distance: number } | undefined
  for (const candidate of candidates) {
    if (candidate === input) continue
    const distance = editDistance(needle, candidate.toLowerCase())
    if (distance <= allowed && (best === undefined || distance < best.distance)) best = { candidate, distance }
  }
  return best?.candidate
}
