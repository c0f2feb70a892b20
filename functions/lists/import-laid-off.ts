import { clock } from '#shared/clock.ts';
import { importLaidOff } from '#shared/contracts/lists.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { importFlags } from '#shared/store/lists.ts';

export const handler = httpHandler(importLaidOff, async ({ body }) => {
  const imported = await importFlags('priority:laid-off', body.niks, clock.now());
  return { status: 200, body: { list: 'laid-off', received: body.niks.length, imported } };
});
