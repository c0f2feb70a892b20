import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StackInfo } from '#local/stack.ts';

export interface SpawnedStack {
  info: StackInfo;
  dir: string;
  logFile: string;
  stop(): Promise<void>;
}

/**
 * Starts the real local stack (`tsx local/main.ts`, as `npm start` does) in its own
 * process, with an in-memory DynamoDB Local on free ports, its logs captured to a file.
 */
export async function spawnStack(env: Record<string, string> = {}): Promise<SpawnedStack> {
  const dir = mkdtempSync(join(tmpdir(), 'prakerja-stack-'));
  const logFile = join(dir, 'stack.log');
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
    env: { ...process.env, STACK_DIR: dir, PORT: '0', IN_MEMORY: '1', NODE_NO_WARNINGS: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const stackFile = join(dir, 'stack.json');
  // The first start compiles the loopback launcher of DynamoDB Local; a loaded CI machine is slow.
  const deadline = Date.now() + 150_000;
  while (!existsSync(stackFile)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`local stack did not start:\n${readFileSync(logFile, 'utf8')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const info = JSON.parse(readFileSync(stackFile, 'utf8')) as StackInfo;
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  return { info, dir, logFile, stop };
}
