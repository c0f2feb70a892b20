import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { BatchGetCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { payoutRun } from '#contexts/payouts/items.ts';
import { payoutQueueName } from '#contexts/payouts/payments/partners.ts';
import { incentive } from '#contexts/purchases/items.ts';
import { adminToken, call, stack } from '#test/support/api.ts';
import { documentClient } from '#test/support/applicants.ts';
import { auditSince } from '#test/support/audit.ts';
import { ledgerOf, payoutEntriesOf, seedPayables, setFaults, waitForRun } from '#test/support/payouts.ts';

// A partner down longer than the retry horizon: its batch's message is delivered ten
// times (a visibility timeout apart: 6 s on this group's stack, serial-files.ts) and goes to the DLQ. The
// run does not hang: once the partner can be asked again, the workflow's progress step
// finds the instructions unknown to it and hands them back to due; the run ends
// COMPLETED_WITH_FAILURES saying why, and the next run pays them exactly once. A shorter
// outage is waited out: the run completes with nothing in the DLQ, even one that lasts
// past the five deliveries that used to be a batch's horizon.
// Both outages are mostly waiting for redeliveries, so they run at once, each at partners
// of its own (its own queues, DLQ and failure count), in periods of their own.
const DOWN = 'linkaja';
const UP = 'dana';
const SHORTLY_DOWN = 'ovo';

let sqs: SQSClient;
const dlqUrl = (code: string) => stack().queues[payoutQueueName(code)]!.dlqUrl;

async function dlqDepth(code = DOWN): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: dlqUrl(code),
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0)
  );
}

async function stageAndApprove(admin: string, approver: string, period: string) {
  const created = await call('POST', '/v1/admin/payout-runs', {
    token: admin,
    body: { period, budgetIdr: 10_000_000_000 },
    headers: { 'idempotency-key': crypto.randomUUID() },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(202);
  const runId = created.body.runId as string;
  const staged = await waitForRun(admin, runId, ['AWAITING_APPROVAL']);
  const approved = await call('POST', `/v1/admin/payout-runs/${runId}/approval`, {
    token: approver,
    headers: { 'idempotency-key': crypto.randomUUID() },
  });
  expect(approved.status, JSON.stringify(approved.body)).toBe(202);
  return { runId, staged };
}

async function instructionsOf(admin: string, runId: string) {
  const items: { instructionId: string; partnerCode: string; status: string; reason?: string }[] = [];
  let cursor: string | undefined;
  do {
    const page = await call(
      'GET',
      `/v1/admin/payout-runs/${runId}/instructions?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
      { token: admin },
    );
    expect(page.status).toBe(200);
    items.push(...page.body.items);
    cursor = page.body.nextCursor ?? undefined;
  } while (cursor);
  return items;
}

const failuresAt = async (code: string) => ((await ledgerOf(code)) as { failures?: number }).failures ?? 0;

// A run stages every incentive due by the end of its period: the long outage's (June)
// would take the short one's (May) too while they are still due. So the long one seeds
// once the short one's run has staged them (or that test has ended).
let shortStaged = () => {};
const shortRunStaged = new Promise<void>((resolve) => {
  shortStaged = resolve;
});

describe('a payout run through a partner outage', () => {
  beforeAll(() => {
    sqs = new SQSClient({
      region: 'ap-southeast-3',
      endpoint: stack().sqsEndpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });
  afterAll(async () => {
    await setFaults(DOWN, {});
    await setFaults(SHORTLY_DOWN, {});
    sqs?.destroy();
  });

  it.concurrent('waits out an outage longer than the old horizon and shorter than the new: completed, nothing in the DLQ', async () => {
    const [admin, approver] = [await adminToken(), await adminToken('approver')];
    let runId: string;
    let owed: number;
    let before: number;
    let failures: number;
    try {
      const payables = await seedPayables(6, '2020-05-10', [SHORTLY_DOWN]);
      owed = payables.reduce((n, p) => n + p.incentives.length, 0);
      before = await dlqDepth(SHORTLY_DOWN);
      await setFaults(SHORTLY_DOWN, { failureRate: 1 });
      failures = await failuresAt(SHORTLY_DOWN);
      ({ runId } = await stageAndApprove(admin, approver, '2020-05'));
    } finally {
      shortStaged();
    }
    // Six deliveries refused whole (each instruction tried 3 times in each), one past the
    // five after which a batch used to go to the DLQ; then the partner is back.
    await expect
      .poll(() => failuresAt(SHORTLY_DOWN), { timeout: 300_000, interval: 1000 })
      .toBeGreaterThanOrEqual(failures + 6 * owed * 3);
    await setFaults(SHORTLY_DOWN, {});
    const done = await waitForRun(admin, runId, ['COMPLETED', 'COMPLETED_WITH_FAILURES'], 180_000);
    expect(done.status).toBe('COMPLETED');
    expect(done.totals.byStatus).toEqual({ PAID: owed, FAILED: 0, PENDING: 0 });
    expect(await dlqDepth(SHORTLY_DOWN)).toBe(before);
  }, 600_000);

  it.concurrent('hands a dead batch back to due, ends the run saying why, and the next run pays it once', async () => {
    const [admin, approver] = [await adminToken(), await adminToken('approver')];
    await shortRunStaged;
    const payables = await seedPayables(12, '2020-06-10', [DOWN, UP]);
    const down = payables.filter((p) => p.partnerCode === DOWN);
    const owedDown = down.reduce((n, p) => n + p.incentives.length, 0);
    const owedAll = payables.reduce((n, p) => n + p.incentives.length, 0);
    const before = await dlqDepth();
    await setFaults(DOWN, { failureRate: 1 });
    const first = await stageAndApprove(admin, approver, '2020-06');
    expect(first.staged.totals.instructions).toBe(owedAll);

    // Ten deliveries a visibility timeout apart, then the DLQ; the status of each instruction cannot be
    // asked while the partner is down, so the run waits, still DISBURSING.
    await expect.poll(() => dlqDepth(), { timeout: 420_000, interval: 2000 }).toBeGreaterThan(before);
    const waiting = await call('GET', `/v1/admin/payout-runs/${first.runId}`, { token: admin });
    expect(waiting.body.status).toBe('DISBURSING');
    expect(waiting.body.totals.byPartner[DOWN].byStatus.PENDING).toBe(owedDown);

    await setFaults(DOWN, {});
    const done = await waitForRun(admin, first.runId, ['COMPLETED', 'COMPLETED_WITH_FAILURES'], 120_000);
    expect(done.status).toBe('COMPLETED_WITH_FAILURES');
    expect(done.totals.byPartner[DOWN].byStatus).toEqual({ PAID: 0, FAILED: owedDown, PENDING: 0 });
    expect(done.totals.byPartner[UP].byStatus).toEqual({ PAID: owedAll - owedDown, FAILED: 0, PENDING: 0 });
    const listed = await instructionsOf(admin, first.runId);
    expect(
      listed
        .filter((i) => i.partnerCode === DOWN)
        .every((i) => i.status === 'FAILED' && i.reason === 'dead-letter'),
    ).toBe(true);

    // The reason on the run (its view has no field for it), and a line in the audit trail.
    const db = documentClient(stack());
    const runItem = await db.send(
      new GetCommand({ TableName: stack().tableName, Key: payoutRun.key({ runId: first.runId }) }),
    );
    expect(runItem.Item?.reason).toBe(`dead-letter: ${DOWN}`);
    const trail = await auditSince(admin, { kind: 'payout-batch.dead-lettered', actor: 'system' });
    expect(trail.status, JSON.stringify(trail.body)).toBe(200);
    // One line per look that ended some of the batch (a look may have asked while the
    // partner was coming back, and left the rest to the next).
    const lines = trail.body.items.filter((i: { subject: string }) => i.subject === first.runId);
    expect(lines.length).toBeGreaterThan(0);
    const sum = (key: string) =>
      lines.reduce((n: number, l: { detail: Record<string, number> }) => n + l.detail[key]!, 0);
    expect(lines.every((l: { detail: { partnerCode: string } }) => l.detail.partnerCode === DOWN)).toBe(true);
    expect({ handedBack: sum('handedBack'), paid: sum('paid') }).toEqual({ handedBack: owedDown, paid: 0 });

    // Their incentives are due again; the partner paid none of them.
    const keys = down.flatMap((p) =>
      p.incentives.map((i) => incentive.key({ accountId: p.accountId, ...i })),
    );
    const got = await db.send(new BatchGetCommand({ RequestItems: { [stack().tableName]: { Keys: keys } } }));
    const items = got.Responses?.[stack().tableName] ?? [];
    expect(items).toHaveLength(owedDown);
    for (const item of items) {
      expect(item.status).toBe('FAILED');
      expect(item.GSI1PK).toBeDefined();
    }
    const numbers = new Set(down.map((p) => p.accountNumber));
    const paidByPartner = (await ledgerOf(DOWN)).items.filter((l) => numbers.has(l.accountNumber));
    expect(paidByPartner).toEqual([]);

    // The next run pays exactly them, once.
    const second = await stageAndApprove(admin, approver, '2020-06');
    expect(second.staged.totals.instructions).toBe(owedDown);
    const paid = await waitForRun(admin, second.runId, ['COMPLETED', 'COMPLETED_WITH_FAILURES'], 180_000);
    expect(paid.status).toBe('COMPLETED');
    const theirs = (await ledgerOf(DOWN)).items.filter((l) => numbers.has(l.accountNumber));
    expect(theirs).toHaveLength(owedDown);
    expect(new Set(theirs.map((l) => l.reference)).size).toBe(owedDown);
    let entries = 0;
    for (const p of down) {
      const mine = await payoutEntriesOf(p);
      expect(mine.map((e) => `${e.incentiveKind}#${e.incentiveN}`).sort()).toEqual(
        p.incentives.map((i) => `${i.kind}#${i.n}`).sort(),
      );
      expect(mine.every((e) => e.runId === second.runId)).toBe(true);
      entries += mine.length;
    }
    // Ledger lines at the partner = payout entries in ours.
    expect(entries).toBe(theirs.length);
  }, 900_000);
});
