import { runView } from '#functions/payouts/views.ts';
import { getPayoutRun } from '#shared/contracts/payouts.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { problems } from '#shared/http/problem.ts';
import { allBatches, getRun, totalsOf } from '#shared/store/payouts.ts';

export const handler = httpHandler(getPayoutRun, async ({ params }) => {
  const run = await getRun(params.runId);
  if (!run) throw problems.notFound('No such payout run.');
  // A finished run keeps its totals; a live one is summed from its batches.
  const final = run.status === 'COMPLETED' || run.status === 'COMPLETED_WITH_FAILURES';
  const totals = final && run.totals ? run.totals : totalsOf(await allBatches(run.runId));
  return { status: 200, body: runView(run, totals) };
});
