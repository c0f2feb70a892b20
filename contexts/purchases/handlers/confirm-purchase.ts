import { judgeCode } from '#contexts/accounts/rules/verification.ts';
import { httpHandler } from '#contexts/http.ts';
import { ownPurchase, purchaseView } from '#contexts/purchases/handlers/view.ts';
import { confirmPurchase } from '#contexts/purchases/routes.ts';
import { countWrongOtp, confirmPurchase as pay } from '#contexts/purchases/store/purchases.ts';
import { clock } from '#platform/clock.ts';
import { hashCode } from '#platform/crypto.ts';
import { Problem } from '#platform/http/problem.ts';

const locked = () => new Problem('code-locked', 'Five wrong codes: start a new purchase.');
const notPending = () => new Problem('purchase-not-pending', 'This purchase is not awaiting a code.');

const REFUSED = {
  'not-pending': ['purchase-not-pending', 'This purchase is not awaiting a code.'],
  'code-locked': ['code-locked', 'Five wrong codes: start a new purchase.'],
  'insufficient-balance': ['insufficient-balance', 'The card balance does not cover the price.'],
  'previous-course-not-completed': [
    'previous-course-not-completed',
    'Another course is paid and not completed.',
  ],
  'participation-revoked': ['participation-revoked', 'The participation of this card has been revoked.'],
} as const;

export const handler = httpHandler(confirmPurchase, async ({ params, body, principal, idempotency }) => {
  const purchase = await ownPurchase(principal, params.purchaseId);
  if (purchase.status !== 'PENDING_OTP') throw notPending();
  const now = clock.now();
  const presented = purchase.otp ? hashCode(body.otp, purchase.otp.salt) : '';
  const verdict = judgeCode(purchase.otp, presented, now.getTime());
  if (verdict === 'locked') throw locked();
  if (verdict === 'expired') throw new Problem('code-expired', 'The code has expired: start a new purchase.');
  if (verdict === 'invalid') {
    // A wrong guess counts only if it got one of the tries left (concurrent guesses race);
    // its refusal is kept with the count, so a repeat of it does not count again.
    const wrong = new Problem('invalid-code', 'The code does not match.');
    const counted = await countWrongOtp(purchase.purchaseId, idempotency?.record(wrong));
    if (counted === 'locked') throw locked();
    if (counted === 'not-pending') throw notPending();
    throw wrong;
  }
  const answer = (paid: { voucherCode: string; balanceAfterIdr: number }) => ({
    status: 200,
    body: purchaseView(
      { ...purchase, status: 'PAID', voucherCode: paid.voucherCode, paidAt: now.toISOString() },
      { balanceAfterIdr: paid.balanceAfterIdr },
    ),
  });
  const paid = await pay(purchase, now, (paid) => idempotency?.record(answer(paid)) ?? []);
  if (typeof paid === 'string') throw new Problem(REFUSED[paid][0], REFUSED[paid][1]);
  return answer(paid);
});
