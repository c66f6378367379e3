import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration and e2e suites start real emulators; two cores cannot run many at once.
    maxWorkers: 2,
    allowOnly: false,
    passWithNoTests: false,
  },
});
