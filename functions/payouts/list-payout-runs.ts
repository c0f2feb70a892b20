import { listPayoutRuns } from '#shared/contracts/payouts.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { IndexCursor, sealCursor, startOf } from '#shared/store/cursor.ts';
import { runsPage } from '#shared/store/payouts.ts';

export const handler = httpHandler(listPayoutRuns, async ({ query }) => {
  const start = await startOf('payout-runs', query.cursor, IndexCursor);
  const page = await runsPage(start, query.limit);
  return { status: 200, body: { items: page.items, nextCursor: await sealCursor('payout-runs', page.next) } };
});
