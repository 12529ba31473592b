import { defineConfig } from "vitest/config";

/**
 * Two projects:
 * - `unit`: `*.test.ts` beside the code; pure, no network, seconds.
 * - `integration`: `*.int.test.ts` and `*.e2e.test.ts`; need a real Redis at REDIS_URL
 *   (scripts/test.sh makes sure one answers) and may spawn real worker processes.
 */
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["{apps,packages}/*/src/**/*.test.ts", "scripts/**/*.test.ts"],
          exclude: ["**/*.int.test.ts", "**/*.e2e.test.ts", "**/node_modules/**"],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: "integration",
          include: ["{apps,packages}/*/src/**/*.int.test.ts", "{apps,packages}/*/test/**/*.e2e.test.ts", "test/**/*.e2e.test.ts"],
          exclude: ["**/node_modules/**"],
          testTimeout: 240_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
