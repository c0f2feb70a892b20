import { randomUUID } from 'node:crypto';
import { httpHandler } from '#contexts/http.ts';
import { runView } from '#contexts/payouts/handlers/views.ts';
import type { PayoutRun } from '#contexts/payouts/items.ts';
import { createPayoutRun } from '#contexts/payouts/routes.ts';
import { emptyTally, periodEnd, periodOpen } from '#contexts/payouts/rules/payouts.ts';
import { payableTotal } from '#contexts/payouts/store/payout-staging.ts';
import { insertRun, RunOpenForPeriod } from '#contexts/payouts/store/payouts.ts';
import type { PayoutStageInput } from '#contexts/payouts/workflow.ts';
import { DUE_SHARDS } from '#contexts/purchases/items.ts';
import { clock } from '#platform/clock.ts';
import { config } from '#platform/config.ts';
import { Problem } from '#platform/http/problem.ts';
import { startExecution } from '#platform/workflows/client.ts';

export const handler = httpHandler(createPayoutRun, async ({ body, principal }) => {
  const now = clock.now();
  const end = periodEnd(body.period)!;
  if (!periodOpen(body.period, now))
    throw new Problem('period-not-open', 'A run pays what is due up to the current month at the latest.');
  // The budget is checked before anything is staged; staging itself never passes it.
  const due = await payableTotal(end);
  // A run with nothing to pay would wait for an approval of nothing: refused here.
  if (due.count === 0)
    throw new Problem('nothing-due', `Nothing payable is due up to ${end}.`, {
      extensions: { dueIdr: 0, dueCount: 0 },
    });
  if (due.amountIdr > body.budgetIdr)
    throw new Problem(
      'over-budget',
      `Rp ${due.amountIdr} is due to ${due.count} incentives, over the budget.`,
      {
        extensions: { dueIdr: due.amountIdr, dueCount: due.count },
      },
    );
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
    shardList: Array.from({ length: DUE_SHARDS }, (_, i) => i),
    pageSize: 200,
    pagesPerCall: 10,
  };
  await startExecution(config.payoutStateMachineArn, `stage-${run.runId}`, input);
  return { status: 202, body: runView(run, { all: emptyTally(), byPartner: {} }) };
});
