#!/usr/bin/env node
// The `atqbo` command. Plain JavaScript any Node.js can parse, so that an old Node gets this
// message rather than a syntax error; then it runs the bundle `npm run build` writes to dist/
// (run by `prepare`: by `npm ci` in a clone of the repository and by `npm pack` before publishing).
import * as nodeModule from "node:module"
import { fileURLToPath } from "node:url"

const [major, minor] = process.versions.node.split(".").map(Number)
if (major < 22 || (major === 22 && minor < 19)) {
  process.stderr.write(
    `atqbo needs Node.js 22.19 or newer (22 or 24 LTS); this is Node.js ${process.versions.node}.\n` +
      "Install a current Node.js (https://nodejs.org/en/download, or `nvm install 24`), then run atqbo with it.\n"
  )
  process.exit(1)
}
// V8 keeps the compiled bundle in the OS temp directory: every later start is faster.
nodeModule.enableCompileCache?.()
const bundle = fileURLToPath(new URL("../dist/atqbo.js", import.meta.url))
await import("../dist/atqbo.js").catch((error) => {
  if (error?.code !== "ERR_MODULE_NOT_FOUND" || !String(error.message).includes(bundle)) throw error
  process.stderr.write(`atqbo is not built: ${bundle} is missing. Run \`npm run build\` in ${fileURLToPath(new URL("..", import.meta.url))}.\n`)
  process.exit(1)
})
