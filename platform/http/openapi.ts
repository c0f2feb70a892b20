import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import * as z from 'zod';
import type { RouteContract } from '#platform/http/contract.ts';
import { MAX_BODY_BYTES } from '#platform/http/handler.ts';
import { PROBLEM_TYPES } from '#platform/http/problem.ts';
import { IdempotencyKey, ProblemSchema } from '#platform/http/schemas.ts';

// The OpenAPI 3.1 document, generated from the same route contracts the handlers,
// the CDK app and the local adapter read, so it cannot drift from what is served.

const PARTNER_HEADERS = {
  partnerKeyId: ['X-Prakerja-Key-Id', 'The id of the key the partner signs with.'],
  partnerTimestamp: [
    'X-Prakerja-Timestamp',
    "Unix seconds; refused when more than 300 s from the server's clock.",
  ],
  partnerSignature: [
    'X-Prakerja-Signature',
    'v1=<hex>, hex = HMAC_SHA256(secret, timestamp + "\\n" + METHOD + "\\n" + pathWithQuery + "\\n" + ' +
      'hex(SHA256(rawBody))), SHA-256 of the empty string for an empty body.',
  ],
} as const;

const PROBLEM_TITLES: Record<number, string> = {
  400: 'Malformed JSON or invalid input',
  401: 'Missing or invalid credentials',
  403: 'Authenticated but not allowed',
  404: 'No such resource',
  409: 'State conflict',
  413: `Body over ${MAX_BODY_BYTES / 1024} KiB`,
  422: 'Idempotency-Key reused with a different body',
  429: 'Rate limited',
};

/** The problem statuses a route can answer: from its shape, its access and its slugs. */
function problemStatuses(route: RouteContract): Map<number, string[]> {
  const statuses = new Map<number, string[]>();
  const add = (status: number, slug: string) => {
    const slugs = statuses.get(status) ?? [];
    if (!slugs.includes(slug)) slugs.push(slug);
    statuses.set(status, slugs);
  };
  if (route.body || route.query || route.params) add(400, 'validation');
  if (route.body) add(400, 'malformed-json');
  if (route.access !== 'public') {
    add(401, 'unauthorized');
    add(403, 'forbidden');
  }
  if (route.params) add(404, 'not-found');
  if (route.body) add(413, 'payload-too-large');
  if (route.idempotent) {
    add(400, 'validation');
    add(409, 'idempotency-in-progress');
    add(422, 'idempotency-key-reused');
  }
  for (const slug of route.problems ?? []) add(PROBLEM_TYPES[slug].status, slug);
  // The firewall's per-IP rate rules answer any route, public or not (cdk/constructs/firewall.ts).
  add(429, 'rate-limited');
  return new Map([...statuses].sort(([a], [b]) => a - b));
}

function security(route: RouteContract): RouteConfig['security'] {
  if (route.access === 'public') return [];
  if (route.access === 'platform' || route.access === 'payment')
    return [{ partnerKeyId: [], partnerTimestamp: [], partnerSignature: [] }];
  return [{ bearerAuth: [] }];
}

function register(registry: OpenAPIRegistry, route: RouteContract): void {
  const responses: RouteConfig['responses'] = {};
  for (const [status, spec] of Object.entries(route.responses)) {
    responses[status] = spec.schema
      ? { description: spec.description, content: { 'application/json': { schema: spec.schema } } }
      : { description: spec.description };
  }
  for (const [status, slugs] of problemStatuses(route)) {
    responses[status] = {
      description: `${PROBLEM_TITLES[status] ?? 'Problem'}. Problem types: ${slugs.join(', ')}.`,
      content: { 'application/problem+json': { schema: ProblemSchema } },
    };
  }
  const partner = route.access === 'platform' || route.access === 'payment';
  const headers = route.idempotent
    ? z.object({
        'Idempotency-Key': partner
          ? IdempotencyKey.meta({ description: 'Required: a repeat returns the first response.' })
          : IdempotencyKey.optional().meta({ description: 'A repeat returns the first response.' }),
      })
    : undefined;
  registry.registerPath({
    method: route.method.toLowerCase() as RouteConfig['method'],
    path: route.path,
    operationId: route.operationId,
    summary: route.summary,
    tags: route.tags,
    security: security(route),
    request: {
      ...(route.body
        ? { body: { required: true, content: { 'application/json': { schema: route.body } } } }
        : {}),
      ...(route.query ? { query: route.query as z.ZodObject } : {}),
      ...(route.params ? { params: route.params as z.ZodObject } : {}),
      ...(headers ? { headers } : {}),
    },
    responses,
  });
}

export function buildOpenApi(routes: RouteContract[]) {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'Access token from POST /v1/sessions (HS256, 1 hour), with the role in a claim.',
  });
  for (const [name, [header, description]] of Object.entries(PARTNER_HEADERS)) {
    registry.registerComponent('securitySchemes', name, {
      type: 'apiKey',
      in: 'header',
      name: header,
      description: `Partner request signing (HMAC-SHA256; all three headers together). ${description}`,
    });
  }
  for (const route of routes) register(registry, route);
  // Every schema named with `.meta({ id })` goes first, so that its component is its own
  // shape and not that of the first `.nullable()` use met (and Problem is always there).
  const named = new Set([ProblemSchema, ...(z.globalRegistry._idmap.values() as Iterable<z.ZodType>)]);
  const definitions = [
    ...[...named].map((schema) => ({ type: 'schema' as const, schema })),
    ...registry.definitions,
  ];
  const document = new OpenApiGeneratorV31(definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Prakerja API',
      version: '1.0.0',
      description:
        'Errors are RFC 9457 problem details (application/problem+json) whose type ends with a stable slug.',
      // Not open source (the repository has no licence file): the programme's own API, under
      // the terms its operator publishes on the programme's site.
      license: {
        name: 'Proprietary: Manajemen Pelaksana Program Kartu Prakerja',
        url: 'https://www.prakerja.go.id',
      },
    },
    // Relative to where this document is served (GET /openapi.json at the API's root), so one
    // document holds for every stage and for the local stack.
    servers: [{ url: '.', description: 'The API that serves this document' }],
    security: [],
  });
  return nullableRefs(document);
}

/**
 * The generator writes a nullable named schema as `allOf: [$ref, {type: [T, 'null']}]`,
 * which admits no null at all; JSON Schema 2020-12 says it as `anyOf: [$ref, {type: 'null'}]`.
 */
function nullableRefs<T>(node: T): T {
  if (Array.isArray(node)) return node.map(nullableRefs) as T;
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) out[key] = nullableRefs(value);
  const allOf = out.allOf as Record<string, unknown>[] | undefined;
  const [ref, extra] = allOf ?? [];
  if (
    allOf?.length === 2 &&
    ref?.$ref &&
    extra &&
    Object.keys(extra).length === 1 &&
    Array.isArray(extra.type) &&
    extra.type.includes('null')
  ) {
    delete out.allOf;
    out.anyOf = [ref, { type: 'null' }];
  }
  return out as T;
}
