import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Citizen, call, registerCitizen, signIn, stack } from '#test/support/api.ts';

// The local stack's named clocks over HTTP (docs/testing.md): `X-Local-Clock` moves and
// reads a clock of its own; other names, and requests without the header, keep theirs.
// Tokens are checked on the clock the request reads: one issued eight days ahead is
// refused wherever it is not eight days ahead.

const ahead = `ahead-${randomUUID()}`;
const other = `other-${randomUUID()}`;
const named = (name: string) => ({ 'x-local-clock': name });
const me = (token: string, name: string) => call('GET', '/v1/me', { token, headers: named(name) });
/** A request naming no clock at all: the backend's. */
const meUnnamed = (token: string) =>
  fetch(`${stack().apiUrl}/v1/me`, { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);

let citizen: Citizen;
beforeAll(async () => {
  citizen = await registerCitizen();
});
afterAll(async () => {
  await call('DELETE', '/_local/clock', { headers: named(ahead) });
});

describe('X-Local-Clock', () => {
  it('moves only the named clock: the same token is good there and refused elsewhere', async () => {
    const later = new Date(Date.now() + 8 * 86_400_000).toISOString();
    const moved = await call('POST', '/_local/clock', { body: { now: later }, headers: named(ahead) });
    expect(moved.status).toBe(200);
    expect(Math.abs(Date.parse(moved.body.now) - Date.parse(later))).toBeLessThan(5000);
    const session = await call('POST', '/v1/sessions', {
      body: { email: citizen.email, password: citizen.password },
      headers: named(ahead),
    });
    expect(session.status).toBe(200);
    const token = session.body.accessToken as string;

    expect((await me(token, ahead)).status).toBe(200);
    expect((await me(token, other)).status).toBe(401);
    expect(await meUnnamed(token)).toBe(401);
    // A token of today's clock is good everywhere but on the clock eight days ahead.
    const today = await signIn(citizen.email, citizen.password);
    expect((await me(today, other)).status).toBe(200);
    expect(await meUnnamed(today)).toBe(200);
    expect((await me(today, ahead)).status).toBe(401);

    // Reset, the named clock follows the backend's again.
    const reset = await call('DELETE', '/_local/clock', { headers: named(ahead) });
    expect(Math.abs(Date.parse(reset.body.now) - Date.now())).toBeLessThan(5000);
    expect((await me(today, ahead)).status).toBe(200);
  });

  it('refuses a header that is not a clock name, with a problem', async () => {
    const reply = await call('GET', '/v1/me', { token: citizen.token, headers: named('not a name!') });
    expect(reply.status).toBe(400);
    expect(reply.headers.get('content-type')).toMatch(/problem\+json/);
    expect(reply.body.errors).toEqual([expect.objectContaining({ path: 'headers.x-local-clock' })]);
  });
});
