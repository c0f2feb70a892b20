import { httpHandler } from '#contexts/http.ts';
import { ownPurchase, purchaseView } from '#contexts/purchases/handlers/view.ts';
import type { Purchase } from '#contexts/purchases/items.ts';
import { redeemPurchase } from '#contexts/purchases/routes.ts';
import { redeemPurchase as redeem, voucherOwner } from '#contexts/purchases/store/purchases.ts';
import { clock } from '#platform/clock.ts';
import { Problem, problems } from '#platform/http/problem.ts';
import type { Principal } from '#platform/principal.ts';

// The failures people meet at the training institution, each with its own slug. A code
// that is not one of the calling platform's own vouchers answers exactly like an unknown
// code: another platform's voucher must not be revealed to exist.
const noSuchVoucher = () => problems.notFound('No such voucher code for this purchase.');
const used = (detail: string) => new Problem('voucher-already-used', detail);

/** Why a code is not this purchase's, or the purchase's own state: read only on refusal. */
async function refusal(principal: Principal, purchase: Purchase, code: string): Promise<Problem> {
  const owner = await voucherOwner(code);
  if (!owner) return noSuchVoucher();
  if (owner.purchaseId !== purchase.purchaseId) {
    if (owner.partnerId === principal.partnerId && owner.institutionId !== purchase.institution.id)
      return new Problem('voucher-other-institution', "This code belongs to another institution's course.");
    return noSuchVoucher();
  }
  if (purchase.status === 'CANCELLED') return new Problem('voucher-cancelled', 'The purchase was cancelled.');
  return used('This voucher has been used.');
}

export const handler = httpHandler(redeemPurchase, async ({ params, body, principal, idempotency }) => {
  const purchase = await ownPurchase(principal, params.purchaseId);
  if (purchase.status !== 'PAID') throw await refusal(principal, purchase, body.voucherCode);
  const now = clock.now();
  const reply = {
    status: 200,
    body: purchaseView({ ...purchase, status: 'REDEEMED', redeemedAt: now.toISOString() }),
  };
  // The code is checked by the transaction itself (one call): a mismatch is explained after.
  const outcome = await redeem(purchase, body.voucherCode, now, idempotency?.record(reply));
  if (outcome === 'voucher-mismatch') throw await refusal(principal, purchase, body.voucherCode);
  if (outcome === 'not-paid') throw used('This voucher has just been used.');
  return reply;
});
