import { httpHandler } from '#contexts/http.ts';
import { importExclusions } from '#contexts/lists/routes.ts';
import { isExclusionList } from '#contexts/lists/rules/lists.ts';
import { importFlags } from '#contexts/lists/store/lists.ts';
import { clock } from '#platform/clock.ts';
import { problems } from '#platform/http/problem.ts';

export const handler = httpHandler(importExclusions, async ({ params, body }) => {
  if (!isExclusionList(params.list)) throw problems.notFound('No such exclusion list.');
  const imported = await importFlags(`list:${params.list}`, body.niks, clock.now());
  return { status: 200, body: { list: params.list, received: body.niks.length, imported } };
});
