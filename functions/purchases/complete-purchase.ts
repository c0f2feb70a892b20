import { ownPurchase, purchaseView } from '#functions/purchases/view.ts';
import { clock } from '#shared/clock.ts';
import { completePurchase } from '#shared/contracts/purchases.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { Problem } from '#shared/http/problem.ts';
import { completePurchase as complete } from '#shared/store/purchases.ts';

// A certificate only after the voucher was redeemed (DOMAIN.md: certificates issued
// before training was done are a known abuse).
export const handler = httpHandler(completePurchase, async ({ params, body, principal }) => {
  const purchase = await ownPurchase(principal, params.purchaseId);
  if (purchase.status !== 'REDEEMED')
    throw new Problem('not-redeemed', 'Only a redeemed purchase can be completed.');
  if (!(await complete(purchase, body.completedAt, body.certificateNumber, clock.now())))
    throw new Problem('not-redeemed', 'Only a redeemed purchase can be completed.');
  return { status: 200, body: purchaseView({ ...purchase, status: 'COMPLETED', ...body }) };
});
