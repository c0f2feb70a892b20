// npm run bench:stack-cpu [-- --n=200 --concurrency=8 --idle=10]
// CPU (ms) the local stack's Node process and its DynamoDB Local JVM spend per request of a
// few kinds every test makes (a cheap signed GET, a registration, a purchase created and
// confirmed, an outbox read), and per second idle; read from /proc before and after each
// phase; the baseline: one GetItem straight to DynamoDB Local (docs/benchmarks.md).
// STACK_CPU_PROF=<dir> starts the stack with --cpu-prof into that directory.
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { course as courseItem } from '#contexts/catalog/items.ts';
import { spawnStack } from '#local/spawn-stack.ts';
import { readMetrics, totals } from '#test/bench/metrics.ts';
import { putBenchCourse, seedBenchParticipants } from '#test/bench/participants.ts';
import { argNumber, round, runPool } from '#test/bench/stats.ts';
import { documentClient } from '#test/support/applicants.ts';
import { request } from '#test/support/http.ts';
import { sendSigned } from '../../scripts/sign-request.ts';

const n = argNumber('n', 200);
const concurrency = argNumber('concurrency', 8);
const idleSeconds = argNumber('idle', 10);
const prof = process.env.STACK_CPU_PROF;
const stack = await spawnStack({
  LOG_LEVEL: 'INFO',
  ...(prof ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${prof}` } : {}),
});

function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
}
function childrenOf(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).flatMap((tid) =>
    readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').split(' ').filter(Boolean).map(Number),
  );
}
const cmd = (pid: number) => readFileSync(`/proc/${pid}/cmdline`, 'utf8');
const node = childrenOf(process.pid).find((pid) => cmd(pid).includes('local/main.ts'))!;
const jvm = childrenOf(node).find((pid) => cmd(pid).includes('java'))!;
const sample = () => ({ node: cpuMs(node), jvm: cpuMs(jvm) });

const results: Record<string, { nodeMs: number; jvmMs: number; count: number }> = {};
async function phase(name: string, count: number, run: (i: number) => Promise<void>) {
  await runPool(Math.min(20, count), concurrency, run); // warm-up
  await sleep(500);
  const before = sample();
  await runPool(count, concurrency, run);
  await sleep(300);
  const after = sample();
  results[name] = {
    nodeMs: round((after.node - before.node) / count, 2),
    jvmMs: round((after.jvm - before.jvm) / count, 2),
    count,
  };
  console.log(name, results[name]);
}

try {
  const { apiUrl, tableName } = stack.info;
  const platforms = stack.info.partners.filter((p) => p.kind === 'platform');
  const keys = platforms.map((p) => ({ keyId: p.keyId, secret: p.secret }));
  let turn = 0;
  // The platforms in turn (each has its own rate limit); a 429 is waited out and sent again.
  const signed = async (options: Parameters<typeof sendSigned>[2], which = turn++) => {
    for (;;) {
      const r = await sendSigned(apiUrl, keys[which % keys.length]!, options);
      if (r.status !== 429) return r;
      await sleep(1000);
    }
  };
  await putBenchCourse(apiUrl, keys);
  const ok = (r: { status: number; body: unknown }, what: string) => {
    if (r.status >= 300) throw new Error(`${what}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body as any;
  };

  await sleep(2000);
  let before = sample();
  await sleep(idleSeconds * 1000);
  let after = sample();
  results.idlePerSecond = {
    nodeMs: round((after.node - before.node) / idleSeconds, 2),
    jvmMs: round((after.jvm - before.jvm) / idleSeconds, 2),
    count: idleSeconds,
  };
  console.log('idle per second', results.idlePerSecond);

  await phase('getCourse', n, async () => {
    ok(await signed({ method: 'GET', path: '/v1/partner/courses/bench' }), 'get');
  });
  await phase('outboxRead', n, async () => {
    ok(await request(apiUrl, 'GET', `/_local/outbox?to=${encodeURIComponent('x@example.com')}`), 'outbox');
  });
  await phase('createAccount', Math.ceil(n / 2), async (i) => {
    ok(
      await request(apiUrl, 'POST', '/v1/accounts', {
        body: {
          fullName: 'Warga Bench',
          email: `cpu-${i}-${randomUUID()}@example.com`,
          password: 'correct horse battery',
          phone: `+6285${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`,
        },
      }),
      'account',
    );
  });

  // Participants as the selection writes them, then a purchase created and confirmed each.
  const client = documentClient(stack.info);
  const made = await seedBenchParticipants(client, stack.info.tableName, n + 20);
  let next = 0;
  const post = (which: number, path: string, body: unknown) =>
    signed({ method: 'POST', path, body: JSON.stringify(body), idempotencyKey: randomUUID() }, which);
  await phase('purchase (create + confirm)', n, async () => {
    const which = next++;
    const p = made[which]!;
    const created = ok(
      await post(which, '/v1/partner/purchases', { cardNumber: p.cardNumber, courseId: 'bench' }),
      'create',
    );
    let code: string | undefined;
    for (let tries = 0; !code && tries < 50; tries++) {
      const outbox = await request(apiUrl, 'GET', `/_local/outbox?to=${encodeURIComponent(p.phone)}`);
      code = outbox.body.items.find((m: { template: string }) => m.template === 'purchase-otp')?.code;
      if (!code) await sleep(50);
    }
    ok(
      await post(which, `/v1/partner/purchases/${created.purchaseId}/confirmation`, { otp: code }),
      'confirm',
    );
  });

  await sleep(2000);
  before = sample();
  await sleep(idleSeconds * 1000);
  after = sample();
  results.idleAfterPerSecond = {
    nodeMs: round((after.node - before.node) / idleSeconds, 2),
    jvmMs: round((after.jvm - before.jvm) / idleSeconds, 2),
    count: idleSeconds,
  };
  console.log('idle after, per second', results.idleAfterPerSecond);

  // Baseline: a course read as the minimal work does it, one GetItem straight to DynamoDB
  // Local; CPU of this process (the client) and the JVM per read.
  const partnerId = platforms[0]!.id;
  const read = async () => {
    const out = await client.send(
      new GetCommand({ TableName: tableName, Key: courseItem.key({ partnerId, courseId: 'bench' }) }),
    );
    if (!out.Item) throw new Error('baseline: no course');
  };
  await runPool(20, concurrency, read);
  const mine = process.cpuUsage();
  const jvmBefore = cpuMs(jvm);
  await runPool(n, concurrency, read);
  const used = process.cpuUsage(mine);
  const baselineMs = round(((used.user + used.system) / 1000 + cpuMs(jvm) - jvmBefore) / n, 2);
  const get = results.getCourse!;
  const gets = readMetrics(stack.logFile, (op) => op === 'getPartnerCourse');
  const callsPerOp = round((totals(gets).DynamoDBCalls ?? 0) / Math.max(gets.length, 1), 2);
  console.log(
    `baseline: ${baselineMs} ms CPU per GetItem straight to DynamoDB Local (client + JVM); a signed GET over the stack: ${round(get.nodeMs + get.jvmMs, 2)} ms (stack + JVM), ${callsPerOp} DynamoDB calls`,
  );
  const ratio = round(baselineMs / (get.nodeMs + get.jvmMs), 3);
  console.log(
    JSON.stringify({ bench: 'stack-cpu', ...results, baselineMs, ratio, rawRatio: ratio, callsPerOp }),
  );
} finally {
  await stack.stop();
}
