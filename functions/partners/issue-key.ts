import { clock } from '#shared/clock.ts';
import { issuePartnerKey } from '#shared/contracts/partners.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { Problem, problems } from '#shared/http/problem.ts';
import { getPartner, issueCredential, TooManyKeys } from '#shared/store/partners.ts';

export const handler = httpHandler(issuePartnerKey, async ({ params, principal }) => {
  const partner = await getPartner(params.partnerId);
  if (!partner) throw problems.notFound('No such partner.');
  try {
    const key = await issueCredential(partner.partnerId, clock.now(), principal.accountId);
    return { status: 201, body: { ...key, partnerId: partner.partnerId } };
  } catch (error) {
    if (error instanceof TooManyKeys)
      throw new Problem(
        'too-many-keys',
        'Two keys are active: revoke the old one once the new one is in use.',
      );
    throw error;
  }
});
