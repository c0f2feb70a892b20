import { httpHandler } from '#contexts/http.ts';
import { issuePartnerKey } from '#contexts/partners/routes.ts';
import { getPartner, issueCredential, TooManyKeys } from '#contexts/partners/store/partners.ts';
import { clock } from '#platform/clock.ts';
import { Problem, problems } from '#platform/http/problem.ts';

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
