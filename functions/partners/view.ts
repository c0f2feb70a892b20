import { DEFAULT_RATE } from '#shared/http/partner-auth.ts';
import type { Partner } from '#shared/items/partners.ts';

/** A partner as administrators see it. */
export const partnerView = (p: Partner) => ({
  partnerId: p.partnerId,
  name: p.name,
  kind: p.kind,
  code: p.code,
  status: p.status,
  criteria: p.criteria ?? null,
  activeKeys: p.activeKeys ?? 0,
  rateLimitPerSecond: p.rateLimitPerSecond ?? DEFAULT_RATE,
  createdAt: p.createdAt,
});
