import { afterEach, describe, expect, it } from 'vitest';
import { isDead } from '#contexts/payouts/dead-letter.ts';
import type { PayoutBatch } from '#contexts/payouts/items.ts';
import { payoutQueues } from '#contexts/payouts/queues.ts';
import { payoutRedelivery } from '#contexts/payouts/redelivery.ts';
import { redeliveryDelaySeconds, retryHorizonSeconds, SQS_MAX_VISIBILITY_SECONDS } from '#platform/queues.ts';

const FOUR_HOURS = 4 * 3600;

describe('the payout queues wait out a bank maintenance window', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const name of ['PAYOUT_VISIBILITY_TIMEOUT_S', 'PAYOUT_MAX_VISIBILITY_S']) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
  });

  it('backs each delivery off exponentially, capped', () => {
    expect([1, 2, 3, 4, 5, 6, 10].map((n) => redeliveryDelaySeconds(n, 240, 3600))).toEqual([
      240, 480, 960, 1920, 3600, 3600, 3600,
    ]);
    // Never past SQS's 12 hours, never below the base.
    expect(redeliveryDelaySeconds(30, 240, 10 ** 9)).toBe(SQS_MAX_VISIBILITY_SECONDS);
    expect(redeliveryDelaySeconds(3, 240, 100)).toBe(240);
  });

  it('gives a batch 6 hours before its last delivery and 7 before the DLQ', () => {
    for (const q of payoutQueues) {
      expect(q.maxVisibilityTimeoutSeconds).toBeLessThanOrEqual(SQS_MAX_VISIBILITY_SECONDS);
      const horizon = retryHorizonSeconds(
        q.visibilityTimeoutSeconds,
        q.maxVisibilityTimeoutSeconds!,
        q.maxReceiveCount,
      );
      // 240 + 480 + 960 + 1920 + 5 x 3600 = 21,600 s; then 3600 s more to the DLQ.
      expect(horizon).toEqual({ lastDelivery: 21_600, deadLetter: 25_200 });
      expect(horizon.lastDelivery).toBeGreaterThan(FOUR_HOURS);
    }
    // What it was: 5 receives x 240 s.
    expect(retryHorizonSeconds(240, 240, 5).deadLetter).toBe(1200);
  });

  it('runs on test time locally: the base alone means no growth', () => {
    delete process.env.PAYOUT_VISIBILITY_TIMEOUT_S;
    delete process.env.PAYOUT_MAX_VISIBILITY_S;
    expect(payoutRedelivery()).toMatchObject({
      baseSeconds: 240,
      capSeconds: 3600,
      lastDeliveryOverMs: 120_000,
    });
    process.env.PAYOUT_VISIBILITY_TIMEOUT_S = '20';
    const local = payoutRedelivery();
    expect(local).toMatchObject({ baseSeconds: 20, capSeconds: 20, lastDeliveryOverMs: 20_000 });
    expect(retryHorizonSeconds(local.baseSeconds, local.capSeconds, local.maxReceiveCount)).toEqual({
      lastDelivery: 180,
      deadLetter: 200,
    });
    process.env.PAYOUT_MAX_VISIBILITY_S = '80';
    expect(payoutRedelivery().delaySeconds(4)).toBe(80);
  });
});

describe('a dead batch', () => {
  const at = Date.parse('2026-12-06T10:00:00.000Z');
  const batch = (fields: Partial<PayoutBatch>): PayoutBatch => ({
    runId: 'r',
    batchId: 'b',
    partnerCode: 'bni',
    stagedAt: '2026-12-06T00:00:00.000Z',
    instructions: 2,
    amountIdr: 1_200_000,
    paid: 0,
    failed: 0,
    pending: 2,
    paidIdr: 0,
    failedIdr: 0,
    settled: 0,
    ...fields,
  });

  it('is one whose last delivery can no longer be talking to the partner, with instructions pending', () => {
    delete process.env.PAYOUT_VISIBILITY_TIMEOUT_S;
    const last = new Date(at).toISOString();
    // On AWS the last delivery is over 120 s after it began (the function's timeout).
    expect(isDead(batch({ lastDeliveryAt: last }), new Date(at + 121_000))).toBe(true);
    expect(isDead(batch({ lastDeliveryAt: last }), new Date(at + 119_000))).toBe(false);
    expect(isDead(batch({ lastDeliveryAt: last, pending: 0 }), new Date(at + 3_600_000))).toBe(false);
    expect(isDead(batch({}), new Date(at + 86_400_000))).toBe(false);
  });
});
