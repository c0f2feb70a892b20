import { BatchGetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAND_BACK_IN_REQUEST, RECONCILE_IN_REQUEST } from '#contexts/payouts/rules/payouts.ts';
import { incentive } from '#contexts/purchases/items.ts';
import { adminToken, call, stack } from '#test/support/api.ts';
import { documentClient } from '#test/support/applicants.ts';
import { auditSince } from '#test/support/audit.ts';
import { CRITERIA, seeded } from '#test/support/partners.ts';
import {
  ledgerOf,
  type Payable,
  payoutExecutionEnded,
  seedPayables,
  waitForRun,
} from '#test/support/payouts.ts';

// Issue 18, payout runs: a checker can say no (rejection, cancellation, both handing the
// run's incentives back to due), one open run per period, one approval per run, a partner
// suspended between staging and approval paid through by nobody, and a run with nothing to
// pay refused. Each test seeds incentives due in a long-past period of its own, so what
// it stages is its own (files run one at a time on the shared stack).
const key = () => ({ 'idempotency-key': crypto.randomUUID() });
const slug = (r: { body?: { type?: string } }) => r.body?.type?.split('/').pop();

let admin: string;
let approver: string;

beforeAll(async () => {
  admin = await adminToken();
  approver = await adminToken('approver');
});

const create = (period: string, headers: Record<string, string> = key()) =>
  call('POST', '/v1/admin/payout-runs', { token: admin, body: { period, budgetIdr: 10 ** 12 }, headers });
const approve = (runId: string, headers: Record<string, string> = key()) =>
  call('POST', `/v1/admin/payout-runs/${runId}/approval`, { token: approver, headers });
const close = (
  runId: string,
  what: 'rejection' | 'cancellation',
  token: string,
  headers: Record<string, string> = key(),
) =>
  call('POST', `/v1/admin/payout-runs/${runId}/${what}`, {
    token,
    body: { reason: `test ${what}` },
    headers,
  });

const dueCount = (payables: Payable[]) => payables.reduce((n, p) => n + p.incentives.length, 0);

/** Each seeded incentive's status as stored (in no particular order): consistent reads of
 *  100 at a time, not one request each (a run here holds 600). */
async function statuses(payables: Payable[]): Promise<string[]> {
  const db = documentClient(stack());
  const { tableName } = stack();
  const keys = payables.flatMap((p) =>
    p.incentives.map((i) => incentive.key({ accountId: p.accountId, kind: i.kind, n: i.n })),
  );
  const out: string[] = [];
  for (let n = 0; n < keys.length; n += 100) {
    let wanted: Record<string, unknown>[] = keys.slice(n, n + 100);
    while (wanted.length) {
      const got = await db.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: wanted, ConsistentRead: true } } }),
      );
      out.push(...(got.Responses?.[tableName] ?? []).map((item) => String(item.status)));
      wanted = got.UnprocessedKeys?.[tableName]?.Keys ?? [];
    }
  }
  // A key missing from the table is no answer at all: count it as such.
  return [...out, ...Array(keys.length - out.length).fill('undefined')];
}

/** Every incentive paid once: one payout entry each, one line in its partner's ledger each. */
async function paidExactlyOnce(payables: Payable[]) {
  const db = documentClient(stack());
  const ledgers = new Map<string, Awaited<ReturnType<typeof ledgerOf>>>();
  for (const code of new Set(payables.map((p) => p.partnerCode))) ledgers.set(code, await ledgerOf(code));
  for (const p of payables) {
    const entries = await db.send(
      new QueryCommand({
        TableName: stack().tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
        ExpressionAttributeValues: { ':pk': `ACCOUNT#${p.accountId}`, ':p': 'PAYOUT#' },
        ConsistentRead: true,
      }),
    );
    expect(entries.Items ?? []).toHaveLength(p.incentives.length);
    const lines = ledgers.get(p.partnerCode)!.items.filter((l) => l.accountNumber === p.accountNumber);
    expect(lines).toHaveLength(p.incentives.length);
  }
  expect(await statuses(payables)).toEqual(Array(dueCount(payables)).fill('PAID'));
}

async function auditOf(kind: string, runId: string) {
  const r = await auditSince(admin, { kind, limit: 100 });
  expect(r.status).toBe(200);
  return r.body.items.filter(
    (i: { kind: string; subject: string }) => i.kind === kind && i.subject === runId,
  );
}

async function transition(code: string, to: string) {
  const r = await call('POST', `/v1/admin/partners/${seeded(code).id}/transitions`, {
    token: admin,
    body: { to, note: `${code} ${to}`, ...(to === 'LIVE' ? { criteria: CRITERIA } : {}) },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
}

describe('a checker can say no', () => {
  it('rejection and cancellation hand the incentives back; a later run pays them exactly once', async () => {
    const payables = await seedPayables(6, '2018-01-10');
    const due = dueCount(payables);

    const first = await create('2018-01');
    expect(first.status, JSON.stringify(first.body)).toBe(202);
    const runId = first.body.runId as string;
    // The period has an open run.
    const second = await create('2018-01');
    expect(second.status).toBe(409);
    expect(slug(second)).toBe('run-open-for-period');
    expect(second.body.runId).toBe(runId);
    const staged = await waitForRun(admin, runId, ['AWAITING_APPROVAL']);
    expect(staged.totals.instructions).toBe(due);
    expect(await statuses(payables)).toEqual(Array(due).fill('STAGED'));

    // Only an approver rejects; with a key and a reason.
    expect((await close(runId, 'rejection', admin)).status).toBe(403);
    expect((await close(runId, 'rejection', approver, {})).status).toBe(400);
    expect(
      (
        await call('POST', `/v1/admin/payout-runs/${runId}/rejection`, {
          token: approver,
          body: {},
          headers: key(),
        })
      ).status,
    ).toBe(400);
    const once = key();
    const rejected = await close(runId, 'rejection', approver, once);
    expect(rejected.status, JSON.stringify(rejected.body)).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'REJECTED', closedReason: 'test rejection' });
    expect(rejected.body.totals.byStatus).toMatchObject({ PENDING: 0, FAILED: due, PAID: 0 });
    // The same request again is the same answer; another is refused.
    const replay = await close(runId, 'rejection', approver, once);
    expect(replay.status).toBe(200);
    expect(replay.body.status).toBe('REJECTED');
    const again = await close(runId, 'rejection', approver);
    expect(again.status).toBe(409);
    expect(slug(again)).toBe('run-not-awaiting-approval');
    expect(slug(await approve(runId))).toBe('run-not-awaiting-approval');
    expect(slug(await close(runId, 'cancellation', admin))).toBe('run-not-cancellable');
    expect(await statuses(payables)).toEqual(Array(due).fill('SCHEDULED'));
    expect(await auditOf('payout-run.rejected', runId)).toHaveLength(1);

    // The period is free again: a second run stages the same incentives; it is cancelled.
    const next = await create('2018-01');
    expect(next.status, JSON.stringify(next.body)).toBe(202);
    const nextId = next.body.runId as string;
    expect((await waitForRun(admin, nextId, ['AWAITING_APPROVAL'])).totals.instructions).toBe(due);
    expect((await close(nextId, 'cancellation', approver)).status).toBe(403);
    const cancelled = await close(nextId, 'cancellation', admin);
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'CANCELLED', closedReason: 'test cancellation' });
    expect(slug(await close(nextId, 'cancellation', admin))).toBe('run-not-cancellable');
    expect(slug(await close(nextId, 'rejection', approver))).toBe('run-not-awaiting-approval');
    expect(await statuses(payables)).toEqual(Array(due).fill('SCHEDULED'));
    expect(await auditOf('payout-run.cancelled', nextId)).toHaveLength(1);

    // A third run pays them, once each.
    const last = await create('2018-01');
    expect(last.status, JSON.stringify(last.body)).toBe(202);
    await waitForRun(admin, last.body.runId, ['AWAITING_APPROVAL']);
    expect((await approve(last.body.runId)).status).toBe(202);
    const done = await waitForRun(admin, last.body.runId, ['COMPLETED']);
    expect(done.totals.byStatus.PAID).toBe(due);
    await paidExactlyOnce(payables);
  }, 300_000);

  it('a cancellation while staging stops it, and whatever it staged is handed back', async () => {
    const payables = await seedPayables(150, '2018-02-10');
    const due = dueCount(payables);
    const created = await create('2018-02');
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    const runId = created.body.runId as string;
    const cancelled = await close(runId, 'cancellation', admin);
    expect(cancelled.status, JSON.stringify(cancelled.body)).toBe(200);
    expect(cancelled.body.status).toBe('CANCELLED');
    expect(cancelled.body.totals.byStatus.PENDING).toBe(0);
    expect((await statuses(payables)).filter((s) => s !== 'SCHEDULED')).toEqual([]);
    // Staging's later segments find the run cancelled: they add nothing (checked once its
    // execution has ended, whichever way).
    await payoutExecutionEnded(`stage-${runId}`);
    const after = await call('GET', `/v1/admin/payout-runs/${runId}`, { token: admin });
    expect(after.body.status).toBe('CANCELLED');
    expect(after.body.totals.byStatus.PENDING).toBe(0);
    expect((await statuses(payables)).filter((s) => s !== 'SCHEDULED')).toEqual([]);

    const paid = await create('2018-02');
    expect(paid.status, JSON.stringify(paid.body)).toBe(202);
    expect((await waitForRun(admin, paid.body.runId, ['AWAITING_APPROVAL'])).totals.instructions).toBe(due);
    expect((await approve(paid.body.runId)).status).toBe(202);
    expect((await waitForRun(admin, paid.body.runId, ['COMPLETED'])).totals.byStatus.PAID).toBe(due);
    await paidExactlyOnce(payables);
  }, 300_000);
});

describe('a large run leaves the request to the workflow (issue 18, item 8)', () => {
  // 340 participants, 510 instructions: more than a request hands back (500) or reconciles
  // (400) itself, so both run in the payout workflow, and a fault part-way through the
  // hand-back makes its task retry. (Just over: each instruction is staged up to three
  // times and handed back twice here.)
  it('ten rejections: one 200 at once, the workflow hands back after a fault; the next run pays each once, reconciled by the workflow', async () => {
    const payables = await seedPayables(340, '1999-03-10');
    const due = dueCount(payables);
    expect(due).toBe(510);
    expect(due).toBeGreaterThan(Math.max(HAND_BACK_IN_REQUEST, RECONCILE_IN_REQUEST));
    const first = await create('1999-03');
    expect(first.status, JSON.stringify(first.body)).toBe(202);
    const runId = first.body.runId as string;
    expect((await waitForRun(admin, runId, ['AWAITING_APPROVAL'])).totals.instructions).toBe(due);

    const armed = await call('POST', '/_local/faults', {
      body: { point: 'payouts.hand-back', afterItems: 3, times: 2 },
    });
    expect(armed.status).toBe(200);
    const answers = await Promise.all(Array.from({ length: 10 }, () => close(runId, 'rejection', approver)));
    const won = answers.filter((r) => r.status === 200);
    expect(won).toHaveLength(1);
    expect(answers.filter((r) => r.status === 409).map(slug)).toEqual(
      Array(9).fill('run-not-awaiting-approval'),
    );
    // The 200 answers before the hand-back: what is still pending, and that it is not done.
    expect(won[0]!.body).toMatchObject({ status: 'REJECTED', handBack: { done: false } });
    expect(won[0]!.body.handBack.pending).toBe(due);
    const handedBack = await waitForHandBack(runId);
    expect(handedBack.totals.byStatus).toMatchObject({ PENDING: 0, FAILED: due, PAID: 0 });
    expect(await statuses(payables)).toEqual(Array(due).fill('SCHEDULED'));
    expect((await call('GET', '/_local/faults?point=payouts.hand-back')).body.fired).toBeGreaterThanOrEqual(
      1,
    );
    expect(await auditOf('payout-run.rejected', runId)).toHaveLength(1);

    // The next run: a rejection races the approval; whichever wins, each incentive is
    // paid once in the end and none is left staged.
    let next = await create('1999-03');
    expect(next.status, JSON.stringify(next.body)).toBe(202);
    await waitForRun(admin, next.body.runId, ['AWAITING_APPROVAL']);
    const [rejection, approval] = await Promise.all([
      close(next.body.runId, 'rejection', approver),
      approve(next.body.runId),
    ]);
    expect([rejection.status, approval.status].filter((s) => s < 300)).toHaveLength(1);
    if (rejection.status === 200) {
      await waitForHandBack(next.body.runId);
      expect(await statuses(payables)).toEqual(Array(due).fill('SCHEDULED'));
      next = await create('1999-03');
      expect(next.status, JSON.stringify(next.body)).toBe(202);
      await waitForRun(admin, next.body.runId, ['AWAITING_APPROVAL']);
      expect((await approve(next.body.runId)).status).toBe(202);
    }
    const paidRunId = next.body.runId as string;
    const done = await waitForRun(admin, paidRunId, ['COMPLETED'], 600_000);
    expect(done.totals.byStatus.PAID).toBe(due);
    await paidExactlyOnce(payables);

    // Reconciliation: two requests at once start one attempt (202, where to read it).
    const reconcile = () =>
      call('POST', `/v1/admin/payout-runs/${paidRunId}/reconciliation`, { token: admin, headers: key() });
    const started = await Promise.all([reconcile(), reconcile()]);
    for (const r of started) {
      expect(r.status, JSON.stringify(r.body)).toBe(202);
      expect(r.body).toMatchObject({ runId: paidRunId, location: `/v1/admin/payout-runs/${paidRunId}` });
    }
    expect(started[0]!.body.startedAt).toBe(started[1]!.body.startedAt);
    await expect
      .poll(
        async () =>
          (await call('GET', `/v1/admin/payout-runs/${paidRunId}`, { token: admin })).body.reconciliation,
        { timeout: 180_000, interval: 500 },
      )
      .toMatchObject({
        status: 'DONE',
        matched: due,
        missingAtPartner: 0,
        unknownAtPartner: 0,
        amountMismatches: 0,
      });
    const reconciled = (await call('GET', `/v1/admin/payout-runs/${paidRunId}`, { token: admin })).body
      .reconciliation;
    expect(Object.values(reconciled.byPartner).reduce((n: number, c: any) => n + c.matched, 0)).toBe(due);
    // One audit record of the workflow's result (the system's), whatever its retries.
    const records = await auditOf('payout-run.reconciled', paidRunId);
    expect(records.filter((r: { actor: string }) => r.actor === 'system')).toHaveLength(1);
  }, 900_000);
});

/** A closed run's view once its hand-back is done (the workflow's, for a large run). */
async function waitForHandBack(runId: string) {
  let view: any;
  await expect
    .poll(
      async () => {
        view = (await call('GET', `/v1/admin/payout-runs/${runId}`, { token: admin })).body;
        return view.handBack;
      },
      { timeout: 300_000, interval: 500 },
    )
    .toEqual({ pending: 0, done: true });
  return view;
}

describe('one run per period, one approval per run', () => {
  it('ten creations at once make one run; ten approvals at once, one 202 and one audit record', async () => {
    const payables = await seedPayables(4, '2018-03-10');
    const created = await Promise.all(Array.from({ length: 10 }, () => create('2018-03')));
    const accepted = created.filter((r) => r.status === 202);
    expect(accepted, JSON.stringify(created.map((r) => r.body))).toHaveLength(1);
    const runId = accepted[0]!.body.runId as string;
    for (const r of created.filter((r) => r.status !== 202)) {
      expect(r.status).toBe(409);
      expect(slug(r)).toBe('run-open-for-period');
      expect(r.body.runId).toBe(runId);
    }
    const runs = await call('GET', '/v1/admin/payout-runs?limit=100', { token: admin });
    expect(runs.body.items.filter((r: { period: string }) => r.period === '2018-03')).toHaveLength(1);
    expect(await auditOf('payout-run.created', runId)).toHaveLength(1);

    await waitForRun(admin, runId, ['AWAITING_APPROVAL']);
    const approvals = await Promise.all(Array.from({ length: 10 }, () => approve(runId)));
    expect(approvals.map((r) => r.status).sort()).toEqual([202, ...Array(9).fill(409)]);
    for (const r of approvals.filter((r) => r.status === 409))
      expect(slug(r)).toBe('run-not-awaiting-approval');
    expect(await auditOf('payout-run.approved', runId)).toHaveLength(1);
    expect((await waitForRun(admin, runId, ['COMPLETED'])).totals.byStatus.PAID).toBe(dueCount(payables));
    await paidExactlyOnce(payables);

    // The run ended: the period is free, and nothing is left due in it.
    const empty = await create('2018-03');
    expect(empty.status).toBe(409);
    expect(slug(empty)).toBe('nothing-due');
  }, 300_000);

  it('a period with nothing due is refused: 409 nothing-due, no run', async () => {
    const r = await create('2010-01');
    expect(r.status).toBe(409);
    expect(slug(r)).toBe('nothing-due');
    const runs = await call('GET', '/v1/admin/payout-runs?limit=100', { token: admin });
    expect(runs.body.items.filter((x: { period: string }) => x.period === '2010-01')).toHaveLength(0);
  });
});

describe('a partner suspended between staging and approval', () => {
  afterAll(async () => {
    const dana = await call('GET', `/v1/admin/partners/${seeded('dana').id}`, { token: admin });
    if (dana.body?.status === 'SUSPENDED') await transition('dana', 'LIVE');
  });

  it('gets nothing: its instructions go back to due, and a later run pays them once it is LIVE', async () => {
    const payables = await seedPayables(6, '2018-04-10', ['dana', 'bni']);
    const [viaDana, viaBni] = [
      payables.filter((p) => p.partnerCode === 'dana'),
      payables.filter((p) => p.partnerCode === 'bni'),
    ];
    const created = await create('2018-04');
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    const runId = created.body.runId as string;
    const staged = await waitForRun(admin, runId, ['AWAITING_APPROVAL']);
    expect(staged.totals.byPartner.dana.instructions).toBe(dueCount(viaDana));

    await transition('dana', 'SUSPENDED');
    const approved = await approve(runId);
    expect(approved.status, JSON.stringify(approved.body)).toBe(202);
    const done = await waitForRun(admin, runId, ['COMPLETED_WITH_FAILURES']);
    expect(done.totals.byPartner.dana).toMatchObject({
      reason: 'partner-not-live',
      byStatus: { PAID: 0, FAILED: dueCount(viaDana), PENDING: 0 },
    });
    expect(done.totals.byPartner.bni.byStatus).toEqual({ PAID: dueCount(viaBni), FAILED: 0, PENDING: 0 });
    expect(done.totals.byPartner.bni.reason).toBeUndefined();
    const listed = await call('GET', `/v1/admin/payout-runs/${runId}/instructions?limit=100`, {
      token: admin,
    });
    const danas = listed.body.items.filter((i: { partnerCode: string }) => i.partnerCode === 'dana');
    expect(danas).toHaveLength(dueCount(viaDana));
    for (const i of danas) expect(i).toMatchObject({ status: 'FAILED', reason: 'partner-not-live' });
    const ledger = await ledgerOf('dana');
    for (const p of viaDana)
      expect(ledger.items.some((l) => l.accountNumber === p.accountNumber)).toBe(false);
    expect(await statuses(viaDana)).toEqual(Array(dueCount(viaDana)).fill('SCHEDULED'));

    // While it is suspended nothing of it is payable; LIVE again, a later run pays it once.
    expect(slug(await create('2018-04'))).toBe('nothing-due');
    await transition('dana', 'LIVE');
    const later = await create('2018-04');
    expect(later.status, JSON.stringify(later.body)).toBe(202);
    await waitForRun(admin, later.body.runId, ['AWAITING_APPROVAL']);
    expect((await approve(later.body.runId)).status).toBe(202);
    const paid = await waitForRun(admin, later.body.runId, ['COMPLETED']);
    expect(paid.totals.byPartner.dana.byStatus.PAID).toBe(dueCount(viaDana));
    await paidExactlyOnce(payables);
  }, 300_000);
});
