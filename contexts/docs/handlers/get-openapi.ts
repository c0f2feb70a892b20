import { openApiDocument } from '#contexts/docs/openapi.ts';
import { getOpenApi } from '#contexts/docs/routes.ts';
import { httpHandler } from '#contexts/http.ts';

export const handler = httpHandler(getOpenApi, async () => ({
  status: 200,
  body: openApiDocument(),
  headers: { 'cache-control': 'public, max-age=300' },
}));
