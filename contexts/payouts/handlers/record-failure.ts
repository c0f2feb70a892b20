import { setRunFields } from '#contexts/payouts/store/payouts.ts';
import { logger } from '#platform/logger.ts';
import { recordsEndedExecutions } from '#platform/workflows/ended.ts';
import { workflowTask } from '#platform/workflows/task.ts';

// A step failed after its retries, or the execution ended without its failure path (timed
// out, stopped: platform/workflows/ended.ts): the run keeps its status and says what failed,
// for an operator to look at (no money moved without its ledger entry: every write is a
// transaction).
export const handler = recordsEndedExecutions(
  workflowTask(
    'payouts.RecordFailure',
    async ({ runId, error }: { runId: string; error: { Error?: string; Cause?: string } }) => {
      logger.error('payout run step failed', {
        runId,
        error: error.Error,
        cause: String(error.Cause ?? '').slice(0, 500),
      });
      await setRunFields(runId, {
        failure: { error: error.Error ?? 'unknown', cause: String(error.Cause ?? '').slice(0, 500) },
      });
      return { runId };
    },
  ),
);
