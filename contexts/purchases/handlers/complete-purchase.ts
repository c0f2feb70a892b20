import { httpHandler } from '#contexts/http.ts';
import { ownPurchase, purchaseView } from '#contexts/purchases/handlers/view.ts';
import { completePurchase } from '#contexts/purchases/routes.ts';
import { completePurchase as complete } from '#contexts/purchases/store/purchases.ts';
import { clock } from '#platform/clock.ts';
import { Problem, problems } from '#platform/http/problem.ts';

// A certificate only after the voucher was redeemed (DOMAIN.md: certificates issued
// before training was done are a known abuse), dated between the redemption and now.
// Partners' clocks drift: a completion up to 5 minutes ahead of ours is accepted.
export const CLOCK_SKEW_MS = 5 * 60 * 1000;

const badDate = (message: string) =>
  problems.validation([{ path: 'completedAt', message }], 'The completion date is not possible.');

export const handler = httpHandler(completePurchase, async ({ params, body, principal, idempotency }) => {
  const purchase = await ownPurchase(principal, params.purchaseId);
  const now = clock.now();
  const completedAt = Date.parse(body.completedAt);
  if (completedAt > now.getTime() + CLOCK_SKEW_MS) throw badDate('must not be in the future');
  if (purchase.status !== 'REDEEMED')
    throw new Problem('not-redeemed', 'Only a redeemed purchase can be completed.');
  if (purchase.redeemedAt && completedAt < Date.parse(purchase.redeemedAt))
    throw badDate(`must not be before the redemption (${purchase.redeemedAt})`);
  const reply = { status: 200, body: purchaseView({ ...purchase, status: 'COMPLETED', ...body }) };
  if (!(await complete(purchase, body.completedAt, body.certificateNumber, now, idempotency?.record(reply))))
    throw new Problem('not-redeemed', 'Only a redeemed purchase can be completed.');
  return reply;
});
