import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PartnerKey } from '#contexts/payouts/payments/https.ts';
import { latestCode, stack } from '#test/support/api.ts';
import { participant } from '#test/support/participants.ts';
import { onboardedPartner, signed } from '#test/support/partners.ts';
import { ledgerOf, participantsOf } from '#test/support/selection.ts';

// Random sequences of purchase operations by three platforms on one participant's card:
// whatever the order, balance = credited - debited + refunded (the ledger), the balance
// is never negative, and no answer is a 5xx.
const platforms: PartnerKey[] = [];
const PRICES = [250_000, 700_000, 1_500_000];

beforeAll(async () => {
  for (let i = 0; i < 3; i++) {
    const { key } = await onboardedPartner('platform', { rateLimitPerSecond: 10_000 });
    for (const [j, priceIdr] of PRICES.entries()) {
      await signed(key, {
        method: 'PUT',
        path: `/v1/partner/courses/c${j}`,
        body: JSON.stringify({
          title: `C${j}`,
          institution: { id: `lp-${i}`, name: 'LP' },
          priceIdr,
          mode: 'online',
          category: 'x',
        }),
      });
    }
    platforms.push(key);
  }
});

const operation = fc.record({
  op: fc.constantFrom('create', 'confirm', 'wrong-code', 'redeem', 'cancel', 'complete'),
  platform: fc.integer({ min: 0, max: 2 }),
  course: fc.integer({ min: 0, max: 2 }),
  pick: fc.nat(),
});

describe('purchase invariant', () => {
  it('random operation sequences keep balance = credited - debited + refunded, never negative, never 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(operation, { minLength: 3, maxLength: 14 }), async (ops) => {
        const p = await participant({ balanceIdr: 2_000_000 });
        const made: { id: string; platform: number; otp?: string; voucher?: string }[] = [];
        for (const { op, platform, course, pick } of ops) {
          const key = platforms[platform]!;
          const target = made.length ? made[pick % made.length]! : undefined;
          const post = (path: string, body?: unknown) =>
            signed(platforms[target?.platform ?? platform]!, {
              method: 'POST',
              path,
              ...(body === undefined ? {} : { body: JSON.stringify(body) }),
              idempotencyKey: randomUUID(),
            });
          let answer: { status: number; body: any } | undefined;
          if (op === 'create') {
            answer = await signed(key, {
              method: 'POST',
              path: '/v1/partner/purchases',
              body: JSON.stringify({ cardNumber: p.cardNumber, courseId: `c${course}` }),
              idempotencyKey: randomUUID(),
            });
            if (answer.status === 201)
              made.push({
                id: answer.body.purchaseId,
                platform,
                otp: await latestCode(p.phone, 'purchase-otp'),
              });
          } else if (target && op === 'confirm') {
            answer = await post(`/v1/partner/purchases/${target.id}/confirmation`, { otp: target.otp });
            if (answer.status === 200) target.voucher = answer.body.voucherCode;
          } else if (target && op === 'wrong-code') {
            answer = await post(`/v1/partner/purchases/${target.id}/confirmation`, { otp: '000001' });
          } else if (target && op === 'redeem') {
            answer = await post(`/v1/partner/purchases/${target.id}/redemption`, {
              voucherCode: target.voucher ?? 'PKJ-NONE',
            });
          } else if (target && op === 'cancel') {
            answer = await post(`/v1/partner/purchases/${target.id}/cancellation`);
          } else if (target && op === 'complete') {
            answer = await post(`/v1/partner/purchases/${target.id}/completion`, {
              completedAt: new Date().toISOString(),
              certificateNumber: 'CERT',
            });
          }
          if (answer) expect(answer.status).toBeLessThan(500);
        }
        const [state] = await participantsOf(stack(), [p.accountId]);
        const ledger = await ledgerOf(stack(), p.accountId);
        const sum = (kind: string) =>
          ledger.filter((e) => e.kind === kind).reduce((s, e) => s + e.amountIdr, 0);
        expect(state!.balanceIdr).toBeGreaterThanOrEqual(0);
        expect(state!.balanceIdr).toBe(sum('training-credit') + sum('purchase') + sum('purchase-refund'));
      }),
      { numRuns: 12 },
    );
  });
});
