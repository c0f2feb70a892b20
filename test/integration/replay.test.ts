import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PartnerKey } from '#contexts/payouts/payments/https.ts';
import { call, stack } from '#test/support/api.ts';
import { participant } from '#test/support/participants.ts';
import { onboardedPartner, signed } from '#test/support/partners.ts';
import { signatureHeaders } from '../../scripts/sign-request.ts';

// A captured signed request must never act twice (API.md "Replays"): the signature is
// remembered for its window; the same signature passes again only as an idempotent
// retry (same Idempotency-Key), and anything else is 401.
let platform: PartnerKey;

beforeAll(async () => {
  platform = (await onboardedPartner('platform', { rateLimitPerSecond: 10_000 })).key;
  const course = JSON.stringify({
    title: 'Kursus replay',
    institution: { id: 'lp-1', name: 'LP Satu' },
    priceIdr: 100_000,
    mode: 'online',
    category: 'digital',
  });
  expect(
    (await signed(platform, { method: 'PUT', path: '/v1/partner/courses/replay', body: course })).status,
  ).toBe(201);
});

const send = (path: string, method: string, headers: Record<string, string>, body?: string) =>
  fetch(stack().apiUrl + path, { method, headers, body }).then(async (r) => ({
    status: r.status,
    body: (await r.json()) as any,
  }));

const smsCount = async (phone: string) =>
  (await call('GET', `/_local/outbox?to=${encodeURIComponent(phone)}`)).body.items.filter(
    (m: { template: string }) => m.template === 'purchase-otp',
  ).length;

describe('replayed partner requests', () => {
  it('refuses a captured purchase re-sent with a fresh Idempotency-Key, and replays the first answer for the same key', async () => {
    const p = await participant();
    const path = '/v1/partner/purchases';
    const body = JSON.stringify({ cardNumber: p.cardNumber, courseId: 'replay' });
    const captured = signatureHeaders(platform, { method: 'POST', path, body, idempotencyKey: randomUUID() });

    const first = await send(path, 'POST', captured, body);
    expect(first.status).toBe(201);
    const fresh = await send(path, 'POST', { ...captured, 'idempotency-key': randomUUID() }, body);
    expect(fresh.status).toBe(401);
    expect(fresh.body.type).toMatch(/unauthorized$/);
    const none = { ...captured };
    delete none['idempotency-key'];
    expect((await send(path, 'POST', none, body)).status).toBe(401);
    const retry = await send(path, 'POST', captured, body);
    expect(retry).toEqual(first);
    expect(await smsCount(p.phone)).toBe(1);
  });

  it('lets one of many concurrent replays with fresh keys through', async () => {
    const p = await participant();
    const path = '/v1/partner/purchases';
    const body = JSON.stringify({ cardNumber: p.cardNumber, courseId: 'replay' });
    const captured = signatureHeaders(platform, { method: 'POST', path, body });
    const replies = await Promise.all(
      Array.from({ length: 20 }, () =>
        send(path, 'POST', { ...captured, 'idempotency-key': randomUUID() }, body),
      ),
    );
    expect(replies.filter((r) => r.status === 201)).toHaveLength(1);
    expect(replies.filter((r) => r.status === 401)).toHaveLength(19);
    expect(await smsCount(p.phone)).toBe(1);
  });

  it('refuses a replayed PUT even with its own Idempotency-Key: it would undo a later change', async () => {
    const path = '/v1/partner/courses/replay-put';
    const course = (title: string) =>
      JSON.stringify({
        title,
        institution: { id: 'lp-1', name: 'LP Satu' },
        priceIdr: 1,
        mode: 'online',
        category: 'x',
      });
    const captured = signatureHeaders(platform, {
      method: 'PUT',
      path,
      body: course('A'),
      idempotencyKey: 'k-1',
    });
    expect((await send(path, 'PUT', captured, course('A'))).status).toBe(201);
    expect((await signed(platform, { method: 'PUT', path, body: course('B') })).status).toBe(200);
    expect((await send(path, 'PUT', captured, course('A'))).status).toBe(401);
    const now = await signed(platform, { method: 'GET', path });
    expect(now.body.title).toBe('B');
  });

  it('signs the query string of a GET, as API Gateway hands it over', async () => {
    const p = await participant();
    const created = await signed(platform, {
      method: 'POST',
      path: '/v1/partner/purchases',
      body: JSON.stringify({ cardNumber: p.cardNumber, courseId: 'replay' }),
      idempotencyKey: randomUUID(),
    });
    const path = `/v1/partner/purchases/${created.body.purchaseId}?view=full&view=short&x=a%20b`;
    expect((await signed(platform, { method: 'GET', path })).status).toBe(200);
    // Signed without the query, sent with it: the query is covered by the signature.
    const bare = signatureHeaders(platform, { method: 'GET', path: path.split('?')[0]! });
    expect((await send(path, 'GET', bare)).status).toBe(401);
  });
});
