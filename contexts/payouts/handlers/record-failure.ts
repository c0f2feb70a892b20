import { endReconciliation } from '#contexts/payouts/store/payout-reconciliation.ts';
import { getRun, releasePeriod, setRunFields } from '#contexts/payouts/store/payouts.ts';
import { logger } from '#platform/logger.ts';
import { recordsEndedExecutions } from '#platform/workflows/ended.ts';
import { workflowTask } from '#platform/workflows/task.ts';

// A step failed after its retries, or the execution ended without its failure path (timed
// out, stopped: platform/workflows/ended.ts): the run keeps its status and says what failed,
// for an operator to look at (no money moved without its ledger entry: every write is a
// transaction).
const ENDED = ['States.Timeout', 'States.Aborted'];

export const handler = recordsEndedExecutions(
  workflowTask(
    'payouts.RecordFailure',
    async ({
      runId,
      phase,
      error,
    }: {
      runId: string;
      phase?: string;
      error: { Error?: string; Cause?: string };
    }) => {
      logger.error('payout run step failed', {
        runId,
        error: error.Error,
        cause: String(error.Cause ?? '').slice(0, 500),
      });
      // A reconciliation that failed (a partner that did not send its report after the
      // retries): the run says so where its result would be, and a new request may retry.
      if (phase === 'reconcile') {
        const startedAt = (await getRun(runId))?.reconciliation?.startedAt;
        if (startedAt)
          await endReconciliation(runId, startedAt, {
            status: 'FAILED',
            error: `${error.Error ?? 'unknown'}: ${String(error.Cause ?? '').slice(0, 300)}`,
          });
        return { runId };
      }
      await setRunFields(runId, {
        failure: { error: error.Error ?? 'unknown', cause: String(error.Cause ?? '').slice(0, 500) },
      });
      // A disbursement stopped or timed out would hold its period for good: its pending
      // instructions stay PENDING for an operator (their incentives are not due, so no
      // later run takes them) and the period is free for the next run.
      if (phase === 'disburse' && ENDED.includes(String(error.Error))) await releasePeriod(runId);
      return { runId };
    },
  ),
);
