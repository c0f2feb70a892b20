import { httpHandler } from '#contexts/http.ts';
import { ownPurchase, purchaseView } from '#contexts/purchases/handlers/view.ts';
import { cancelPurchase } from '#contexts/purchases/routes.ts';
import { cancelPurchase as cancel } from '#contexts/purchases/store/purchases.ts';
import { clock } from '#platform/clock.ts';
import { Problem } from '#platform/http/problem.ts';

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
