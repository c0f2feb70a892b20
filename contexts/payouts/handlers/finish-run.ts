import { finalStatus } from '#contexts/payouts/rules/payouts.ts';
import { allBatches, getRun, moveRunWith, totalsOf } from '#contexts/payouts/store/payouts.ts';
import { clock } from '#platform/clock.ts';
import { workflowTask } from '#platform/workflows/task.ts';

// Nothing is pending: the run is COMPLETED, or COMPLETED_WITH_FAILURES when some
// instructions failed (their incentives are due again for the next run).
export const handler = workflowTask('payouts.FinishRun', async ({ runId }: { runId: string }) => {
  const totals = totalsOf(await allBatches(runId));
  const status = finalStatus(totals.all);
  if (!status) throw new Error(`run ${runId} still has pending instructions`);
  const run = await getRun(runId);
  if (!run) throw new Error(`payout run ${runId} not found`);
  // The run ends: its period is free for the next run (the marker goes in the same write).
  await moveRunWith(run, ['DISBURSING'], status, { totals, completedAt: clock.now().toISOString() });
  return { runId, status };
});
