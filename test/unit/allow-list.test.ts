import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { route } from '#platform/http/contract.ts';
import { httpHandler } from '#platform/http/handler.ts';

// A success body leaves only through its declared schema: a field that a store adds to
// an item (a hash, an internal flag) never reaches a caller by default.
const contract = route({
  operationId: 'allowListProbe',
  method: 'GET',
  path: '/probe',
  access: 'public',
  handler: 'probe',
  uses: {},
  summary: 'probe',
  tags: [],
  responses: {
    200: { description: 'ok', schema: z.object({ name: z.string(), nested: z.object({ n: z.number() }) }) },
  },
});

const event = {
  httpMethod: 'GET',
  path: '/probe',
  headers: {},
  requestContext: { requestId: 'r' },
} as unknown as APIGatewayProxyEvent;
const context = { awsRequestId: 'a', functionName: 'probe' } as Context;

describe('responses pass through their schema', () => {
  it('drops fields the schema does not name, at every depth', async () => {
    const handler = httpHandler(contract, async () => ({
      status: 200,
      body: { name: 'x', passwordHash: 'scrypt$...', nested: { n: 1, nikHash: 'h' } },
    }));
    const result = await handler(event, context);
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ name: 'x', nested: { n: 1 } });
  });

  it('answers a bare 500 when a body does not match its schema', async () => {
    const handler = httpHandler(contract, async () => ({ status: 200, body: { name: 42 } }));
    const result = await handler(event, context);
    expect(result.statusCode).toBe(500);
    expect(result.body).not.toContain('42');
  });
});
