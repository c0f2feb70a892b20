import { pool } from './client.ts';
import { asCitizen, type Citizen, type Context } from './context.ts';
import { SCHEME, type Wave } from './enroll.ts';
import type { Run } from './pay.ts';
import { PLATFORMS } from './plan.ts';
import type { Selection } from './select.ts';
import type { Sweep } from './train.ts';

// What the wave came to, read back over the API: each participant's balance, status and
// incentives (GET /v1/me, /v1/me/incentives), the PMO's purchase report, the runs.

export interface DemoResult {
  seed: string;
  n: number;
  apiUrl: string;
  /** The running stack's console (its own origin), where the wave can be looked at; none
   *  for a stack the demo started (stopped at the end). */
  consoleUrl?: string;
  startedStack: boolean;
  startedAt: string;
  seconds: number;
  waveId: string;
  quota: number;
  reservedQuota: number;
  funnel: { step: string; count: number }[];
  selection: Selection;
  money: {
    creditedIdr: number;
    spentIdr: number;
    remainingIdr: number;
    returnedIdr: number;
    revoked: number;
    /** credited = spent + remaining + returned, for the demo's participants. */
    balanced: boolean;
  };
  sweep: Sweep;
  purchasesByPlatform: { platform: string; count: number; amountIdr: number; completed: number }[];
  /** GET /v1/admin/reports/purchases: the whole stack, every wave. */
  purchaseReport: { purchases: number; paid: number; amountIdr: number };
  runs: Run[];
  incentives: {
    scheduled: number;
    scheduledIdr: number;
    paid: number;
    paidIdr: number;
    /** Due but no verified payout account: waiting for the participant. */
    waiting: number;
    waitingIdr: number;
  };
  /** Participants who reviewed and linked an account, and how many of them are all PAID. */
  reviewedAndLinked: number;
  reviewedAndLinkedPaid: number;
  phases: { label: string; seconds: number }[];
  reportPath: string;
  citizens: Citizen[];
}

export async function readBack(ctx: Context, citizens: Citizen[]) {
  const selected = citizens.filter((c) => c.selected);
  const phase = ctx.progress.phase('read back', selected.length);
  await pool(selected, ctx.concurrency, async (c) => {
    const me = await asCitizen<{ participant: { balanceIdr: number; status: string } }>(
      ctx,
      c,
      'read the participant',
      [200],
      'GET',
      '/v1/me',
    );
    const incentives = c.reviewed
      ? (
          await asCitizen<{ items: { kind: string; amountIdr: number; status: string }[] }>(
            ctx,
            c,
            'read the incentives',
            [200],
            'GET',
            '/v1/me/incentives',
          )
        ).body.items
      : [];
    c.final = { balanceIdr: me.body.participant.balanceIdr, status: me.body.participant.status, incentives };
    phase.tick();
  });
  phase.end();
}

export async function summarise(
  ctx: Context,
  base: Pick<
    DemoResult,
    'seed' | 'n' | 'apiUrl' | 'consoleUrl' | 'startedStack' | 'startedAt' | 'reportPath'
  >,
  wave: Wave,
  selection: Selection,
  sweep: Sweep,
  runs: Run[],
  citizens: Citizen[],
): Promise<Omit<DemoResult, 'seconds' | 'phases'>> {
  const selected = citizens.filter((c) => c.selected);
  const allPaid = (c: Citizen) =>
    Boolean(c.final?.incentives.length) && c.final!.incentives.every((i) => i.status === 'PAID');
  const funnel = [
    { step: 'registered', count: citizens.filter((c) => c.accountId).length },
    { step: 'verified', count: citizens.filter((c) => c.verified).length },
    { step: 'profile', count: citizens.filter((c) => c.profiled).length },
    { step: 'joined', count: citizens.filter((c) => c.joined).length },
    { step: 'eligible', count: selection.eligible },
    { step: 'selected', count: selected.length },
    { step: 'purchased', count: citizens.filter((c) => c.purchase).length },
    { step: 'completed', count: citizens.filter((c) => c.purchase?.completed).length },
    { step: 'reviewed', count: citizens.filter((c) => c.reviewed).length },
    { step: 'paid', count: citizens.filter(allPaid).length },
  ];
  const spentIdr = citizens.reduce((sum, c) => sum + (c.purchase?.priceIdr ?? 0), 0);
  const revoked = selected.filter((c) => c.final?.status === 'REVOKED');
  const creditedIdr = selected.length * SCHEME.trainingBalanceIdr;
  const remainingIdr = selected.reduce((sum, c) => sum + (c.final?.balanceIdr ?? 0), 0);
  // A revoked participant bought nothing: the whole balance went back.
  const returnedIdr = revoked.length * SCHEME.trainingBalanceIdr;
  const report = await ctx.api.expect<{
    platforms: { code: string; purchases: number; paid: number; amountIdr: number }[];
  }>('read the purchase report', [200], 'GET', '/v1/admin/reports/purchases', { token: ctx.admin });
  const incentives = selected.flatMap((c) => c.final?.incentives ?? []);
  const waiting = selected
    .filter((c) => !c.linked)
    .flatMap((c) => c.final?.incentives ?? [])
    .filter((i) => i.status !== 'PAID');
  const paid = incentives.filter((i) => i.status === 'PAID');
  const sum = (list: { amountIdr: number }[]) => list.reduce((s, i) => s + i.amountIdr, 0);
  const linked = citizens.filter((c) => c.reviewed && c.linked);
  return {
    ...base,
    waveId: wave.waveId,
    quota: wave.quota,
    reservedQuota: wave.reservedQuota,
    funnel,
    selection,
    money: {
      creditedIdr,
      spentIdr,
      remainingIdr,
      returnedIdr,
      revoked: revoked.length,
      balanced: creditedIdr === spentIdr + remainingIdr + returnedIdr,
    },
    sweep,
    purchasesByPlatform: PLATFORMS.map((platform) => {
      const mine = citizens.filter((c) => c.purchase?.platform === platform);
      return {
        platform,
        count: mine.length,
        amountIdr: sum(mine.map((c) => ({ amountIdr: c.purchase!.priceIdr }))),
        completed: mine.filter((c) => c.purchase!.completed).length,
      };
    }),
    purchaseReport: report.platforms
      .filter((p) => (PLATFORMS as readonly string[]).includes(p.code))
      .reduce(
        (t, p) => ({
          purchases: t.purchases + p.purchases,
          paid: t.paid + p.paid,
          amountIdr: t.amountIdr + p.amountIdr,
        }),
        { purchases: 0, paid: 0, amountIdr: 0 },
      ),
    runs,
    incentives: {
      scheduled: incentives.length,
      scheduledIdr: sum(incentives),
      paid: paid.length,
      paidIdr: sum(paid),
      waiting: waiting.length,
      waitingIdr: sum(waiting),
    },
    reviewedAndLinked: linked.length,
    reviewedAndLinkedPaid: linked.filter(allPaid).length,
    citizens,
  };
}
