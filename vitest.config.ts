import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration and e2e suites start real emulators; two cores cannot run many at once.
    maxWorkers: 2,
    allowOnly: false,
    passWithNoTests: false,
    // The app's tests and the emulator package's own, so `npm test` from the root runs both.
    projects: [
      { extends: true, test: { name: "app", include: ["test/**/*.test.ts"] } },
      {
        extends: true,
        test: { name: "azure-local", include: ["packages/azure-local/test/**/*.test.ts"] },
      },
    ],
  },
});
