import { route } from '#platform/http/contract.ts';

export const getOpenApi = route({
  operationId: 'getOpenApi',
  method: 'GET',
  path: '/openapi.json',
  access: 'public',
  handler: 'docs/get-openapi',
  uses: {},
  summary: 'This API as an OpenAPI 3.1 document, generated from the zod schemas',
  tags: ['docs'],
  responses: { 200: { description: 'OpenAPI 3.1 document' } },
});
