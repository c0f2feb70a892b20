import { clock } from '#shared/clock.ts';
import { importExclusions } from '#shared/contracts/lists.ts';
import { isExclusionList } from '#shared/domain/lists.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { problems } from '#shared/http/problem.ts';
import { importFlags } from '#shared/store/lists.ts';

export const handler = httpHandler(importExclusions, async ({ params, body }) => {
  if (!isExclusionList(params.list)) throw problems.notFound('No such exclusion list.');
  const imported = await importFlags(`list:${params.list}`, body.niks, clock.now());
  return { status: 200, body: { list: params.list, received: body.niks.length, imported } };
});
