import { setSenderFaults } from '#local/routes.ts';
import { outbound } from '#local/sent.ts';
import { httpHandler } from '#platform/http/handler.ts';

export const handler = httpHandler(setSenderFaults, async ({ body }) => ({
  status: 200,
  body: outbound.setFaults(body),
}));
