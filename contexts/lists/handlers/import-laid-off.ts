import { httpHandler } from '#contexts/http.ts';
import { importLaidOff } from '#contexts/lists/routes.ts';
import { importFlags } from '#contexts/lists/store/lists.ts';
import { clock } from '#platform/clock.ts';

export const handler = httpHandler(importLaidOff, async ({ body }) => {
  const imported = await importFlags('priority:laid-off', body.niks, clock.now());
  return { status: 200, body: { list: 'laid-off', received: body.niks.length, imported } };
});
