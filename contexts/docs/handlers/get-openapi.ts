import { getOpenApi } from '#contexts/docs/routes.ts';
import { httpHandler } from '#platform/http/handler.ts';
import { openApiDocument } from '#platform/http/openapi.ts';

export const handler = httpHandler(getOpenApi, async () => ({
  status: 200,
  body: openApiDocument(),
  headers: { 'cache-control': 'public, max-age=300' },
}));
