// npm run bench:selection [-- --n=100000 --segments=16 --quota=10000 --reserved=0 --family=1]
// Loads N applicants straight into a fresh local stack's DynamoDB Local, runs the
// selection workflow over them (the same ASL and Lambdas the CDK app deploys, run by
// aws-local-stepfunctions), and reads each task's time, calls and capacity from the
// metrics the tasks publish. Baseline, in the same run, on a second wave of the same
// shape (same generator, same lists; other ids, since a person joins one wave): the
// minimal work for the same outcome straight to DynamoDB Local (selection-baseline.ts).
// Both are warmed up on a small wave first. The raw engine rate is a parallel Scan.
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Wave } from '#contexts/waves/rules/waves.ts';
import { spawnStack } from '#local/spawn-stack.ts';
import { readMetrics, totals } from '#test/bench/metrics.ts';
import { minimalSelection } from '#test/bench/selection-baseline.ts';
import { argNumber, round, runPool } from '#test/bench/stats.ts';
import {
  documentClient,
  loadApplicants,
  putClosedWave,
  type SyntheticApplicant,
  stackLookupHash,
  syntheticApplicants,
} from '#test/support/applicants.ts';
import { adminTokenFor, putNikFlag, runSelection } from '#test/support/selection.ts';

const n = argNumber('n', 100_000);
const quota = argNumber('quota', Math.ceil(n / 10));
const reserved = argNumber('reserved', 0);
const segments = argNumber('segments', 16);
const pageSize = argNumber('pagesize', 500);
const pagesPerCall = argNumber('pagespercall', 20);
const familySize = argNumber('family', 1);
/** Share of applicants on an exclusion list, and on the laid-off list. */
const listed = argNumber('listed', 0.05);
// WARN: one process hosts every function here (the outbox sender's line per message
// included); the metrics the bench reads are written whatever the level.
const stack = await spawnStack({ LOG_LEVEL: 'WARN' });
// The baseline builds its items with the store's own builders, which name the table.
process.env.TABLE_NAME = stack.info.tableName;
const client = documentClient(stack.info);
const hash = stackLookupHash(stack.dir);

async function prepare(waveId: string, applicants: SyntheticApplicant[], waveQuota: number): Promise<Wave> {
  const wave = await putClosedWave(stack.info, { waveId, quota: waveQuota, reservedQuota: reserved });
  await loadApplicants(stack.info, stack.dir, waveId, applicants);
  // Every 20th on an exclusion list, every 20th (another) on the laid-off list.
  const every = Math.max(1, Math.round(1 / listed));
  await runPool(Math.ceil(applicants.length / every), 16, async (k) => {
    const i = k * every;
    await putNikFlag(stack.info, hash('nik', applicants[i]!.nik), { list: 'civil-servants' });
    const other = applicants[i + Math.floor(every / 2)];
    if (other) await putNikFlag(stack.info, hash('nik', other.nik), { priority: 'laid-off' });
  });
  return wave;
}

try {
  const token = await adminTokenFor(stack.info);
  const seed = 'bench-seed-2020';
  const run = Date.now();
  // The baseline's waves: the same generator and shape, other people (a person's
  // participant and NIK markers are theirs for good, so one cannot be drawn twice).
  const applicants = syntheticApplicants(n, { seed: 2020, familySize });
  const twin = syntheticApplicants(n, { seed: 2021, familySize });
  const warm = syntheticApplicants(Math.min(2000, n), { seed: 9, familySize });
  const warmTwin = syntheticApplicants(warm.length, { seed: 10, familySize });
  let started = performance.now();
  const waves = {
    warmEngine: await prepare(`warm-engine-${run}`, warm, Math.ceil(warm.length / 10)),
    warmBase: await prepare(`warm-base-${run}`, warmTwin, Math.ceil(warm.length / 10)),
    engine: await prepare(`bench-${run}`, applicants, quota),
    base: await prepare(`base-${run}`, twin, quota),
  };
  console.log(
    `loaded 2 x ${n} (+ 2 x ${warm.length} warm-up) applicants in ${round((performance.now() - started) / 1000)} s`,
  );

  const options = { seed, segments, pageSize, pagesPerCall };
  // Warm-up: the Lambdas' modules and clients, DynamoDB Local's JIT; neither timed.
  await runSelection(stack.info, token, waves.warmEngine.waveId, options, 600_000);
  await minimalSelection(
    documentClient(stack.info),
    stack.info.tableName,
    waves.warmBase,
    seed,
    segments,
    pageSize,
  );

  started = performance.now();
  const result = await runSelection(stack.info, token, waves.engine.waveId, options, 6 * 3_600_000);
  const wallSeconds = (performance.now() - started) / 1000;
  if (result.status !== 'SUCCEEDED') throw new Error(`selection ${result.status}: ${result.error}`);
  console.log(
    `selection: ${result.applicants} applicants, ${result.eligible} eligible, ${result.selected} selected ` +
      `(${result.reservedSelected} reserved) in ${round(wallSeconds)} s`,
  );

  started = performance.now();
  const base = await minimalSelection(
    documentClient(stack.info),
    stack.info.tableName,
    waves.base,
    seed,
    segments,
    pageSize,
  );
  const baseSeconds = (performance.now() - started) / 1000;

  // Each workflow task publishes its consumption as metrics, with the wave as metadata.
  const lines = readMetrics(stack.logFile).filter((l) => l.meta.waveId === waves.engine.waveId);
  type Step = {
    calls: number;
    ms: number;
    dynamo: number;
    rcu: number;
    billedW: number;
    billedR: number;
    heap: number;
  };
  const byTask = new Map<string, Step>();
  for (const l of lines) {
    const t = byTask.get(l.operation) ?? {
      calls: 0,
      ms: 0,
      dynamo: 0,
      rcu: 0,
      billedW: 0,
      billedR: 0,
      heap: 0,
    };
    t.calls++;
    t.ms += l.values.Latency ?? 0;
    t.dynamo += l.values.DynamoDBCalls ?? 0;
    t.rcu += l.values.ConsumedReadCapacity ?? 0;
    t.billedW += l.values.BilledWriteUnits ?? Number.NaN;
    t.billedR += l.values.BilledReadUnits ?? Number.NaN;
    t.heap = Math.max(t.heap, Number(l.meta.peakHeapMb ?? 0));
    byTask.set(l.operation, t);
  }
  const used = totals(lines);
  const calls = used.DynamoDBCalls ?? 0;
  const billedW = used.BilledWriteUnits ?? Number.NaN;
  const billedR = used.BilledReadUnits ?? Number.NaN;
  const peakTaskHeapMb = Math.max(...[...byTask.values()].map((t) => t.heap));

  console.log('\nworkflow, per step (task time summed over calls, / segments for the parallel steps):');
  for (const [task, t] of byTask) {
    const parallel = task === 'screen' || task === 'announce' ? segments : 1;
    console.log(
      `  ${task.padEnd(9)} ${round(t.ms / parallel / 1000, 1)} s  ${String(t.calls).padStart(4)} calls  ` +
        `${round(t.dynamo / n, 3)} DynamoDB calls/applicant  ${round(t.billedW / n, 2)} WRU  ${round(t.billedR / n, 2)} RRU ` +
        `per applicant (billed)  peak heap ${t.heap} MB`,
    );
  }
  console.log('baseline, per step (wall):');
  for (const [step, ms] of Object.entries(base.ms))
    console.log(`  ${step.padEnd(9)} ${round(ms / 1000, 1)} s`);

  // The raw engine rate: how fast the same table can merely be read, in parallel segments.
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
  const baselinePerSecond = n / baseSeconds;

  console.log(`\nselection: ${round(applicantsPerSecond)} applicants/s over ${segments} segments`);
  console.log(
    `baseline:  ${round(baselinePerSecond)} applicants/s (minimal work, ${base.selected} selected of ${base.eligible} eligible)`,
  );
  console.log(
    `raw:       parallel Scan of the same table ${round(rawScanItemsPerSecond)} items/s (${scanned} items)`,
  );
  console.log(
    `DynamoDB calls per applicant: workflow ${round(calls / n, 3)}, baseline ${round(base.calls / n, 3)}`,
  );
  console.log(
    `billed (as AWS would): workflow ${round(billedW / n, 2)} WRU + ${round(billedR / n, 2)} RRU per applicant, ` +
      `baseline ${round(base.billedWriteUnits / n, 2)} WRU + ${round(base.billedReadUnits / n, 2)} RRU`,
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
      baselinePerSecond: round(baselinePerSecond),
      billedWruPerApplicant: round(billedW / n, 2),
      billedRruPerApplicant: round(billedR / n, 2),
      baselineWruPerApplicant: round(base.billedWriteUnits / n, 2),
      baselineRruPerApplicant: round(base.billedReadUnits / n, 2),
      baselineCallsPerOp: round(base.calls / n, 3),
      peakTaskHeapMb,
      // Billed units and calls per applicant of each step: docs/selection.md scales them.
      perStep: Object.fromEntries(
        [...byTask].map(([task, t]) => [
          task,
          { wru: round(t.billedW / n, 3), rru: round(t.billedR / n, 3), calls: round(t.dynamo / n, 4) },
        ]),
      ),
      rawScanItemsPerSecond: round(rawScanItemsPerSecond),
      ratio: round(applicantsPerSecond / baselinePerSecond, 3),
      rawRatio: round(applicantsPerSecond / rawScanItemsPerSecond, 4),
      callsPerOp: round(calls / n, 3),
    }),
  );
  const expected = Math.min(quota, result.eligible);
  if (result.selected !== expected || base.selected !== Math.min(quota, base.eligible)) {
    console.error(`expected ${expected} selected, got ${result.selected} (baseline ${base.selected})`);
    process.exitCode = 1;
  }
} finally {
  await stack.stop();
}
