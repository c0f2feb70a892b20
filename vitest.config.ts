import { defineConfig } from 'vitest/config';
import { serialFiles, serialGroups } from './test/integration/serial-files.ts';
import ChainsFirst from './test/support/sequencer.ts';

const integration = {
  globalSetup: ['test/integration/global-setup.ts'],
  // Generous: the projects run side by side on 2 cores, so a file's requests wait on the
  // others' work; a limit is for a test that hangs, not a measure of speed (benchmarks are).
  testTimeout: 180_000,
  hookTimeout: 300_000,
};

// Projects, all run side by side (docs/testing.md): pure unit tests; integration tests over
// real HTTP against local stacks (DynamoDB Local in memory), the parallel files on one and
// each serial group on its own; browser tests; CDK template tests; the deployed bundles.
export default defineConfig({
  test: {
    // Most of the suite waits on a stack's process (or a browser), not on its own worker:
    // more workers than the 2 cores (Vitest's default would be 1 there), enough for each
    // serial group's one task and the parallel files beside them.
    maxWorkers: 8,
    reporters: ['default', './test/support/summary-reporter.ts'],
    // The long chains (serial groups, the browser files) start first.
    sequence: { sequencer: ChainsFirst },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 60_000,
          // The unit files share a worker's modules instead of importing them again per
          // file: 8 s of CPU instead of 14 (they keep no state between files; shuffled runs pass).
          isolate: false,
        },
      },
      {
        test: {
          ...integration,
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          // Files run in parallel on one stack: each reads a clock of its own (its requests
          // carry X-Local-Clock, see docs/testing.md) and uses data of its own.
          exclude: ['test/integration/serial.test.ts', ...serialFiles.map((f) => `test/integration/${f}`)],
        },
      },
      // What moves a stack's shared switches: each group one file after another on a stack
      // of its own, as one task beside the rest (test/integration/serial-files.ts).
      ...Object.keys(serialGroups).map((name) => ({
        test: { ...integration, name, include: ['test/integration/serial.test.ts'] },
      })),
      {
        // Browser tests: Debian's Chromium driven by playwright-core against a stack of their
        // own that serves the built web front end.
        // One file after another, as one task beside the rest (test/e2e/serial.test.ts).
        test: {
          name: 'e2e',
          include: ['test/e2e/serial.test.ts'],
          globalSetup: ['test/e2e/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // A page under the whole suite's load can take seconds to render: expect.poll's
          // default of 1 s failed a CI run on a page that was only slow (the h1 came later).
          expect: { poll: { timeout: 15_000, interval: 100 } },
        },
      },
      {
        // Template assertions over every stack, synthesized without bundling (~25 s).
        test: { name: 'cdk', include: ['test/cdk/**/*.test.ts'], testTimeout: 300_000, hookTimeout: 600_000 },
      },
      {
        // Every deployed function's bundle, built as the CDK app builds it (all at once, in
        // a temporary directory outside the repository), imported and invoked by a child
        // Node 24 as Lambda's runtime would, with no network (test/bundles/).
        test: {
          name: 'bundles',
          include: ['test/bundles/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
