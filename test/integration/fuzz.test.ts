import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { routes } from '#contexts/routes.ts';
import type { RouteContract } from '#platform/http/contract.ts';
import { MAX_BODY_BYTES } from '#platform/http/handler.ts';
import { adminToken, registerCitizen, stack } from '#test/support/api.ts';
import { acceptsBody, type FuzzRequest, fuzzRequests } from '#test/support/fuzz.ts';
import { seeded } from '#test/support/partners.ts';
import { signatureHeaders } from '../../scripts/sign-request.ts';

// Every route, including those added later, takes hostile input without a 5xx and
// refuses it with a problem document whose status is the HTTP status.
const RUNS_PER_ROUTE = Number(process.env.FUZZ_RUNS ?? 40);
const tokens: Record<string, string> = {};

beforeAll(async () => {
  tokens.citizen = (await registerCitizen()).token;
  tokens.admin = await adminToken('admin');
  tokens.approver = await adminToken('approver');
  tokens.staff = tokens.approver;
});

/** Partner routes are attacked with validly signed requests, so the input reaches them. */
const PARTNER_OF = { platform: 'tokopedia', payment: 'bni' } as const;

async function send(route: RouteContract, request: FuzzRequest, credentials: boolean) {
  const headers: Record<string, string> = {};
  // fetch sends no body with a GET.
  const payload = route.method === 'GET' ? undefined : request.body;
  const body = payload && ('json' in payload ? JSON.stringify(payload.json) : payload.raw);
  const partner = PARTNER_OF[route.access as keyof typeof PARTNER_OF];
  if (credentials && partner)
    Object.assign(
      headers,
      signatureHeaders(seeded(partner), {
        method: route.method,
        path: request.path,
        body: body ?? '',
        idempotencyKey: request.idempotencyKey ?? randomUUID(),
      }),
    );
  else if (credentials && tokens[route.access]) headers.authorization = `Bearer ${tokens[route.access]}`;
  if (request.contentType) headers['content-type'] = request.contentType;
  if (request.idempotencyKey !== undefined) headers['idempotency-key'] = request.idempotencyKey;
  const response = await fetch(stack().apiUrl + request.path, { method: route.method, headers, body });
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    text: await response.text(),
  };
}

function expectProblemIfRefused(reply: Awaited<ReturnType<typeof send>>) {
  expect(reply.status, reply.text.slice(0, 300)).toBeLessThan(500);
  if (reply.status < 300) return;
  expect(reply.contentType).toBe('application/problem+json');
  const problem = JSON.parse(reply.text);
  expect(problem).toMatchObject({
    type: expect.any(String),
    title: expect.any(String),
    status: reply.status,
  });
}

const DISTURBING = [
  'POST /_local/clock',
  'POST /_local/notifications/faults',
  'POST /_local/payment-partners/{code}/faults',
  // Switched on, the waiting room refuses every other file's registrations without a token.
  'PUT /v1/admin/waiting-room',
];
const label = (r: RouteContract) => `${r.method} ${r.path} (${r.access})`;

describe('hostile input on every route', () => {
  it.each(routes.map((r) => [label(r), r] as const))('%s never answers 5xx', async (_name, route) => {
    await fc.assert(
      fc.asyncProperty(fuzzRequests(route), fc.boolean(), async (request, credentials) => {
        // Moving the local clock, arming a stand-in's fault switch or switching the waiting
        // room would disturb the other test files: never send them a valid body.
        if (DISTURBING.includes(`${route.method} ${route.path}`)) fc.pre(!acceptsBody(route, request.body));
        expectProblemIfRefused(await send(route, request, credentials));
      }),
      { numRuns: RUNS_PER_ROUTE, interruptAfterTimeLimit: 20_000 * Math.max(1, RUNS_PER_ROUTE / 40) },
    );
  });
});

describe('bodies over the route limit (64 KiB unless declared)', () => {
  const writes = routes.filter((r) => r.method === 'POST' || r.method === 'PUT');
  const oversized = (r: RouteContract) =>
    JSON.stringify({ filler: 'x'.repeat(r.maxBodyBytes ?? MAX_BODY_BYTES) });
  const path = (r: RouteContract) => r.path.replace(/\{\w+\}/g, 'x');
  const headers = (r: RouteContract) => ({
    'content-type': 'application/json',
    ...(tokens[r.access] ? { authorization: `Bearer ${tokens[r.access]}` } : {}),
  });

  it.each(writes.map((r) => [label(r), r] as const))(
    '%s answers 413 with content-length',
    async (_n, route) => {
      const response = await fetch(stack().apiUrl + path(route), {
        method: route.method,
        headers: headers(route),
        body: oversized(route),
      });
      await expectTooLarge(response);
    },
  );

  it.each(writes.map((r) => [label(r), r] as const))('%s answers 413 when chunked', async (_n, route) => {
    const bytes = new TextEncoder().encode(oversized(route));
    const chunks = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 8192) controller.enqueue(bytes.subarray(i, i + 8192));
        controller.close();
      },
    });
    const response = await fetch(stack().apiUrl + path(route), {
      method: route.method,
      headers: headers(route),
      body: chunks,
      duplex: 'half',
    } as RequestInit);
    await expectTooLarge(response);
  });
});

async function expectTooLarge(response: Response) {
  expect(response.status).toBe(413);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  expect(await response.json()).toMatchObject({
    type: expect.stringMatching(/payload-too-large$/),
    status: 413,
  });
}
