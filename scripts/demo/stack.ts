import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnStack } from '#local/spawn-stack.ts';
import type { StackInfo } from '#local/stack.ts';
import { DemoError } from './client.ts';

// The stack to play against: the running one that `.local/stack.json` names (or `--api`),
// if it answers; otherwise a fresh in-memory one in a temporary directory, stopped at the end.

export interface Target {
  info: StackInfo;
  /** Started by the demo: stopped at the end. */
  stop?: () => Promise<void>;
  started: boolean;
}

async function answers(apiUrl: string): Promise<boolean> {
  try {
    const r = await fetch(`${apiUrl}/v1/waves?limit=1`, { signal: AbortSignal.timeout(3000) });
    await r.arrayBuffer();
    return r.status === 200;
  } catch {
    return false;
  }
}

/** The running stack of `$STACK_DIR/stack.json` (`.local`), or `api` with its credentials;
 *  a DemoError saying to start one if none answers. */
export async function findRunningStack(options: { api?: string; stackDir?: string }): Promise<StackInfo> {
  const file = join(options.stackDir ?? process.env.STACK_DIR ?? '.local', 'stack.json');
  const start = 'start it with `npm start` (in another terminal) and run this again';
  if (!existsSync(file)) throw new DemoError(`no local stack: ${file} does not exist; ${start}`);
  const info = JSON.parse(readFileSync(file, 'utf8')) as StackInfo;
  if (options.api) info.apiUrl = options.api.replace(/\/$/, '');
  if (!(await answers(info.apiUrl)))
    throw new DemoError(`the local stack at ${info.apiUrl} does not answer; ${start}`);
  return info;
}

export async function findOrStartStack(
  options: { api?: string; stackDir?: string },
  say: (text: string) => void,
): Promise<Target> {
  const file = join(options.stackDir ?? process.env.STACK_DIR ?? '.local', 'stack.json');
  if (existsSync(file)) {
    const info = JSON.parse(readFileSync(file, 'utf8')) as StackInfo;
    if (options.api) info.apiUrl = options.api.replace(/\/$/, '');
    if (await answers(info.apiUrl)) {
      say(`using the running stack at ${info.apiUrl} (${file})`);
      return { info, started: false };
    }
    if (options.api) throw new DemoError(`--api ${options.api} does not answer GET /v1/waves`);
  } else if (options.api) {
    throw new DemoError(`--api needs the stack's credentials: ${file} does not exist`);
  }
  say('no local stack answers: starting one in memory (DynamoDB Local, a temporary directory)');
  // Payout dispatch on demo time, as the integration tests run it: a partner that does not
  // answer is given up on after 1 s, an unsettled message comes back after 20 s.
  const stack = await spawnStack({ PAYMENT_TIMEOUT_MS: '1000', PAYOUT_VISIBILITY_TIMEOUT_S: '20' });
  say(`started a stack at ${stack.info.apiUrl} (logs: ${stack.logFile})`);
  return { info: stack.info, stop: stack.stop, started: true };
}
