import { runView } from '#functions/payouts/views.ts';
import { clock } from '#shared/clock.ts';
import { config } from '#shared/config.ts';
import { approvePayoutRun } from '#shared/contracts/payouts.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { Problem, problems } from '#shared/http/problem.ts';
import { allBatches, getRun, moveRun, totalsOf } from '#shared/store/payouts.ts';
import { startExecution } from '#shared/workflows/client.ts';
import { MAX_POLL_SECONDS, type PayoutDisburseInput } from '#shared/workflows/payout.ts';

// Maker-checker: the approver must not be the administrator who created the run; the
// condition on the update makes that hold against any race.
export const handler = httpHandler(approvePayoutRun, async ({ params, principal }) => {
  const run = await getRun(params.runId);
  if (!run) throw problems.notFound('No such payout run.');
  if (run.createdBy === principal.accountId)
    throw new Problem('own-run', 'A run is approved by another administrator than the one who created it.');
  const now = clock.now().toISOString();
  const resumed = run.status === 'DISBURSING' && run.approvedBy === principal.accountId;
  if (!resumed) {
    const moved = await moveRun(
      run.runId,
      'AWAITING_APPROVAL',
      'DISBURSING',
      { approvedBy: principal.accountId, approvedAt: now },
      { expression: 'createdBy <> :me', values: { ':me': principal.accountId } },
    );
    if (!moved) throw new Problem('run-not-awaiting-approval', `The run is ${run.status}.`);
  }
  const input: PayoutDisburseInput = {
    phase: 'disburse',
    runId: run.runId,
    // The loop's bound is counted in looks: its length in time is the poll's (at most a minute).
    pollSeconds: Math.min(MAX_POLL_SECONDS, Math.max(1, Math.round(config.payoutPollSeconds))),
    enqueue: { cursor: null, done: false },
  };
  // The same name and input again is the same execution (an approval retried after a fault).
  await startExecution(config.payoutStateMachineArn, `disburse-${run.runId}`, input).catch((error: Error) => {
    // Its disbursement ran and ended (a failed one is for an operator, not a second approval).
    if (error.name === 'ExecutionAlreadyExists')
      throw new Problem('run-not-awaiting-approval', 'The disbursement of this run has already ended.');
    throw error;
  });
  const approved = {
    ...run,
    status: 'DISBURSING' as const,
    approvedBy: principal.accountId,
    approvedAt: run.approvedAt ?? now,
  };
  return { status: 202, body: runView(approved, totalsOf(await allBatches(run.runId))) };
});
