import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { StackInfo } from '#local/stack.ts';

export interface SpawnedStack {
  info: StackInfo;
  dir: string;
  /** The stack's log file: every line it wrote, the handlers' JSON logs and metrics included. */
  logFile: string;
  /** What its terminal showed (the banner, one line per request, warnings and errors). */
  terminalFile: string;
  /** Stops the stack and removes its directory (its logs and key material), unless
   *  KEEP_STACK_DIR=1 keeps it to read after the run. */
  stop(): Promise<void>;
}

/**
 * Starts the real local stack (`tsx local/main.ts`, as `npm start` does) in its own
 * process, with an in-memory DynamoDB Local on free ports, in a temporary directory.
 * Used by the integration and browser tests, the benchmarks and `npm run demo`.
 */
export async function spawnStack(env: Record<string, string> = {}): Promise<SpawnedStack> {
  const dir = mkdtempSync(join(tmpdir(), 'prakerja-stack-'));
  const logFile = join(dir, 'stack.log');
  const terminalFile = join(dir, 'terminal.log');
  const log = createWriteStream(terminalFile);
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
    // The repository's root, wherever the caller runs: tsx and local/ are found from there.
    cwd: fileURLToPath(new URL('..', import.meta.url)),
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
      const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');
      throw new Error(`local stack did not start:\n${read(terminalFile)}\n${read(logFile).slice(-4000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const info = JSON.parse(readFileSync(stackFile, 'utf8')) as StackInfo;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    if (process.env.KEEP_STACK_DIR !== '1') rmSync(dir, { recursive: true, force: true });
  };
  return { info, dir, logFile, terminalFile, stop };
}

/** The requests a stack answered 500 (an unhandled error in a handler, or a handler ended
 *  at its timeout), but for the faults a test injected on purpose: how many, and the first
 *  few. Undefined when there were none. */
export function serverFaults(logFile: string, terminalFile: string): string | undefined {
  const lines = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n') : []);
  const faults = [
    ...lines(logFile).filter(
      (line) => line.includes('"message":"unhandled error"') && !line.includes('"name":"InjectedFault"'),
    ),
    ...lines(terminalFile).filter((line) => line.startsWith('adapter error')),
  ];
  if (!faults.length) return undefined;
  const first = faults.slice(0, 3).map((line) => line.slice(0, 1500));
  return `${faults.length} request(s) answered 500; the first:\n${first.join('\n')}`;
}
