import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

// Starts the real local stack (`tsx local/main.ts`) in its own process with an
// in-memory DynamoDB Local, exactly as `npm start` runs, and captures its logs to a file
// so tests can inspect what it logged.
let child: ChildProcess | undefined;

export async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'prakerja-test-'));
  const logFile = join(dir, 'stack.log');
  const log = createWriteStream(logFile);
  child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
    env: { ...process.env, STACK_DIR: dir, PORT: '0', IN_MEMORY: '1', NODE_NO_WARNINGS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const stackFile = join(dir, 'stack.json');
  const deadline = Date.now() + 60_000;
  while (!existsSync(stackFile)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`local stack did not start:\n${readFileSync(logFile, 'utf8')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  project.provide('stack', JSON.parse(readFileSync(stackFile, 'utf8')));
  project.provide('stackLogFile', logFile);
}

export async function teardown() {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child?.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

declare module 'vitest' {
  export interface ProvidedContext {
    stack: import('#local/stack.ts').StackInfo;
    stackLogFile: string;
  }
}
