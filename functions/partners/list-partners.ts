import { partnerView } from '#functions/partners/view.ts';
import { listPartners } from '#shared/contracts/partners.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { problems } from '#shared/http/problem.ts';
import { listPartners as readPartners } from '#shared/store/partners.ts';

export const handler = httpHandler(listPartners, async ({ query }) => {
  const page = await readPartners(query.limit, query.cursor);
  if (!page) throw problems.validation([{ path: 'cursor', message: 'not a cursor of this list' }]);
  return { status: 200, body: { items: page.partners.map(partnerView), nextCursor: page.nextCursor } };
});
