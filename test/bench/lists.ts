// npm run bench:lists [-- --n=10000 --rounds=3]
// A list import of n NIKs (one call, at most 10,000) over HTTP against the local stack, fresh
// and sent again, beside its baseline measured in the same run: the minimal work for the
// same outcome straight to DynamoDB Local from this process (each NIK's keyed hash, then
// 100-item transactions of the same update, two in flight: what the import did before it
// read first). Figures: ms per import, NIKs a second, the calls a 503 `import-incomplete`
// made the client repeat, DynamoDB calls and capacity per import from the stack's metrics.
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { addFlagUpdate } from '#contexts/lists/store/lists.ts';
import { spawnStack } from '#local/spawn-stack.ts';
import { randomIdentity } from '#scripts/lib/nik.ts';
import { readMetrics, totals } from '#test/bench/metrics.ts';
import { argNumber, Latencies, round } from '#test/bench/stats.ts';
import { documentClient, stackLookupHash } from '#test/support/applicants.ts';
import { request } from '#test/support/http.ts';

const n = Math.min(10_000, argNumber('n', 10_000));
const rounds = argNumber('rounds', 3);
const stack = await spawnStack({ LOG_LEVEL: 'INFO' });
const OPERATION = 'importExclusionListEntries';

try {
  const { apiUrl, tableName } = stack.info;
  // The store's own update (addFlagUpdate) names the table from the environment.
  process.env.TABLE_NAME = tableName;
  const admin = stack.info.admins.find((a) => a.role === 'admin')!;
  const session = await request(apiUrl, 'POST', '/v1/sessions', {
    body: { email: admin.email, password: admin.password },
  });
  const token = session.body.accessToken as string;
  const nikHash = stackLookupHash(stack.dir);
  const niks = () => Array.from({ length: n }, () => randomIdentity().nik);
  const times = new Latencies();
  let repeats = 0;
  // When each kind of import ran: the stack's metric lines are told apart by their time.
  const windows: { kind: 'fresh' | 'again'; from: number; to: number }[] = [];
  const timed = async (kind: 'fresh' | 'again', list: string[]) => {
    const from = Date.now();
    await times.time(kind, () => importOnce(list));
    windows.push({ kind, from, to: Date.now() });
  };

  /** One import as a client sends it: again after a 503, until it is in. */
  const importOnce = async (list: string[]) => {
    for (;;) {
      const r = await request(apiUrl, 'POST', '/v1/admin/exclusion-lists/civil-servants/entries', {
        token,
        body: { niks: list },
      });
      if (r.status === 200) return;
      if (r.status !== 503) throw new Error(`import: ${r.status} ${JSON.stringify(r.body)}`);
      repeats++;
    }
  };

  await importOnce(niks().slice(0, 1000)); // warm-up
  for (let round_ = 0; round_ < rounds; round_++) {
    const list = niks();
    await timed('fresh', list);
    await timed('again', list);
  }
  const lines = readMetrics(stack.logFile, (op) => op === OPERATION);
  /** A metric summed over one kind's invocations (a repeat after a 503 included), per import. */
  const perImport = (kind: 'fresh' | 'again', name: string) => {
    const mine = lines.filter((line) => {
      const at = Number((line.meta._aws as { Timestamp: number }).Timestamp);
      return windows.some((w) => w.kind === kind && at >= w.from && at <= w.to);
    });
    return round((totals(mine)[name] ?? 0) / rounds, 1);
  };

  // Baseline: the same flags written straight to the engine, no HTTP, no read first.
  const client = documentClient(stack.info);
  const baseline = new Latencies();
  const write = async (list: string[]) => {
    const stamp = { importedAt: new Date().toISOString(), batchId: `bench-${Date.now()}` };
    const hashes = list.map((nik) => nikHash('nik', nik));
    let next = 0;
    const worker = async () => {
      while (next * 100 < hashes.length) {
        const chunk = hashes.slice(next * 100, ++next * 100);
        await client.send(
          new TransactWriteCommand({
            TransactItems: chunk.map((h) => ({ Update: addFlagUpdate(h, 'lists', 'civil-servants', stamp) })),
          }),
        );
      }
    };
    await Promise.all([worker(), worker()]);
  };
  for (let round_ = 0; round_ < rounds; round_++) {
    const list = niks();
    await baseline.time('fresh', () => write(list));
    await baseline.time('again', () => write(list));
  }
  client.destroy();

  const http = times.summary();
  const raw = baseline.summary();
  const ms = (s: { p50: number }) => s.p50;
  console.log(`import of ${n} NIKs, ${rounds} rounds (p50 / p99 ms):`);
  console.log(
    '  over HTTP, fresh',
    http.fresh,
    'sent again',
    http.again,
    `client repeats after a 503: ${repeats}`,
  );
  console.log('  baseline (straight to the engine), fresh', raw.fresh, 'written again', raw.again);
  for (const kind of ['fresh', 'again'] as const)
    console.log(
      `  per import, ${kind}: ${perImport(kind, 'DynamoDBCalls')} DynamoDB calls, ${perImport(kind, 'BilledWriteUnits')} WCU and ${perImport(kind, 'BilledReadUnits')} RCU billed`,
    );
  const figures = {
    n,
    rounds,
    freshMs: ms(http.fresh!),
    freshP99Ms: http.fresh!.p99,
    againMs: ms(http.again!),
    niksPerSecond: round((n / ms(http.fresh!)) * 1000, 0),
    repeats,
    baselineFreshMs: ms(raw.fresh!),
    baselineAgainMs: ms(raw.again!),
    freshWcu: perImport('fresh', 'BilledWriteUnits'),
    freshRcu: perImport('fresh', 'BilledReadUnits'),
    againWcu: perImport('again', 'BilledWriteUnits'),
    againRcu: perImport('again', 'BilledReadUnits'),
  };
  console.log(
    JSON.stringify({
      bench: 'lists',
      ...figures,
      // Fresh: the baseline's time over the import's (1 = as fast as the raw writes).
      ratio: round(ms(raw.fresh!) / ms(http.fresh!), 3),
      // Sent again: the raw writes it replaces, over the import's reads.
      rawRatio: round(ms(raw.again!) / ms(http.again!), 3),
      callsPerOp: perImport('fresh', 'DynamoDBCalls'),
    }),
  );
} finally {
  await stack.stop();
}
