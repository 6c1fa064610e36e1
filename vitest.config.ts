import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Builds the CLI bundle the process-level tests run (test/support/buildCli.ts).
    globalSetup: ["test/support/buildCli.ts"],
    // Only to end a hung test: generous, so that a busy machine never fails a correct one.
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // Integration tests bind ephemeral loopback ports; two workers match CI's two cores.
    maxWorkers: 2
  }
})
