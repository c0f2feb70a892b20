import { clock } from '#shared/clock.ts';
import { revokePartnerKey } from '#shared/contracts/partners.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { problems } from '#shared/http/problem.ts';
import { revokeCredential } from '#shared/store/partners.ts';

export const handler = httpHandler(revokePartnerKey, async ({ params, principal }) => {
  if (!(await revokeCredential(params.partnerId, params.keyId, clock.now(), principal.accountId)))
    throw problems.notFound('No such active key for this partner.');
  return { status: 200, body: { keyId: params.keyId, status: 'REVOKED' as const } };
});
