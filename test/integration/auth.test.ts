import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SignJWT } from 'jose';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { routes } from '#contexts/routes.ts';
import { ROLES_BY_ACCESS } from '#platform/http/auth.ts';
import type { RouteContract } from '#platform/http/contract.ts';
import { adminToken, call, registerCitizen } from '#test/support/api.ts';

// Every route behind a token refuses bad credentials with 401 and the wrong role with 403,
// before it looks at the input. Partner routes are signed, not tokened: tested elsewhere.
const guarded = routes.filter((r) => r.access in ROLES_BY_ACCESS);
const label = (r: RouteContract) => `${r.method} ${r.path} (${r.access})`;
const each = (list: RouteContract[]) => list.map((r) => [label(r), r] as const);

let citizen: string;
let admin: string;
let approver: string;

/** The stack's real signing key, from the keys.json beside its log file. */
function realKey(): Uint8Array {
  const keys = JSON.parse(readFileSync(join(dirname(inject('stackLogFile')), 'keys.json'), 'utf8'));
  return Buffer.from(keys.jwtKey, 'base64');
}

function sign(claims: { role: string; iat: number; exp: number }, key: Uint8Array) {
  return new SignJWT({ role: claims.role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject('someone')
    .setIssuer('prakerja')
    .setAudience('prakerja-api')
    .setIssuedAt(claims.iat)
    .setExpirationTime(claims.exp)
    .sign(key);
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const decode = (part: string) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

beforeAll(async () => {
  citizen = (await registerCitizen()).token;
  admin = await adminToken('admin');
  approver = await adminToken('approver');
});

async function request(route: RouteContract, authorization?: string) {
  const path = route.path.replace(/\{\w+\}/g, 'x');
  const headers: Record<string, string> = authorization ? { authorization } : {};
  // No body on purpose: credentials are checked before the input.
  return call(route.method, path, { headers });
}

function expectProblem(reply: Awaited<ReturnType<typeof request>>, status: number) {
  expect(reply.status, JSON.stringify(reply.body)).toBe(status);
  expect(reply.headers.get('content-type')).toBe('application/problem+json');
  expect(reply.body).toMatchObject({ status, title: expect.any(String) });
  expect(reply.body.type).toMatch(status === 401 ? /unauthorized$/ : /forbidden$/);
}

describe('credentials on every guarded route', () => {
  it('has guarded routes to test', () => {
    expect(guarded.length).toBeGreaterThan(0);
  });

  it.each(each(guarded))('%s: no Authorization -> 401', async (_n, route) => {
    expectProblem(await request(route), 401);
  });

  it.each(each(guarded))('%s: Bearer garbage and other schemes -> 401', async (_n, route) => {
    for (const header of [
      'Bearer garbage',
      'Bearer ',
      'Basic dXNlcjpwYXNz',
      `Token ${citizen}`,
      'Bearer a.b.c',
    ])
      expectProblem(await request(route, header), 401);
  });

  it.each(each(guarded))('%s: a token signed with another key -> 401', async (_n, route) => {
    const now = Math.floor(Date.now() / 1000);
    const forged = await sign(
      { role: 'approver', iat: now, exp: now + 600 },
      crypto.getRandomValues(new Uint8Array(32)),
    );
    expectProblem(await request(route, `Bearer ${forged}`), 401);
  });

  it.each(each(guarded))('%s: an expired token with the real key -> 401', async (_n, route) => {
    const now = Math.floor(Date.now() / 1000);
    for (const role of ['citizen', 'admin', 'approver']) {
      const expired = await sign({ role, iat: now - 7200, exp: now - 3600 }, realKey());
      expectProblem(await request(route, `Bearer ${expired}`), 401);
    }
  });

  it.each(each(guarded))('%s: a citizen token with the role changed -> 401', async (_n, route) => {
    const [header, payload, signature] = citizen.split('.') as [string, string, string];
    for (const role of ['admin', 'approver']) {
      const tampered = `${header}.${b64({ ...decode(payload), role })}.${signature}`;
      expectProblem(await request(route, `Bearer ${tampered}`), 401);
    }
  });

  it.each(each(guarded))('%s: alg none -> 401', async (_n, route) => {
    const [, payload] = citizen.split('.') as [string, string];
    const claims = { ...decode(payload), role: route.access };
    for (const alg of ['none', 'None', 'NONE']) {
      const unsigned = `${b64({ alg, typ: 'JWT' })}.${b64(claims)}.`;
      expectProblem(await request(route, `Bearer ${unsigned}`), 401);
    }
  });
});

describe('roles', () => {
  // The real key signs a token of the right role: the check itself is sound, so the
  // refusals above are about the token and not about a broken verifier.
  it('accepts a token signed with the real key', async () => {
    const now = Math.floor(Date.now() / 1000);
    const route = guarded.find((r) => r.access === 'citizen' && r.method === 'GET');
    if (!route) return;
    const token = await sign({ role: 'citizen', iat: now, exp: now + 600 }, realKey());
    const reply = await request(route, `Bearer ${token}`);
    expect(reply.status).not.toBe(401);
    expect(reply.status).not.toBe(403);
  });

  // The role matrix route by route: each role either passes the credential check (what
  // follows is the route's own answer) or is refused with 403 before the input is read.
  const tokens = () => ({ citizen, admin, approver });
  it.each(each(guarded))('%s: exactly the roles of its access pass', async (_n, route) => {
    const allowed = ROLES_BY_ACCESS[route.access as keyof typeof ROLES_BY_ACCESS];
    for (const [role, token] of Object.entries(tokens())) {
      const reply = await request(route, `Bearer ${token}`);
      if (allowed.includes(role as never)) {
        expect(reply.status, `${role}: ${JSON.stringify(reply.body)}`).not.toBe(401);
        expect(reply.body?.type ?? '', role).not.toMatch(/forbidden$/);
      } else expectProblem(reply, 403);
    }
  });

  it('lets the approver change nothing: every approver-admitted route that writes is an approval', () => {
    const writes = guarded.filter(
      (r) => r.method !== 'GET' && ROLES_BY_ACCESS[r.access as 'admin'].includes('approver'),
    );
    expect(writes.every((r) => r.access === 'approver')).toBe(true);
    const operating = guarded.filter((r) => r.method !== 'GET' && r.path.startsWith('/v1/admin/'));
    expect(operating.every((r) => r.access === 'admin' || r.access === 'approver')).toBe(true);
  });
});
