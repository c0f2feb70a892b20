// The baseline of bench:payouts: the minimal work for the same business outcome, an
// incentive paid at its partner and recorded, straight to the engines: for each
// instruction one signed disbursement call to the partner simulator (the same adapter the
// dispatcher uses) and the same settlement transaction (instruction, incentive, payout
// entry) on DynamoDB Local, each partner at the dispatchers' concurrency for it. No
// queue, no workflow, no batch reads or tallies. The raw engine rate beside it is
// single-item puts at the same concurrency.
import { randomUUID } from 'node:crypto';
import { BatchWriteCommand, PutCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { logger } from '#shared/logger.ts';
import { newInvocation } from '#shared/observability.ts';
import { httpsPaymentPartners } from '#shared/payments/https.ts';
import { PAYMENT_PARTNERS } from '#shared/payments/partners.ts';
import { meterCalls } from '#shared/store/capacity.ts';
import { incentive, payoutEntry, payoutInstruction } from '#shared/store/items.ts';
import { round, runPool } from '#test/bench/stats.ts';
import { documentClient } from '#test/support/applicants.ts';
import { LIVE_PAYMENT_PARTNERS, type Payable, seedPayablesInto } from '#test/support/payouts.ts';
import type { SpawnedStack } from '#test/support/spawn-stack.ts';

/** Instructions the dispatcher works on at once per partner: its Lambda concurrency
 *  (shared/payments/partners.ts) times the calls each invocation keeps in flight. */
const IN_FLIGHT = 8;

export async function measureBaseline(stack: SpawnedStack, count: number) {
  logger.setLogLevel('WARN'); // the adapter logs every partner call; the stack's log has the run's
  const client = documentClient(stack.info);
  const meter = newInvocation();
  meterCalls(client, () => meter);
  const partners = httpsPaymentPartners({
    endpoints: Object.fromEntries(
      LIVE_PAYMENT_PARTNERS.map((code) => [code, `${stack.info.paymentPartnersEndpoint}/${code}`]),
    ),
    keys: stack.info.paymentPartnerKeys,
  });
  const TableName = stack.info.tableName;

  // Written outside the timing: what the staging would have left (instructions PENDING,
  // incentives STAGED), with accounts open at the partners.
  const prepare = async (n: number, dueDate: string) => {
    const payables = (await seedPayablesInto(stack, n, dueDate)).map((p) => ({
      ...p,
      instructionId: randomUUID(),
      amountIdr: p.incentives[0]!.amountIdr,
    }));
    const items = payables.flatMap((p) => [
      incentive.item({
        accountId: p.accountId,
        kind: 'incentive',
        n: 1,
        amountIdr: p.amountIdr,
        dueDate,
        status: 'STAGED',
        scheduledAt: '',
        instructionId: p.instructionId,
      }),
      payoutInstruction.item({
        instructionId: p.instructionId,
        runId: 'baseline',
        batchId: p.partnerCode,
        accountId: p.accountId,
        incentiveKind: 'incentive',
        incentiveN: 1,
        dueDate,
        partnerCode: p.partnerCode,
        accountNumberSealed: '',
        accountNumberMasked: '',
        amountIdr: p.amountIdr,
        status: 'PENDING',
      }),
    ]);
    for (let i = 0; i < items.length; i += 25) {
      let writes: Record<string, unknown>[] = items
        .slice(i, i + 25)
        .map((Item) => ({ PutRequest: { Item } }));
      while (writes.length) {
        const out = await client.send(new BatchWriteCommand({ RequestItems: { [TableName]: writes } }));
        writes = (out.UnprocessedItems?.[TableName] ?? []) as Record<string, unknown>[];
      }
    }
    return payables;
  };

  const pay = async (p: Payable & { instructionId: string; amountIdr: number }) => {
    const paid = await partners.disburse(p.partnerCode, {
      reference: p.instructionId,
      accountNumber: p.accountNumber,
      amountIdr: p.amountIdr,
    });
    if (paid.status !== 'PAID') throw new Error(`baseline: ${p.partnerCode} refused ${paid.reason}`);
    const at = new Date().toISOString();
    await client.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Update: {
              TableName,
              Key: payoutInstruction.key({
                runId: 'baseline',
                batchId: p.partnerCode,
                instructionId: p.instructionId,
              }),
              UpdateExpression: 'SET #s = :paid, settledAt = :at, partnerReference = :ref',
              ConditionExpression: '#s = :pending',
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: {
                ':paid': 'PAID',
                ':pending': 'PENDING',
                ':at': at,
                ':ref': paid.partnerReference,
              },
            },
          },
          {
            Update: {
              TableName,
              Key: incentive.key({ accountId: p.accountId, kind: 'incentive', n: 1 }),
              UpdateExpression: 'SET #s = :paid, paidAt = :at',
              ConditionExpression: '#s = :staged AND instructionId = :iid',
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: {
                ':paid': 'PAID',
                ':staged': 'STAGED',
                ':iid': p.instructionId,
                ':at': at,
              },
            },
          },
          {
            Put: {
              TableName,
              Item: payoutEntry.item({
                accountId: p.accountId,
                instructionId: p.instructionId,
                runId: 'baseline',
                partnerCode: p.partnerCode,
                amountIdr: paid.amountIdr,
                partnerReference: paid.partnerReference,
                incentiveKind: 'incentive',
                incentiveN: 1,
                at,
              }),
              ConditionExpression: 'attribute_not_exists(PK)',
            },
          },
        ],
      }),
    );
  };

  // Each partner drains its own share at its own concurrency, all partners at once.
  const payAll = async (payables: Awaited<ReturnType<typeof prepare>>) =>
    Promise.all(
      LIVE_PAYMENT_PARTNERS.map((code) => {
        const mine = payables.filter((p) => p.partnerCode === code);
        const width = PAYMENT_PARTNERS.find((p) => p.code === code)!.maxConcurrency * IN_FLIGHT;
        return runPool(mine.length, width, (i) => pay(mine[i]!));
      }),
    );

  await payAll(await prepare(Math.min(100, count), '2031-01-15')); // warm-up, not timed
  const payables = await prepare(count, '2031-02-15');
  Object.assign(meter, newInvocation());
  let started = performance.now();
  await payAll(payables);
  const perSecond = count / ((performance.now() - started) / 1000);
  const billedWritePerPaid = meter.billedWrite / count;
  const callsPerPaid = meter.calls / count;

  const concurrency = LIVE_PAYMENT_PARTNERS.reduce(
    (sum, code) => sum + PAYMENT_PARTNERS.find((p) => p.code === code)!.maxConcurrency * IN_FLIGHT,
    0,
  );
  started = performance.now();
  await runPool(count, concurrency, async (i) => {
    await client.send(
      new PutCommand({ TableName, Item: { PK: `RAW#${randomUUID()}`, SK: `RAW#${i}`, amountIdr: 1 } }),
    );
  });
  const rawPerSecond = count / ((performance.now() - started) / 1000);
  return {
    perSecond: round(perSecond),
    rawPerSecond: round(rawPerSecond),
    billedWritePerPaid: round(billedWritePerPaid, 2),
    callsPerPaid: round(callsPerPaid, 2),
    concurrency,
  };
}
