import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { adminToken, call, uniqueEmail, uniquePhone } from '#test/support/api.ts';

const account = () => ({
  fullName: 'Dewi Lestari',
  email: uniqueEmail(),
  password: 'correct horse battery',
  phone: uniquePhone(),
});
const withKey = (key: string) => ({ 'idempotency-key': key });

describe('Idempotency-Key', () => {
  it('returns the first response to a repeat, without doing the work again', async () => {
    const key = randomUUID();
    const body = account();
    const first = await call('POST', '/v1/accounts', { body, headers: withKey(key) });
    const again = await call('POST', '/v1/accounts', { body, headers: withKey(key) });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const outbox = await call('GET', `/_local/outbox?to=${encodeURIComponent(body.email)}`);
    expect(outbox.body.items).toHaveLength(1);
  });

  it('keeps a refusal too: a repeat of a 409 gets the same 409', async () => {
    const taken = account();
    await call('POST', '/v1/accounts', { body: taken });
    const key = randomUUID();
    const body = { ...account(), email: taken.email };
    const first = await call('POST', '/v1/accounts', { body, headers: withKey(key) });
    const again = await call('POST', '/v1/accounts', { body, headers: withKey(key) });
    expect(first.status).toBe(409);
    expect(again.status).toBe(409);
    expect(again.body).toEqual(first.body);
  });

  it('answers 422 for the same key with another body from the same caller', async () => {
    const token = await adminToken();
    const key = randomUUID();
    const partner = () => {
      const code = `idem-${randomUUID().slice(0, 8)}`;
      return { name: `Partner ${code}`, kind: 'platform', code };
    };
    expect(
      (await call('POST', '/v1/admin/partners', { token, body: partner(), headers: withKey(key) })).status,
    ).toBe(201);
    const other = await call('POST', '/v1/admin/partners', { token, body: partner(), headers: withKey(key) });
    expect(other.status).toBe(422);
    expect(other.body.type).toMatch(/idempotency-key-reused$/);
  });

  it('never lets two anonymous strangers collide on one key', async () => {
    const key = 'retry-1';
    const first = await call('POST', '/v1/accounts', { body: account(), headers: withKey(key) });
    const stranger = await call('POST', '/v1/accounts', { body: account(), headers: withKey(key) });
    expect(first.status).toBe(201);
    expect(stranger.status).toBe(201);
    expect(stranger.body.accountId).not.toBe(first.body.accountId);
    expect(stranger.headers.get('idempotent-replayed')).toBeNull();
  });

  it('does the work once for 50 concurrent repeats of one key', async () => {
    const key = randomUUID();
    const body = account();
    const results = await Promise.all(
      Array.from({ length: 50 }, () => call('POST', '/v1/accounts', { body, headers: withKey(key) })),
    );
    const created = results.filter((r) => r.status === 201);
    expect(created.length).toBeGreaterThanOrEqual(1);
    expect(new Set(created.map((r) => r.body.accountId)).size).toBe(1);
    for (const r of results.filter((r) => r.status !== 201)) {
      expect(r.status).toBe(409);
      expect(r.body.type).toMatch(/idempotency-in-progress$/);
    }
    const outbox = await call('GET', `/_local/outbox?to=${encodeURIComponent(body.email)}`);
    expect(outbox.body.items).toHaveLength(1);
  });

  it('refuses a key longer than 255 characters', async () => {
    const r = await call('POST', '/v1/accounts', { body: account(), headers: withKey('k'.repeat(256)) });
    expect(r.status).toBe(400);
  });
});
