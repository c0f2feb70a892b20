import type { Purchase } from '#contexts/purchases/items.ts';
import { getPurchase } from '#contexts/purchases/store/purchases.ts';
import { problems } from '#platform/http/problem.ts';
import type { Principal } from '#platform/principal.ts';

/** A purchase as its platform sees it: no account id, no code. */
export function purchaseView(p: Purchase, extra: { balanceAfterIdr?: number } = {}) {
  const { accountId: _a, cardNumber: _c, otp: _o, partnerId: _p, reviewedAt: _r, ...view } = p;
  return { ...view, ...extra };
}

/** The calling platform's purchase: unknown is 404, another platform's is 403. */
export async function ownPurchase(principal: Principal, purchaseId: string): Promise<Purchase> {
  const purchase = await getPurchase(purchaseId);
  if (!purchase) throw problems.notFound('No such purchase.');
  if (purchase.partnerId !== principal.partnerId)
    throw problems.forbidden('This purchase belongs to another platform.');
  return purchase;
}

/**
 * A purchase as its participant sees it, field by field: never the SMS code (hashed or
 * not), the card number or the account id. The voucher code only while PAID: DOMAIN.md
 * has the participant take it to the training institution to redeem, so until it is
 * used (REDEEMED) or void (CANCELLED) it is theirs to see; the list is their own only.
 */
export function ownPurchaseView(
  p: Purchase,
  platform: { code: string; name: string } | undefined,
  catalogTitle: string | undefined,
) {
  return {
    purchaseId: p.purchaseId,
    courseId: p.courseId,
    courseTitle: p.courseTitle ?? catalogTitle ?? p.courseId,
    // Partners are never deleted; an unreadable one still shows as its id.
    platform: platform ?? { code: p.partnerId, name: p.partnerId },
    institution: p.institution,
    priceIdr: p.priceIdr,
    status: p.status,
    createdAt: p.createdAt,
    paidAt: p.paidAt,
    redeemedAt: p.redeemedAt,
    cancelledAt: p.cancelledAt,
    completedAt: p.completedAt,
    certificateNumber: p.certificateNumber,
    voucherCode: p.status === 'PAID' ? p.voucherCode : undefined,
    reviewed: p.reviewedAt !== undefined,
  };
}
