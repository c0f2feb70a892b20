// npm run bench:rush [-- --seconds=15 --connections=32 --users=0 --rate=0]
// A wave's opening rush against a fresh local stack (docs/waiting-room.md):
// 1. room off: autocannon floods POST /v1/accounts (a new citizen each request) at
//    `connections` for `seconds`: the highest rate this machine holds, and its p50/p99;
// 2. room on: autocannon floods POST /v1/waiting-room/entries (the rush at the door);
// 3. room on: `users` citizens arrive at once, each queues, polls with Retry-After until
//    admitted and registers with its token, at the room's rate (default: 80% of what
//    step 1 held): the admitted users' registration p50/p99, their wait, the longest
//    queue, errors, and what was lost (admitted and never registered: must be 0);
// and the baseline in the same run: the same registrations (same scrypt hash, the same
// transaction) straight to DynamoDB Local, and the raw engine rate (single-item puts).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { spawnStack } from '#local/spawn-stack.ts';
import { readMetrics, totals } from '#test/bench/metrics.ts';
import { argNumber, round, runPool } from '#test/bench/stats.ts';
import { type CallOptions, request } from '#test/support/http.ts';

const seconds = argNumber('seconds', 15);
const connections = argNumber('connections', 32);
const stack = await spawnStack({ LOG_LEVEL: 'INFO' });
const api = stack.info.apiUrl;
const call = (method: string, path: string, options?: CallOptions) => request(api, method, path, options);

let citizens = 0;
/** A new citizen's registration body: a unique email and phone each. */
function citizenBody(): string {
  citizens += 1;
  const n = citizens + Math.floor(Math.random() * 1e6) * 1000;
  return JSON.stringify({
    fullName: 'Warga Rush',
    email: `rush-${randomUUID()}@example.com`,
    password: 'correct horse battery',
    phone: `+6281${String(n).padStart(9, '0').slice(-9)}`,
  });
}

const percentile = (list: number[], q: number) => {
  const sorted = [...list].sort((a, b) => a - b);
  return round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
};

/** The same registrations straight to the engine: the route's scrypt hash and its one
 *  transaction (email marker, phone marker, account, outbox message), no HTTP. */
async function baseline(count: number, concurrency: number) {
  const keys = JSON.parse(readFileSync(join(stack.dir, 'keys.json'), 'utf8'));
  Object.assign(process.env, {
    TABLE_NAME: stack.info.tableName,
    DYNAMODB_ENDPOINT: stack.info.dynamoEndpoint,
    JWT_KEY: keys.jwtKey,
    LOOKUP_KEY: keys.lookupKey,
    DATA_KEY: keys.dataKey,
  });
  const { DynamoDBClient } = await import('@aws-sdk/client-dynamodb');
  const { DynamoDBDocumentClient, PutCommand, TransactWriteCommand } = await import('@aws-sdk/lib-dynamodb');
  const { hashPassword } = await import('#platform/crypto.ts');
  const { account, emailMarker, phoneMarker } = await import('#contexts/items.ts');
  const { codeMessage } = await import('#contexts/accounts/store/accounts.ts');
  const { outboxPut } = await import('#contexts/notifications/store/outbox.ts');
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: 'ap-southeast-3',
      endpoint: stack.info.dynamoEndpoint,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
  const TableName = stack.info.tableName;
  const free = { ConditionExpression: 'attribute_not_exists(PK)' };
  const one = async () => {
    const body = JSON.parse(citizenBody());
    const accountId = randomUUID();
    const passwordHash = await hashPassword(body.password);
    const at = new Date().toISOString();
    await db.send(
      new TransactWriteCommand({
        TransactItems: [
          {
            Put: {
              TableName,
              Item: emailMarker.item({ accountId, passwordHash }, { email: body.email }),
              ...free,
            },
          },
          { Put: { TableName, Item: phoneMarker.item({ accountId }, { phone: body.phone }), ...free } },
          {
            Put: {
              TableName,
              Item: account.item({
                accountId,
                fullName: body.fullName,
                email: body.email,
                phone: body.phone,
                passwordHash,
                role: 'citizen',
                emailVerified: false,
                phoneVerified: false,
                createdAt: at,
              }),
              ...free,
            },
          },
          outboxPut(codeMessage(body, 'email', '123456'), new Date(at)),
        ],
      }),
    );
  };
  await runPool(32, concurrency, one);
  let started = performance.now();
  await runPool(count, concurrency, one);
  const perSecond = round(count / ((performance.now() - started) / 1000));
  const puts = 5000;
  started = performance.now();
  await runPool(puts, concurrency, async () => {
    await db.send(new PutCommand({ TableName, Item: { PK: `BENCH#${randomUUID()}`, SK: 'PUT' } }));
  });
  return { perSecond, putsPerSecond: round(puts / ((performance.now() - started) / 1000)) };
}

try {
  const admin = stack.info.admins.find((a) => a.role === 'admin')!;
  const token = (
    await call('POST', '/v1/sessions', { body: { email: admin.email, password: admin.password } })
  ).body.accessToken as string;
  const setRoom = async (body: Record<string, unknown>) => {
    const r = await call('PUT', '/v1/admin/waiting-room', { token, body });
    if (r.status !== 200) throw new Error(`room: ${r.status} ${JSON.stringify(r.body)}`);
  };
  const room = async () => (await call('GET', '/v1/admin/waiting-room', { token })).body;
  const registration = {
    method: 'POST',
    path: '/v1/accounts',
    headers: { 'content-type': 'application/json' },
    setupRequest: (req: { body?: string }) => ({ ...req, body: citizenBody() }),
  };

  // 1. Room off: the flood straight at registration.
  await setRoom({ on: false, ratePerSecond: 1, capacityPerSecond: 1 });
  await autocannon({ url: api, connections, duration: 3, timeout: 60, requests: [registration] }); // warm-up
  const off = await autocannon({
    url: api,
    connections,
    duration: seconds,
    timeout: 60,
    requests: [registration],
  });
  const offRate = off['2xx'] / seconds;

  // 2. Room on: the flood at the door.
  const rate = argNumber('rate', Math.max(1, Math.floor(offRate * 0.8)));
  await setRoom({ on: true, ratePerSecond: rate, capacityPerSecond: rate });
  const entries = await autocannon({
    url: api,
    connections,
    duration: Math.min(seconds, 10),
    timeout: 60,
    requests: [
      {
        method: 'POST',
        path: '/v1/waiting-room/entries',
        headers: { 'content-type': 'application/json' },
        setupRequest: (req: { body?: string }) => ({
          ...req,
          body: JSON.stringify({ entryId: randomUUID() }),
        }),
      },
    ],
  });
  // Off and on again: the flood's entries are let through (none of them registers), and
  // the users below queue afresh.
  await setRoom({ on: false, ratePerSecond: rate, capacityPerSecond: rate });
  await setRoom({ on: true, ratePerSecond: rate, capacityPerSecond: rate });

  // 3. Room on: users arrive at once, queue, poll, register when admitted.
  const users = argNumber('users', rate * seconds);
  const registerMs: number[] = [];
  const waitMs: number[] = [];
  let admittedUsers = 0;
  let registered = 0;
  let errors = 0;
  let maxQueue = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      maxQueue = Math.max(maxQueue, (await room()).queueLength ?? 0);
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  })();
  const ROOM_OPS = ['enterWaitingRoom', 'getWaitingRoomEntry', 'createAccount'];
  const linesBefore = readMetrics(stack.logFile).length;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: users }, async () => {
      const entryId = randomUUID();
      const arrived = performance.now();
      let view = (await call('POST', '/v1/waiting-room/entries', { body: { entryId } })).body;
      while (!view.admitted) {
        await new Promise((resolve) => setTimeout(resolve, (view.retryAfterSeconds ?? 2) * 1000));
        const polled = await call('GET', `/v1/waiting-room/entries/${entryId}`);
        if (polled.status === 200) view = polled.body;
        else errors += 1;
      }
      admittedUsers += 1;
      waitMs.push(performance.now() - arrived);
      // An admitted user registers; a 5xx is retried with the same token (nothing used).
      for (let attempt = 0; attempt < 5; attempt++) {
        const t = performance.now();
        const r = await call('POST', '/v1/accounts', {
          rawBody: citizenBody(),
          headers: { 'content-type': 'application/json', 'x-admission-token': view.admissionToken },
        });
        registerMs.push(performance.now() - t);
        if (r.status === 201) {
          registered += 1;
          return;
        }
        errors += 1;
        if (r.status < 500) return;
      }
    }),
  );
  const onSeconds = (performance.now() - started) / 1000;
  // The users' own requests, as their handlers metered them (the sampler's are the admin's).
  const mine = readMetrics(stack.logFile)
    .slice(linesBefore)
    .filter((l) => ROOM_OPS.includes(l.operation));
  const callsOf = (op: string) => {
    const lines = mine.filter((l) => l.operation === op);
    return { requests: lines.length, calls: totals(lines).DynamoDBCalls ?? 0 };
  };
  const perOperation = Object.fromEntries(
    ROOM_OPS.map((op) => {
      const { requests, calls } = callsOf(op);
      return [op, { requests, callsPerRequest: round(calls / Math.max(requests, 1), 2) }];
    }),
  );
  const callsPerRegistration = round((totals(mine).DynamoDBCalls ?? 0) / Math.max(registered, 1), 2);
  sampling = false;
  await sampler;
  await setRoom({ on: false, ratePerSecond: 1, capacityPerSecond: 1 });

  const base = await baseline(Math.max(200, Math.min(1000, off['2xx'])), connections);
  const lost = admittedUsers - registered;
  const onRate = registered / onSeconds;
  const figures = {
    bench: 'rush',
    seconds,
    connections,
    off: {
      registrationsPerSecond: round(offRate),
      p50Ms: off.latency.p50,
      p99Ms: off.latency.p99,
      errors: off.errors + off.timeouts + off.non2xx,
    },
    entries: {
      perSecond: round(entries['2xx'] / Math.min(seconds, 10)),
      p50Ms: entries.latency.p50,
      p99Ms: entries.latency.p99,
      errors: entries.errors + entries.timeouts + entries.non2xx,
    },
    on: {
      ratePerSecond: rate,
      users,
      admitted: admittedUsers,
      registered,
      registrationsPerSecond: round(onRate),
      p50Ms: percentile(registerMs, 0.5),
      p99Ms: percentile(registerMs, 0.99),
      waitP50Seconds: round(percentile(waitMs, 0.5) / 1000),
      waitP99Seconds: round(percentile(waitMs, 0.99) / 1000),
      maxQueueLength: maxQueue,
      errors,
      perOperation,
    },
    lost,
    baselinePerSecond: base.perSecond,
    rawPutsPerSecond: base.putsPerSecond,
    // The flood over HTTP vs the same registrations straight to the engine.
    ratio: round(offRate / base.perSecond, 3),
    // ... vs the engine's single-item put rate, as if a registration were its one transaction.
    rawRatio: round(offRate / base.putsPerSecond, 3),
    // DynamoDB calls per admitted registration through the room: its entry, its polls and
    // the registration (the baseline's is its one transaction).
    callsPerOp: callsPerRegistration,
  };
  console.log(
    `\nroom off: ${figures.off.registrationsPerSecond} registrations/s at ${connections} connections, p50 ${figures.off.p50Ms} ms, p99 ${figures.off.p99Ms} ms, ${figures.off.errors} errors`,
  );
  console.log(
    `room on, the door: ${figures.entries.perSecond} entries/s, p50 ${figures.entries.p50Ms} ms, p99 ${figures.entries.p99Ms} ms, ${figures.entries.errors} errors`,
  );
  console.log(
    `room on at ${rate}/s: ${registered} of ${users} users registered (${figures.on.registrationsPerSecond}/s), registration p50 ${figures.on.p50Ms} ms, p99 ${figures.on.p99Ms} ms; waited p50 ${figures.on.waitP50Seconds} s, p99 ${figures.on.waitP99Seconds} s; longest queue ${maxQueue}; ${errors} errors; lost ${lost}`,
  );
  console.log(`calls per admitted registration: ${callsPerRegistration} ${JSON.stringify(perOperation)}`);
  console.log(
    `baseline: ${base.perSecond} registrations/s straight to DynamoDB Local (ratio ${figures.ratio}); raw engine ${base.putsPerSecond} puts/s (rawRatio ${figures.rawRatio})`,
  );
  console.log(JSON.stringify(figures));
  if (lost !== 0) process.exitCode = 1;
} finally {
  await stack.stop();
}
