import { httpHandler } from '#contexts/http.ts';
import { setSenderFaults } from '#local/routes.ts';
import { outbound } from '#local/sent.ts';

export const handler = httpHandler(setSenderFaults, async ({ body }) => ({
  status: 200,
  body: outbound.setFaults(body),
}));
