import { clock } from '#shared/clock.ts';
import { finalStatus } from '#shared/domain/payouts.ts';
import { allBatches, moveRun, totalsOf } from '#shared/store/payouts.ts';
import { workflowTask } from '#shared/workflows/task.ts';

// Nothing is pending: the run is COMPLETED, or COMPLETED_WITH_FAILURES when some
// instructions failed (their incentives are due again for the next run).
export const handler = workflowTask('payouts.FinishRun', async ({ runId }: { runId: string }) => {
  const totals = totalsOf(await allBatches(runId));
  const status = finalStatus(totals.all);
  if (!status) throw new Error(`run ${runId} still has pending instructions`);
  await moveRun(runId, 'DISBURSING', status, { totals, completedAt: clock.now().toISOString() });
  return { runId, status };
});
