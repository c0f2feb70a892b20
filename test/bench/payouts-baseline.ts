// The baseline of bench:payouts: the minimal work for the same business outcome, an
// incentive paid at its partner and recorded, straight to the engines: for each
// instruction one signed disbursement call to the partner simulator (the same adapter the
// dispatcher uses) and the dispatcher's own settlement (`settlePaid`: instruction, incentive, payout
// entry) on DynamoDB Local, each partner at the dispatchers' concurrency for it. No
// queue, no workflow, no batch reads or tallies. The raw engine rate beside it is
// single-item puts at the same concurrency.
import { randomUUID } from 'node:crypto';
import { BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { PayoutInstruction } from '#contexts/payouts/items.ts';
import { payoutInstruction } from '#contexts/payouts/items.ts';
import { httpsPaymentPartners } from '#contexts/payouts/payments/https.ts';
import { PAYMENT_PARTNERS } from '#contexts/payouts/payments/partners.ts';
import { incentive } from '#contexts/purchases/items.ts';
import type { SpawnedStack } from '#local/spawn-stack.ts';
import { logger } from '#platform/logger.ts';
import { round, runPool } from '#test/bench/stats.ts';
import { documentClient } from '#test/support/applicants.ts';
import { LIVE_PAYMENT_PARTNERS, type Payable, seedPayablesInto } from '#test/support/payouts.ts';

/** Instructions the dispatcher works on at once per partner: its Lambda concurrency
 *  (contexts/payouts/payments/partners.ts) times the calls each invocation keeps in flight. */
const IN_FLIGHT = 8;

export async function measureBaseline(stack: SpawnedStack, count: number) {
  logger.setLogLevel('WARN'); // the adapter logs every partner call; the stack's log has the run's
  Object.assign(process.env, {
    TABLE_NAME: stack.info.tableName,
    DYNAMODB_ENDPOINT: stack.info.dynamoEndpoint,
  });
  // Imported once the environment names the stack's table: the dispatcher's own settlement.
  const { withInvocation } = await import('#platform/observability.ts');
  const { settlePaid } = await import('#contexts/payouts/store/payout-settlement.ts');
  const client = documentClient(stack.info);
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
    const payables = (await seedPayablesInto(stack, n, dueDate)).map((p) => {
      const instruction: PayoutInstruction = {
        instructionId: randomUUID(),
        runId: 'baseline',
        batchId: p.partnerCode,
        accountId: p.accountId,
        incentiveKind: 'incentive',
        incentiveN: 1,
        dueDate,
        partnerCode: p.partnerCode,
        accountNumberSealed: '',
        accountNumberMasked: '',
        amountIdr: p.incentives[0]!.amountIdr,
        status: 'PENDING',
      };
      return { ...p, instruction };
    });
    const items = payables.flatMap(({ instruction: i }) => [
      incentive.item({
        accountId: i.accountId,
        kind: 'incentive',
        n: 1,
        amountIdr: i.amountIdr,
        dueDate,
        status: 'STAGED',
        scheduledAt: '',
        instructionId: i.instructionId,
      }),
      payoutInstruction.item(i),
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

  const pay = async ({ accountNumber, instruction: i }: Payable & { instruction: PayoutInstruction }) => {
    const paid = await partners.disburse(i.partnerCode, {
      reference: i.instructionId,
      accountNumber,
      amountIdr: i.amountIdr,
    });
    if (paid.status !== 'PAID') throw new Error(`baseline: ${i.partnerCode} refused ${paid.reason}`);
    if ((await settlePaid(i, paid, new Date())) !== 'settled') throw new Error('baseline: settled twice');
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
  let started = performance.now();
  const { invocation: meter, result } = withInvocation(() => payAll(payables));
  await result;
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
