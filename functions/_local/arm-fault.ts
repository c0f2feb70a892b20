import { armFault } from '#shared/contracts/local.ts';
import { faults } from '#shared/faults.ts';
import { httpHandler } from '#shared/http/handler.ts';

export const handler = httpHandler(armFault, async ({ body }) => {
  faults.arm(body);
  return { status: 200, body: { point: body.point, fired: 0 } };
});
