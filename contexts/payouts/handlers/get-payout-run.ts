import { httpHandler } from '#contexts/http.ts';
import { runView } from '#contexts/payouts/handlers/views.ts';
import { getPayoutRun } from '#contexts/payouts/routes.ts';
import { allBatches, getRun, totalsOf } from '#contexts/payouts/store/payouts.ts';
import { problems } from '#platform/http/problem.ts';

export const handler = httpHandler(getPayoutRun, async ({ params }) => {
  const run = await getRun(params.runId);
  if (!run) throw problems.notFound('No such payout run.');
  // A finished run keeps its totals; a live one is summed from its batches.
  const final = run.status === 'COMPLETED' || run.status === 'COMPLETED_WITH_FAILURES';
  const totals = final && run.totals ? run.totals : totalsOf(await allBatches(run.runId));
  return { status: 200, body: runView(run, totals) };
});
