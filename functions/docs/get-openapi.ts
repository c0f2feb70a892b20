import { getOpenApi } from '#shared/contracts/docs.ts';
import { httpHandler } from '#shared/http/handler.ts';

export const handler = httpHandler(getOpenApi, async () => ({ status: 200, body: { openapi: '3.1.0' } }));
