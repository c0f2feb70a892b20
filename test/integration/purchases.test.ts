import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PartnerKey } from '#contexts/payouts/payments/https.ts';
import { call, latestCode, stack } from '#test/support/api.ts';
import { participant, type TestParticipant } from '#test/support/participants.ts';
import { onboardedPartner, signed } from '#test/support/partners.ts';
import { PRICE, putCourse } from '#test/support/purchases.ts';
import { ledgerOf, participantsOf } from '#test/support/selection.ts';

// The purchase flow as platforms call it (signed requests) and as citizens finish it.
let platform: PartnerKey;
let otherPlatform: PartnerKey;
const post = (key: PartnerKey, path: string, body?: unknown, idempotencyKey: string = randomUUID()) =>
  signed(key, {
    method: 'POST',
    path,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    idempotencyKey,
  });

async function buy(p: TestParticipant, courseId = 'basic', key = platform) {
  const created = await post(key, '/v1/partner/purchases', { cardNumber: p.cardNumber, courseId });
  return created;
}

async function pay(p: TestParticipant, courseId = 'basic', key = platform) {
  const created = await buy(p, courseId, key);
  expect(created.status).toBe(201);
  const otp = await latestCode(p.phone, 'purchase-otp');
  const paid = await post(key, `/v1/partner/purchases/${created.body.purchaseId}/confirmation`, { otp });
  expect(paid.status).toBe(200);
  return paid.body;
}

const balanceOf = async (p: TestParticipant) =>
  (await participantsOf(stack(), [p.accountId]))[0]!.balanceIdr as number;
const ledgerSum = async (p: TestParticipant) =>
  (await ledgerOf(stack(), p.accountId)).reduce((sum, e) => sum + e.amountIdr, 0);

beforeAll(async () => {
  platform = (await onboardedPartner('platform', { rateLimitPerSecond: 10_000 })).key;
  otherPlatform = (await onboardedPartner('platform', { rateLimitPerSecond: 10_000 })).key;
  await putCourse(platform, 'basic');
  await putCourse(platform, 'pricey', 5_000_000);
  await putCourse(platform, 'cheap', 100_000);
  await putCourse(platform, 'other-lp', PRICE, 'lp-lain');
  await putCourse(otherPlatform, 'basic');
});

describe('purchase flow', () => {
  it('card -> SMS code -> paid with a voucher -> redeemed -> completed -> reviewed -> incentives scheduled', async () => {
    const p = await participant();
    const created = await buy(p);
    expect(created.body).toMatchObject({ status: 'PENDING_OTP', priceIdr: PRICE, courseId: 'basic' });
    expect(created.body).not.toHaveProperty('otp');
    const otp = await latestCode(p.phone, 'purchase-otp');
    const id = created.body.purchaseId;
    const paid = await post(platform, `/v1/partner/purchases/${id}/confirmation`, { otp });
    expect(paid.body).toMatchObject({
      status: 'PAID',
      balanceAfterIdr: 2_500_000,
      voucherCode: expect.stringMatching(/^PKJ-/),
    });
    expect(await balanceOf(p)).toBe(2_500_000);
    expect(await ledgerSum(p)).toBe(2_500_000);

    const redeemed = await post(platform, `/v1/partner/purchases/${id}/redemption`, {
      voucherCode: paid.body.voucherCode,
    });
    expect(redeemed.body.status).toBe('REDEEMED');
    const completed = await post(platform, `/v1/partner/purchases/${id}/completion`, {
      completedAt: new Date().toISOString(),
      certificateNumber: 'CERT-001',
    });
    expect(completed.body).toMatchObject({ status: 'COMPLETED', certificateNumber: 'CERT-001' });

    const review = await call('POST', `/v1/me/purchases/${id}/review`, {
      token: p.token,
      body: { rating: 5, comment: 'Bagus' },
    });
    expect(review.status).toBe(201);
    const incentives = await call('GET', '/v1/me/incentives', { token: p.token });
    expect(incentives.body.items).toHaveLength(4);
    expect(
      incentives.body.items.every(
        (i: { amountIdr: number; status: string }) => i.amountIdr === 600_000 && i.status === 'SCHEDULED',
      ),
    ).toBe(true);
    const again = await call('POST', `/v1/me/purchases/${id}/review`, {
      token: p.token,
      body: { rating: 4, comment: 'lagi' },
    });
    expect(again.body.type).toMatch(/already-reviewed$/);

    // A second course after the first is completed; its review schedules nothing more.
    const second = await pay(p, 'cheap');
    expect(second.balanceAfterIdr).toBe(2_400_000);
    expect((await call('GET', '/v1/me/incentives', { token: p.token })).body.items).toHaveLength(4);
  });

  it('answers each refusal of the lifecycle with its slug', async () => {
    const slug = (r: { body: { type: string } }) => r.body.type.split('/').pop();
    const p = await participant();
    expect(
      (await post(platform, '/v1/partner/purchases', { cardNumber: '5890000000000000', courseId: 'basic' }))
        .status,
    ).toBe(404);
    expect((await buy(p, 'no-such-course')).status).toBe(404);
    expect(slug(await buy(p, 'pricey'))).toBe('insufficient-balance');
    expect(slug(await buy(await participant({ deadline: new Date(Date.now() - 1000) })))).toBe(
      'deadline-passed',
    );
    expect(slug(await buy(await participant({ status: 'REVOKED' })))).toBe('participation-revoked');

    const first = await buy(p);
    const id = first.body.purchaseId;
    const wrong = await post(platform, `/v1/partner/purchases/${id}/confirmation`, { otp: '000000' });
    expect(wrong.status).toBe(400);
    expect(slug(wrong)).toBe('invalid-code');
    const paid = await post(platform, `/v1/partner/purchases/${id}/confirmation`, {
      otp: await latestCode(p.phone, 'purchase-otp'),
    });
    expect(paid.status).toBe(200);
    expect(slug(await post(platform, `/v1/partner/purchases/${id}/confirmation`, { otp: '123456' }))).toBe(
      'purchase-not-pending',
    );
    expect(slug(await buy(p, 'cheap'))).toBe('previous-course-not-completed');
    expect(
      slug(
        await post(platform, `/v1/partner/purchases/${id}/completion`, {
          completedAt: new Date().toISOString(),
          certificateNumber: 'C',
        }),
      ),
    ).toBe('not-redeemed');
    const review = await call('POST', `/v1/me/purchases/${id}/review`, {
      token: p.token,
      body: { rating: 3, comment: 'x' },
    });
    expect(slug(review)).toBe('not-completed');

    // Vouchers: unknown, another institution's, used, cancelled.
    expect(
      (await post(platform, `/v1/partner/purchases/${id}/redemption`, { voucherCode: 'PKJ-NOPE' })).status,
    ).toBe(404);
    const q = await participant();
    const elsewhere = await pay(q, 'other-lp');
    expect(
      slug(
        await post(platform, `/v1/partner/purchases/${id}/redemption`, {
          voucherCode: elsewhere.voucherCode,
        }),
      ),
    ).toBe('voucher-other-institution');
    expect(
      (await post(platform, `/v1/partner/purchases/${id}/redemption`, { voucherCode: paid.body.voucherCode }))
        .status,
    ).toBe(200);
    expect(
      slug(
        await post(platform, `/v1/partner/purchases/${id}/redemption`, {
          voucherCode: paid.body.voucherCode,
        }),
      ),
    ).toBe('voucher-already-used');
    expect(slug(await post(platform, `/v1/partner/purchases/${id}/cancellation`))).toBe('not-cancellable');
    const cancelled = await post(platform, `/v1/partner/purchases/${elsewhere.purchaseId}/cancellation`);
    expect(cancelled.body.status).toBe('CANCELLED');
    expect(
      slug(
        await post(platform, `/v1/partner/purchases/${elsewhere.purchaseId}/redemption`, {
          voucherCode: elsewhere.voucherCode,
        }),
      ),
    ).toBe('voucher-cancelled');
  });

  it('locks the code after five wrong tries', async () => {
    const p = await participant();
    const id = (await buy(p)).body.purchaseId;
    for (let i = 0; i < 5; i++)
      await post(platform, `/v1/partner/purchases/${id}/confirmation`, { otp: '999999' });
    const otp = await latestCode(p.phone, 'purchase-otp');
    const locked = await post(platform, `/v1/partner/purchases/${id}/confirmation`, { otp });
    expect(locked.body.type).toMatch(/code-locked$/);
    expect(await balanceOf(p)).toBe(3_500_000);
  });

  it('cancellation before redemption restores the balance with a ledger entry', async () => {
    const p = await participant();
    const paid = await pay(p);
    const cancelled = await post(platform, `/v1/partner/purchases/${paid.purchaseId}/cancellation`);
    expect(cancelled.body.status).toBe('CANCELLED');
    expect(await balanceOf(p)).toBe(3_500_000);
    const kinds = (await ledgerOf(stack(), p.accountId)).map((e) => e.kind).sort();
    expect(kinds).toEqual(['purchase', 'purchase-refund', 'training-credit']);
    expect(await ledgerSum(p)).toBe(3_500_000);
    expect((await buy(p)).status).toBe(201); // free to buy again
  });
});

describe('surveys', () => {
  it("open after the first completed course, one incentive each, once, within the scheme's count", async () => {
    const p = await participant();
    const answer = (n: number) =>
      call('POST', `/v1/me/surveys/${n}`, { token: p.token, body: { answers: { q1: 'ya', q2: 4 } } });
    expect((await answer(1)).body.type).toMatch(/not-completed$/);
    const paid = await pay(p);
    await post(platform, `/v1/partner/purchases/${paid.purchaseId}/redemption`, {
      voucherCode: paid.voucherCode,
    });
    await post(platform, `/v1/partner/purchases/${paid.purchaseId}/completion`, {
      completedAt: new Date().toISOString(),
      certificateNumber: 'S1',
    });
    const first = await answer(1);
    expect(first.status).toBe(201);
    expect(first.body.incentive).toMatchObject({ kind: 'survey', amountIdr: 50_000, status: 'SCHEDULED' });
    expect((await answer(1)).body.type).toMatch(/already-answered$/);
    expect((await answer(3)).status).toBe(404); // the test wave's scheme has 2 surveys
    const items = (await call('GET', '/v1/me/incentives', { token: p.token })).body.items;
    expect(items.filter((i: { kind: string }) => i.kind === 'survey')).toHaveLength(1);
  });
});

describe('no double spend, no cross-tenant access', () => {
  it('50 concurrent confirmations of purchases worth more than the balance: never negative, ledger = balance', async () => {
    const p = await participant({ balanceIdr: 3_000_000 });
    const pending: { id: string; otp: string }[] = [];
    for (let i = 0; i < 50; i++) {
      const created = await buy(p);
      pending.push({ id: created.body.purchaseId, otp: await latestCode(p.phone, 'purchase-otp') });
    }
    const answers = await Promise.all(
      pending.map(({ id, otp }) => post(platform, `/v1/partner/purchases/${id}/confirmation`, { otp })),
    );
    expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
    expect(answers.every((a) => a.status === 200 || a.status === 409)).toBe(true);
    expect(await balanceOf(p)).toBe(2_000_000);
    expect(await ledgerSum(p)).toBe(2_000_000);
  });

  it('200 concurrent retries of one Idempotency-Key: one debit, identical answers; another body is 422', async () => {
    const p = await participant();
    const created = await buy(p);
    const otp = await latestCode(p.phone, 'purchase-otp');
    const key = randomUUID();
    const path = `/v1/partner/purchases/${created.body.purchaseId}/confirmation`;
    const answers = await Promise.all(Array.from({ length: 200 }, () => post(platform, path, { otp }, key)));
    const done = answers.filter((a) => a.status === 200);
    expect(done.length).toBeGreaterThan(0);
    expect(answers.every((a) => a.status === 200 || a.status === 409)).toBe(true); // 409: first still running
    expect(new Set(done.map((a) => JSON.stringify(a.body))).size).toBe(1);
    const later = await post(platform, path, { otp }, key);
    expect(later.body).toEqual(done[0]!.body);
    expect(await balanceOf(p)).toBe(2_500_000);
    expect((await ledgerOf(stack(), p.accountId)).filter((e) => e.kind === 'purchase')).toHaveLength(1);
    const otherBody = await post(platform, path, { otp: '111111' }, key);
    expect(otherBody.status).toBe(422);
    const noKey = await signed(platform, { method: 'POST', path, body: JSON.stringify({ otp }) });
    expect(noKey.status).toBe(400);
  });

  it("platform B can neither read, confirm, redeem, cancel nor complete platform A's purchase", async () => {
    const p = await participant();
    const paid = await pay(p);
    const base = `/v1/partner/purchases/${paid.purchaseId}`;
    expect((await signed(otherPlatform, { method: 'GET', path: base })).status).toBe(403);
    expect((await post(otherPlatform, `${base}/confirmation`, { otp: '123456' })).status).toBe(403);
    expect((await post(otherPlatform, `${base}/redemption`, { voucherCode: paid.voucherCode })).status).toBe(
      403,
    );
    expect((await post(otherPlatform, `${base}/cancellation`)).status).toBe(403);
    expect(
      (
        await post(otherPlatform, `${base}/completion`, {
          completedAt: new Date().toISOString(),
          certificateNumber: 'X',
        })
      ).status,
    ).toBe(403);
    expect((await signed(platform, { method: 'GET', path: base })).body.status).toBe('PAID');
    // Platform B's purchase with A's course id buys B's own course, never A's.
    const q = await participant();
    const mine = await buy(q, 'basic', otherPlatform);
    expect(mine.status).toBe(201);
    expect(
      (await signed(platform, { method: 'GET', path: `/v1/partner/purchases/${mine.body.purchaseId}` }))
        .status,
    ).toBe(403);
  });

  it('a captured request replayed byte for byte gets the first answer and acts once; a payment key cannot buy', async () => {
    const { signatureHeaders } = await import('../../scripts/sign-request.ts');
    const p = await participant();
    const created = await buy(p);
    const otp = await latestCode(p.phone, 'purchase-otp');
    const path = `/v1/partner/purchases/${created.body.purchaseId}/confirmation`;
    const body = JSON.stringify({ otp });
    const headers = signatureHeaders(platform, { method: 'POST', path, body, idempotencyKey: randomUUID() });
    const send = () => fetch(stack().apiUrl + path, { method: 'POST', headers, body });
    const first = await send();
    const replay = await send();
    expect(first.status).toBe(200);
    expect(replay.status).toBe(200);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await replay.json()).toEqual(await first.json());
    expect(await balanceOf(p)).toBe(2_500_000);
    const { seeded } = await import('#test/support/partners.ts');
    const byBank = await post(seeded('bni'), '/v1/partner/purchases', {
      cardNumber: p.cardNumber,
      courseId: 'basic',
    });
    expect(byBank.status).toBe(403);
  });

  it("a citizen cannot review another citizen's purchase", async () => {
    const p = await participant();
    const stranger = await participant();
    const paid = await pay(p);
    const r = await call('POST', `/v1/me/purchases/${paid.purchaseId}/review`, {
      token: stranger.token,
      body: { rating: 1, comment: 'bukan milik saya' },
    });
    expect(r.status).toBe(404);
  });
});

describe('reports', () => {
  it('counts purchases, redemptions, completions and amounts per platform and institution, the government platform apart', async () => {
    const { seeded } = await import('#test/support/partners.ts');
    const { adminToken, call } = await import('#test/support/api.ts');
    const onboarded = await onboardedPartner('platform', { rateLimitPerSecond: 10_000 });
    const fresh = onboarded.key;
    await putCourse(fresh, 'a', 400_000, 'lp-a');
    await putCourse(fresh, 'b', 600_000, 'lp-b');
    const kemnaker = seeded('kemnaker');
    await putCourse(kemnaker, 'gov-course', 300_000, 'blk-bandung');
    const p = await participant();
    const first = await pay(p, 'a', fresh);
    await post(fresh, `/v1/partner/purchases/${first.purchaseId}/redemption`, {
      voucherCode: first.voucherCode,
    });
    await post(fresh, `/v1/partner/purchases/${first.purchaseId}/completion`, {
      completedAt: new Date().toISOString(),
      certificateNumber: 'C1',
    });
    const q = await participant();
    const cancelled = await pay(q, 'b', fresh);
    await post(fresh, `/v1/partner/purchases/${cancelled.purchaseId}/cancellation`);
    await pay(await participant(), 'gov-course', kemnaker);

    const report = await call('GET', '/v1/admin/reports/purchases', { token: await adminToken() });
    expect(report.status).toBe(200);
    const row = report.body.platforms.find((r: { partnerId: string }) => r.partnerId === onboarded.partnerId);
    expect(row).toMatchObject({
      purchases: 2,
      paid: 1,
      redemptions: 1,
      completions: 1,
      cancellations: 1,
      amountIdr: 400_000,
      feeFree: false,
    });
    expect(row.institutions.find((i: { id: string }) => i.id === 'lp-a')).toMatchObject({
      completions: 1,
      amountIdr: 400_000,
    });
    const gov = report.body.platforms.find((r: { code: string }) => r.code === 'kemnaker');
    expect(gov).toMatchObject({ feeFree: true });
    expect(gov.paid).toBeGreaterThanOrEqual(1);
    expect(report.body.governmentPlatform.paid).toBe(gov.paid);
    expect(report.body.privatePlatforms.paid + report.body.governmentPlatform.paid).toBe(
      report.body.platforms.reduce((s: number, r: { paid: number }) => s + r.paid, 0),
    );
  });
});
