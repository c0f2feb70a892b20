import { httpHandler } from '#contexts/http.ts';
import { armFault } from '#local/routes.ts';
import { faults } from '#platform/faults.ts';

export const handler = httpHandler(armFault, async ({ body }) => {
  faults.arm(body);
  return { status: 200, body: { point: body.point, fired: 0 } };
});
