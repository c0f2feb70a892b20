import { allBatches, totalsOf } from '#shared/store/payouts.ts';
import { workflowTask } from '#shared/workflows/task.ts';

// A look at the run while the dispatchers work: done when no instruction is pending.
export const handler = workflowTask('payouts.Progress', async ({ runId }: { runId: string }) => {
  const { all } = totalsOf(await allBatches(runId));
  return { done: all.pending === 0, pending: all.pending, paid: all.paid, failed: all.failed };
});
