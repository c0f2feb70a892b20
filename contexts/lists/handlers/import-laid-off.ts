import { httpHandler } from '#contexts/http.ts';
import { importList } from '#contexts/lists/import.ts';
import { importLaidOff } from '#contexts/lists/routes.ts';

export const handler = httpHandler(importLaidOff, async ({ body, timeLeftMs }) =>
  importList('priority:laid-off', 'laid-off', body.niks, timeLeftMs),
);
