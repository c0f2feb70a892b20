import { allBatches, moveRun, totalsOf } from '#contexts/payouts/store/payouts.ts';
import { clock } from '#platform/clock.ts';
import { workflowTask } from '#platform/workflows/task.ts';

// Staging is over: the run waits for a second administrator with its totals, summed
// from its batches (a retried call sums the same batches again).
export const handler = workflowTask('payouts.FinishStaging', async ({ runId }: { runId: string }) => {
  const totals = totalsOf(await allBatches(runId));
  await moveRun(runId, 'STAGING', 'AWAITING_APPROVAL', { totals, stagedAt: clock.now().toISOString() });
  return { runId, instructions: totals.all.instructions, amountIdr: totals.all.amountIdr };
});
