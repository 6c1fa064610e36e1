/**
 * GitHub Actions workflow commands (`::error file=…,line=…::message`) for any renderer:
 * escaping per actions/toolkit `command.ts`, and the per-step limit of 10 annotations per
 * level beyond which GitHub silently drops them. Pure.
 */

export type AnnotationLevel = "error" | "warning" | "notice"

export interface Annotation {
  readonly level: AnnotationLevel
  readonly message: string
  /** Repository-relative path. */
  readonly file?: string
  readonly line?: number
  readonly col?: number
  readonly endLine?: number
  readonly endColumn?: number
  readonly title?: string
}

/** GitHub shows at most this many annotations of each level per step. */
export const ANNOTATIONS_PER_LEVEL = 10

/** Message data: `%`, CR and LF are escaped so one command stays on one line. */
export const escapeData = (text: string): string =>
  text.replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A")

/** Property values additionally escape the `:` and `,` that delimit properties. */
export const escapeProperty = (text: string): string =>
  escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C")

const PROPERTY_ORDER = ["file", "line", "col", "endLine", "endColumn", "title"] as const

export const formatAnnotation = (annotation: Annotation): string => {
  const properties = PROPERTY_ORDER
    .filter((name) => annotation[name] !== undefined)
    .map((name) => `${name}=${escapeProperty(String(annotation[name]))}`)
  return `::${annotation.level}${properties.length === 0 ? "" : ` ${properties.join(",")}`}::${escapeData(annotation.message)}`
}

export interface LimitedAnnotations<A> {
  /** The first `limit` of each level, in the given order. */
  readonly shown: ReadonlyArray<A>
  /** How many of each level were left out. */
  readonly omitted: Readonly<Record<AnnotationLevel, number>>
}

export const limitAnnotations = <A extends { readonly level: AnnotationLevel }>(
  annotations: ReadonlyArray<A>,
  limit: number = ANNOTATIONS_PER_LEVEL
): LimitedAnnotations<A> => {
  const counts: Record<AnnotationLevel, number> = { error: 0, warning: 0, notice: 0 }
  const omitted: Record<AnnotationLevel, number> = { error: 0, warning: 0, notice: 0 }
  const shown = annotations.filter((annotation) => {
    counts[annotation.level]++
    if (counts[annotation.level] <= limit) return true
    omitted[annotation.level]++
    return false
  })
  return { shown, omitted }
}
