import { httpHandler } from '#contexts/http.ts';
import type { Partner } from '#contexts/partners/items.ts';
import { listPaymentPartners } from '#contexts/partners/routes.ts';
import { listPartners } from '#contexts/partners/store/partners.ts';
import { PAYMENT_PARTNERS } from '#contexts/payouts/payments/partners.ts';

// What a citizen may link a payout account with: the payment partners that are LIVE in the
// registry (data, moved by administrators) and that this deployment can pay through
// (contexts/payouts/payments/partners.ts). A partner still at MOU_SIGNED is not offered.
export const handler = httpHandler(listPaymentPartners, async () => {
  const registry: Partner[] = [];
  let cursor: string | undefined;
  do {
    const page = await listPartners(500, cursor);
    registry.push(...page.partners);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  const live = new Map(
    registry.filter((p) => p.kind === 'payment' && p.status === 'LIVE').map((p) => [p.code, p]),
  );
  const items = PAYMENT_PARTNERS.flatMap((spec) => {
    const partner = live.get(spec.code);
    return partner ? [{ code: spec.code, name: partner.name, kind: spec.kind }] : [];
  });
  return { status: 200, body: { items, nextCursor: null } };
});
