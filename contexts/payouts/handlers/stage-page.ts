import { type StageState, stagePages } from '#contexts/payouts/store/payout-staging.ts';
import { getRun } from '#contexts/payouts/store/payouts.ts';
import { clock } from '#platform/clock.ts';
import { count } from '#platform/observability.ts';
import { workflowTask } from '#platform/workflows/task.ts';

interface StageSegment extends StageState {
  runId: string;
  shard: number;
  pageSize: number;
  pagesPerCall: number;
}

// A staging segment: a few pages of one shard of the due index per call (page loop).
export const handler = workflowTask(
  'payouts.StagePage',
  async (input: StageSegment): Promise<StageSegment> => {
    const run = await getRun(input.runId);
    if (!run) throw new Error(`payout run ${input.runId} not found`);
    if (run.status !== 'STAGING') return { ...input, cursor: null, done: true };
    const out = await stagePages(run, input.shard, input, input, clock.now());
    count('IncentiveStaged', out.staged - input.staged);
    return { ...input, ...out };
  },
  (input, out) => ({ runId: input.runId, shard: input.shard, staged: out.staged, done: out.done }),
);
