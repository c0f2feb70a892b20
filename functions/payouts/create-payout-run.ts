import { randomUUID } from 'node:crypto';
import { runView } from '#functions/payouts/views.ts';
import { clock } from '#shared/clock.ts';
import { config } from '#shared/config.ts';
import { createPayoutRun } from '#shared/contracts/payouts.ts';
import { emptyTally, periodEnd, periodOpen } from '#shared/domain/payouts.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { Problem } from '#shared/http/problem.ts';
import type { PayoutRun } from '#shared/items/payouts.ts';
import { DUE_SHARDS } from '#shared/items/purchases.ts';
import { payableTotal } from '#shared/store/payout-staging.ts';
import { insertRun, RunOpenForPeriod } from '#shared/store/payouts.ts';
import { startExecution } from '#shared/workflows/client.ts';
import type { PayoutStageInput } from '#shared/workflows/payout.ts';

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
