import { type CountState, countPages } from '#shared/store/payout-staging.ts';
import { getRun } from '#shared/store/payouts.ts';
import { workflowTask } from '#shared/workflows/task.ts';

interface CountSegment extends CountState {
  runId: string;
  shard: number;
  pageSize: number;
  pagesPerCall: number;
}

// The budget check, one shard of the due index a few pages per call (page loop): what
// staging would claim now, summed by CheckBudget.
export const handler = workflowTask(
  'payouts.CountPage',
  async (input: CountSegment): Promise<CountSegment> => {
    const run = await getRun(input.runId);
    if (!run) throw new Error(`payout run ${input.runId} not found`);
    if (run.status !== 'STAGING') return { ...input, cursor: null, done: true };
    return { ...input, ...(await countPages(run.periodEnd, input.shard, input, input)) };
  },
  (input, out) => ({ runId: input.runId, shard: input.shard, count: out.count, done: out.done }),
);
