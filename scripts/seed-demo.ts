// npm run seed:demo [-- --n=50 --seed=... --api=http://127.0.0.1:3000]
// Something for the console to show on a fresh `npm start`: a wave that closed and was drawn,
// with purchases, completions, reviews and payout accounts (incentives due: the payout page
// can stage a run), and a wave open for a week. Made over the public API with the demo's
// parts (scripts/demo/seed.ts); needs the running stack of $STACK_DIR/stack.json (.local).
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { DemoError, interrupted } from './demo/client.ts';
import { seedDemo, seedSummary } from './demo/seed.ts';
import { findRunningStack } from './demo/stack.ts';

const { values } = parseArgs({
  options: { n: { type: 'string' }, seed: { type: 'string' }, api: { type: 'string' } },
});
const n = Number(values.n ?? 50);
if (!Number.isInteger(n) || n < 1 || n > 5000) {
  console.error('--n must be a whole number from 1 to 5000');
  process.exit(2);
}

process.on('SIGINT', () => {
  // The pools stop taking work; seedDemo puts the clock back on its way out.
  interrupted.value = true;
});

try {
  const stack = await findRunningStack(values.api ? { api: values.api } : {});
  // A fresh seed unless one is given: the same seed twice would register the same citizens.
  const seed = values.seed ?? `seed-${randomBytes(4).toString('hex')}`;
  console.log(`Seeding ${stack.apiUrl} with ${n} citizens (seed ${seed})...`);
  const result = await seedDemo({ n, seed, stack, output: process.stdout });
  console.log(seedSummary(result, stack));
} catch (error) {
  console.error(
    `\nseed:demo failed: ${error instanceof DemoError ? error.message : String((error as Error)?.stack ?? error)}`,
  );
  process.exitCode = 1;
}
