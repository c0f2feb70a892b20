import { httpHandler } from '#contexts/http.ts';
import { ownPurchase, purchaseView } from '#contexts/purchases/handlers/view.ts';
import { getPartnerPurchase } from '#contexts/purchases/routes.ts';

export const handler = httpHandler(getPartnerPurchase, async ({ params, principal }) => ({
  status: 200,
  body: purchaseView(await ownPurchase(principal, params.purchaseId)),
}));
