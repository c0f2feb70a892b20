import { httpHandler } from '#contexts/http.ts';
import { handBackNotLive } from '#contexts/payouts/hand-back.ts';
import { auditOf, requestKey } from '#contexts/payouts/handlers/close-run.ts';
import { runView } from '#contexts/payouts/handlers/views.ts';
import { approvePayoutRun } from '#contexts/payouts/routes.ts';
import { allBatches, getRun, moveRunWith, totalsOf } from '#contexts/payouts/store/payouts.ts';
import { MAX_POLL_SECONDS, type PayoutDisburseInput } from '#contexts/payouts/workflow.ts';
import { clock } from '#platform/clock.ts';
import { config } from '#platform/config.ts';
import { Problem, problems } from '#platform/http/problem.ts';
import { startExecution } from '#platform/workflows/client.ts';

// Maker-checker: the approver must not be the administrator who created the run; the
// condition on the move makes that hold against any race. The move, its audit record and
// the request's key are one transaction on condition the run awaited approval: of ten
// approvals at once, one is answered 202 and recorded; the others 409 (a retry of that
// very request, after a fault, resumes it: contexts/payouts/handlers/close-run.ts).
export const handler = httpHandler(approvePayoutRun, async ({ params, principal, headers }) => {
  const run = await getRun(params.runId);
  if (!run) throw problems.notFound('No such payout run.');
  if (run.createdBy === principal.accountId)
    throw new Problem('own-run', 'A run is approved by another administrator than the one who created it.');
  const now = clock.now().toISOString();
  const key = requestKey(principal, headers);
  const resumed = run.status === 'DISBURSING' && run.approvalKey === key;
  if (!resumed) {
    const moved =
      run.status === 'AWAITING_APPROVAL' &&
      (await moveRunWith(
        run,
        ['AWAITING_APPROVAL'],
        'DISBURSING',
        { approvedBy: principal.accountId, approvedAt: now, approvalKey: key },
        {
          extraCondition: { expression: 'createdBy <> :me', values: { ':me': principal.accountId } },
          also: [auditOf(principal, 'payout-run.approved', run.runId)],
        },
      ));
    if (!moved) {
      const current = (await getRun(run.runId))?.status ?? run.status;
      throw new Problem('run-not-awaiting-approval', `The run is ${current}.`);
    }
  }
  // Staged while a partner was LIVE, approved after it was suspended: nothing goes to it.
  // Its instructions are handed back to due (FAILED, `partner-not-live`); the enqueue step
  // and the dispatcher look again later.
  await handBackNotLive(await allBatches(run.runId), clock.now());
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
