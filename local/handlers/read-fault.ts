import { httpHandler } from '#contexts/http.ts';
import { readFault } from '#local/routes.ts';
import { faults } from '#platform/faults.ts';

export const handler = httpHandler(readFault, async ({ query }) => ({
  status: 200,
  body: { point: query.point, fired: faults.fired(query.point) },
}));
