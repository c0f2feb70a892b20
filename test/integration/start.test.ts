import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '#test/support/temp.ts';

// `npm start` when it cannot start, or is stopped while starting: it says so at once, exits
// non-zero, and leaves no DynamoDB Local JVM behind. Each case has a directory of its own
// and keeps its data on disk there, so a JVM of the case names the directory in its command
// line (-dbPath); none of them uses the integration stack.

const children: ChildProcess[] = [];
const servers: Server[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
});

function start(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'local/main.ts'], {
    env: { ...process.env, NODE_NO_WARNINGS: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk));
  const exited = new Promise<{ code: number | null; output: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, output })),
  );
  return { child, exited };
}

/** The JVMs whose command line names `dir`. */
function javaIn(dir: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.startsWith('java\0') || cmdline.includes('/java\0'))
        if (cmdline.includes(dir)) pids.push(Number(entry));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

/** Waits until `condition` holds (as the failure says, `what`). */
const until = (what: string, condition: () => boolean, timeout: number) =>
  expect.poll(condition, { timeout, interval: 100, message: what }).toBe(true);

function takenPort(): Promise<number> {
  const server = createServer();
  servers.push(server);
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
}

const freshDir = () => tempDir('prakerja-start-');

describe('npm start', () => {
  it.each(['PORT', 'CONSOLE_PORT'])(
    'says at once that %s is in use, exits 1, starts no JVM',
    async (which) => {
      const dir = freshDir();
      const busy = await takenPort();
      const { exited } = start({
        STACK_DIR: dir,
        ...(which === 'PORT'
          ? { PORT: String(busy), CONSOLE_PORT: '0' }
          : { PORT: '0', CONSOLE_PORT: String(busy) }),
      });
      const { code, output } = await exited;
      expect(code, output).toBe(1);
      expect(output).toContain(`Port ${busy} is in use: set ${which} to another port`);
      // Before any engine starts: DynamoDB Local's data directory, made just before its JVM
      // starts, was never made (a time limit here failed on a loaded machine, not the code).
      expect(existsSync(join(dir, 'dynamodb')), 'before any engine starts').toBe(false);
      expect(javaIn(dir)).toEqual([]);
    },
  );

  it('finds a stack already running on its directory, says where, and exits 1', async () => {
    const dir = freshDir();
    // This test's process stands in for the running stack.
    writeFileSync(join(dir, 'stack.pid'), String(process.pid));
    writeFileSync(
      join(dir, 'stack.json'),
      JSON.stringify({ apiUrl: 'http://127.0.0.1:3999', consoleUrl: 'http://127.0.0.1:4000' }),
    );
    const { code, output } = await start({ STACK_DIR: dir, PORT: '0' }).exited;
    expect(code, output).toBe(1);
    expect(output).toContain(`already running (pid ${process.pid}) at http://127.0.0.1:3999`);
    expect(readFileSync(join(dir, 'stack.pid'), 'utf8')).toBe(String(process.pid));
  });

  it('stopped while DynamoDB Local starts (SIGTERM), stops it too', async () => {
    const dir = freshDir();
    const { child, exited } = start({ STACK_DIR: dir, PORT: '0' });
    await until('the JVM started', () => javaIn(dir).length > 0, 60_000);
    child.kill('SIGTERM');
    const { code, output } = await exited;
    expect(code, output).toBe(143);
    expect(javaIn(dir)).toEqual([]);
  }, 90_000);

  it('stops cleanly when asked (SIGTERM): exit 0, no JVM, no lock; its terminal held no JSON', async () => {
    const dir = freshDir();
    const { child, exited } = start({ STACK_DIR: dir, PORT: '0' });
    await until('the stack started', () => existsSync(join(dir, 'stack.json')), 120_000);
    const { apiUrl } = JSON.parse(readFileSync(join(dir, 'stack.json'), 'utf8'));
    expect((await fetch(`${apiUrl}/v1/waves`)).status).toBe(200);
    child.kill('SIGTERM');
    const { code, output } = await exited;
    expect(code, output).toBe(0);
    expect(javaIn(dir)).toEqual([]);
    expect(existsSync(join(dir, 'stack.pid'))).toBe(false);
    expect(output).toContain(`logs           ${join(dir, 'stack.log')}`);
    expect(output).toMatch(/ 200 listWaves \d+ ms\n/);
    expect(output.split('\n').filter((line) => line.startsWith('{'))).toEqual([]);
    expect(readFileSync(join(dir, 'stack.log'), 'utf8')).toMatch(
      /^\{.*"message":"request".*"operation":"listWaves"/m,
    );
  }, 150_000);

  it('killed outright (SIGKILL), leaves no JVM: it exits when its stdin closes', async () => {
    const dir = freshDir();
    const { child, exited } = start({ STACK_DIR: dir, PORT: '0' });
    await until('the JVM started', () => javaIn(dir).length > 0, 60_000);
    child.kill('SIGKILL');
    await exited;
    await until('the JVM stopped too', () => javaIn(dir).length === 0, 10_000);
  }, 90_000);
});
