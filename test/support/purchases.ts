import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { PartnerKey } from '#contexts/payouts/payments/https.ts';
import { call, latestCode } from '#test/support/api.ts';
import type { TestParticipant } from '#test/support/participants.ts';
import { seeded, signed } from '#test/support/partners.ts';

// Purchases as platforms make them in tests: signed requests, a fresh Idempotency-Key each.
export const PRICE = 1_000_000;

export async function putCourse(
  key: PartnerKey,
  courseId: string,
  priceIdr = PRICE,
  institutionId = 'lp-maju',
) {
  const r = await signed(key, {
    method: 'PUT',
    path: `/v1/partner/courses/${courseId}`,
    body: JSON.stringify({
      title: `Kursus ${courseId}`,
      institution: { id: institutionId, name: `LP ${institutionId}` },
      priceIdr,
      mode: 'online',
      category: 'digital',
    }),
  });
  expect(r.status).toBeLessThan(300);
}

/** A signed POST; `secondsAgo` moves the timestamp back so identical requests sign
 *  differently, or `{ timestamp }` fixes it (requests made together from one base: counting
 *  back from each request's own "now" can give two of them the same second). */
export const post = (
  key: PartnerKey,
  path: string,
  body?: unknown,
  when: number | { timestamp: number } = 0,
) =>
  signed(key, {
    method: 'POST',
    path,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    idempotencyKey: randomUUID(),
    timestamp: typeof when === 'number' ? Math.floor(Date.now() / 1000) - when : when.timestamp,
  });

export async function buy(key: PartnerKey, p: TestParticipant, courseId = 'basic') {
  const created = await post(key, '/v1/partner/purchases', { cardNumber: p.cardNumber, courseId });
  expect(created.status).toBe(201);
  return { id: created.body.purchaseId as string, otp: await latestCode(p.phone, 'purchase-otp') };
}

export async function pay(key: PartnerKey, p: TestParticipant, courseId = 'basic') {
  const { id, otp } = await buy(key, p, courseId);
  const paid = await post(key, `/v1/partner/purchases/${id}/confirmation`, { otp });
  expect(paid.status).toBe(200);
  return paid.body as { purchaseId: string; voucherCode: string };
}

export async function redeem(key: PartnerKey, p: TestParticipant, courseId = 'basic') {
  const paid = await pay(key, p, courseId);
  const r = await post(key, `/v1/partner/purchases/${paid.purchaseId}/redemption`, {
    voucherCode: paid.voucherCode,
  });
  expect(r.status).toBe(200);
  return r.body as { purchaseId: string; redeemedAt: string };
}

/** `n` distinct six-digit codes, none of them `except`. */
export function wrongCodes(n: number, except: string): string[] {
  const codes = new Set<string>();
  while (codes.size < n) {
    const code = String(Math.floor(Math.random() * 1e6)).padStart(6, '0');
    if (code !== except) codes.add(code);
  }
  return [...codes];
}

export const slug = (r: { body?: { type?: string } }) => r.body?.type?.split('/').pop();

/** A course bought on Tokopedia, redeemed, completed and reviewed by `p`: its first
 *  incentive is then due today. */
export async function completeAndReview(p: TestParticipant, certificateNumber: string, rating: number) {
  const platform = seeded('tokopedia');
  const { purchaseId } = await redeem(platform, p);
  const done = await post(platform, `/v1/partner/purchases/${purchaseId}/completion`, {
    completedAt: new Date().toISOString(),
    certificateNumber,
  });
  expect(done.status).toBe(200);
  const review = await call('POST', `/v1/me/purchases/${purchaseId}/review`, {
    token: p.token,
    body: { rating, comment: 'Bermanfaat' },
    headers: { 'idempotency-key': randomUUID() },
  });
  expect(review.status).toBe(201);
}
