import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { handler } from '#contexts/docs/handlers/get-openapi.ts';
import { openApiDocument } from '#contexts/docs/openapi.ts';
import { contracts, deployedRoutes, routes } from '#contexts/routes.ts';
import * as localRoutes from '#local/routes.ts';
import { buildOpenApi } from '#platform/http/openapi.ts';

type Operation = {
  operationId: string;
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required?: boolean }[];
  requestBody?: unknown;
  responses: Record<string, { content?: Record<string, { schema: unknown }>; description: string }>;
};

const document = openApiDocument();
const paths = document.paths as Record<string, Record<string, Operation>>;
const operations = Object.values(paths).flatMap((methods) => Object.values(methods));
const operation = (method: string, path: string) => paths[path]?.[method.toLowerCase()];

describe('OpenAPI document', () => {
  it('is a 3.1 document with info, paths and components', () => {
    expect(document.openapi).toMatch(/^3\.1\.\d+$/);
    expect(document.info.title).toBeTruthy();
    expect(document.info.version).toBeTruthy();
    expect(Object.keys(paths).length).toBeGreaterThan(0);
    expect(document.components?.schemas?.Problem).toMatchObject({
      type: 'object',
      required: ['type', 'title', 'status'],
    });
  });

  it('is built once and then served from the cache', () => {
    expect(openApiDocument()).toBe(document);
  });

  it('is what GET /openapi.json answers', async () => {
    const event = {
      httpMethod: 'GET',
      path: '/openapi.json',
      headers: {},
      body: null,
    } as APIGatewayProxyEvent;
    const context = { awsRequestId: 'unit', functionName: 'docs-get-openapi' } as Context;
    const result = await handler(event, context);
    expect(result.statusCode).toBe(200);
    expect(result.headers?.['content-type']).toBe('application/json');
    expect(JSON.parse(result.body)).toEqual(JSON.parse(JSON.stringify(document)));
  });

  it.each(deployedRoutes.map((r) => [`${r.method} ${r.path}`, r] as const))(
    'documents %s with its operationId, summary and tags',
    (_name, route) => {
      const op = operation(route.method, route.path);
      expect(op).toMatchObject({ operationId: route.operationId, summary: route.summary, tags: route.tags });
      for (const status of Object.keys(route.responses)) expect(op?.responses[status]).toBeDefined();
      if (route.body) expect(op?.requestBody).toBeDefined();
      for (const name of route.path.match(/\{(\w+)\}/g) ?? []) {
        expect(op?.parameters).toContainEqual(
          expect.objectContaining({ in: 'path', name: name.slice(1, -1), required: true }),
        );
      }
    },
  );

  it('has exactly the deployed routes: none of the local stack', () => {
    const documented = Object.entries(paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(deployedRoutes.map((r) => `${r.method} ${r.path}`).sort());
    expect(Object.keys(paths).filter((p) => p.startsWith('/_local'))).toEqual([]);
    expect(routes.some((r) => r.localOnly)).toBe(false);
    expect(contracts(localRoutes).every((r) => r.localOnly)).toBe(true);
  });

  it('gives every operation a unique operationId', () => {
    const ids = operations.map((op) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('describes refusals as problem+json with the route slugs', () => {
    const op = operation('POST', '/v1/accounts')!;
    expect(op.responses['400']?.content?.['application/problem+json']?.schema).toEqual({
      $ref: '#/components/schemas/Problem',
    });
    expect(op.responses['400']?.description).toContain('validation');
    expect(op.responses['409']?.description).toContain('duplicate-email');
    expect(op.responses['413']).toBeDefined();
    for (const route of deployedRoutes) {
      const responses = operation(route.method, route.path)!.responses;
      for (const [status, response] of Object.entries(responses)) {
        if (Number(status) >= 400)
          expect(Object.keys(response.content ?? {})).toEqual(['application/problem+json']);
      }
      for (const slug of route.problems ?? []) {
        const described = Object.entries(responses).some(
          ([status, r]) => Number(status) >= 400 && r.description.includes(slug),
        );
        expect(described, `${route.operationId} ${slug}`).toBe(true);
      }
    }
  });

  it('secures token routes with bearerAuth and leaves public ones open', () => {
    expect(document.components?.securitySchemes?.bearerAuth).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    for (const route of deployedRoutes) {
      const op = operation(route.method, route.path)!;
      if (route.access === 'public') expect(op.security).toEqual([]);
      else if (['citizen', 'admin', 'approver'].includes(route.access)) {
        expect(op.security).toEqual([{ bearerAuth: [] }]);
        expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['401', '403']));
      }
    }
  });

  it('describes partner signing as three header schemes and requires their Idempotency-Key', () => {
    const partner = buildOpenApi([
      {
        ...deployedRoutes.find((r) => r.operationId === 'createAccount')!,
        operationId: 'partnerThing',
        path: '/v1/partner/things',
        access: 'platform',
      },
    ]);
    const schemes = partner.components?.securitySchemes ?? {};
    expect(Object.values(schemes).map((s) => ('name' in s ? s.name : undefined))).toEqual(
      expect.arrayContaining(['X-Prakerja-Key-Id', 'X-Prakerja-Timestamp', 'X-Prakerja-Signature']),
    );
    const signature = Object.values(schemes).find((s) => 'name' in s && s.name === 'X-Prakerja-Signature');
    expect(signature?.description).toContain('HMAC_SHA256');
    const op = (partner.paths as Record<string, Record<string, Operation>>)['/v1/partner/things']!.post!;
    expect(Object.keys(op.security?.[0] ?? {})).toHaveLength(3);
    expect(op.parameters).toContainEqual(
      expect.objectContaining({ in: 'header', name: 'Idempotency-Key', required: true }),
    );
  });

  it('offers the Idempotency-Key header exactly on idempotent routes', () => {
    for (const route of deployedRoutes) {
      const headers = (operation(route.method, route.path)!.parameters ?? []).filter(
        (p) => p.in === 'header' && p.name === 'Idempotency-Key',
      );
      expect(headers, route.operationId).toHaveLength(route.idempotent ? 1 : 0);
    }
  });

  it('writes a nullable named schema so that null is admitted', () => {
    const me = document.components?.schemas?.Me as { properties: Record<string, unknown> };
    expect(me.properties.profile).toEqual({
      anyOf: [{ $ref: '#/components/schemas/ProfileView' }, { type: 'null' }],
    });
  });
});
