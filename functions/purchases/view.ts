import type { Principal } from '#shared/http/auth.ts';
import { problems } from '#shared/http/problem.ts';
import { getPurchase, type Purchase } from '#shared/store/purchases.ts';

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
