// npm run demo [-- --n=2000 --seed=... --out=.local/demo-report.html --api=http://127.0.0.1:3000]
// Plays a whole enrollment wave on the local stack over its public HTTP API: N synthetic
// citizens register, a cohort is drawn, platforms sell courses, participants train,
// review and link payout accounts, and two payout runs pay them through faulty partners.
// Ends with a summary on the terminal and an HTML report (see docs/local-stack.md "`npm run demo`").
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { DemoError, interrupted } from './demo/client.ts';
import { cleanUp, DEFAULTS, runDemo } from './demo/main.ts';

const { values } = parseArgs({
  options: {
    n: { type: 'string' },
    seed: { type: 'string' },
    out: { type: 'string' },
    api: { type: 'string' },
    concurrency: { type: 'string' },
    'failure-rate': { type: 'string' },
    'timeout-rate': { type: 'string' },
  },
});

function number(name: string, value: string | undefined, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || n > max) {
    console.error(`--${name} must be a number from 0 to ${max}`);
    process.exit(2);
  }
  return n;
}

const n = Math.floor(number('n', values.n, DEFAULTS.n, 100_000));
if (n < 1) {
  console.error('--n must be at least 1');
  process.exit(2);
}
// A fresh seed unless one is given (printed, so a run can be replayed on a fresh stack):
// the same seed on the same stack would register the same citizens twice.
const seed = values.seed ?? randomBytes(4).toString('hex');

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.on(signal, () => {
    if (stopping) process.exit(130);
    stopping = true;
    interrupted.value = true;
    console.error(`\n${signal}: restoring the clock and the partners, stopping what the demo started...`);
    void cleanUp().finally(() => process.exit(130));
  });

try {
  await runDemo({
    n,
    seed,
    out: values.out ?? DEFAULTS.out,
    ...(values.api ? { api: values.api } : {}),
    concurrency: Math.max(
      1,
      Math.floor(number('concurrency', values.concurrency, DEFAULTS.concurrency, 256)),
    ),
    faults: {
      failureRate: number('failure-rate', values['failure-rate'], DEFAULTS.faults.failureRate, 1),
      timeoutRate: number('timeout-rate', values['timeout-rate'], DEFAULTS.faults.timeoutRate, 1),
    },
    output: process.stdout,
  });
} catch (error) {
  console.error(
    `\ndemo failed: ${error instanceof DemoError ? error.message : String((error as Error)?.stack ?? error)}`,
  );
  process.exitCode = 1;
}
