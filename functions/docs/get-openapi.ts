import { getOpenApi } from '#shared/contracts/docs.ts';
import { httpHandler } from '#shared/http/handler.ts';
import { openApiDocument } from '#shared/http/openapi.ts';

export const handler = httpHandler(getOpenApi, async () => ({
  status: 200,
  body: openApiDocument(),
  headers: { 'cache-control': 'public, max-age=300' },
}));
