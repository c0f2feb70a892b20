import type { TestProject } from 'vitest/node';
import { type SpawnedStack, spawnStack } from '#test/support/spawn-stack.ts';

// One real local stack for the whole integration run; tests reach it over HTTP.
let stack: SpawnedStack | undefined;

export async function setup(project: TestProject) {
  stack = await spawnStack();
  project.provide('stack', stack.info);
  project.provide('stackLogFile', stack.logFile);
}

export async function teardown() {
  await stack?.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: import('#local/stack.ts').StackInfo;
    stackLogFile: string;
  }
}
