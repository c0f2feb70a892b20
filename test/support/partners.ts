import { adminToken, call, stack } from '#test/support/api.ts';
import { clockHeaders } from '#test/support/http.ts';
import { type PartnerKey, type SignedRequest, sendSigned } from '../../scripts/sign-request.ts';

// Partners in tests: the seeded ones of the local stack, and fresh ones walked through
// onboarding by an administrator over HTTP.
export type { PartnerKey } from '../../scripts/sign-request.ts';

export function seeded(code: string): PartnerKey & { id: string } {
  const partner = stack().partners.find((p) => p.code === code);
  if (!partner) throw new Error(`no seeded partner ${code}`);
  return { id: partner.id, keyId: partner.keyId, secret: partner.secret };
}

export function signed(key: PartnerKey, request: SignedRequest) {
  return sendSigned(stack().apiUrl, key, request, clockHeaders());
}

export const CRITERIA = {
  nationalCoverage: true,
  adequateSystems: true,
  dataSecurity: true,
  pseRegistered: true,
};
const STEPS = ['MOU_SIGNED', 'AGREEMENT_SIGNED', 'INTEGRATING', 'LIVE'] as const;

/** A new partner taken to `until` (LIVE by default), with one key. */
export async function onboardedPartner(
  kind: 'platform' | 'payment',
  options: { until?: (typeof STEPS)[number] | 'APPLIED'; rateLimitPerSecond?: number } = {},
) {
  const token = await adminToken();
  const code = `p-${Math.random().toString(36).slice(2, 12)}`;
  const created = await call('POST', '/v1/admin/partners', {
    token,
    body: {
      name: `Partner ${code}`,
      kind,
      code,
      ...(options.rateLimitPerSecond ? { rateLimitPerSecond: options.rateLimitPerSecond } : {}),
    },
  });
  if (created.status !== 201)
    throw new Error(`create partner: ${created.status} ${JSON.stringify(created.body)}`);
  const partnerId = created.body.partnerId as string;
  const until = options.until ?? 'LIVE';
  for (const to of STEPS) {
    if (until === 'APPLIED') break;
    const moved = await call('POST', `/v1/admin/partners/${partnerId}/transitions`, {
      token,
      body: { to, note: `step to ${to}`, ...(to === 'LIVE' ? { criteria: CRITERIA } : {}) },
    });
    if (moved.status !== 200) throw new Error(`transition to ${to}: ${moved.status}`);
    if (to === until) break;
  }
  const key = await call('POST', `/v1/admin/partners/${partnerId}/credentials`, { token });
  return {
    partnerId,
    code,
    token,
    key: { keyId: key.body.keyId as string, secret: key.body.secret as string },
  };
}
