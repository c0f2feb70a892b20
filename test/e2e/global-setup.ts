import type { TestProject } from 'vitest/node';
import { type SpawnedStack, spawnStack } from '#local/spawn-stack.ts';
import { stretchedTimeouts } from '../integration/serial-files.ts';

// The browser tests get a stack of their own (in-memory, free ports), serving the web
// front end that `npm test` built (pretest: npm run build:web), as `npm start` does.
let stack: SpawnedStack | undefined;

export async function setup(project: TestProject) {
  stack = await spawnStack({
    // The deployed partner timeout: no page here arms a partner fault, and 500 ms would make
    // a link's inquiry that a loaded machine slows a 503 (as it did in the integration files).
    PAYMENT_TIMEOUT_MS: '5000',
    PAYOUT_VISIBILITY_TIMEOUT_S: '20',
    ...stretchedTimeouts,
    STACK_PROJECT: project.name,
  });
  project.provide('stack', stack.info);
  project.provide('stackLogFile', stack.logFile);
  project.provide('stackTerminalFile', stack.terminalFile);
}

export async function teardown() {
  await stack?.stop();
}
