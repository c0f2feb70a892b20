// npm run bench:registration [-- --n=5000 --concurrency=32]
// N citizens go through account -> verify email -> verify phone -> sign in -> profile ->
// join over HTTP against a fresh local stack. In the same run, the same DynamoDB writes
// are issued straight to DynamoDB Local through the store layer (no HTTP, no handler, no
// scrypt): the baseline the HTTP figure is compared with.
import { randomUUID } from 'node:crypto';
import { readMetrics, totals } from '#test/bench/metrics.ts';
import { measureRaw } from '#test/bench/registration-raw.ts';
import { argNumber, Latencies, round, runPool } from '#test/bench/stats.ts';
import { type CallOptions, request } from '#test/support/http.ts';
import { profileBody, randomIdentity } from '#test/support/nik.ts';
import { spawnStack } from '#test/support/spawn-stack.ts';

const n = argNumber('n', 5000);
const concurrency = argNumber('concurrency', 32);
const stack = await spawnStack({ LOG_LEVEL: 'INFO' });
const call = (method: string, path: string, options?: CallOptions) =>
  request(stack.info.apiUrl, method, path, options);

try {
  const admin = stack.info.admins.find((a) => a.role === 'admin')!;
  const adminToken = (
    await call('POST', '/v1/sessions', { body: { email: admin.email, password: admin.password } })
  ).body.accessToken as string;
  const now = Date.now();
  const wave = await call('POST', '/v1/admin/waves', {
    token: adminToken,
    body: {
      name: 'Benchmark wave',
      opensAt: new Date(now - 60_000).toISOString(),
      closesAt: new Date(now + 86_400_000).toISOString(),
      quota: 1000,
      purchaseDeadlineDays: 30,
      scheme: {
        trainingBalanceIdr: 3_500_000,
        incentiveIdr: 600_000,
        incentiveMonths: 1,
        surveyIncentiveIdr: 50_000,
        surveyCount: 2,
      },
    },
  });
  if (wave.status !== 201) throw new Error(`wave: ${wave.status} ${JSON.stringify(wave.body)}`);
  const waveId = wave.body.waveId as string;

  const latencies = new Latencies();
  let failures = 0;
  const started = performance.now();
  await runPool(n, concurrency, async (i) => {
    const email = `bench-${i}-${randomUUID()}@example.com`;
    const phone = `+6285${String(i).padStart(9, '0')}`;
    const password = 'correct horse battery';
    const step = async (
      name: string,
      method: string,
      path: string,
      body?: unknown,
      token?: string,
      ok = [200, 201],
    ) => {
      const r = await latencies.time(name, () => call(method, path, { body, token }));
      if (!ok.includes(r.status)) throw new Error(`${name}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    };
    try {
      await step('account', 'POST', '/v1/accounts', { fullName: 'Warga Bench', email, password, phone });
      for (const [channel, to, template] of [
        ['email', email, 'verify-email'],
        ['phone', phone, 'verify-phone'],
      ] as const) {
        const outbox = await call('GET', `/_local/outbox?to=${encodeURIComponent(to)}`);
        const code = outbox.body.items.find((m: { template: string }) => m.template === template)?.code;
        await step(`verify-${channel}`, 'POST', '/v1/accounts/verify', { email, channel, code });
      }
      const { accessToken } = await step('session', 'POST', '/v1/sessions', { email, password });
      await step('profile', 'PUT', '/v1/me/profile', profileBody(randomIdentity()), accessToken);
      await step('join', 'POST', `/v1/me/waves/${waveId}/join`, undefined, accessToken);
    } catch (error) {
      failures += 1;
      if (failures <= 3) console.error(String(error));
    }
  });
  const seconds = (performance.now() - started) / 1000;
  const registered = n - failures;

  // Capacity and calls per registration, from the metrics the handlers publish.
  const steps = new Set(['createAccount', 'verifyAccount', 'createSession', 'putProfile', 'joinWave']);
  const used = totals(readMetrics(stack.logFile, (op) => steps.has(op)));
  const wcu = used.ConsumedWriteCapacity ?? 0;
  const rcu = used.ConsumedReadCapacity ?? 0;
  const calls = used.DynamoDBCalls ?? 0;

  const { rawPerSecond } = await measureRaw(stack, waveId, Math.min(n, 2000), concurrency);
  const perSecond = registered / seconds;
  const figures = {
    bench: 'registration',
    citizens: registered,
    failures,
    concurrency,
    seconds: round(seconds),
    citizensPerSecond: round(perSecond),
    latencyMs: latencies.summary(),
    wcuPerCitizen: round(wcu / Math.max(registered, 1), 2),
    rcuPerCitizen: round(rcu / Math.max(registered, 1), 2),
    rawCitizensPerSecond: round(rawPerSecond),
    ratio: round(perSecond / rawPerSecond, 3),
    // The baseline is the raw engine doing the same writes: both ratios are that one.
    rawRatio: round(perSecond / rawPerSecond, 3),
    callsPerOp: round(calls / Math.max(registered, 1), 1),
  };
  console.log(
    `\n${registered} citizens registered and joined in ${figures.seconds} s: ${figures.citizensPerSecond}/s over HTTP`,
  );
  console.log(
    `raw DynamoDB Local, same writes without HTTP/handlers: ${figures.rawCitizensPerSecond}/s (ratio ${figures.ratio})`,
  );
  console.log(
    `consumed per citizen: ${figures.wcuPerCitizen} WCU, ${figures.rcuPerCitizen} RCU (as DynamoDB Local reports them), ${figures.callsPerOp} DynamoDB calls`,
  );
  console.table(figures.latencyMs);
  console.log(JSON.stringify(figures));
} finally {
  await stack.stop();
}
