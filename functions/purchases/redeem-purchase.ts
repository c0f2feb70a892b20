import { ownPurchase, purchaseView } from '#functions/purchases/view.ts';
import { clock } from '#shared/clock.ts';
import { redeemPurchase } from '#shared/contracts/purchases.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { Problem, problems } from '#shared/http/problem.ts';
import { redeemPurchase as redeem, voucherOwner } from '#shared/store/purchases.ts';

// The failures people meet at the training institution, each with its own slug. A code
// that is not one of the calling platform's own vouchers answers exactly like an unknown
// code: another platform's voucher must not be revealed to exist.
const noSuchVoucher = () => problems.notFound('No such voucher code for this purchase.');

export const handler = httpHandler(redeemPurchase, async ({ params, body, principal }) => {
  const purchase = await ownPurchase(principal, params.purchaseId);
  const owner = await voucherOwner(body.voucherCode);
  if (!owner) throw noSuchVoucher();
  if (owner.purchaseId !== purchase.purchaseId) {
    if (owner.partnerId === principal.partnerId && owner.institutionId !== purchase.institution.id)
      throw new Problem('voucher-other-institution', "This code belongs to another institution's course.");
    throw noSuchVoucher();
  }
  if (purchase.status === 'CANCELLED') throw new Problem('voucher-cancelled', 'The purchase was cancelled.');
  if (purchase.status === 'REDEEMED' || purchase.status === 'COMPLETED')
    throw new Problem('voucher-already-used', 'This voucher has been used.');
  const now = clock.now();
  if (!(await redeem(purchase, now)))
    throw new Problem('voucher-already-used', 'This voucher has just been used.');
  return {
    status: 200,
    body: purchaseView({ ...purchase, status: 'REDEEMED', redeemedAt: now.toISOString() }),
  };
});
