import { partnerView } from '#functions/partners/view.ts';
import { listPartners } from '#shared/contracts/partners.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { listPartners as readPartners } from '#shared/store/partners.ts';

export const handler = httpHandler(listPartners, async ({ query }) => {
  const page = await readPartners(query.limit, query.cursor);
  return { status: 200, body: { items: page.partners.map(partnerView), nextCursor: page.nextCursor } };
});
