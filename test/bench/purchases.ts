// npm run bench:purchases [-- --n=2000 --concurrency=32]
// N full purchase flows over HTTP, as platforms make them (signed requests): create ->
// confirm with the participant's SMS code -> redeem the voucher -> complete. Participants
// are written straight into DynamoDB Local first (as the selection issues them); codes are
// read from the local outbox outside the timed steps. Baseline in the same run: the raw
// rate of DynamoDB Local for 4-item transactions like the confirmation's.
import { randomUUID } from 'node:crypto';
import { BatchWriteCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { newCardNumber } from '#shared/domain/draw.ts';
import { card, participant } from '#shared/store/items.ts';
import { readMetrics, totals } from '#test/bench/metrics.ts';
import { argNumber, Latencies, round, runPool } from '#test/bench/stats.ts';
import { documentClient } from '#test/support/applicants.ts';
import { request } from '#test/support/http.ts';
import { spawnStack } from '#test/support/spawn-stack.ts';
import { sendSigned } from '../../scripts/sign-request.ts';

const n = argNumber('n', 2000);
const concurrency = argNumber('concurrency', 32);
const stack = await spawnStack({ LOG_LEVEL: 'INFO' });
const { apiUrl, tableName } = stack.info;
const client = documentClient(stack.info);

try {
  // The flows spread over the 8 seeded platforms, each under its own rate limit (100/s).
  const keys = stack.info.partners
    .filter((p) => p.kind === 'platform')
    .map((p) => ({ keyId: p.keyId, secret: p.secret }));
  for (const key of keys) {
    const course = await sendSigned(apiUrl, key, {
      method: 'PUT',
      path: '/v1/partner/courses/bench',
      body: JSON.stringify({
        title: 'Bench',
        institution: { id: 'lp-bench', name: 'LP' },
        priceIdr: 500_000,
        mode: 'online',
        category: 'x',
      }),
    });
    if (course.status >= 300) throw new Error(`course: ${course.status}`);
  }

  // Participants, as the selection writes them.
  const participants = Array.from({ length: n }, (_, i) => ({
    accountId: randomUUID(),
    cardNumber: newCardNumber(),
    phone: `+6289${String(100_000_000 + i).slice(-9)}`,
  }));
  const deadline = new Date(Date.now() + 30 * 86_400_000).toISOString();
  for (let i = 0; i < participants.length; i += 12) {
    const items = participants.slice(i, i + 12).flatMap((p) => [
      {
        ...participant.key(p),
        type: participant.type,
        ...p,
        waveId: 'bench',
        balanceIdr: 3_500_000,
        status: 'ACTIVE',
        purchaseDeadline: deadline,
        email: `${p.accountId}@example.com`,
      },
      card.item({ accountId: p.accountId }, p),
    ]);
    await client.send(
      new BatchWriteCommand({
        RequestItems: { [tableName]: items.map((Item) => ({ PutRequest: { Item } })) },
      }),
    );
  }

  const latencies = new Latencies();
  const post = (key: (typeof keys)[number], path: string, body?: unknown) =>
    sendSigned(apiUrl, key, {
      method: 'POST',
      path,
      ...(body ? { body: JSON.stringify(body) } : {}),
      idempotencyKey: randomUUID(),
    });
  const step = async (name: string, run: () => Promise<{ status: number; body: any }>) => {
    const r = await latencies.time(name, run);
    if (r.status >= 300) throw new Error(`${name}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  let failures = 0;
  const started = performance.now();
  await runPool(n, concurrency, async (i) => {
    const p = participants[i]!;
    const key = keys[i % keys.length]!;
    try {
      const created = await step('create', () =>
        post(key, '/v1/partner/purchases', { cardNumber: p.cardNumber, courseId: 'bench' }),
      );
      const outbox = await request(apiUrl, 'GET', `/_local/outbox?to=${encodeURIComponent(p.phone)}`);
      const otp = outbox.body.items.find((m: { template: string }) => m.template === 'purchase-otp').code;
      const paid = await step('confirm', () =>
        post(key, `/v1/partner/purchases/${created.purchaseId}/confirmation`, { otp }),
      );
      await step('redeem', () =>
        post(key, `/v1/partner/purchases/${created.purchaseId}/redemption`, {
          voucherCode: paid.voucherCode,
        }),
      );
      await step('complete', () =>
        post(key, `/v1/partner/purchases/${created.purchaseId}/completion`, {
          completedAt: new Date().toISOString(),
          certificateNumber: 'B',
        }),
      );
    } catch (error) {
      failures++;
      if (failures < 5) console.error(String(error));
    }
  });
  const seconds = (performance.now() - started) / 1000;
  const flowsPerSecond = (n - failures) / seconds;

  // Capacity and calls per flow, from the metrics the handlers publish.
  const used = totals(readMetrics(stack.logFile, (op) => op.endsWith('Purchase')));
  const wcu = used.ConsumedWriteCapacity ?? 0;
  const rcu = used.ConsumedReadCapacity ?? 0;
  const calls = used.DynamoDBCalls ?? 0;

  // Baseline: 4-item transactions (purchase, participant, ledger, voucher) straight to DynamoDB Local.
  const rawN = Math.min(n, 2000);
  const rawStarted = performance.now();
  await runPool(rawN, concurrency, async () => {
    const id = randomUUID();
    await client.send(
      new TransactWriteCommand({
        TransactItems: ['PURCHASE', 'PARTICIPANT', 'LEDGER', 'VOUCHER'].map((kind) => ({
          Put: { TableName: tableName, Item: { PK: `RAW#${id}`, SK: kind, payload: 'x'.repeat(200) } },
        })),
      }),
    );
  });
  const rawPerSecond = rawN / ((performance.now() - rawStarted) / 1000);

  const summary = latencies.summary();
  console.log(
    `${n - failures} flows (${failures} failed) in ${round(seconds)} s at concurrency ${concurrency}: ${round(flowsPerSecond)} flows/s`,
  );
  for (const [name, s] of Object.entries(summary))
    console.log(`  ${name.padEnd(9)} p50 ${s.p50} ms  p99 ${s.p99} ms`);
  console.log(
    `consumed per flow: ${round(wcu / n, 1)} WCU, ${round(rcu / n, 1)} RCU (as DynamoDB Local reports them), ${round(calls / n, 1)} DynamoDB calls`,
  );
  console.log(`baseline: ${round(rawPerSecond)} raw 4-item transactions/s straight to DynamoDB Local`);
  console.log(
    JSON.stringify({
      bench: 'purchases',
      flows: n - failures,
      failures,
      concurrency,
      flowsPerSecond: round(flowsPerSecond),
      p50: Object.fromEntries(Object.entries(summary).map(([k, s]) => [k, s.p50])),
      p99: Object.fromEntries(Object.entries(summary).map(([k, s]) => [k, s.p99])),
      wcuPerFlow: round(wcu / n, 1),
      rcuPerFlow: round(rcu / n, 1),
      rawTransactionsPerSecond: round(rawPerSecond),
      ratio: round(flowsPerSecond / rawPerSecond, 4),
      rawRatio: round(flowsPerSecond / rawPerSecond, 4),
      callsPerOp: round(calls / Math.max(n - failures, 1), 1),
    }),
  );
  if (failures) process.exitCode = 1;
} finally {
  await stack.stop();
}
