import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Integration tests bind ephemeral loopback ports; two workers match CI's two cores.
    maxWorkers: 2
  }
})
