import type { TestProject } from 'vitest/node';
import { type SpawnedStack, spawnStack } from '#local/spawn-stack.ts';

// One real local stack for the whole integration run; tests reach it over HTTP.
let stack: SpawnedStack | undefined;

export async function setup(project: TestProject) {
  // Payout dispatch on test time: a partner that does not answer is given up on after
  // 500 ms, and an unsettled queue message comes back after 20 s instead of 4 minutes.
  stack = await spawnStack({ PAYMENT_TIMEOUT_MS: '500', PAYOUT_VISIBILITY_TIMEOUT_S: '20' });
  project.provide('stack', stack.info);
  project.provide('stackLogFile', stack.logFile);
  project.provide('stackTerminalFile', stack.terminalFile);
}

export async function teardown() {
  await stack?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: import('#local/stack.ts').StackInfo;
    /** Every line the stack wrote: its JSON logs and metrics. */
    stackLogFile: string;
    /** What its terminal showed. */
    stackTerminalFile: string;
  }
}
