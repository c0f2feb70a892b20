import { httpHandler } from '#contexts/http.ts';
import { revokePartnerKey } from '#contexts/partners/routes.ts';
import { revokeCredential } from '#contexts/partners/store/partners.ts';
import { clock } from '#platform/clock.ts';
import { problems } from '#platform/http/problem.ts';

export const handler = httpHandler(revokePartnerKey, async ({ params, principal }) => {
  if (!(await revokeCredential(params.partnerId, params.keyId, clock.now(), principal.accountId)))
    throw problems.notFound('No such active key for this partner.');
  return { status: 200, body: { keyId: params.keyId, status: 'REVOKED' as const } };
});
