import { httpHandler } from '#contexts/http.ts';
import { listPayoutRuns } from '#contexts/payouts/routes.ts';
import { runsPage } from '#contexts/payouts/store/payouts.ts';
import { IndexCursor, sealCursor, startOf } from '#platform/store/cursor.ts';

export const handler = httpHandler(listPayoutRuns, async ({ query }) => {
  const start = await startOf('payout-runs', query.cursor, IndexCursor);
  const page = await runsPage(start, query.limit);
  return { status: 200, body: { items: page.items, nextCursor: await sealCursor('payout-runs', page.next) } };
});
