import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PartnerKey } from '#contexts/payouts/payments/https.ts';
import { call } from '#test/support/api.ts';
import { participant, type TestParticipant } from '#test/support/participants.ts';
import { onboardedPartner, signed } from '#test/support/partners.ts';
import { pay, post, putCourse, redeem, slug } from '#test/support/purchases.ts';

// Hostile or impossible input on the purchase routes: survey answers, completion dates,
// free text, and vouchers of another platform. Refused with a 4xx, never a 5xx.
let platform: PartnerKey;
let otherPlatform: PartnerKey;

beforeAll(async () => {
  platform = (await onboardedPartner('platform', { rateLimitPerSecond: 10_000 })).key;
  otherPlatform = (await onboardedPartner('platform', { rateLimitPerSecond: 10_000 })).key;
  await putCourse(platform, 'basic');
  await putCourse(platform, 'other-lp', 1_000_000, 'lp-lain');
  await putCourse(otherPlatform, 'basic');
  await putCourse(otherPlatform, 'far', 1_000_000, 'lp-seberang');
});

const complete = (id: string, body: unknown) =>
  post(platform, `/v1/partner/purchases/${id}/completion`, body);

/** A participant whose first course is completed, so surveys are open. */
async function graduate(): Promise<TestParticipant> {
  const p = await participant();
  const { purchaseId } = await redeem(platform, p);
  const done = await complete(purchaseId, {
    completedAt: new Date().toISOString(),
    certificateNumber: 'C-1',
  });
  expect(done.status).toBe(200);
  return p;
}

const survey = (p: TestParticipant, rawBody: string) =>
  call('POST', '/v1/me/surveys/1', {
    token: p.token,
    rawBody,
    headers: { 'content-type': 'application/json' },
  });

describe('survey answers', () => {
  it('refuses every prototype name as a key with 400, then takes a valid answer', async () => {
    const p = await graduate();
    const names = [...Object.getOwnPropertyNames(Object.prototype), 'prototype'];
    expect(names).toContain('constructor');
    expect(names).toContain('__proto__');
    for (const name of names) {
      // Raw text: JSON.stringify of an object literal would drop `__proto__`.
      const r = await survey(p, `{"answers":{${JSON.stringify(name)}:"y"}}`);
      expect([name, r.status, slug(r)]).toEqual([name, 400, 'validation']);
    }
    expect((await survey(p, '{"answers":{"q1":"ya","employedNow":true,"income":4500000}}')).status).toBe(201);
  });

  it('refuses bad keys, nested or fractional values, too many answers and control characters', async () => {
    const p = await graduate();
    const bad = [
      { answers: {} },
      { answers: { Q1: 'x' } },
      { answers: { '1q': 'x' } },
      { answers: { 'q 1': 'x' } },
      { answers: { ['a'.repeat(41)]: 'x' } },
      { answers: { q1: { nested: 'x' } } },
      { answers: { q1: ['x'] } },
      { answers: { q1: null } },
      { answers: { q1: 1.5 } },
      { answers: { q1: -1 } },
      { answers: { q1: 1e12 } },
      { answers: { q1: 'x'.repeat(2001) } },
      { answers: { q1: 'a\u0000b' } },
      { answers: { q1: 'a\u202Eb' } },
      { answers: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`q${i}`, 1])) },
    ];
    for (const body of bad) {
      const r = await survey(p, JSON.stringify(body));
      expect([JSON.stringify(body).slice(0, 80), r.status]).toEqual([JSON.stringify(body).slice(0, 80), 400]);
    }
    const lone = await survey(p, '{"answers":{"q1":"\\ud800"}}');
    expect(lone.status).toBe(400);
    expect(
      (await survey(p, JSON.stringify({ answers: { q1: 'baris satu\nbaris dua', q2: 0 } }))).status,
    ).toBe(201);
  });

  it('never answers 5xx to arbitrary answer maps (property)', async () => {
    const p = await graduate();
    const key = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('constructor', '__proto__', 'toString', 'q1'),
    );
    await fc.assert(
      fc.asyncProperty(fc.dictionary(key, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }), async (answers) => {
        const r = await survey(p, JSON.stringify({ answers }));
        expect([201, 400, 409]).toContain(r.status);
      }),
      { numRuns: 60 },
    );
  });
});

describe('completion', () => {
  it('refuses a completion date in the future or before the redemption, on completedAt', async () => {
    const p = await participant();
    const { purchaseId, redeemedAt } = await redeem(platform, p);
    for (const completedAt of [
      new Date(Date.now() + 3_600_000).toISOString(),
      '2999-01-01T00:00:00Z',
      new Date(Date.parse(redeemedAt) - 60_000).toISOString(),
      '2000-01-01T00:00:00+07:00',
    ]) {
      const r = await complete(purchaseId, { completedAt, certificateNumber: 'C-9' });
      expect([completedAt, r.status, slug(r)]).toEqual([completedAt, 400, 'validation']);
      expect(r.body.errors).toEqual([{ path: 'completedAt', message: expect.any(String) }]);
    }
    // A partner clock a minute ahead of ours is fine.
    const ahead = await complete(purchaseId, {
      completedAt: new Date(Date.now() + 60_000).toISOString(),
      certificateNumber: 'C-9',
    });
    expect(ahead.status).toBe(200);
  });

  it('bounds the certificate number: one line, no control characters, at most 64', async () => {
    const p = await participant();
    const { purchaseId } = await redeem(platform, p);
    const completedAt = new Date().toISOString();
    for (const certificateNumber of [
      '',
      '   ',
      'C\n1',
      'C\u0000',
      'C\u001b[31m',
      'C\u202E1',
      'x'.repeat(65),
    ]) {
      const r = await complete(purchaseId, { completedAt, certificateNumber });
      expect([certificateNumber, r.status]).toEqual([certificateNumber, 400]);
    }
    // Stored as given: markup is the displaying side's to escape.
    const markup = '<b>SERT/2026/001</b>';
    const r = await complete(purchaseId, { completedAt, certificateNumber: markup });
    expect(r.body.certificateNumber).toBe(markup);
  });
});

describe('free text', () => {
  it('course titles and review comments: control characters refused, markup stored as given', async () => {
    const course = (title: string) =>
      signed(platform, {
        method: 'PUT',
        path: '/v1/partner/courses/text-1',
        body: JSON.stringify({
          title,
          institution: { id: 'lp-maju', name: 'LP Maju' },
          priceIdr: 100_000,
          mode: 'online',
          category: 'digital',
        }),
      });
    for (const title of ['A\u0000', 'A\nB', 'A\u202EB', 'x'.repeat(201)])
      expect((await course(title)).status).toBe(400);
    const markup = '<script>alert(1)</script> & "kursus"';
    expect((await course(markup)).status).toBeLessThan(300);
    const read = await signed(platform, { method: 'GET', path: '/v1/partner/courses/text-1' });
    expect(read.body.title).toBe(markup);

    const p = await participant();
    const { purchaseId } = await redeem(platform, p);
    await complete(purchaseId, { completedAt: new Date().toISOString(), certificateNumber: 'C-2' });
    const review = (comment: string) =>
      call('POST', `/v1/me/purchases/${purchaseId}/review`, { token: p.token, body: { rating: 4, comment } });
    for (const comment of ['bagus\u0007', 'x'.repeat(2001), ' '])
      expect((await review(comment)).status).toBe(400);
    expect((await review('Bagus.\nMateri <i>jelas</i>.')).status).toBe(201);
  });
});

describe('vouchers of other platforms', () => {
  it("another platform's voucher is 404 exactly like an unknown code; the caller's own other institution's is 409", async () => {
    const mine = await pay(platform, await participant());
    const redeemWith = (voucherCode: string) =>
      post(platform, `/v1/partner/purchases/${mine.purchaseId}/redemption`, { voucherCode });
    const unknown = await redeemWith('PKJ-AAAAAAAAAA');
    expect(unknown.status).toBe(404);
    // Whether its institution id matches ours or not, another platform's code is unknown to us.
    for (const courseId of ['basic', 'far']) {
      const theirs = await pay(otherPlatform, await participant(), courseId);
      const foreign = await redeemWith(theirs.voucherCode);
      expect([courseId, foreign.status, foreign.body]).toEqual([courseId, 404, unknown.body]);
    }

    const ownElsewhere = await pay(platform, await participant(), 'other-lp');
    const other = await redeemWith(ownElsewhere.voucherCode);
    expect([other.status, slug(other)]).toEqual([409, 'voucher-other-institution']);
    expect((await redeemWith(mine.voucherCode)).status).toBe(200);
  });
});
