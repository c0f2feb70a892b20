import { readFault } from '#shared/contracts/local.ts';
import { faults } from '#shared/faults.ts';
import { httpHandler } from '#shared/http/handler.ts';

export const handler = httpHandler(readFault, async ({ query }) => ({
  status: 200,
  body: { point: query.point, fired: faults.fired(query.point) },
}));
