import { budgetReachedIn, closeShards } from '#contexts/payouts/store/payout-staging.ts';
import { allBatches, getRun, moveRunWith, totalsOf } from '#contexts/payouts/store/payouts.ts';
import { clock } from '#platform/clock.ts';
import { workflowTask } from '#platform/workflows/task.ts';

// Staging is over: the run waits for a second administrator with its totals, summed
// from its batches (a retried call sums the same batches again), and whether a shard's
// share of the budget ran out. The move closes the shards' counters.
export const handler = workflowTask('payouts.FinishStaging', async ({ runId }: { runId: string }) => {
  const run = await getRun(runId);
  if (!run) throw new Error(`payout run ${runId} not found`);
  const totals = totalsOf(await allBatches(runId));
  await moveRunWith(
    run,
    ['STAGING'],
    'AWAITING_APPROVAL',
    {
      totals,
      stagedIdr: totals.all.amountIdr,
      budgetReached: await budgetReachedIn(runId),
      stagedAt: clock.now().toISOString(),
    },
    { also: closeShards(runId) },
  );
  return { runId, instructions: totals.all.instructions, amountIdr: totals.all.amountIdr };
});
