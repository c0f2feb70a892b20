import { httpHandler } from '#contexts/http.ts';
import { PartnerTimeout, PartnerUnavailable } from '#contexts/payouts/payments/port.ts';
import { compare } from '#contexts/payouts/reconcile.ts';
import { ourDays, readPartner } from '#contexts/payouts/reconcile-run.ts';
import { reconcilePayoutRun } from '#contexts/payouts/routes.ts';
import { RECONCILE_STALE_MS, reconcilesInRequest } from '#contexts/payouts/rules/payouts.ts';
import { endReconciliation, startReconciliation } from '#contexts/payouts/store/payout-reconciliation.ts';
import { allBatches, getRun, setRunFields, totalsOf } from '#contexts/payouts/store/payouts.ts';
import type { PayoutReconcileInput } from '#contexts/payouts/workflow.ts';
import { clock } from '#platform/clock.ts';
import { config } from '#platform/config.ts';
import { Problem, problems } from '#platform/http/problem.ts';
import { startExecution } from '#platform/workflows/client.ts';

// A run of up to RECONCILE_IN_REQUEST instructions is reconciled here and answered (200,
// the comparison). A larger one is reconciled by the payout workflow, one partner a task
// (contexts/payouts/handlers/reconcile-partner.ts): 202, and the result lands in the
// run's `reconciliation` field (GET /v1/admin/payout-runs/{runId}).
export const handler = httpHandler(reconcilePayoutRun, async ({ params }) => {
  const run = await getRun(params.runId);
  if (!run) throw problems.notFound('No such payout run.');
  if (run.status !== 'COMPLETED' && run.status !== 'COMPLETED_WITH_FAILURES')
    throw new Problem('run-not-settled', `The run is ${run.status}: reconcile it once it has completed.`);
  const batches = await allBatches(run.runId);
  const now = clock.now();
  const ours = ourDays(run, now);
  const codes = [...new Set(batches.map((b) => b.partnerCode))];
  if (!reconcilesInRequest(totalsOf(batches).all.instructions)) {
    const startedAt = now.toISOString();
    const location = `/v1/admin/payout-runs/${run.runId}`;
    if (
      !(await startReconciliation(
        run.runId,
        startedAt,
        new Date(now.getTime() - RECONCILE_STALE_MS).toISOString(),
      ))
    )
      // One at a time: the caller reads the running one's result where this one's would be.
      return {
        status: 202,
        body: { ...(await getRun(run.runId))!.reconciliation!, runId: run.runId, location },
      };
    const input: PayoutReconcileInput = {
      phase: 'reconcile',
      runId: run.runId,
      startedAt,
      ours,
      partners: codes,
    };
    await startExecution(
      config.payoutStateMachineArn,
      `reconcile-${run.runId}-${now.getTime()}`,
      input,
    ).catch(async (error: unknown) => {
      await endReconciliation(run.runId, startedAt, { status: 'FAILED', error: 'not started' });
      throw error;
    });
    return { status: 202, body: { status: 'RUNNING' as const, startedAt, runId: run.runId, location } };
  }
  let read: Awaited<ReturnType<typeof readPartner>>[];
  try {
    read = await Promise.all(codes.map((code) => readPartner(run.runId, code, batches, ours)));
  } catch (error) {
    if (error instanceof PartnerTimeout || error instanceof PartnerUnavailable)
      throw new Problem('partner-unavailable', 'A payment partner did not send its report: try again later.');
    throw error;
  }
  const instructions = read.flatMap((r) => r.instructions);
  const reported = new Map(codes.map((code, n) => [code, read[n]!.lines]));
  const result = { at: now.toISOString(), ...compare(instructions, reported) };
  const { differences: _, ...summary } = result;
  await setRunFields(run.runId, { reconciliation: { status: 'DONE', ...summary } });
  return { status: 200, body: result };
});
