/** A small seeded PRNG (mulberry32) and helpers, so datasets and chaos runs are reproducible. */
import { mulberry32 } from "../src/sandbox/random.ts"

export interface Random {
  /** Uniform in [0, 1). */
  readonly next: () => number
  /** Integer in [min, max], both included. */
  readonly int: (min: number, max: number) => number
  readonly pick: <A>(values: ReadonlyArray<A>) => A
  readonly chance: (probability: number) => boolean
  /** Fisher–Yates on a copy. */
  readonly shuffle: <A>(values: ReadonlyArray<A>) => Array<A>
}

export const seededRandom = (seed: number): Random => {
  const next = mulberry32(seed)
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1))
  return {
    next,
    int,
    pick: <A>(values: ReadonlyArray<A>): A => {
      if (values.length === 0) throw new Error("pick from an empty list")
      return values[int(0, values.length - 1)]!
    },
    chance: (probability) => next() < probability,
    shuffle: <A>(values: ReadonlyArray<A>): Array<A> => {
      const copy = [...values]
      for (let i = copy.length - 1; i > 0; i--) {
        const j = int(0, i)
        const swap = copy[i]!
        copy[i] = copy[j]!
        copy[j] = swap
      }
      return copy
    }
  }
}
