import { ownPurchase, purchaseView } from '#functions/purchases/view.ts';
import { clock } from '#shared/clock.ts';
import { cancelPurchase } from '#shared/contracts/purchases.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { Problem } from '#shared/http/problem.ts';
import { cancelPurchase as cancel } from '#shared/store/purchases.ts';

export const handler = httpHandler(cancelPurchase, async ({ params, principal, idempotency }) => {
  const purchase = await ownPurchase(principal, params.purchaseId);
  const refuse = () => new Problem('not-cancellable', `A ${purchase.status} purchase cannot be cancelled.`);
  if (purchase.status !== 'PENDING_OTP' && purchase.status !== 'PAID') throw refuse();
  const now = clock.now();
  const reply = {
    status: 200,
    body: purchaseView({ ...purchase, status: 'CANCELLED', cancelledAt: now.toISOString() }),
  };
  if (!(await cancel(purchase, now, idempotency?.record(reply)))) throw refuse();
  return reply;
});
