import type { Partner } from '#contexts/partners/items.ts';
import { DEFAULT_RATE } from '#contexts/partners/partner-auth.ts';

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
