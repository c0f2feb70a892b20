import * as z from 'zod';
import { httpHandler } from '#contexts/http.ts';
import { instructionView } from '#contexts/payouts/handlers/views.ts';
import { listPayoutInstructions } from '#contexts/payouts/routes.ts';
import { getRun, instructionsPage } from '#contexts/payouts/store/payouts.ts';
import { problems } from '#platform/http/problem.ts';
import { sealCursor, startOf } from '#platform/store/cursor.ts';

const Position = z.strictObject({
  batchId: z.string().min(1).max(128),
  after: z.string().min(1).max(512).nullable(),
});

export const handler = httpHandler(listPayoutInstructions, async ({ params, query }) => {
  // The list's name holds the run: a cursor of another run's list is refused.
  const list = `payout-instructions:${params.runId}`;
  const start = await startOf(list, query.cursor, Position);
  const run = await getRun(params.runId);
  if (!run) throw problems.notFound('No such payout run.');
  const page = await instructionsPage(run.runId, start, query.limit);
  return {
    status: 200,
    body: { items: page.items.map(instructionView), nextCursor: await sealCursor(list, page.next) },
  };
});
