import packageJson from "../../package.json" with { type: "json" }

export const VERSION: string = packageJson.version

/** The Node.js versions atqbo runs on (package.json `engines.node`), which `init` gives the configuration repository too. */
export const NODE_ENGINE: string = packageJson.engines.node
