import { httpHandler } from '#contexts/http.ts';
import { partnerView } from '#contexts/partners/handlers/view.ts';
import { listPartners } from '#contexts/partners/routes.ts';
import { listPartners as readPartners } from '#contexts/partners/store/partners.ts';

export const handler = httpHandler(listPartners, async ({ query }) => {
  const page = await readPartners(query.limit, query.cursor);
  return { status: 200, body: { items: page.partners.map(partnerView), nextCursor: page.nextCursor } };
});
