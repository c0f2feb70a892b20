import { readFault } from '#local/routes.ts';
import { faults } from '#platform/faults.ts';
import { httpHandler } from '#platform/http/handler.ts';

export const handler = httpHandler(readFault, async ({ query }) => ({
  status: 200,
  body: { point: query.point, fired: faults.fired(query.point) },
}));
