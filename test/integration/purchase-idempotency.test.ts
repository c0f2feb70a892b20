import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PartnerKey } from '#contexts/payouts/payments/https.ts';
import { call, latestCode, stack } from '#test/support/api.ts';
import { participant, type TestParticipant } from '#test/support/participants.ts';
import { onboardedPartner } from '#test/support/partners.ts';
import { putCourse } from '#test/support/purchases.ts';
import { ledgerOf, participantsOf } from '#test/support/selection.ts';
import { signatureHeaders } from '../../scripts/sign-request.ts';

// The purchase routes keep their Idempotency-Key answer and the partner's signature in
// their own transaction (platform/http/idempotency.ts): a repeat must still get the first
// answer without acting, a captured request with a fresh key must still be refused, and
// concurrent duplicates must act once.
let platform: PartnerKey;

beforeAll(async () => {
  platform = (await onboardedPartner('platform', { rateLimitPerSecond: 10_000 })).key;
  await putCourse(platform, 'idem');
});

interface Sent {
  status: number;
  body: any;
  replayed: boolean;
}

/** A signed POST (signed anew each call unless `headers` are given: a captured request). */
async function send(path: string, body: unknown, key: string, headers?: Record<string, string>) {
  const text = body === undefined ? undefined : JSON.stringify(body);
  const signed =
    headers ?? signatureHeaders(platform, { method: 'POST', path, body: text, idempotencyKey: key });
  const r = await fetch(stack().apiUrl + path, { method: 'POST', headers: signed, body: text });
  const raw = await r.text();
  return {
    status: r.status,
    body: raw ? JSON.parse(raw) : undefined,
    replayed: r.headers.get('idempotent-replayed') === 'true',
  } satisfies Sent;
}

/** Sends, then repeats with the same key (signed anew: a client's retry) and checks the
 *  repeat is the first answer, marked as replayed. */
async function sendTwice(path: string, body: unknown) {
  const key = randomUUID();
  const first = await send(path, body, key);
  const again = await send(path, body, key);
  expect(first.replayed).toBe(false);
  expect(again).toEqual({ ...first, replayed: true });
  return first;
}

const sms = async (p: TestParticipant) =>
  (await call('GET', `/_local/outbox?to=${encodeURIComponent(p.phone)}`)).body.items.filter(
    (m: { template: string }) => m.template === 'purchase-otp',
  ).length;
const ledger = async (p: TestParticipant, kind: string) =>
  (await ledgerOf(stack(), p.accountId)).filter((e) => e.kind === kind).length;
const balance = async (p: TestParticipant) => (await participantsOf(stack(), [p.accountId]))[0]!.balanceIdr;

describe('idempotent repeats of the purchase routes', () => {
  it('create, confirm, redeem, complete, review and a survey each answer a repeat with the first answer, acting once', async () => {
    const p = await participant();
    const created = await sendTwice('/v1/partner/purchases', { cardNumber: p.cardNumber, courseId: 'idem' });
    expect(created.status).toBe(201);
    expect(await sms(p)).toBe(1);
    const base = `/v1/partner/purchases/${created.body.purchaseId}`;

    const otp = await latestCode(p.phone, 'purchase-otp');
    const paid = await sendTwice(`${base}/confirmation`, { otp });
    expect(paid.status).toBe(200);
    expect(await ledger(p, 'purchase')).toBe(1);
    expect(await balance(p)).toBe(paid.body.balanceAfterIdr);

    const redeemed = await sendTwice(`${base}/redemption`, { voucherCode: paid.body.voucherCode });
    expect(redeemed.body.status).toBe('REDEEMED');
    const completion = { completedAt: new Date().toISOString(), certificateNumber: 'SERT-IDEM' };
    const completed = await sendTwice(`${base}/completion`, completion);
    expect(completed.body.status).toBe('COMPLETED');

    const key = randomUUID();
    const review = () =>
      call('POST', `/v1/me/purchases/${created.body.purchaseId}/review`, {
        token: p.token,
        body: { rating: 4, comment: 'Baik' },
        headers: { 'idempotency-key': key },
      });
    const reviewed = await review();
    const again = await review();
    expect(reviewed.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body).toEqual(reviewed.body);
    expect(again.headers.get('idempotent-replayed')).toBe('true');

    const surveyKey = randomUUID();
    const survey = () =>
      call('POST', '/v1/me/surveys/1', {
        token: p.token,
        body: { answers: { q1: 'ya' } },
        headers: { 'idempotency-key': surveyKey },
      });
    const answered = await survey();
    const answeredAgain = await survey();
    expect(answered.status).toBe(201);
    expect(answeredAgain.status).toBe(201);
    expect(answeredAgain.body).toEqual(answered.body);
    expect(answeredAgain.headers.get('idempotent-replayed')).toBe('true');
    const other = await call('POST', '/v1/me/surveys/1', { token: p.token, body: { answers: { q1: 'x' } } });
    expect(other.body.type).toMatch(/already-answered$/);
  });

  it('a cancellation repeated gets its first answer and refunds once', async () => {
    const p = await participant();
    const created = await send(
      '/v1/partner/purchases',
      { cardNumber: p.cardNumber, courseId: 'idem' },
      randomUUID(),
    );
    const base = `/v1/partner/purchases/${created.body.purchaseId}`;
    const otp = await latestCode(p.phone, 'purchase-otp');
    const before = await balance(p);
    await send(`${base}/confirmation`, { otp }, randomUUID());
    const cancelled = await sendTwice(`${base}/cancellation`, undefined);
    expect(cancelled.status).toBe(200);
    expect(await ledger(p, 'purchase-refund')).toBe(1);
    expect(await balance(p)).toBe(before);
  });

  it('a wrong code repeated with its key is the same refusal and uses no second try', async () => {
    const p = await participant();
    const created = await send(
      '/v1/partner/purchases',
      { cardNumber: p.cardNumber, courseId: 'idem' },
      randomUUID(),
    );
    const path = `/v1/partner/purchases/${created.body.purchaseId}/confirmation`;
    const wrong = await sendTwice(path, { otp: '000000' });
    expect(wrong.status).toBe(400);
    expect(wrong.body.type).toMatch(/invalid-code$/);
    // Four tries are left: the repeat did not take one.
    for (let i = 0; i < 4; i++)
      expect((await send(path, { otp: '000000' }, randomUUID())).body.type).toMatch(/invalid-code$/);
    expect((await send(path, { otp: '000000' }, randomUUID())).body.type).toMatch(/code-locked$/);
  });

  it('the same key with another body is 422 and does nothing', async () => {
    const p = await participant();
    const key = randomUUID();
    const first = await send('/v1/partner/purchases', { cardNumber: p.cardNumber, courseId: 'idem' }, key);
    expect(first.status).toBe(201);
    const other = await send('/v1/partner/purchases', { cardNumber: p.cardNumber, courseId: 'other' }, key);
    expect(other.status).toBe(422);
    expect(other.body.type).toMatch(/idempotency-key-reused$/);
    expect(await sms(p)).toBe(1);
  });
});

describe('captured requests and concurrent duplicates', () => {
  it('a captured confirm, redeem or complete re-sent with a fresh Idempotency-Key is 401 and acts once', async () => {
    const p = await participant();
    const created = await send(
      '/v1/partner/purchases',
      { cardNumber: p.cardNumber, courseId: 'idem' },
      randomUUID(),
    );
    const base = `/v1/partner/purchases/${created.body.purchaseId}`;
    const capture = (path: string, body: unknown) =>
      signatureHeaders(platform, {
        method: 'POST',
        path,
        body: JSON.stringify(body),
        idempotencyKey: randomUUID(),
      });
    const replay = async (path: string, body: unknown) => {
      const headers = capture(path, body);
      const first = await send(path, body, '', headers);
      const fresh = await send(path, body, '', { ...headers, 'idempotency-key': randomUUID() });
      expect(fresh.status).toBe(401);
      expect(fresh.body.type).toMatch(/unauthorized$/);
      // The same capture with its own key is the client's retry: the first answer.
      expect(await send(path, body, '', headers)).toEqual({ ...first, replayed: true });
      return first;
    };
    const otp = await latestCode(p.phone, 'purchase-otp');
    const paid = await replay(`${base}/confirmation`, { otp });
    expect(paid.status).toBe(200);
    expect(await ledger(p, 'purchase')).toBe(1);
    expect((await replay(`${base}/redemption`, { voucherCode: paid.body.voucherCode })).status).toBe(200);
    const completion = { completedAt: new Date().toISOString(), certificateNumber: 'SERT-CAP' };
    expect((await replay(`${base}/completion`, completion)).status).toBe(200);
  });

  it('20 concurrent duplicates of one purchase (one key) create it once, every answer the same', async () => {
    const p = await participant();
    const key = randomUUID();
    const body = { cardNumber: p.cardNumber, courseId: 'idem' };
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => send('/v1/partner/purchases', body, key)),
    );
    const created = answers.filter((a) => a.status === 201);
    expect(created.length).toBeGreaterThan(0);
    expect(new Set(created.map((a) => a.body.purchaseId)).size).toBe(1);
    // The others got the kept answer (or 409 while the first was still running).
    expect(answers.every((a) => a.status === 201 || a.status === 409)).toBe(true);
    expect(created.filter((a) => !a.replayed)).toHaveLength(1);
    expect(await sms(p)).toBe(1);
  });
});
