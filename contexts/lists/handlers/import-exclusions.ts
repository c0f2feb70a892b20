import { httpHandler } from '#contexts/http.ts';
import { importList } from '#contexts/lists/import.ts';
import { importExclusions } from '#contexts/lists/routes.ts';
import { isExclusionList } from '#contexts/lists/rules/lists.ts';
import { problems } from '#platform/http/problem.ts';

export const handler = httpHandler(importExclusions, async ({ params, body, timeLeftMs }) => {
  if (!isExclusionList(params.list)) throw problems.notFound('No such exclusion list.');
  return importList(`list:${params.list}`, params.list, body.niks, timeLeftMs);
});
