import { defineConfig } from 'vitest/config';

// Projects: pure unit tests, integration tests over real HTTP against a local
// stack (DynamoDB Local in memory, started once for the run), and CDK template tests.
export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      { test: { name: 'unit', include: ['test/unit/**/*.test.ts'] } },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/integration/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
          // One stack for all files; files that move the clock must not overlap.
          fileParallelism: false,
        },
      },
      {
        // Browser tests: Debian's Chromium driven by playwright-core against a stack of their
        // own that serves the built web front end.
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          globalSetup: ['test/e2e/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
      {
        // Template assertions over every stack, synthesized without bundling (~25 s).
        test: { name: 'cdk', include: ['test/cdk/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 300_000 },
      },
      {
        // Every deployed function's bundle, built as the CDK app builds it (all at once, in
        // a temporary directory outside the repository), imported and invoked by a child
        // Node 24 as Lambda's runtime would, with no network (test/bundles/).
        test: { name: 'bundles', include: ['test/bundles/**/*.test.ts'], hookTimeout: 180_000 },
      },
    ],
  },
});
