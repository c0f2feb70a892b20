// npm run bench:registration [-- --n=2000 --concurrency=32 --warmup=64]
// N citizens go through account -> verify email -> sign in -> profile -> join over HTTP
// (the phone is verified when it is first needed, after selection: not part of this path) against a fresh local stack, after `warmup` untimed ones. In the same run:
// the minimal work for the same outcome straight to DynamoDB Local, once with the same
// scrypt calls and once without (test/bench/registration-raw.ts), the raw engine rate
// (single-item puts), and the CPU one password hash costs, timed alone in this process.
import { randomUUID } from 'node:crypto';
import { spawnStack } from '#local/spawn-stack.ts';
import { hashPassword, verifyPassword } from '#platform/crypto.ts';
import { profileBody, randomIdentity } from '#scripts/lib/nik.ts';
import { type MetricLine, readMetrics, totals } from '#test/bench/metrics.ts';
import { treeCpuMs } from '#test/bench/process-cpu.ts';
import { MINIMAL_CALLS, rawBaseline } from '#test/bench/registration-raw.ts';
import { argNumber, Latencies, round, runPool } from '#test/bench/stats.ts';
import { type CallOptions, request } from '#test/support/http.ts';
import { waveBody } from '#test/support/waves.ts';

const n = argNumber('n', 2000);
const concurrency = argNumber('concurrency', 32);
const warmUp = argNumber('warmup', 64);
/** Password hashes per citizen over HTTP: one at registration, one check at sign-in. */
const HASHES_PER_CITIZEN = 2;
const STEPS = ['createAccount', 'verifyAccount', 'createSession', 'putProfile', 'joinWave'];
const stack = await spawnStack({ LOG_LEVEL: 'INFO' });
const call = (method: string, path: string, options?: CallOptions) =>
  request(stack.info.apiUrl, method, path, options);

/** CPU (user + system) and wall milliseconds per password hash, alone in this process. */
async function hashCost(count: number) {
  const password = 'correct horse battery';
  const stored = await hashPassword(password);
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let i = 0; i < count; i++) await (i % 2 ? verifyPassword(password, stored) : hashPassword(password));
  const used = process.cpuUsage(cpu);
  return {
    cpuMs: round((used.user + used.system) / 1000 / count, 1),
    wallMs: round((performance.now() - started) / count, 1),
  };
}

/** Per-citizen sums of the metrics, and each step's DynamoDB calls per request. */
function perCitizen(lines: MetricLine[], citizens: number) {
  const sum = totals(lines);
  const per = (name: string, digits = 2) =>
    sum[name] === undefined ? null : round(sum[name] / Math.max(citizens, 1), digits);
  const callsPerRequest: Record<string, number> = {};
  // Billed units per request of each step: what docs/capacity.md multiplies by the rate.
  const unitsPerRequest: Record<string, { wru: number; rru: number }> = {};
  for (const step of STEPS) {
    const mine = lines.filter((l) => l.operation === step);
    const sum = totals(mine);
    const requests = Math.max(mine.length, 1);
    callsPerRequest[step] = round((sum.DynamoDBCalls ?? 0) / requests, 2);
    unitsPerRequest[step] = {
      wru: round((sum.BilledWriteUnits ?? 0) / requests, 2),
      rru: round((sum.BilledReadUnits ?? 0) / requests, 2),
    };
  }
  return {
    calls: per('DynamoDBCalls', 2) ?? 0,
    callsPerRequest,
    unitsPerRequest,
    billedWriteUnits: per('BilledWriteUnits'),
    billedReadUnits: per('BilledReadUnits'),
    localWcu: per('ConsumedWriteCapacity'),
    localRcu: per('ConsumedReadCapacity'),
  };
}

try {
  const admin = stack.info.admins.find((a) => a.role === 'admin')!;
  const adminToken = (
    await call('POST', '/v1/sessions', { body: { email: admin.email, password: admin.password } })
  ).body.accessToken as string;
  const now = Date.now();
  const wave = await call('POST', '/v1/admin/waves', {
    token: adminToken,
    body: waveBody({
      name: 'Benchmark wave',
      opensAt: new Date(now - 60_000).toISOString(),
      closesAt: new Date(now + 86_400_000).toISOString(),
      quota: 1000,
      purchaseDeadlineDays: 30,
    }),
  });
  if (wave.status !== 201) throw new Error(`wave: ${wave.status} ${JSON.stringify(wave.body)}`);
  const waveId = wave.body.waveId as string;

  let failures = 0;
  const citizen = async (i: number, latencies?: Latencies) => {
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
      const send = () => call(method, path, { body, token });
      const r = latencies ? await latencies.time(name, send) : await send();
      if (!ok.includes(r.status)) throw new Error(`${name}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body;
    };
    try {
      await step('account', 'POST', '/v1/accounts', { fullName: 'Warga Bench', email, password, phone });
      // The load generator's own read, outside the timed steps (and not a handler's call).
      const read = () => call('GET', `/_local/outbox?to=${encodeURIComponent(email)}`);
      const outbox = latencies ? await latencies.time('outbox', read) : await read();
      const code = outbox.body.items.find((m: { template: string }) => m.template === 'verify-email')?.code;
      await step('verify-email', 'POST', '/v1/accounts/verify', { email, channel: 'email', code });
      const { accessToken } = await step('session', 'POST', '/v1/sessions', { email, password });
      await step('profile', 'PUT', '/v1/me/profile', profileBody(randomIdentity()), accessToken);
      await step('join', 'POST', `/v1/me/waves/${waveId}/join`, undefined, accessToken);
    } catch (error) {
      failures += 1;
      if (failures <= 3) console.error(String(error));
    }
  };

  // Warm-up: the stack's containers, its caches (the wave) and DynamoDB Local's JIT.
  await runPool(warmUp, concurrency, (i) => citizen(1e6 + i));
  failures = 0;
  const isStep = (op: string) => STEPS.includes(op);
  const before = readMetrics(stack.logFile, isStep).length;

  const latencies = new Latencies();
  const cpu = treeCpuMs();
  const started = performance.now();
  await runPool(n, concurrency, (i) => citizen(i, latencies));
  const wall = (performance.now() - started) / 1000;
  const httpCpuMs = cpu === undefined ? undefined : treeCpuMs()! - cpu;
  // The load generator's outbox reads are not the citizens' work: each worker's share of
  // them comes off the wall time (they stay in the CPU figure, which is conservative).
  const { outbox, ...stepLatencies } = latencies.summary();
  const seconds = wall - latencies.total('outbox') / 1000 / concurrency;
  const registered = n - failures;
  // Only the timed citizens' requests (metric lines are written as each request ends).
  const used = perCitizen(readMetrics(stack.logFile, isStep).slice(before), registered);

  // Baselines, after the HTTP run (and its stack idle): each warmed up before it is timed.
  const raw = await rawBaseline(stack, waveId);
  const baselineN = Math.min(n, 1000);
  const withHashing = await raw.citizensPerSecond(baselineN, concurrency, true, warmUp);
  const withoutHashing = await raw.citizensPerSecond(baselineN, concurrency, false, warmUp);
  const putsPerSecond = await raw.putsPerSecond(20_000, concurrency);
  const hash = await hashCost(40);

  const perSecond = registered / seconds;
  // The HTTP run less its hashing: its wall time less the hashes' CPU spread over the
  // machine's cores (the run is CPU-bound on them), compared with the baseline that hashes nothing.
  const cores = (await import('node:os')).availableParallelism();
  const hashSeconds = (registered * HASHES_PER_CITIZEN * hash.cpuMs) / 1000 / cores;
  const perSecondLessHashing = registered / Math.max(seconds - hashSeconds, 1e-3);
  const figures = {
    bench: 'registration',
    citizens: registered,
    failures,
    concurrency,
    warmUp,
    seconds: round(seconds),
    wallSeconds: round(wall),
    citizensPerSecond: round(perSecond),
    latencyMs: stepLatencies,
    outboxReadMs: outbox,
    // CPU of this process, the stack and DynamoDB Local while each side ran, per citizen.
    cpuMsPerCitizen: httpCpuMs === undefined ? null : round(httpCpuMs / Math.max(registered, 1)),
    baselineCpuMsPerCitizen: withHashing.cpuMsPerCitizen,
    baselineWithoutHashingCpuMsPerCitizen: withoutHashing.cpuMsPerCitizen,
    ...used,
    hashCpuMs: hash.cpuMs,
    hashWallMs: hash.wallMs,
    hashesPerCitizen: HASHES_PER_CITIZEN,
    baselineCitizensPerSecond: withHashing.perSecond,
    baselineWithoutHashingPerSecond: withoutHashing.perSecond,
    baselineCallsPerCitizen: withHashing.callsPerCitizen,
    baselineBilledWriteUnits: withHashing.billedWriteUnits,
    baselineBilledReadUnits: withHashing.billedReadUnits,
    citizensPerSecondLessHashing: round(perSecondLessHashing),
    rawPutsPerSecond: putsPerSecond,
    // HTTP vs the minimal work with the same scrypt calls.
    ratio: round(perSecond / withHashing.perSecond, 3),
    // HTTP less its hashing CPU vs the minimal work without hashing.
    ratioWithoutHashing: round(perSecondLessHashing / withoutHashing.perSecond, 3),
    // HTTP vs the engine doing the minimal number of calls as single-item puts.
    rawRatio: round(perSecond / (putsPerSecond / MINIMAL_CALLS), 3),
    // The same comparisons in CPU per citizen, which other work on the machine moves less.
    cpuRatio:
      httpCpuMs === undefined || withHashing.cpuMsPerCitizen === null
        ? null
        : round(withHashing.cpuMsPerCitizen / (httpCpuMs / registered), 3),
    cpuRatioWithoutHashing:
      httpCpuMs === undefined || withoutHashing.cpuMsPerCitizen === null
        ? null
        : round(
            withoutHashing.cpuMsPerCitizen / (httpCpuMs / registered - HASHES_PER_CITIZEN * hash.cpuMs),
            3,
          ),
    callsPerOp: used.calls,
  };
  console.log(
    `\n${registered} citizens registered and joined in ${figures.seconds} s: ${figures.citizensPerSecond}/s over HTTP (after ${warmUp} warm-up citizens)`,
  );
  console.log(
    `minimal work straight to DynamoDB Local: ${withHashing.perSecond}/s with the same scrypt calls (ratio ${figures.ratio}), ${withoutHashing.perSecond}/s without; ${withHashing.callsPerCitizen} calls, billed ${withHashing.billedWriteUnits} WRU, ${withHashing.billedReadUnits} RRU per citizen`,
  );
  console.log(
    `password hash: ${hash.cpuMs} ms CPU (${hash.wallMs} ms wall) each, ${HASHES_PER_CITIZEN} per citizen; HTTP less its hashing ${figures.citizensPerSecondLessHashing}/s (ratio without hashing ${figures.ratioWithoutHashing})`,
  );
  console.log(
    `raw engine: ${putsPerSecond} single-item puts/s at concurrency ${concurrency} (rawRatio ${figures.rawRatio}, as if each of the ${MINIMAL_CALLS} calls were one put)`,
  );
  console.log(
    `per citizen: ${used.calls} DynamoDB calls ${JSON.stringify(used.callsPerRequest)} per request; billed ${used.billedWriteUnits ?? '?'} WRU, ${used.billedReadUnits ?? '?'} RRU; DynamoDB Local reports ${used.localWcu} WCU, ${used.localRcu} RCU`,
  );
  console.log(`billed units per request (WRU/RRU): ${JSON.stringify(used.unitsPerRequest)}`);
  if (figures.cpuMsPerCitizen !== null)
    console.log(
      `CPU per citizen (this process, the stack, DynamoDB Local): ${figures.cpuMsPerCitizen} ms over HTTP, ${withHashing.cpuMsPerCitizen} ms baseline with hashing (cpuRatio ${figures.cpuRatio}), ${withoutHashing.cpuMsPerCitizen} ms without (vs HTTP less its hashing: ${figures.cpuRatioWithoutHashing})`,
    );
  console.table(figures.latencyMs);
  console.log(JSON.stringify(figures));
} finally {
  await stack.stop();
}
