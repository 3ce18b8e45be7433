import { defineConfig } from "vitest/config";

/**
 * One Vitest run for the whole workspace. `*.test.ts` is pure code; `*.integration.test.ts`
 * needs PostgreSQL and gets it from the global setup (embedded by default, or
 * TEST_DATABASE_URL); `*.e2e.test.ts` drives the real stack in a real browser.
 */
export default defineConfig({
  test: {
    // Measured when the README's test command runs (scripts/run-vitest.mjs turns it on).
    coverage: {
      provider: "v8",
      include: ["packages/domain/src/**/*.ts"],
      exclude: ["**/*.test.ts"],
      reporter: ["text-summary", "text", "json-summary"],
      reportsDirectory: "artifacts/coverage",
      thresholds: { lines: 95 },
    },
    globalSetup: ["./packages/db/src/testing/global-setup.ts"],
    projects: [
      {
        test: {
          name: "unit",
          include: ["{apps,packages}/*/src/**/*.test.ts", "scripts/**/*.test.ts"],
          exclude: ["**/*.integration.test.ts", "**/*.e2e.test.ts", "**/node_modules/**"],
        },
      },
      {
        test: {
          name: "integration",
          include: ["{apps,packages}/*/src/**/*.integration.test.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: "e2e",
          include: ["apps/*/e2e/**/*.e2e.test.ts"],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
