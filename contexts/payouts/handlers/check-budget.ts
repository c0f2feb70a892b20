import { handBackRun } from '#contexts/payouts/hand-back.ts';
import {
  allotBudget,
  HANDED_BACK,
  overBudgetText,
  type ShardDue,
  totalDue,
} from '#contexts/payouts/rules/payouts.ts';
import { closeShards, openShards } from '#contexts/payouts/store/payout-staging.ts';
import { getRun, moveRunWith } from '#contexts/payouts/store/payouts.ts';
import { auditPut } from '#platform/audit.ts';
import { clock } from '#platform/clock.ts';
import { count } from '#platform/observability.ts';
import { workflowTask } from '#platform/workflows/task.ts';

// The over-budget check, in the workflow (a request no longer sums the due index): over
// the budget, the run is REJECTED `over-budget` with what is due, audited, in one
// transaction that releases its period and closes its shards; within it, each shard gets
// its share of the budget (contexts/payouts/rules/payouts.ts allotBudget) and staging begins.
export const handler = workflowTask(
  'payouts.CheckBudget',
  async ({ runId, due }: { runId: string; due: ShardDue[] }) => {
    const run = await getRun(runId);
    if (!run) throw new Error(`payout run ${runId} not found`);
    const { dueIdr, dueCount } = totalDue(due);
    if (run.status !== 'STAGING') return { stage: false, dueIdr, dueCount };
    const allots = allotBudget(run.budgetIdr, due);
    if (allots) return { stage: await openShards(runId, allots), shards: allots, dueIdr, dueCount };
    const closedReason = `over-budget: ${overBudgetText({ dueIdr, dueCount }, run.budgetIdr)}`;
    const moved = await moveRunWith(
      run,
      ['STAGING'],
      'REJECTED',
      { closedAt: clock.now().toISOString(), closedReason, dueIdr, dueCount },
      {
        also: [
          auditPut({
            actor: 'system',
            role: 'system',
            kind: 'payout-run.rejected',
            subject: runId,
            detail: { from: 'STAGING', reason: 'over-budget', dueIdr, dueCount },
          }),
          ...closeShards(runId),
        ],
      },
    );
    if (moved) count('PayoutRunRejected', 1);
    // Nothing was claimed before the check; a retry after a fault hands back what there is.
    await handBackRun(runId, HANDED_BACK.rejected, clock.now());
    return { stage: false, dueIdr, dueCount };
  },
  (input, out) => ({ runId: input.runId, stage: out.stage, dueCount: out.dueCount }),
);
