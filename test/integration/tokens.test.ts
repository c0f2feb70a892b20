import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SignJWT } from 'jose';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { type Citizen, call, registerCitizen, signIn } from '#test/support/api.ts';

// Token claims: exp, iat and sub are required, iat may not be in the future, and no
// token lives longer than an hour from its iat, whatever its exp says.
let citizen: Citizen;

function realKey(): Uint8Array {
  const keys = JSON.parse(readFileSync(join(dirname(inject('stackLogFile')), 'keys.json'), 'utf8'));
  return Buffer.from(keys.jwtKey, 'base64');
}

function sign(claims: { iat?: number; exp?: number; sub?: string }) {
  const jwt = new SignJWT({ role: 'citizen' })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer('prakerja')
    .setAudience('prakerja-api');
  if (claims.sub !== undefined) jwt.setSubject(claims.sub);
  if (claims.iat !== undefined) jwt.setIssuedAt(claims.iat);
  if (claims.exp !== undefined) jwt.setExpirationTime(claims.exp);
  return jwt.sign(realKey());
}

const me = (token: string) => call('GET', '/v1/me', { token });
const now = () => Math.floor(Date.now() / 1000);

beforeAll(async () => {
  citizen = await registerCitizen();
});

describe('token claims', () => {
  it('accepts a well-formed token (the checks below are about the claims)', async () => {
    expect((await me(await sign({ sub: citizen.accountId, iat: now(), exp: now() + 600 }))).status).toBe(200);
  });

  it('refuses a token without exp, without iat, or without sub', async () => {
    const t = now();
    for (const claims of [
      { sub: citizen.accountId, iat: t },
      { sub: citizen.accountId, exp: t + 600 },
      { iat: t, exp: t + 600 },
    ]) {
      const reply = await me(await sign(claims));
      expect(reply.status, JSON.stringify(claims)).toBe(401);
      expect(reply.body.type).toMatch(/unauthorized$/);
    }
  });

  it('refuses a token issued in the future', async () => {
    const t = now() + 3600;
    expect((await me(await sign({ sub: citizen.accountId, iat: t, exp: t + 600 }))).status).toBe(401);
  });

  it('refuses a token older than an hour even when its exp is days away', async () => {
    const t = now();
    const long = await sign({ sub: citizen.accountId, iat: t - 7200, exp: t + 8 * 86_400 });
    expect((await me(long)).status).toBe(401);
  });

  it('a token signed under a clock moved 8 days ahead is refused once the clock is back', async () => {
    await call('POST', '/_local/clock', {
      body: { now: new Date(Date.now() + 8 * 86_400_000).toISOString() },
    });
    let token: string;
    try {
      token = await signIn(citizen.email, citizen.password);
      expect((await me(token)).status).toBe(200);
    } finally {
      await call('DELETE', '/_local/clock');
    }
    const reply = await me(token);
    expect(reply.status).toBe(401);
    expect(reply.body.type).toMatch(/unauthorized$/);
  });
});
