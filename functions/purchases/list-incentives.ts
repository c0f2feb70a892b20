import { listIncentives } from '#shared/contracts/purchases.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { incentivesOf } from '#shared/store/purchases.ts';

export const handler = httpHandler(listIncentives, async ({ principal }) => ({
  status: 200,
  body: { items: await incentivesOf(principal.accountId) },
}));
