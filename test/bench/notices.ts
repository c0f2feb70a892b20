// npm run bench:notices [-- --n=20000 --rate=500]
// A draw's worth of bulk notices (N Outbox items written straight to the table, one in ten
// by SMS) on a fresh local stack whose SES and SNS stand-ins take `rate` sends a second,
// while a citizen registers every second and waits for the sign-up code. Prints notices
// per second, the codes' latency p50/p99 during the backlog, duplicates and lost notices
// (both must be 0), DynamoDB calls per notice. Baseline, in the same run: the same number
// of sends straight to the stand-ins, paced at the bulk senders' share of the same rate
// (no stream, queue or marker: the least work that sends each once at that rate); and the
// raw rate of the stand-ins unpaced. docs/notifications.md.
import { randomUUID } from 'node:crypto';
import { SESv2Client, SendEmailCommand } from '@aws-sdk/client-sesv2';
import { bulkRate } from '#contexts/notifications/rules/rate.ts';
import { spawnStack } from '#local/spawn-stack.ts';
import { readMetrics, totals } from '#test/bench/metrics.ts';
import { argNumber, round, runPool } from '#test/bench/stats.ts';
import { request } from '#test/support/http.ts';
import { grown, setSendingRate, tally, writeBulkNotices } from '#test/support/notices.ts';

const n = argNumber('n', 20_000);
const rate = argNumber('rate', 500);
const stack = await spawnStack({ LOG_LEVEL: 'INFO' });
const api = stack.info.apiUrl;

try {
  await setSendingRate(api, { email: rate, sms: rate });
  const before = await tally(api);
  const started = performance.now();
  const writing = writeBulkNotices(stack.info, n);

  // A sign-up a second while the backlog drains: how long until its code reaches SES.
  const latencies: number[] = [];
  const uniquePhone = () => `+62813${String(Math.floor(Math.random() * 1e8)).padStart(8, '0')}`;
  let draining = true;
  const codes = (async () => {
    while (draining) {
      const email = `bench-${randomUUID()}@example.com`;
      const asked = performance.now();
      const created = await request(api, 'POST', '/v1/accounts', {
        body: { fullName: 'Dewi Lestari', email, password: 'correct horse battery', phone: uniquePhone() },
      });
      if (created.status === 201)
        for (;;) {
          const sent = await request(api, 'GET', `/_local/sent?to=${encodeURIComponent(email)}`);
          if (sent.body.items?.length) {
            latencies.push(performance.now() - asked);
            break;
          }
          if (performance.now() - asked > 60_000) break;
          await new Promise((resolve) => setTimeout(resolve, 25));
        }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  })();
  await writing;
  const written = performance.now();
  let now = grown(before, await tally(api));
  let said = performance.now();
  // Done when every bulk notice (and every code) has left; lost if it never does.
  while (now.distinct < n + latencies.length && performance.now() - started < 30 * 60_000) {
    await new Promise((resolve) => setTimeout(resolve, 500));
    now = grown(before, await tally(api));
    if (performance.now() - said > 10_000) {
      said = performance.now();
      console.log(`  ${now.distinct} sent, ${round((performance.now() - started) / 1000)} s`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  draining = false;
  await codes;
  const after = grown(before, await tally(api));
  const bulkSent = after.distinct - latencies.length;
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) => round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
  const metrics = totals(readMetrics(stack.logFile, (op) => op === 'sendNotices' || op === 'sendOutbox'));

  // Baseline: the same sends straight to the stand-ins, ten at once, paced at the bulk share.
  const ses = new SESv2Client({
    region: 'ap-southeast-3',
    endpoint: stack.info.notificationsEndpoint,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  // Paced by this process's seconds, not the stand-in's: a send that lands in a full
  // second of the stand-in is tried again 20 ms later.
  const sendOne = async (i: number): Promise<void> => {
    for (;;) {
      try {
        await ses.send(
          new SendEmailCommand({
            FromEmailAddress: 'bench@prakerja.local',
            Destination: { ToAddresses: [`baseline-${i}@example.com`] },
            Content: { Simple: { Subject: { Data: 'x' }, Body: { Text: { Data: `baseline ${i}` } } } },
          }),
        );
        return;
      } catch (error) {
        if ((error as Error).name !== 'TooManyRequestsException') throw error;
        await new Promise((r) => setTimeout(r, 20));
      }
    }
  };
  const share = bulkRate(rate);
  const paced = async () => {
    const t0 = performance.now();
    for (let second = 0; second * share < n; second++) {
      const from = second * share;
      await runPool(Math.min(share, n - from), 10, (i) => sendOne(from + i));
      const next = t0 + (second + 1) * 1000;
      if (performance.now() < next) await new Promise((r) => setTimeout(r, next - performance.now()));
    }
    return n / ((performance.now() - t0) / 1000);
  };
  const baseline = await paced();
  await setSendingRate(api, { email: 100_000, sms: 100_000 });
  const rawN = Math.min(n, 5000);
  const r0 = performance.now();
  await runPool(rawN, 10, (i) => sendOne(n + i));
  const raw = rawN / ((performance.now() - r0) / 1000);
  ses.destroy();

  const perSecond = bulkSent / seconds;
  const figures = {
    n,
    rate,
    bulkShare: share,
    seconds: round(seconds),
    writeSeconds: round((written - started) / 1000),
    noticesPerSecond: round(perSecond),
    codes: latencies.length,
    codeP50Ms: at(0.5),
    codeP99Ms: at(0.99),
    duplicates: after.duplicated,
    lost: n - bulkSent,
    throttled: after.throttled,
    dynamoCallsPerNotice: round((metrics.DynamoDBCalls ?? 0) / n, 2),
    baselinePerSecond: round(baseline),
    rawPerSecond: round(raw),
  };
  console.log(figures);
  console.log(
    JSON.stringify({
      bench: 'notices',
      ...figures,
      ratio: round(perSecond / baseline, 3),
      rawRatio: round(perSecond / raw, 3),
      // DynamoDB calls per notice (the DynamoDBCalls metric), as the other benches count.
      callsPerOp: round((metrics.DynamoDBCalls ?? 0) / n, 2),
    }),
  );
} finally {
  await stack.stop();
}
