import { afterEach, describe, expect, it } from 'vitest';
import { call, registerCitizen, uniqueEmail } from '#test/support/api.ts';

// The per-email back-off on POST /v1/sessions: 5 failures free, then 1 minute doubling
// to 15, refused without checking the password; the owner is told by email.
const MINUTE = 60_000;
const session = (email: string, password: string) =>
  call('POST', '/v1/sessions', { body: { email, password } });
const moveClock = (ms: number) =>
  call('POST', '/_local/clock', { body: { now: new Date(Date.now() + ms).toISOString() } });
const outbox = async (to: string) =>
  (await call('GET', `/_local/outbox?to=${encodeURIComponent(to)}`)).body.items as { template: string }[];
const slug = (r: { body: { type?: string } }) => r.body.type?.split('/').pop();

afterEach(async () => {
  await call('DELETE', '/_local/clock');
});

async function fail(email: string, times: number) {
  for (let i = 0; i < times; i++)
    expect(slug(await session(email, 'not the password'))).toBe('invalid-credentials');
}

describe('sign-in back-off', () => {
  it('after 5 wrong passwords even the right one waits, with Retry-After; then it works and the count restarts', async () => {
    const c = await registerCitizen();
    await fail(c.email, 5);
    const refused = await session(c.email, c.password);
    expect(refused.status).toBe(429);
    expect(slug(refused)).toBe('rate-limited');
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(50);
    expect(retryAfter).toBeLessThanOrEqual(60);

    await moveClock(MINUTE + 1000);
    expect((await session(c.email, c.password)).status).toBe(200);
    // A success resets: five more wrong passwords are checked again.
    await fail(c.email, 5);
    expect((await session(c.email, c.password)).status).toBe(429);
  });

  it('the window doubles with each failure after it, up to 15 minutes', async () => {
    const c = await registerCitizen();
    await fail(c.email, 5);
    let offset = 0;
    for (const minutes of [2, 4, 8, 15, 15]) {
      offset += 16 * MINUTE; // past any window so far
      await moveClock(offset);
      await fail(c.email, 1);
      const r = await session(c.email, c.password);
      expect(r.status).toBe(429);
      const seconds = Number(r.headers.get('retry-after'));
      expect(seconds).toBeGreaterThan(minutes * 60 - 10);
      expect(seconds).toBeLessThanOrEqual(minutes * 60);
    }
    // Never locked out for long: 15 minutes later the owner signs in.
    await moveClock(offset + 15 * MINUTE + 1000);
    expect((await session(c.email, c.password)).status).toBe(200);
  });

  it('300 wrong passwords then the right one: the right one is refused (429), not 200', async () => {
    const c = await registerCitizen();
    const statuses: number[] = [];
    for (let i = 0; i < 300; i += 30) {
      const batch = await Promise.all(Array.from({ length: 30 }, () => session(c.email, 'not the password')));
      statuses.push(...batch.map((r) => r.status));
    }
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(295);
    expect((await session(c.email, c.password)).status).toBe(429);
  });

  it('50 concurrent wrong passwords: only 5 are checked', async () => {
    const c = await registerCitizen();
    const replies = await Promise.all(Array.from({ length: 50 }, () => session(c.email, 'not the password')));
    const statuses = replies.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(45);
  });

  it('tells the owner once when the back-off starts, not on every refusal', async () => {
    const c = await registerCitizen();
    await fail(c.email, 4);
    expect((await outbox(c.email)).filter((m) => m.template === 'sign-in-locked')).toHaveLength(0);
    await fail(c.email, 1);
    for (let i = 0; i < 10; i++) await session(c.email, 'not the password');
    await moveClock(MINUTE + 1000);
    await fail(c.email, 1); // the next window starts: within 15 minutes of the notice, no second one
    expect((await outbox(c.email)).filter((m) => m.template === 'sign-in-locked')).toHaveLength(1);
    await moveClock(40 * MINUTE);
    await fail(c.email, 1);
    expect((await outbox(c.email)).filter((m) => m.template === 'sign-in-locked')).toHaveLength(2);
  });

  it('an unknown email backs off exactly like a registered one', async () => {
    const known = await registerCitizen();
    const unknown = uniqueEmail();
    const seq = async (email: string) => {
      const out: string[] = [];
      for (let i = 0; i < 7; i++) {
        const r = await session(email, 'not the password');
        out.push(`${r.status} ${slug(r)} ${r.headers.get('retry-after') ? 'retry-after' : ''}`);
      }
      return out;
    };
    const a = await seq(known.email);
    const b = await seq(unknown);
    expect(b).toEqual(a);
    expect(a.slice(5)).toEqual(['429 rate-limited retry-after', '429 rate-limited retry-after']);
  });
});
