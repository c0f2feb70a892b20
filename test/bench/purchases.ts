// npm run bench:purchases [-- --n=2000 --concurrency=32 --warmup=200 --rounds=4]
// N full purchase flows over HTTP, as platforms make them (signed requests, a fresh
// Idempotency-Key each): create -> confirm with the participant's SMS code -> redeem the
// voucher -> complete, spread over the 8 seeded platforms. Participants are written
// straight into DynamoDB Local first (as the selection issues them). The flows run in two
// timed phases, every create, then confirm -> redeem -> complete, and the SMS codes are
// read from the local outbox between them, outside the timings. Baseline in the same run
// (test/bench/purchases-baseline.ts): the same store calls straight to DynamoDB Local,
// in the same two phases at the same concurrency; both sides are warmed up first, then
// take turns (`rounds` shares of the flows each).
import { randomUUID } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { spawnStack } from '#local/spawn-stack.ts';
import { readMetrics, totals } from '#test/bench/metrics.ts';
import { type BenchParticipant, putBenchCourse, seedBenchParticipants } from '#test/bench/participants.ts';
import { baselineRunner } from '#test/bench/purchases-baseline.ts';
import { argNumber, Latencies, round, runPool } from '#test/bench/stats.ts';
import { documentClient } from '#test/support/applicants.ts';
import { request } from '#test/support/http.ts';
import { sendSigned } from '../../scripts/sign-request.ts';

const n = argNumber('n', 2000);
const concurrency = argNumber('concurrency', 32);
const warmup = argNumber('warmup', Math.min(200, n));
const rounds = argNumber('rounds', 4);
const stack = await spawnStack({ LOG_LEVEL: 'INFO' });
const { apiUrl, tableName } = stack.info;
const client = documentClient(stack.info);
const isPurchaseStep = (op: string) => op.endsWith('Purchase');

try {
  const platforms = stack.info.partners.filter((p) => p.kind === 'platform');
  const keys = platforms.map((p) => ({ keyId: p.keyId, secret: p.secret }));
  await putBenchCourse(apiUrl, keys);

  // Participants, as the selection writes them: warm-up and timed ones for each side.
  const seed = (count: number) => seedBenchParticipants(client, tableName, count);

  const post = (key: (typeof keys)[number], path: string, body?: unknown) =>
    sendSigned(apiUrl, key, {
      method: 'POST',
      path,
      ...(body ? { body: JSON.stringify(body) } : {}),
      idempotencyKey: randomUUID(),
    });
  const overHttp = async (participants: BenchParticipant[], latencies = new Latencies()) => {
    let failures = 0;
    const fail = (error: unknown) => {
      failures++;
      if (failures < 5) console.error(String(error));
    };
    const step = async (name: string, run: () => Promise<{ status: number; body: any }>) => {
      const r = await latencies.time(name, run);
      if (r.status >= 300) throw new Error(`${name}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    };
    const keyOf = (i: number) => keys[i % keys.length]!;
    const created: (string | undefined)[] = [];
    let started = performance.now();
    await runPool(participants.length, concurrency, async (i) => {
      const body = { cardNumber: participants[i]!.cardNumber, courseId: 'bench' };
      created[i] = await step('create', () => post(keyOf(i), '/v1/partner/purchases', body)).then(
        (b) => b.purchaseId,
        fail,
      );
    });
    let seconds = (performance.now() - started) / 1000;
    // The load generator's own reads, between the timed phases.
    const codes: string[] = [];
    await runPool(participants.length, concurrency, async (i) => {
      const to = encodeURIComponent(participants[i]!.phone);
      const outbox = await request(apiUrl, 'GET', `/_local/outbox?to=${to}`);
      codes[i] = outbox.body.items.find((m: { template: string }) => m.template === 'purchase-otp')?.code;
    });
    started = performance.now();
    await runPool(participants.length, concurrency, async (i) => {
      const id = created[i];
      if (!id) return;
      const base = `/v1/partner/purchases/${id}`;
      try {
        const paid = await step('confirm', () => post(keyOf(i), `${base}/confirmation`, { otp: codes[i] }));
        await step('redeem', () => post(keyOf(i), `${base}/redemption`, { voucherCode: paid.voucherCode }));
        await step('complete', () =>
          post(keyOf(i), `${base}/completion`, {
            completedAt: new Date().toISOString(),
            certificateNumber: 'B',
          }),
        );
      } catch (error) {
        fail(error);
      }
    });
    seconds += (performance.now() - started) / 1000;
    return { seconds, failures };
  };

  const baseline = await baselineRunner(stack);
  const partnerIds = platforms.map((p) => p.id);

  // Warm-up, not timed: JIT, module loads, connections, the partner caches.
  await overHttp(await seed(warmup));
  await baseline.run(await seed(warmup), partnerIds, concurrency);
  const warmSteps = readMetrics(stack.logFile, isPurchaseStep).length;

  // The two sides take turns, a share of the flows each, so that the load of the machine
  // (shared, and drifting) weighs on both alike.
  const httpLatencies = new Latencies();
  const baseLatencies = new Latencies();
  const http = { seconds: 0, failures: 0 };
  const base = { seconds: 0, calls: 0, billedWrite: 0, billedRead: 0 };
  // The load generator's own delays (signing, parsing, GC): if they made the tail, it
  // would show here rather than in the stack.
  const generatorDelay = monitorEventLoopDelay({ resolution: 10 });
  const share = Math.ceil(n / rounds);
  for (let done = 0; done < n; done += share) {
    const count = Math.min(share, n - done);
    const [forHttp, forBaseline] = [await seed(count), await seed(count)];
    generatorDelay.enable();
    const h = await overHttp(forHttp, httpLatencies);
    generatorDelay.disable();
    http.seconds += h.seconds;
    http.failures += h.failures;
    const b = await baseline.run(forBaseline, partnerIds, concurrency, baseLatencies);
    base.seconds += b.seconds;
    base.calls += b.calls;
    base.billedWrite += b.billedWrite;
    base.billedRead += b.billedRead;
  }
  const flows = n - http.failures;
  const flowsPerSecond = flows / http.seconds;
  // Capacity and calls per flow, from the metrics the handlers publish (timed run only).
  const used = totals(readMetrics(stack.logFile, isPurchaseStep).slice(warmSteps));
  const perFlow = (metric: string, digits = 1) => round((used[metric] ?? 0) / Math.max(flows, 1), digits);
  const latencies = { http: httpLatencies.summary(), base: baseLatencies.summary() };
  const baseFlowsPerSecond = round(n / base.seconds);
  const basePerFlow = (total: number, digits = 1) => round(total / n, digits);

  const rawPerSecond = await baseline.raw(Math.min(n, 2000), concurrency);

  console.log(
    `${flows} flows (${http.failures} failed) in ${round(http.seconds)} s at concurrency ${concurrency}: ${round(flowsPerSecond)} flows/s`,
  );
  for (const [name, s] of Object.entries(latencies.http))
    console.log(
      `  ${name.padEnd(9)} p50 ${s.p50} ms  p99 ${s.p99} ms  (baseline ${latencies.base[name]?.p50} / ${latencies.base[name]?.p99} ms)`,
    );
  console.log(
    `per flow over HTTP: ${perFlow('DynamoDBCalls')} DynamoDB calls, ${perFlow('BilledWriteUnits')} WRU and ${perFlow('BilledReadUnits')} RRU as AWS bills them (${perFlow('ConsumedWriteCapacity')} WCU, ${perFlow('ConsumedReadCapacity')} RCU as DynamoDB Local reports them)`,
  );
  console.log(
    `baseline, the same store calls straight to DynamoDB Local: ${baseFlowsPerSecond} flows/s, ${basePerFlow(base.calls, 2)} calls, ${basePerFlow(base.billedWrite)} WRU, ${basePerFlow(base.billedRead)} RRU per flow`,
  );
  console.log(`raw engine: ${rawPerSecond} 4-item transactions/s at concurrency ${concurrency}`);
  const tail = (summary: typeof latencies.http) =>
    Object.fromEntries(Object.entries(summary).map(([k, s]) => [k, round(s.p99 / Math.max(s.p50, 0.1), 2)]));
  const p99OverP50 = tail(latencies.http);
  const generatorP99Ms = round(generatorDelay.percentile(99) / 1e6);
  console.log(
    `load generator's event-loop delay over HTTP: p50 ${round(generatorDelay.percentile(50) / 1e6)} ms, p99 ${generatorP99Ms} ms; p99/p50 per step ${JSON.stringify(p99OverP50)} (baseline ${JSON.stringify(tail(latencies.base))})`,
  );
  console.log(
    JSON.stringify({
      bench: 'purchases',
      flows,
      failures: http.failures,
      concurrency,
      flowsPerSecond: round(flowsPerSecond),
      baselineFlowsPerSecond: baseFlowsPerSecond,
      rawTransactionsPerSecond: rawPerSecond,
      p50: Object.fromEntries(Object.entries(latencies.http).map(([k, s]) => [k, s.p50])),
      p99: Object.fromEntries(Object.entries(latencies.http).map(([k, s]) => [k, s.p99])),
      p99OverP50,
      baselineP99OverP50: tail(latencies.base),
      generatorDelayP99Ms: generatorP99Ms,
      billedWritePerFlow: perFlow('BilledWriteUnits'),
      billedReadPerFlow: perFlow('BilledReadUnits'),
      baselineBilledWritePerFlow: basePerFlow(base.billedWrite),
      baselineCallsPerFlow: basePerFlow(base.calls, 2),
      ratio: round(flowsPerSecond / baseFlowsPerSecond, 3),
      rawRatio: round(flowsPerSecond / rawPerSecond, 4),
      callsPerOp: perFlow('DynamoDBCalls', 2),
    }),
  );
  if (http.failures) process.exitCode = 1;
} finally {
  await stack.stop();
}
