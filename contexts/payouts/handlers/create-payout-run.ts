import { randomUUID } from 'node:crypto';
import { httpHandler } from '#contexts/http.ts';
import { runView } from '#contexts/payouts/handlers/views.ts';
import type { PayoutRun } from '#contexts/payouts/items.ts';
import { createPayoutRun } from '#contexts/payouts/routes.ts';
import {
  emptyTally,
  overBudgetText,
  periodEnd,
  periodOpen,
  totalDue,
} from '#contexts/payouts/rules/payouts.ts';
import { anyPayable, type CountState, countPages } from '#contexts/payouts/store/payout-staging.ts';
import { insertRun, RunOpenForPeriod } from '#contexts/payouts/store/payouts.ts';
import type { PayoutStageInput } from '#contexts/payouts/workflow.ts';
import { DUE_SHARDS } from '#contexts/purchases/items.ts';
import { clock } from '#platform/clock.ts';
import { config } from '#platform/config.ts';
import { Problem } from '#platform/http/problem.ts';
import { startExecution } from '#platform/workflows/client.ts';

/** Items of each shard the request itself reads: 16 queries in parallel, at most 3,200 items. */
export const FIRST_LOOK_PAGE = 200;
const FIRST: CountState = { cursor: null, done: false, count: 0, amountIdr: 0 };

export const handler = httpHandler(createPayoutRun, async ({ body, principal }) => {
  const now = clock.now();
  const end = periodEnd(body.period)!;
  if (!periodOpen(body.period, now))
    throw new Problem('period-not-open', 'A run pays what is due up to the current month at the latest.');
  // The budget check's first look, in the request: one page of every shard of the due
  // index, the same count the workflow goes on with. When that look sees the whole due set
  // (every run but the largest), or already more than the budget, the request decides as
  // the contract says (409); otherwise the workflow sums the rest and a run over the
  // budget ends REJECTED `over-budget` (contexts/payouts/handlers/check-budget.ts).
  const shards = await Promise.all(
    Array.from({ length: DUE_SHARDS }, async (_, shard) => ({
      shard,
      ...(await countPages(end, shard, FIRST, { pageSize: FIRST_LOOK_PAGE, pagesPerCall: 1 })),
    })),
  );
  const due = totalDue(shards);
  const complete = shards.every((s) => s.done);
  if (due.dueIdr > body.budgetIdr)
    throw new Problem(
      'over-budget',
      `${complete ? '' : 'At least: '}${overBudgetText(due, body.budgetIdr)}`,
      { extensions: { ...due, complete } },
    );
  // A run with nothing to pay would wait for an approval of nothing: refused here.
  if (due.dueCount === 0 && (complete || !(await anyPayable(end))))
    throw new Problem('nothing-due', `Nothing payable is due up to ${end}.`, {
      extensions: { dueIdr: 0, dueCount: 0 },
    });
  const run: PayoutRun = {
    runId: randomUUID(),
    period: body.period,
    periodEnd: end,
    budgetIdr: body.budgetIdr,
    stagedIdr: 0,
    status: 'STAGING',
    createdBy: principal.accountId,
    createdAt: now.toISOString(),
  };
  // One open run per period: the run and the period's marker are one transaction.
  await insertRun(run).catch((error: unknown) => {
    if (!(error instanceof RunOpenForPeriod)) throw error;
    throw new Problem(
      'run-open-for-period',
      `Run ${error.runId} of ${body.period} has not ended: reject or cancel it, or let it complete.`,
      { extensions: { runId: error.runId } },
    );
  });
  const input: PayoutStageInput = {
    phase: 'stage',
    runId: run.runId,
    count: { shards, done: complete },
    pageSize: 200,
    pagesPerCall: 10,
    countPagesPerCall: 50,
  };
  await startExecution(config.payoutStateMachineArn, `stage-${run.runId}`, input);
  return { status: 202, body: runView(run, { all: emptyTally(), byPartner: {} }) };
});
