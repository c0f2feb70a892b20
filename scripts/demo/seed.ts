import { createHash } from 'node:crypto';
import type { StackInfo } from '#local/stack.ts';
import { Api } from './client.ts';
import { type Citizen, type Context, newCitizen } from './context.ts';
import { createWave, enroll, SCHEME } from './enroll.ts';
import { clearFaults } from './pay.ts';
import { PAYOUT_PARTNERS, PLATFORMS, planCitizens, planCourses } from './plan.ts';
import { type Output, Progress } from './progress.ts';
import { Random } from './random.ts';
import { importLists, type Selection, select } from './select.ts';
import { aftercare, publishCourses, sell } from './train.ts';

// `npm run seed:demo`: something for the console to show on a fresh stack, made with the
// demo's own parts over the public API. A wave that closed and was drawn (the clock is
// moved past its close for the draw, then put back), whose participants bought courses,
// completed and reviewed them and linked payout accounts, so their incentives are due and
// the payout page can stage a run; and a wave open for a week, for a citizen to join.
// Nothing is paid: staging and approving the run is left to the console.

export interface SeedOptions {
  /** Citizens who come to the drawn wave. */
  n: number;
  seed: string;
  stack: StackInfo;
  output: Output;
}

export interface SeedResult {
  drawnWave: { waveId: string; quota: number };
  openWave: { waveId: string; closesAt: string };
  selection: Selection;
  citizens: Citizen[];
  purchased: number;
  completed: number;
  reviewed: number;
  linked: number;
  /** The incentives this seed made due (the stack may hold others). */
  dueIdr: number;
  /** A participant to sign in as on the citizens' pages. */
  participant?: { email: string; password: string };
}

export async function seedDemo(options: SeedOptions): Promise<SeedResult> {
  const progress = new Progress(options.output);
  const api = new Api(options.stack);
  try {
    await api.expect('check the API', [200], 'GET', '/v1/waves?limit=1');
    for (const code of [...PLATFORMS, ...PAYOUT_PARTNERS]) api.partnerKey(code);
    const random = new Random(options.seed);
    const ctx: Context = {
      api,
      progress,
      random,
      concurrency: 8,
      tag: createHash('sha256').update(options.seed).digest('hex').slice(0, 8),
      admin: await api.admin('admin'),
      say: (text) => progress.log(text),
    };
    const citizens = planCitizens(options.n, options.seed, random).map(newCitizen);
    const courses = planCourses(random);
    const wave = await createWave(ctx, citizens);
    await enroll(ctx, citizens, wave.waveId);
    await importLists(ctx, citizens);
    const selection = await select(ctx, wave, citizens);
    await publishCourses(ctx, courses);
    await sell(ctx, citizens, courses);
    await aftercare(ctx, citizens);
    const now = Date.now();
    const open = await api.expect<{ waveId: string; closesAt: string }>(
      'open a wave',
      [201],
      'POST',
      '/v1/admin/waves',
      {
        token: ctx.admin,
        body: {
          name: `Gelombang terbuka ${ctx.tag}`,
          opensAt: new Date(now - 60_000).toISOString(),
          closesAt: new Date(now + 7 * 86_400_000).toISOString(),
          quota: 1000,
          purchaseDeadlineDays: 15,
          scheme: SCHEME,
        },
      },
    );
    progress.stop();
    const paid = citizens.filter((c) => c.reviewed && c.linked);
    const sample = paid[0] ?? citizens.find((c) => c.purchase) ?? citizens.find((c) => c.selected);
    return {
      drawnWave: { waveId: wave.waveId, quota: wave.quota },
      openWave: { waveId: open.waveId, closesAt: open.closesAt },
      selection,
      citizens,
      purchased: citizens.filter((c) => c.purchase).length,
      completed: citizens.filter((c) => c.purchase?.completed).length,
      reviewed: citizens.filter((c) => c.reviewed).length,
      linked: paid.length,
      dueIdr: paid.reduce((sum, c) => sum + SCHEME.incentiveIdr + SCHEME.surveyIncentiveIdr * c.surveys, 0),
      ...(sample ? { participant: { email: sample.plan.email, password: sample.plan.password } } : {}),
    };
  } finally {
    progress.stop();
    // The clock and the payment partners as they were found, whatever happened.
    await api.call('DELETE', '/_local/clock').catch(() => {});
    await clearFaults(api).catch(() => {});
  }
}

/** What `npm run seed:demo` prints at the end: where to look in the console. */
export function seedSummary(result: SeedResult, stack: StackInfo): string {
  const rupiah = (n: number) => `Rp ${n.toLocaleString('id-ID')}`;
  const s = result.selection;
  return [
    '',
    `Drawn wave ${result.drawnWave.waveId}: ${s.applicants} applicants, ${s.selected} of ${s.eligible} eligible drawn (seed ${s.seed})`,
    `  ${result.purchased} bought a course, ${result.completed} completed it, ${result.reviewed} reviewed it, ${result.linked} linked a payout account`,
    `  console: ${stack.consoleUrl}/#/waves/${result.drawnWave.waveId}`,
    `Incentives due: ${rupiah(result.dueIdr)} for ${result.linked} participants. Console > Pembayaran insentif: stage this`,
    `  month's run (period ${new Date().toISOString().slice(0, 7)}, a budget of at least ${rupiah(result.dueIdr)}), then approve it as the approver.`,
    `Open wave ${result.openWave.waveId} until ${result.openWave.closesAt}: register on ${stack.apiUrl}/ and join it.`,
    ...(result.participant
      ? [`A participant to sign in as: ${result.participant.email} / ${result.participant.password}`]
      : []),
    `Administrators: ${stack.admins.map((a) => a.email).join(' and ')} (passwords in the stack's stack.json).`,
  ].join('\n');
}
