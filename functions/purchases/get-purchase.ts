import { ownPurchase, purchaseView } from '#functions/purchases/view.ts';
import { getPartnerPurchase } from '#shared/contracts/purchases.ts';
import { httpHandler } from '#shared/http/handler.ts';

export const handler = httpHandler(getPartnerPurchase, async ({ params, principal }) => ({
  status: 200,
  body: purchaseView(await ownPurchase(principal, params.purchaseId)),
}));
