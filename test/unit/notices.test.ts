import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { noticeQueues } from '#contexts/notifications/queues.ts';
import { laneOf } from '#contexts/notifications/rules/lanes.ts';
import { noticeIdOf } from '#contexts/notifications/rules/notice-id.ts';
import {
  BULK_SHARE,
  bulkRate,
  grant,
  isThrottled,
  throttleDelaySeconds,
} from '#contexts/notifications/rules/rate.ts';
import { dlqName } from '#platform/queues.ts';

describe('the two paths (docs/notifications.md)', () => {
  it('sends what a citizen waits for as a code, and anything else in bulk', () => {
    for (const t of ['verify-email', 'verify-phone', 'purchase-otp', 'payout-account-otp', 'sign-in-locked'])
      expect(laneOf(t), t).toBe('code');
    for (const t of [
      'selection-selected',
      'selection-not-selected',
      'participation-revoked',
      'payout-account-rejected',
    ])
      expect(laneOf(t), t).toBe('bulk');
    // A template nobody classified is slow, never lost.
    fc.assert(fc.property(fc.string(), (t) => laneOf(`new-${t}`) === 'bulk'));
  });
});

describe('the sending rate', () => {
  it('never grants past the limit, nor more than asked, nor less than zero', () => {
    fc.assert(
      fc.property(fc.nat(2000), fc.nat(20), fc.integer({ min: 1, max: 2000 }), (used, want, limit) => {
        const g = grant(used, want, limit);
        expect(g).toBeGreaterThanOrEqual(0);
        expect(g).toBeLessThanOrEqual(want);
        if (g > 0) expect(used + g).toBeLessThanOrEqual(limit);
        // Whatever room there is, is given.
        if (used < limit) expect(g).toBe(Math.min(want, limit - used));
      }),
    );
  });

  it('leaves the codes their share of the provider rate, and at least one send a second to the bulk', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), (rate) => {
        const bulk = bulkRate(rate);
        expect(bulk).toBeGreaterThanOrEqual(1);
        if (rate >= 5) expect(bulk).toBeLessThanOrEqual(rate * BULK_SHARE);
      }),
    );
  });

  it('backs a throttled notice off, doubling, within SQS limits', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.double({ min: 0, max: 0.999, noNaN: true }),
        (tries, r) => {
          const delay = throttleDelaySeconds(tries, r);
          expect(delay).toBeGreaterThanOrEqual(1);
          expect(delay).toBeLessThanOrEqual(900);
          expect(Number.isInteger(delay)).toBe(true);
        },
      ),
    );
    expect(throttleDelaySeconds(1, 0.5)).toBe(1);
    expect(throttleDelaySeconds(4, 0.5)).toBe(8);
  });

  it("knows the providers' throttling answers from their other refusals", () => {
    for (const name of ['Throttling', 'TooManyRequestsException', 'Throttled', 'ThrottledException'])
      expect(isThrottled({ name }), name).toBe(true);
    expect(isThrottled({ name: 'X', $metadata: { httpStatusCode: 429 } })).toBe(true);
    for (const name of ['MessageRejected', 'InvalidParameter', 'TimeoutError'])
      expect(isThrottled({ name }), name).toBe(false);
  });
});

describe('a notice id', () => {
  it('is the same for the same item and differs between items, with no address in it', () => {
    fc.assert(
      fc.property(fc.emailAddress(), fc.string(), fc.string(), (to, a, b) => {
        const key = (sk: string) => ({ PK: `OUTBOX#${to}`, SK: sk });
        expect(noticeIdOf(key(a))).toBe(noticeIdOf(key(a)));
        if (a !== b) expect(noticeIdOf(key(a))).not.toBe(noticeIdOf(key(b)));
        expect(noticeIdOf(key(a))).toMatch(/^[0-9a-f]{32}$/);
      }),
    );
  });
});

describe('the bulk queues', () => {
  it('hide a message longer than a sender runs, and keep throttling out of the DLQ count', () => {
    for (const q of noticeQueues) {
      expect(q.visibilityTimeoutSeconds).toBeGreaterThan(q.timeoutSeconds);
      expect(q.maxConcurrency).toBeGreaterThanOrEqual(2);
      // The sender queues a throttled notice again on its own queue: it must be allowed to.
      expect(q.uses.queues?.[q.queue]).toBe('send');
      expect(dlqName(q.queue)).toBe(`${q.queue}-dlq`);
    }
  });
});
