import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import type { StackInfo } from '#local/stack.ts';
import { Api, DemoError } from './client.ts';
import { type Context, newCitizen } from './context.ts';
import { createWave, enroll } from './enroll.ts';
import { clearFaults, type Faults, payouts } from './pay.ts';
import { PAYOUT_PARTNERS, PLATFORMS, planCitizens, planCourses } from './plan.ts';
import { type Output, Progress } from './progress.ts';
import { Random } from './random.ts';
import { writeReport } from './report.ts';
import { importLists, select } from './select.ts';
import { findOrStartStack } from './stack.ts';
import { summaryText } from './summary.ts';
import { type DemoResult, readBack, summarise } from './tally.ts';
import { aftercare, deadline, publishCourses, sell } from './train.ts';

// `npm run demo`: a whole enrollment wave on the local stack, over its public HTTP API.

export interface DemoOptions {
  n: number;
  seed: string;
  /** The HTML report. */
  out: string;
  /** Another API URL than stack.json's. */
  api?: string;
  /** A stack to use as is (the integration tests'); otherwise found or started. */
  stack?: StackInfo;
  concurrency: number;
  /** The first payout run's partner faults. */
  faults: Faults;
  output: Output;
}

export const DEFAULTS = {
  n: 2000,
  out: '.local/demo-report.html',
  concurrency: 24,
  faults: { failureRate: 0.2, timeoutRate: 0.05 },
};

const pending = new Set<() => Promise<void>>();

/** Puts the stack back as it was found: the real clock, no partner faults; stops a stack
 *  the demo started. Safe to call twice (the CLI calls it on Ctrl-C). */
export async function cleanUp(): Promise<void> {
  // The last added first: the clock and the partners before the stack is stopped.
  const tasks = [...pending].reverse();
  pending.clear();
  for (const task of tasks) await task().catch(() => {});
}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const startedAt = new Date();
  const started = performance.now();
  const progress = new Progress(options.output);
  const say = (text: string) => progress.log(text);
  try {
    const target = options.stack
      ? { info: options.stack, started: false }
      : await findOrStartStack(options.api ? { api: options.api } : {}, say);
    if ('stop' in target && target.stop) pending.add(target.stop);
    const api = new Api(target.info);
    await api.expect('check the API', [200], 'GET', '/v1/waves?limit=1');
    for (const code of [...PLATFORMS, ...PAYOUT_PARTNERS]) api.partnerKey(code);
    // From the first move of the clock or fault on: restored whatever happens.
    const restore = async () => {
      await api.call('DELETE', '/_local/clock');
      await clearFaults(api);
    };
    pending.add(restore);

    const random = new Random(options.seed);
    const tag = createHash('sha256').update(options.seed).digest('hex').slice(0, 8);
    const ctx: Context = {
      api,
      progress,
      random,
      concurrency: options.concurrency,
      tag,
      admin: await api.admin('admin'),
      say,
    };
    const citizens = planCitizens(options.n, options.seed, random).map(newCitizen);
    const courses = planCourses(random);
    const wave = await createWave(ctx, citizens);
    say(
      `wave ${wave.waveId}: ${citizens.length} citizens, quota ${wave.quota} (${wave.reservedQuota} reserved), seed ${options.seed}`,
    );
    await enroll(ctx, citizens, wave.waveId);
    await importLists(ctx, citizens);
    const selection = await select(ctx, wave, citizens);
    await publishCourses(ctx, courses);
    await sell(ctx, citizens, courses);
    await aftercare(ctx, citizens);
    const sweep = await deadline(ctx, citizens);
    const runs = await payouts(ctx, citizens, options.faults);
    await readBack(ctx, citizens);
    const reportPath = resolve(options.out);
    const partial = await summarise(
      ctx,
      {
        seed: options.seed,
        n: options.n,
        apiUrl: target.info.apiUrl,
        // A stack.json written before the console had its own origin names none.
        ...(!target.started && target.info.consoleUrl ? { consoleUrl: target.info.consoleUrl } : {}),
        startedStack: target.started,
        startedAt: startedAt.toISOString(),
        reportPath,
      },
      wave,
      selection,
      sweep,
      runs,
      citizens,
    );
    await restore();
    pending.delete(restore);
    progress.stop();
    const result: DemoResult = {
      ...partial,
      seconds: (performance.now() - started) / 1000,
      phases: progress.times(),
    };
    writeReport(reportPath, result);
    options.output.write(`${summaryText(result)}\n`);
    const problems = [
      ...(result.reviewedAndLinkedPaid !== result.reviewedAndLinked
        ? [
            `${result.reviewedAndLinked - result.reviewedAndLinkedPaid} reviewed participants with an account are not paid`,
          ]
        : []),
      ...result.runs
        .filter(
          (r) =>
            r.reconciliation!.missingAtPartner +
            r.reconciliation!.unknownAtPartner +
            r.reconciliation!.amountMismatches,
        )
        .map((r) => `the reconciliation of ${r.label} ${r.runId} found differences`),
      ...(result.money.balanced ? [] : ['the training balances do not add up']),
    ];
    if (problems.length) throw new DemoError(problems.join('; '));
    return result;
  } finally {
    progress.stop();
    await cleanUp();
  }
}
