import { countPages } from '#contexts/payouts/store/payout-staging.ts';
import { getRun } from '#contexts/payouts/store/payouts.ts';
import type { ShardCount } from '#contexts/payouts/workflow.ts';
import { workflowTask } from '#platform/workflows/task.ts';

interface CountInput {
  runId: string;
  shards: ShardCount[];
  pageSize: number;
  pagesPerCall: number;
}

// The budget check: a few pages of every shard of the due index per call, all shards at
// once, summed as staging would claim them now (CheckBudget adds the shards up).
export const handler = workflowTask(
  'payouts.CountDue',
  async ({ runId, shards, pageSize, pagesPerCall }: CountInput) => {
    const run = await getRun(runId);
    if (!run) throw new Error(`payout run ${runId} not found`);
    if (run.status !== 'STAGING') return { shards, done: true };
    const next = await Promise.all(
      shards.map(async (s) =>
        s.done ? s : { ...s, ...(await countPages(run.periodEnd, s.shard, s, { pageSize, pagesPerCall })) },
      ),
    );
    return { shards: next, done: next.every((s) => s.done) };
  },
  (input, out) => ({
    runId: input.runId,
    count: out.shards.reduce((n, s) => n + s.count, 0),
    done: out.done,
  }),
);
