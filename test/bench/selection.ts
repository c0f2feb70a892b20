// npm run bench:selection [-- --n=100000 --segments=16 --quota=10000 --reserved=0 --family=1]
// Loads N applicants straight into a fresh local stack's DynamoDB Local, runs the
// selection workflow over them (the same ASL and Lambdas the CDK app deploys, run by
// aws-local-stepfunctions), and reads each task's consumed capacity and heap from the
// stack's log lines. Baseline, in the same run: a raw parallel Scan of the same table.
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { readMetrics, totals } from '#test/bench/metrics.ts';
import { argNumber, round } from '#test/bench/stats.ts';
import {
  documentClient,
  loadApplicants,
  putClosedWave,
  syntheticApplicants,
} from '#test/support/applicants.ts';
import { adminTokenFor, runSelection } from '#test/support/selection.ts';
import { spawnStack } from '#test/support/spawn-stack.ts';

const n = argNumber('n', 100_000);
const quota = argNumber('quota', Math.ceil(n / 10));
const reserved = argNumber('reserved', 0);
const segments = argNumber('segments', 16);
const pageSize = argNumber('pagesize', 500);
const pagesPerCall = argNumber('pagespercall', 20);
const familySize = argNumber('family', 1);
const stack = await spawnStack({ LOG_LEVEL: 'INFO' });

try {
  const waveId = `bench-${Date.now()}`;
  await putClosedWave(stack.info, { waveId, quota, reservedQuota: reserved });
  const applicants = syntheticApplicants(n, { seed: 2020, familySize });
  let started = performance.now();
  await loadApplicants(stack.info, stack.dir, waveId, applicants);
  const loadSeconds = (performance.now() - started) / 1000;
  console.log(`loaded ${n} applicants straight into DynamoDB Local in ${round(loadSeconds)} s`);

  const token = await adminTokenFor(stack.info);
  started = performance.now();
  const result = await runSelection(
    stack.info,
    token,
    waveId,
    { seed: 'bench-seed-2020', segments, pageSize, pagesPerCall },
    6 * 3_600_000,
  );
  const wallSeconds = (performance.now() - started) / 1000;
  if (result.status !== 'SUCCEEDED') throw new Error(`selection ${result.status}: ${result.error}`);
  const expected = Math.min(quota, result.eligible);
  console.log(
    `selection: ${result.applicants} applicants, ${result.eligible} eligible, ${result.selected} selected ` +
      `(${result.reservedSelected} reserved) in ${round(wallSeconds)} s`,
  );

  // Each workflow task publishes its consumption as metrics, with the wave as metadata.
  const lines = readMetrics(stack.logFile).filter((l) => l.meta.waveId === waveId);
  const byTask = new Map<string, { calls: number; ms: number; rcu: number; wcu: number; heap: number }>();
  for (const l of lines) {
    const t = byTask.get(l.operation) ?? { calls: 0, ms: 0, rcu: 0, wcu: 0, heap: 0 };
    t.calls++;
    t.ms += l.values.Latency ?? 0;
    t.rcu += l.values.ConsumedReadCapacity ?? 0;
    t.wcu += l.values.ConsumedWriteCapacity ?? 0;
    t.heap = Math.max(t.heap, Number(l.meta.peakHeapMb ?? 0));
    byTask.set(l.operation, t);
  }
  console.log('\nper step (summed over calls):');
  for (const [task, t] of byTask)
    console.log(
      `  ${task.padEnd(15)} ${String(t.calls).padStart(5)} calls  ${round(t.rcu / n, 2)} RCU/applicant  ` +
        `${round(t.wcu / n, 2)} WCU/applicant  peak heap ${t.heap} MB`,
    );
  const used = totals(lines);
  const rcu = used.ConsumedReadCapacity ?? 0;
  const wcu = used.ConsumedWriteCapacity ?? 0;
  const calls = used.DynamoDBCalls ?? 0;
  const peakTaskHeapMb = Math.max(...[...byTask.values()].map((t) => t.heap));

  // Baseline: how fast the same table can merely be read, in parallel segments.
  const client = documentClient(stack.info);
  started = performance.now();
  let scanned = 0;
  await Promise.all(
    Array.from({ length: segments }, async (_, Segment) => {
      let start: Record<string, unknown> | undefined;
      do {
        const out = await client.send(
          new ScanCommand({
            TableName: stack.info.tableName,
            Segment,
            TotalSegments: segments,
            ExclusiveStartKey: start,
          }),
        );
        scanned += out.Count ?? 0;
        start = out.LastEvaluatedKey;
      } while (start);
    }),
  );
  const rawScanItemsPerSecond = scanned / ((performance.now() - started) / 1000);
  const applicantsPerSecond = n / wallSeconds;

  console.log(`\nselection: ${round(applicantsPerSecond)} applicants/s over ${segments} segments`);
  console.log(
    `baseline: raw parallel Scan of the same table ${round(rawScanItemsPerSecond)} items/s (${scanned} items)`,
  );
  console.log(
    `capacity: ${round(rcu / n, 2)} RCU and ${round(wcu / n, 2)} WCU per applicant (as DynamoDB Local reports)`,
  );
  console.log(
    `memory: busiest task peaked at ${peakTaskHeapMb} MB of heap (one process runs every task here)`,
  );
  console.log(
    JSON.stringify({
      bench: 'selection',
      applicants: n,
      quota,
      selected: result.selected,
      segments,
      wallSeconds: round(wallSeconds),
      applicantsPerSecond: round(applicantsPerSecond),
      rcuPerApplicant: round(rcu / n, 2),
      wcuPerApplicant: round(wcu / n, 2),
      peakTaskHeapMb,
      rawScanItemsPerSecond: round(rawScanItemsPerSecond),
      ratio: round(applicantsPerSecond / rawScanItemsPerSecond, 4),
      rawRatio: round(applicantsPerSecond / rawScanItemsPerSecond, 4),
      callsPerOp: round(calls / n, 2),
    }),
  );
  if (result.selected !== expected) {
    console.error(`expected ${expected} selected, got ${result.selected}`);
    process.exitCode = 1;
  }
} finally {
  await stack.stop();
}
