#!/usr/bin/env node
// Entry point for the `atqbo` bin. The sources are TypeScript run through Node's type
// stripping (Node >= 22.18); npm scripts and npx use the Node 24 pinned in devDependencies.
const [major, minor] = process.versions.node.split(".").map(Number)
if (major < 22 || (major === 22 && minor < 19)) {
  process.stderr.write(
    `atqbo needs Node.js >= 22.19 (found ${process.versions.node}). ` +
      "Run it through npm (`npm run atqbo -- <command>` or `npx atqbo <command>`), which uses the pinned Node 24.\n"
  )
  process.exit(1)
}
await import("../src/cli/main.ts")
