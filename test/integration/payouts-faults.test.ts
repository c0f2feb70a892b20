import { BatchGetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payoutBatch } from '#contexts/payouts/items.ts';
import { RECONCILE_IN_REQUEST, refusesAccount } from '#contexts/payouts/rules/payouts.ts';
import { incentive } from '#contexts/purchases/items.ts';
import { adminToken, call, stack } from '#test/support/api.ts';
import { documentClient } from '#test/support/applicants.ts';
import {
  LIVE_PAYMENT_PARTNERS,
  ledgerOf,
  type Payable,
  payoutEntriesOf,
  relinkSeeded,
  seedPayables,
  setFaults,
  waitForRun,
} from '#test/support/payouts.ts';

// The central payout test: a run of 600 instructions across every LIVE partner while the
// partners fail 30% of calls, time out on 10% (half of those after the money moved),
// refuse some accounts (marked for relinking, then relinked), and the dispatcher is killed
// between a partner's answer and our write. After redelivery and a second run, every
// incentive is paid exactly once, each partner's book and ours agree to the rupiah, and
// reconciliation finds no difference.
// 400 participants (600 instructions) and not 1,600: every path the test names is still
// taken (each partner, some 80 batches over the 16 due shards, every fault fired many
// times, 8 dispatcher kills, a first run over the 400 instructions the workflow reconciles
// and a second under it, reconciled by the request) for a quarter of the work; the volume
// itself is the benchmarks' (npm run bench:payouts).
const PARTICIPANTS = 400;
const PERIOD = '2021-01';
const REFUSED_PER_PARTNER = 8;

let payables: Payable[];
const runs: string[] = [];

/** How many batches (queue messages) a run was staged into. */
async function batchCount(runId: string): Promise<number> {
  const { PK, SKPrefix } = payoutBatch.partition({ runId });
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const out = await documentClient(stack()).send(
      new QueryCommand({
        TableName: stack().tableName,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :b)',
        ExpressionAttributeValues: { ':pk': PK, ':b': SKPrefix },
        Select: 'COUNT',
        ExclusiveStartKey: start,
      }),
    );
    count += out.Count ?? 0;
    start = out.LastEvaluatedKey;
  } while (start);
  return count;
}

/** Whether one of the payable's incentives failed because the partner refused its account. */
async function refusalRecorded(p: Payable): Promise<boolean> {
  const out = await documentClient(stack()).send(
    new BatchGetCommand({
      RequestItems: {
        [stack().tableName]: {
          Keys: p.incentives.map((i) => incentive.key({ accountId: p.accountId, ...i })),
        },
      },
    }),
  );
  return (out.Responses?.[stack().tableName] ?? []).some((item) => refusesAccount(String(item.failedReason)));
}

async function run(admin: string, approver: string) {
  const created = await call('POST', '/v1/admin/payout-runs', {
    token: admin,
    body: { period: PERIOD, budgetIdr: 10_000_000_000 },
    headers: { 'idempotency-key': crypto.randomUUID() },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(202);
  const runId = created.body.runId as string;
  runs.push(runId);
  const staged = await waitForRun(admin, runId, ['AWAITING_APPROVAL']);
  const approved = await call('POST', `/v1/admin/payout-runs/${runId}/approval`, {
    token: approver,
    headers: { 'idempotency-key': crypto.randomUUID() },
  });
  expect(approved.status, JSON.stringify(approved.body)).toBe(202);
  const done = await waitForRun(admin, runId, ['COMPLETED', 'COMPLETED_WITH_FAILURES'], 600_000);
  return { runId, staged, done };
}

describe('a payout run through faulty partners', () => {
  beforeAll(async () => {
    payables = await seedPayables(PARTICIPANTS, '2021-01-15');
  }, 300_000);

  afterAll(async () => {
    for (const code of LIVE_PAYMENT_PARTNERS) await setFaults(code, {});
    await call('POST', '/_local/faults', { body: { point: 'payouts.dispatch', afterItems: 100_000 } });
  });

  it('pays every due incentive exactly once, and both books agree', async () => {
    const [admin, approver] = [await adminToken(), await adminToken('approver')];
    const refused: Payable[] = [];
    for (const code of LIVE_PAYMENT_PARTNERS) {
      const theirs = payables.filter((p) => p.partnerCode === code).slice(0, REFUSED_PER_PARTNER);
      refused.push(...theirs);
      await setFaults(code, {
        failureRate: 0.3,
        timeoutRate: 0.1,
        rejectAccounts: theirs.map((p) => p.accountNumber),
      });
    }
    await call('POST', '/_local/faults', { body: { point: 'payouts.dispatch', afterItems: 2, times: 8 } });

    const first = await run(admin, approver);
    const instructions = payables.reduce((n, p) => n + p.incentives.length, 0);
    expect(first.staged.totals.instructions).toBeGreaterThanOrEqual(instructions);
    // Reconciled by the workflow, not the request (and the second run by the request).
    expect(instructions).toBeGreaterThan(RECONCILE_IN_REQUEST);
    expect(Object.keys(first.staged.totals.byPartner).sort()).toEqual(
      expect.arrayContaining(LIVE_PAYMENT_PARTNERS),
    );
    // Many queue messages, each partner's dispatchers running several at once.
    expect(await batchCount(first.runId)).toBeGreaterThanOrEqual(40);
    // The refused accounts failed and went back to due; everything else was paid.
    expect(first.done.status).toBe('COMPLETED_WITH_FAILURES');
    expect(first.done.totals.byStatus.PENDING).toBe(0);
    expect(first.done.totals.byStatus.FAILED).toBeGreaterThanOrEqual(
      REFUSED_PER_PARTNER * LIVE_PAYMENT_PARTNERS.length,
    );
    const killed = await call('GET', '/_local/faults?point=payouts.dispatch');
    expect(killed.body.fired).toBe(8);

    const faulty = await Promise.all(LIVE_PAYMENT_PARTNERS.map(ledgerOf));
    for (const code of LIVE_PAYMENT_PARTNERS) await setFaults(code, {});
    // The refused accounts were marked for relinking (a run stages nothing for them until
    // then); their citizens link them again before the second run.
    // An account is marked when a refusal reached us. On a loaded machine every call for
    // one can time out (the partner's answer then never arrives): its incentives failed for
    // another reason, it stays verified, and the second run pays it all the same.
    const refusalReached = await Promise.all(refused.map(refusalRecorded));
    expect(refusalReached.filter(Boolean).length).toBeGreaterThan(refused.length / 2);
    const before = await relinkSeeded(refused);
    expect(before).toEqual(
      refusalReached.map((reached) =>
        reached ? { status: 'REJECTED', reason: 'payment-rejected' } : { status: 'VERIFIED' },
      ),
    );
    const second = await run(admin, approver);
    expect(second.done.status).toBe('COMPLETED');
    expect(second.staged.totals.instructions).toBe(first.done.totals.byStatus.FAILED);

    // Ours: every seeded incentive is PAID, with exactly one payout entry.
    const db = documentClient(stack());
    const keys = payables.flatMap((p) =>
      p.incentives.map((i) => incentive.key({ accountId: p.accountId, ...i })),
    );
    const statuses: string[] = [];
    for (let i = 0; i < keys.length; i += 100) {
      const out = await db.send(
        new BatchGetCommand({ RequestItems: { [stack().tableName]: { Keys: keys.slice(i, i + 100) } } }),
      );
      statuses.push(...(out.Responses?.[stack().tableName] ?? []).map((item) => String(item.status)));
    }
    expect(statuses).toHaveLength(instructions);
    expect(new Set(statuses)).toEqual(new Set(['PAID']));
    const ours = new Map<string, number>();
    let entries = 0;
    for (const p of payables) {
      const paid = await payoutEntriesOf(p);
      expect(paid.map((e) => `${e.incentiveKind}#${e.incentiveN}`).sort()).toEqual(
        p.incentives.map((i) => `${i.kind}#${i.n}`).sort(),
      );
      entries += paid.length;
      for (const e of paid) ours.set(e.partnerCode, (ours.get(e.partnerCode) ?? 0) + e.amountIdr);
    }
    expect(entries).toBe(instructions);

    // Theirs: each partner paid each reference once, each account once per incentive,
    // and the sums per partner are ours to the rupiah.
    const byAccount = new Map(payables.map((p) => [p.accountNumber, p]));
    for (const code of LIVE_PAYMENT_PARTNERS) {
      const lines = (await ledgerOf(code)).items.filter((l) =>
        runs.some((r) => l.reference.startsWith(`${r}-`)),
      );
      const mine = lines.filter((l) => byAccount.has(l.accountNumber));
      expect(new Set(mine.map((l) => l.reference)).size).toBe(mine.length);
      const perAccount = new Map<string, number>();
      for (const l of mine) perAccount.set(l.accountNumber, (perAccount.get(l.accountNumber) ?? 0) + 1);
      for (const [number, n] of perAccount) expect(n).toBe(byAccount.get(number)!.incentives.length);
      expect(mine.reduce((sum, l) => sum + l.amountIdr, 0)).toBe(ours.get(code));
    }
    // The faults really happened: timeouts after the money moved among them.
    const timeouts = faulty.reduce(
      (n, l) => n + ((l as { timeouts?: { afterMoving?: number } }).timeouts?.afterMoving ?? 0),
      0,
    );
    expect(timeouts).toBeGreaterThan(0);

    // Reconciliation of both runs against the partners' settlement reports.
    for (const runId of runs) {
      const reconciled = await call('POST', `/v1/admin/payout-runs/${runId}/reconciliation`, {
        token: admin,
        headers: { 'idempotency-key': crypto.randomUUID() },
      });
      const run = (await call('GET', `/v1/admin/payout-runs/${runId}`, { token: admin })).body;
      const none = { missingAtPartner: 0, unknownAtPartner: 0, amountMismatches: 0 };
      // More than 400 instructions: the workflow reconciles it (202) into the run's field.
      if (run.totals.instructions > RECONCILE_IN_REQUEST) {
        expect(reconciled.status, JSON.stringify(reconciled.body)).toBe(202);
        const reconciliation = () =>
          call('GET', `/v1/admin/payout-runs/${runId}`, { token: admin }).then((r) => r.body.reconciliation);
        // Until it ends (DONE or FAILED), then what it found: a wrong count fails at once.
        await expect
          .poll(async () => (await reconciliation())?.status, { timeout: 300_000, interval: 1000 })
          .not.toBe('RUNNING');
        expect(await reconciliation()).toMatchObject({
          status: 'DONE',
          matched: run.totals.byStatus.PAID,
          ...none,
        });
        continue;
      }
      expect(reconciled.status, JSON.stringify(reconciled.body)).toBe(200);
      expect(reconciled.body).toMatchObject({ matched: run.totals.byStatus.PAID, ...none });
      expect(reconciled.body.differences).toEqual([]);
    }
  }, 900_000);
});
