/**
 * Preloaded with `node --import` by test/cli/startup.test.ts: records the URL of every module
 * Node loads and writes the list, one a line, to the file named by $ATQBO_MODULE_LOG on exit.
 */
import { writeFileSync } from "node:fs"
import { registerHooks } from "node:module"

const loaded = new Set<string>()
registerHooks({
  load: (url, context, next) => {
    loaded.add(url)
    return next(url, context)
  }
})
process.on("exit", () => writeFileSync(process.env["ATQBO_MODULE_LOG"] ?? "", [...loaded].join("\n")))
