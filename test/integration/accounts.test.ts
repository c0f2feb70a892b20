import { describe, expect, it } from 'vitest';
import { call, latestCode, registerCitizen, uniqueEmail, uniquePhone } from '#test/support/api.ts';

const account = () => ({
  fullName: 'Budi Santoso',
  email: uniqueEmail(),
  password: 'correct horse battery',
  phone: uniquePhone(),
});

describe('accounts', () => {
  it('registers, verifies both channels from the outbox, and signs in', async () => {
    const citizen = await registerCitizen();
    expect(citizen.token.split('.')).toHaveLength(3);
  });

  const outboxOf = async (to: string) =>
    (await call('GET', `/_local/outbox?to=${encodeURIComponent(to)}`)).body.items as {
      channel: string;
      template: string;
    }[];

  it('registration sends exactly one message, an email: no SMS until the phone is needed', async () => {
    const body = account();
    expect((await call('POST', '/v1/accounts', { body })).status).toBe(201);
    expect(await outboxOf(body.email)).toMatchObject([{ channel: 'email', template: 'verify-email' }]);
    expect(await outboxOf(body.phone)).toEqual([]);
  });

  it('sends a phone code on request, at most one a minute per channel', async () => {
    const body = account();
    await call('POST', '/v1/accounts', { body });
    const codes = (channel: 'email' | 'phone') =>
      call('POST', '/v1/accounts/codes', { body: { email: body.email, channel } });
    // The email's code went a moment ago: none now; the phone has had none: one now, once.
    for (const channel of ['email', 'phone', 'phone', 'email'] as const)
      expect((await codes(channel)).status).toBe(202);
    expect(await outboxOf(body.email)).toHaveLength(1);
    expect(await outboxOf(body.phone)).toMatchObject([{ channel: 'sms', template: 'verify-phone' }]);
    await call('POST', '/_local/clock', { body: { now: new Date(Date.now() + 61_000).toISOString() } });
    try {
      expect((await codes('phone')).status).toBe(202);
      expect(await outboxOf(body.phone)).toHaveLength(2);
      expect(await outboxOf(body.email)).toHaveLength(1);
      const r = await call('POST', '/v1/accounts/verify', {
        body: { email: body.email, channel: 'phone', code: await latestCode(body.phone, 'verify-phone') },
      });
      expect(r.status).toBe(200);
      // A verified phone gets no more codes.
      await call('POST', '/_local/clock', { body: { now: new Date(Date.now() + 200_000).toISOString() } });
      expect((await codes('phone')).status).toBe(202);
      expect(await outboxOf(body.phone)).toHaveLength(2);
    } finally {
      await call('DELETE', '/_local/clock');
    }
  });

  it('refuses a second account with the same email, whatever its case', async () => {
    const first = account();
    expect((await call('POST', '/v1/accounts', { body: first })).status).toBe(201);
    const again = await call('POST', '/v1/accounts', {
      body: { ...account(), email: first.email.toUpperCase() },
    });
    expect(again.status).toBe(409);
    expect(again.body.type).toMatch(/duplicate-email$/);
    expect(again.headers.get('content-type')).toBe('application/problem+json');
  });

  it('refuses a second account with the same phone', async () => {
    const first = account();
    await call('POST', '/v1/accounts', { body: first });
    const again = await call('POST', '/v1/accounts', { body: { ...account(), phone: first.phone } });
    expect(again.status).toBe(409);
    expect(again.body.type).toMatch(/duplicate-phone$/);
  });

  it('locks a code after 5 wrong tries, even for the right code afterwards', async () => {
    const body = account();
    await call('POST', '/v1/accounts', { body });
    const code = await latestCode(body.email, 'verify-email');
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) {
      const r = await call('POST', '/v1/accounts/verify', {
        body: { email: body.email, channel: 'email', code: wrong },
      });
      expect(r.status).toBe(400);
      expect(r.body.type).toMatch(/invalid-code$/);
    }
    const right = await call('POST', '/v1/accounts/verify', {
      body: { email: body.email, channel: 'email', code },
    });
    expect(right.status).toBe(409);
    expect(right.body.type).toMatch(/code-locked$/);
  });

  it('expires a code after 10 minutes on the backend clock', async () => {
    const body = account();
    await call('POST', '/v1/accounts', { body });
    await call('POST', '/v1/accounts/codes', { body: { email: body.email, channel: 'phone' } });
    const code = await latestCode(body.phone, 'verify-phone');
    await call('POST', '/_local/clock', { body: { now: new Date(Date.now() + 11 * 60_000).toISOString() } });
    try {
      const r = await call('POST', '/v1/accounts/verify', {
        body: { email: body.email, channel: 'phone', code },
      });
      expect(r.status).toBe(400);
      expect(r.body.type).toMatch(/code-expired$/);
    } finally {
      await call('DELETE', '/_local/clock');
    }
  });

  it('refuses a wrong password without saying which part was wrong', async () => {
    const citizen = await registerCitizen();
    const wrong = await call('POST', '/v1/sessions', {
      body: { email: citizen.email, password: 'not the password' },
    });
    const unknown = await call('POST', '/v1/sessions', {
      body: { email: uniqueEmail(), password: 'not the password' },
    });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.body.detail).toBe(unknown.body.detail);
  });

  it('exactly one of 100 concurrent registrations with one email succeeds', async () => {
    const email = uniqueEmail();
    const results = await Promise.all(
      Array.from({ length: 100 }, () => call('POST', '/v1/accounts', { body: { ...account(), email } })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(99);
    for (const r of results.filter((r) => r.status === 409)) expect(r.body.type).toMatch(/duplicate-email$/);
  });
  it('resends a code at most once a minute, and the new code replaces a locked one', async () => {
    const body = account();
    await call('POST', '/v1/accounts', { body });
    const first = await latestCode(body.email, 'verify-email');
    const wrong = first === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) {
      await call('POST', '/v1/accounts/verify', {
        body: { email: body.email, channel: 'email', code: wrong },
      });
    }
    const soon = await call('POST', '/v1/accounts/codes', { body: { email: body.email, channel: 'email' } });
    expect(soon.status).toBe(202);
    const outbox = async () =>
      (await call('GET', `/_local/outbox?to=${encodeURIComponent(body.email)}`)).body.items;
    expect(await outbox()).toHaveLength(1);
    await call('POST', '/_local/clock', { body: { now: new Date(Date.now() + 61_000).toISOString() } });
    try {
      expect(
        (await call('POST', '/v1/accounts/codes', { body: { email: body.email, channel: 'email' } })).status,
      ).toBe(202);
      expect(await outbox()).toHaveLength(2);
      const fresh = await latestCode(body.email, 'verify-email');
      const r = await call('POST', '/v1/accounts/verify', {
        body: { email: body.email, channel: 'email', code: fresh },
      });
      expect(r.status).toBe(200);
    } finally {
      await call('DELETE', '/_local/clock');
    }
    // An unknown email gets the same answer: the route does not reveal who is registered.
    expect(
      (await call('POST', '/v1/accounts/codes', { body: { email: uniqueEmail(), channel: 'phone' } })).status,
    ).toBe(202);
  });
});
