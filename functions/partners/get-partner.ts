import { partnerView } from '#functions/partners/view.ts';
import { getPartner } from '#shared/contracts/partners.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { problems } from '#shared/http/problem.ts';
import { auditTrail, listCredentials, getPartner as readPartner } from '#shared/store/partners.ts';

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
