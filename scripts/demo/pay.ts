import { type Api, DemoError, describe, idempotency } from './client.ts';
import { asCitizen, type Citizen, type Context } from './context.ts';
import { SCHEME } from './enroll.ts';
import { rupiah } from './format.ts';
import { PAYOUT_PARTNERS } from './plan.ts';

// The admin stages the month's payout run, the approver approves it while the payment
// partners misbehave (503s, timeouts, a few refused accounts); the run ends with failures,
// the faults are cleared, the refused accounts are linked again, a retry run pays the
// rest, and both runs are reconciled with the partners' settlement reports.

export interface Tally {
  instructions: number;
  amountIdr: number;
  byStatus: { PAID: number; FAILED: number; PENDING: number };
  paidIdr: number;
  failedIdr: number;
}

export interface Reconciliation {
  matched: number;
  missingAtPartner: number;
  unknownAtPartner: number;
  amountMismatches: number;
  byPartner: Record<string, Omit<Reconciliation, 'byPartner'>>;
}

export interface Run {
  label: string;
  runId: string;
  period: string;
  budgetIdr: number;
  status: string;
  closedReason?: string;
  totals: Tally & { byPartner: Record<string, Tally> };
  seconds: number;
  faults: string;
  reconciliation?: Reconciliation;
}

export interface Faults {
  failureRate: number;
  timeoutRate: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function setFaults(api: Api, code: string, faults: Record<string, unknown>) {
  await api.expect(`set ${code}'s faults`, [200], 'POST', `/_local/payment-partners/${code}/faults`, {
    body: faults,
  });
}

export async function clearFaults(api: Api) {
  for (const code of PAYOUT_PARTNERS) await setFaults(api, code, {});
}

async function runOnce(
  ctx: Context,
  label: string,
  budgetIdr: number,
  beforeApproval: () => Promise<void>,
  faults: string,
): Promise<Run> {
  const phase = ctx.progress.phase(label);
  const started = performance.now();
  const period = new Date().toISOString().slice(0, 7);
  const create = (budget: number) =>
    ctx.api.call('POST', '/v1/admin/payout-runs', {
      token: ctx.admin,
      headers: idempotency(),
      body: { period, budgetIdr: budget },
    });
  let created = await create(budgetIdr);
  if (created.status === 409 && String(created.body?.type).endsWith('/over-budget')) {
    // Other incentives of this stack fall due too (an earlier demo, tests): they are paid alike.
    ctx.say(
      `  ${label}: ${rupiah(created.body.dueIdr)} due in this stack (the demo's: ${rupiah(budgetIdr)}); budget raised`,
    );
    budgetIdr = created.body.dueIdr;
    created = await create(budgetIdr);
  }
  if (created.status !== 202) throw new DemoError(`stage the payout run: ${describe(created)}`);
  let runId = created.body.runId as string;
  const read = () =>
    ctx.api.expect<Omit<Run, 'label' | 'seconds' | 'faults'>>(
      'read the payout run',
      [200],
      'GET',
      `/v1/admin/payout-runs/${runId}`,
      {
        token: ctx.admin,
      },
    );
  const until = async (statuses: string[], note: string) => {
    const deadline = Date.now() + 30 * 60_000;
    let settled = -1;
    let stillSince = Date.now();
    for (;;) {
      const run = await read();
      const t = run.totals;
      const done = t.byStatus.PAID + t.byStatus.FAILED;
      if (done !== settled) [settled, stillSince] = [done, Date.now()];
      // A batch the faults left unsettled comes back only when its visibility timeout ends.
      const waiting = Date.now() - stillSince > 10_000 ? ' · waiting for SQS to redeliver a batch' : '';
      phase.set(done, t.instructions, `${run.status} ${note}${waiting}`);
      if (statuses.includes(run.status)) return run;
      if (Date.now() > deadline)
        throw new DemoError(`payout run ${runId} still ${run.status} after 30 minutes`);
      await sleep(500);
    }
  };
  let staged = await until(['AWAITING_APPROVAL', 'REJECTED'], '');
  // A due set larger than the request's first look is summed by the workflow, which
  // rejects a run over the budget and says what is due.
  const due = /^over-budget: Rp (\d+)/.exec(staged.closedReason ?? '')?.[1];
  if (staged.status === 'REJECTED' && due) {
    ctx.say(
      `  ${label}: ${rupiah(Number(due))} due in this stack (the demo's: ${rupiah(budgetIdr)}); budget raised`,
    );
    const again = await create(Number(due));
    if (again.status !== 202) throw new DemoError(`stage the payout run: ${describe(again)}`);
    runId = again.body.runId as string;
    staged = await until(['AWAITING_APPROVAL'], '');
  }
  if (staged.status !== 'AWAITING_APPROVAL') throw new DemoError(`payout run ${runId} ${staged.status}`);
  await beforeApproval();
  // The second person: the approver (the admin may not approve, nor anyone their own run).
  const approver = await ctx.api.admin('approver');
  await ctx.api.expect('approve the payout run', [202], 'POST', `/v1/admin/payout-runs/${runId}/approval`, {
    token: approver,
    headers: idempotency(),
  });
  const done = await until(['COMPLETED', 'COMPLETED_WITH_FAILURES'], faults);
  phase.end(
    `${done.status}: ${done.totals.byStatus.PAID} paid (${rupiah(done.totals.paidIdr)}), ${done.totals.byStatus.FAILED} failed of ${staged.totals.instructions}`,
  );
  return { ...done, label, seconds: (performance.now() - started) / 1000, faults };
}

/** The refused citizens whose account was marked REJECTED link it again and confirm it. */
async function relink(ctx: Context, refused: Citizen[]): Promise<number> {
  let relinked = 0;
  for (const c of refused) {
    const me = await asCitizen<{ payoutAccount: { status: string } | null }>(
      ctx,
      c,
      'read me',
      [200],
      'GET',
      '/v1/me',
    );
    if (me.body.payoutAccount?.status !== 'REJECTED') continue;
    await asCitizen(ctx, c, 'link the payout account again', [202], 'PUT', '/v1/me/payout-account', {
      body: { partnerCode: c.plan.payoutPartner, accountNumber: c.accountNumber },
    });
    const otp = await ctx.api.code(c.plan.phone, 'payout-account-otp');
    await asCitizen(
      ctx,
      c,
      'confirm the payout account again',
      [200],
      'POST',
      '/v1/me/payout-account/confirmation',
      {
        body: { otp },
      },
    );
    relinked++;
  }
  return relinked;
}

export async function payouts(ctx: Context, citizens: Citizen[], faults: Faults): Promise<Run[]> {
  const linked = citizens.filter((c) => c.reviewed && c.linked);
  const dueIdr = linked.reduce(
    (sum, c) => sum + SCHEME.incentiveIdr + SCHEME.surveyIncentiveIdr * c.surveys,
    0,
  );
  if (!dueIdr) {
    ctx.say('no reviewed participant linked an account: no payout run');
    return [];
  }
  const refused = linked.filter((c) => c.plan.rejectedInFirstRun);
  if (!refused.length) refused.push(linked[0]!);
  const described = `(faults: ${Math.round(faults.failureRate * 100)}% 503s, ${Math.round(faults.timeoutRate * 100)}% timeouts, ${refused.length} accounts refused)`;
  const first = await runOnce(
    ctx,
    'payout run',
    dueIdr,
    async () => {
      for (const code of PAYOUT_PARTNERS)
        await setFaults(ctx.api, code, {
          ...faults,
          rejectAccounts: refused.filter((c) => c.plan.payoutPartner === code).map((c) => c.accountNumber),
        });
    },
    described,
  );
  await clearFaults(ctx.api);
  // A refused account is marked for relinking and its citizen told by SMS: they link it
  // again (the partner takes it now), or the retry run would stage nothing for them.
  const relinked = await relink(ctx, refused);
  if (relinked) ctx.say(`${relinked} citizens told their account was refused linked it again`);
  const runs = [first];
  if (first.totals.byStatus.FAILED > 0)
    runs.push(await runOnce(ctx, 'retry run', first.totals.failedIdr, async () => {}, '(no faults)'));
  const phase = ctx.progress.phase('reconciliation', runs.length);
  for (const run of runs) {
    const answer = await reconcile(ctx, run.runId);
    // A large run (202): the workflow reconciles it and the run shows the result.
    run.reconciliation = 'matched' in answer ? answer : await reconciledLater(ctx, run.runId);
    phase.tick();
  }
  const differences = runs.reduce(
    (n, r) =>
      n +
      r.reconciliation!.missingAtPartner +
      r.reconciliation!.unknownAtPartner +
      r.reconciliation!.amountMismatches,
    0,
  );
  phase.end(`${runs.map((r) => r.reconciliation!.matched).join(' + ')} matched, ${differences} differences`);
  return runs;
}

/** Asks for a run's reconciliation. A partner that did not send its report in time (503
 *  partner-unavailable, on a loaded machine too) is asked again, as its message says. */
async function reconcile(ctx: Context, runId: string): Promise<Reconciliation | { status: string }> {
  const path = `/v1/admin/payout-runs/${runId}/reconciliation`;
  for (let attempt = 1; ; attempt++) {
    const r = await ctx.api.call<Reconciliation | { status: string }>('POST', path, {
      token: ctx.admin,
      headers: idempotency(),
    });
    if (r.status === 200 || r.status === 202) return r.body;
    if (r.status !== 503 || attempt === 5)
      throw new DemoError(`reconcile the payout run (POST ${path}): ${describe(r)}`);
    await new Promise((resolve) => setTimeout(resolve, 2000 * attempt));
  }
}

/** A large run's reconciliation, done by the workflow: read from the run until it is DONE. */
async function reconciledLater(ctx: Context, runId: string): Promise<Reconciliation> {
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    const run = await ctx.api.expect<{
      reconciliation?: Reconciliation & { status?: string; error?: string };
    }>('read the payout run', [200], 'GET', `/v1/admin/payout-runs/${runId}`, { token: ctx.admin });
    const r = run.reconciliation;
    if (r?.status === 'DONE') return r;
    if (r?.status === 'FAILED') throw new DemoError(`reconciliation of ${runId} failed: ${r.error}`);
    if (Date.now() > deadline)
      throw new DemoError(`reconciliation of ${runId} still running after 10 minutes`);
    await sleep(1000);
  }
}
