import { outbound } from '#local/sent.ts';
import { setSenderFaults } from '#shared/contracts/local.ts';
import { httpHandler } from '#shared/http/handler.ts';

export const handler = httpHandler(setSenderFaults, async ({ body }) => ({
  status: 200,
  body: outbound.setFaults(body),
}));
