import { clock } from '#shared/clock.ts';
import { importExclusions } from '#shared/contracts/lists.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { importFlags } from '#shared/store/lists.ts';

export const handler = httpHandler(importExclusions, async ({ params, body }) => {
  const imported = await importFlags(`list:${params.list}`, body.niks, clock.now());
  return { status: 200, body: { list: params.list, received: body.niks.length, imported } };
});
