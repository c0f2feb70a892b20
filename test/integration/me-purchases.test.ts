import { beforeAll, describe, expect, inject, it } from 'vitest';
import type { PartnerKey } from '#contexts/payouts/payments/https.ts';
import { readMetrics } from '#test/bench/metrics.ts';
import { call, registerCitizen } from '#test/support/api.ts';
import { participant, type TestParticipant } from '#test/support/participants.ts';
import { onboardedPartner } from '#test/support/partners.ts';
import { buy, PRICE, pay, post, putCourse, slug } from '#test/support/purchases.ts';

// The citizen's own reads for the dashboard: purchases with their state, surveys.
let platform: { key: PartnerKey; code: string };
let p: TestParticipant;
let other: TestParticipant;
let cancelledId: string;
let paid: { purchaseId: string; voucherCode: string };
let othersId: string;

const purchasesOf = (token: string, query = '') => call('GET', `/v1/me/purchases${query}`, { token });
const surveysOf = async (token: string) => (await call('GET', '/v1/me/surveys', { token })).body.items;

/** Every page of the citizen's purchases at `limit`, in order, and the cursors seen. */
async function allPages(token: string, limit: number) {
  const ids: string[] = [];
  const cursors: string[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 10; i++) {
    const query: string = `?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const r = await purchasesOf(token, query);
    expect(r.status).toBe(200);
    expect(r.body.items.length).toBeLessThanOrEqual(limit);
    ids.push(...r.body.items.map((item: { purchaseId: string }) => item.purchaseId));
    cursor = r.body.nextCursor;
    if (!cursor) break;
    cursors.push(cursor);
  }
  expect(cursor).toBeNull();
  return { ids, cursors };
}

beforeAll(async () => {
  const onboarded = await onboardedPartner('platform', { rateLimitPerSecond: 10_000 });
  platform = { key: onboarded.key, code: onboarded.code };
  await putCourse(platform.key, 'first');
  await putCourse(platform.key, 'second', 750_000, 'lp-lain');
  [p, other] = await Promise.all([participant(), participant()]);
  // p: a purchase paid then cancelled (refunded), then a second one paid.
  const first = await pay(platform.key, p, 'first');
  cancelledId = first.purchaseId;
  const cancelled = await post(platform.key, `/v1/partner/purchases/${cancelledId}/cancellation`);
  expect(cancelled.status).toBe(200);
  paid = await pay(platform.key, p, 'second');
  // The other participant has one of their own, still waiting for its code.
  othersId = (await buy(platform.key, other, 'first')).id;
});

describe('GET /v1/me/purchases', () => {
  it('lists the participant’s purchases newest first, with their state and platform', async () => {
    const r = await purchasesOf(p.token);
    expect(r.status).toBe(200);
    expect(r.body.nextCursor).toBeNull();
    expect(r.body.items.map((i: { purchaseId: string }) => i.purchaseId)).toEqual([
      paid.purchaseId,
      cancelledId,
    ]);
    const [second, first] = r.body.items;
    expect(second).toEqual({
      purchaseId: paid.purchaseId,
      courseId: 'second',
      courseTitle: 'Kursus second',
      platform: { code: platform.code, name: `Partner ${platform.code}` },
      institution: { id: 'lp-lain', name: 'LP lp-lain' },
      priceIdr: 750_000,
      status: 'PAID',
      createdAt: expect.any(String),
      paidAt: expect.any(String),
      // The participant takes it to the institution (DOMAIN.md): shown while PAID only.
      voucherCode: paid.voucherCode,
      reviewed: false,
    });
    expect(first).toMatchObject({
      purchaseId: cancelledId,
      courseId: 'first',
      priceIdr: PRICE,
      status: 'CANCELLED',
      paidAt: expect.any(String),
      cancelledAt: expect.any(String),
      reviewed: false,
    });
    expect(first).not.toHaveProperty('voucherCode');
    for (const item of r.body.items) {
      for (const field of ['otp', 'accountId', 'cardNumber', 'partnerId', 'reviewComment'])
        expect(item).not.toHaveProperty(field);
    }
    expect(JSON.stringify(r.body)).not.toContain(p.cardNumber);
  });

  it('pages with limit 1 through a sealed cursor', async () => {
    const { ids, cursors } = await allPages(p.token, 1);
    expect(ids).toEqual([paid.purchaseId, cancelledId]);
    expect(cursors.length).toBeGreaterThanOrEqual(1);
  });

  it('refuses its cursor from another account or on another list (400)', async () => {
    const first = await purchasesOf(p.token, '?limit=1');
    const cursor = encodeURIComponent(first.body.nextCursor);
    const theirs = await purchasesOf(other.token, `?limit=1&cursor=${cursor}`);
    expect(theirs.status).toBe(400);
    expect(slug(theirs)).toBe('validation');
    expect(theirs.body.errors).toEqual([expect.objectContaining({ path: 'cursor' })]);
    const waves = await call('GET', `/v1/waves?cursor=${cursor}`);
    expect(waves.status).toBe(400);
    // A forged seal on this list's own position is refused too.
    const edited = `${first.body.nextCursor.split('.')[0]}.${'A'.repeat(43)}`;
    expect((await purchasesOf(p.token, `?cursor=${encodeURIComponent(edited)}`)).status).toBe(400);
  });

  it('shows another citizen only their own purchases, and a non-participant none', async () => {
    const r = await purchasesOf(other.token);
    expect(r.status).toBe(200);
    expect(r.body.items.map((i: { purchaseId: string }) => i.purchaseId)).toEqual([othersId]);
    expect(r.body.items[0]).toMatchObject({ status: 'PENDING_OTP', reviewed: false });
    expect(r.body.items[0]).not.toHaveProperty('voucherCode');
    const stranger = await registerCitizen();
    expect((await purchasesOf(stranger.token)).body).toEqual({ items: [], nextCursor: null });
    // Not even by paging: none of p's ids shows for the other participant.
    const { ids } = await allPages(other.token, 1);
    expect(ids).not.toContain(paid.purchaseId);
    expect(ids).not.toContain(cancelledId);
  });

  it('follows the purchase through completion and review; surveys open on completion', async () => {
    expect(await surveysOf(p.token)).toEqual([
      { n: 1, status: 'NOT_YET' },
      { n: 2, status: 'NOT_YET' },
    ]);
    const redeemed = await post(platform.key, `/v1/partner/purchases/${paid.purchaseId}/redemption`, {
      voucherCode: paid.voucherCode,
    });
    expect(redeemed.status).toBe(200);
    const afterRedemption = (await purchasesOf(p.token)).body.items[0];
    expect(afterRedemption).toMatchObject({ status: 'REDEEMED', redeemedAt: expect.any(String) });
    // Used: no longer shown.
    expect(afterRedemption).not.toHaveProperty('voucherCode');

    const completed = await post(platform.key, `/v1/partner/purchases/${paid.purchaseId}/completion`, {
      completedAt: new Date().toISOString(),
      certificateNumber: 'SERT-42',
    });
    expect(completed.status).toBe(200);
    expect((await purchasesOf(p.token)).body.items[0]).toMatchObject({
      status: 'COMPLETED',
      completedAt: expect.any(String),
      certificateNumber: 'SERT-42',
      reviewed: false,
    });
    expect(await surveysOf(p.token)).toEqual([
      { n: 1, status: 'OPEN' },
      { n: 2, status: 'OPEN' },
    ]);

    const review = await call('POST', `/v1/me/purchases/${paid.purchaseId}/review`, {
      token: p.token,
      body: { rating: 4, comment: 'Bermanfaat' },
    });
    expect(review.status).toBe(201);
    const items = (await purchasesOf(p.token)).body.items;
    expect(items.map((i: { reviewed: boolean }) => i.reviewed)).toEqual([true, false]);

    const answered = await call('POST', '/v1/me/surveys/1', {
      token: p.token,
      body: { answers: { employedNow: true } },
    });
    expect(answered.status).toBe(201);
    expect(await surveysOf(p.token)).toEqual([
      { n: 1, status: 'ANSWERED', answeredAt: expect.any(String) },
      { n: 2, status: 'OPEN' },
    ]);
  });
});

describe('what a read costs', () => {
  /** The DynamoDB calls of the last `operation` request (its metrics line, written by the stack). */
  async function callsOf(operation: string) {
    await new Promise((resolve) => setTimeout(resolve, 300));
    return readMetrics(inject('stackLogFile'), (op) => op === operation).at(-1)?.values.DynamoDBCalls;
  }

  it('reads a page of purchases in one Query and one BatchGet, the surveys in three reads', async () => {
    expect((await purchasesOf(p.token)).status).toBe(200);
    expect(await callsOf('listMyPurchases')).toBe(2);
    expect((await call('GET', '/v1/me/surveys', { token: p.token })).status).toBe(200);
    expect(await callsOf('listMySurveys')).toBe(3);
  });
});

describe('GET /v1/me/surveys', () => {
  it('is empty for a citizen who is not a participant, as the incentives are', async () => {
    const stranger = await registerCitizen();
    const r = await call('GET', '/v1/me/surveys', { token: stranger.token });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ items: [] });
    expect((await call('GET', '/v1/me/incentives', { token: stranger.token })).body).toEqual({ items: [] });
  });

  it('shows the other participant’s surveys not yet open, whatever p answered', async () => {
    expect(await surveysOf(other.token)).toEqual([
      { n: 1, status: 'NOT_YET' },
      { n: 2, status: 'NOT_YET' },
    ]);
  });

  it('is for citizens only', async () => {
    expect((await call('GET', '/v1/me/surveys')).status).toBe(401);
    expect((await call('GET', '/v1/me/purchases')).status).toBe(401);
  });
});
