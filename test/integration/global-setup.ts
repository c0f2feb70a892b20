import type { TestProject } from 'vitest/node';
import { type SpawnedStack, spawnStack } from '#local/spawn-stack.ts';
import { stackEnvironment } from './serial-files.ts';

// One real local stack per integration project (the parallel files', and one per serial
// group: test/integration/serial-files.ts); tests reach it over HTTP.
let stack: SpawnedStack | undefined;

export async function setup(project: TestProject) {
  stack = await spawnStack({ ...stackEnvironment(project.name), STACK_PROJECT: project.name });
  project.provide('stack', stack.info);
  project.provide('stackLogFile', stack.logFile);
  project.provide('stackTerminalFile', stack.terminalFile);
  // Files that run side by side each read a clock of their own; the serial ones the stack's.
  project.provide('clockPerFile', project.name === 'integration');
  project.provide('serialGroup', project.name);
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
    /** Whether each file's requests name a clock of the file's own (X-Local-Clock). */
    clockPerFile?: boolean;
    /** The serial group a serial project runs (its name). */
    serialGroup?: string;
  }
}
