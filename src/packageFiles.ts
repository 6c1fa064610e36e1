/**
 * Where atqbo's own files are at run time — the JSON Schemas, the docs, the workflow templates
 * and the demo dataset — whether it runs from the sources (src/) or from the bundle in an
 * installed package (dist/). Both sit one level below the package root, and the build keeps
 * every chunk directly in dist/ (scripts/build.ts checks it), so one relative URL serves both.
 */
import * as path from "node:path"
import { fileURLToPath } from "node:url"

export const PACKAGE_ROOT = fileURLToPath(new URL("..", import.meta.url))

/** A path inside the package, from `/`-separated segments as written in package.json `files`. */
export const packageFile = (relative: string): string => path.join(PACKAGE_ROOT, ...relative.split("/"))
