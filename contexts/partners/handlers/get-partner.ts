import { httpHandler } from '#contexts/http.ts';
import { partnerView } from '#contexts/partners/handlers/view.ts';
import { getPartner } from '#contexts/partners/routes.ts';
import { auditTrail, listCredentials, getPartner as readPartner } from '#contexts/partners/store/partners.ts';
import { problems } from '#platform/http/problem.ts';

export const handler = httpHandler(getPartner, async ({ params }) => {
  const partner = await readPartner(params.partnerId);
  if (!partner) throw problems.notFound('No such partner.');
  const [credentials, audit] = await Promise.all([
    listCredentials(partner.partnerId),
    auditTrail(partner.partnerId),
  ]);
  return {
    status: 200,
    body: {
      ...partnerView(partner),
      keys: credentials.map(({ keyId, status, createdAt }) => ({ keyId, status, createdAt })),
      audit,
    },
  };
});
