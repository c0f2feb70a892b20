import { describe, expect, it } from 'vitest';
import { takeRateToken } from '#platform/http/rate-limit.ts';

describe('the per-partner token bucket', () => {
  it('admits one second of requests at once, then refills at the rate', () => {
    const id = `p-${Math.random()}`;
    const at = 1_000_000;
    const admitted = Array.from({ length: 15 }, () => takeRateToken(id, 10, at)).filter(Boolean);
    expect(admitted).toHaveLength(10);
    expect(takeRateToken(id, 10, at + 50)).toBe(false); // half a token back
    expect(takeRateToken(id, 10, at + 100)).toBe(true);
    expect(takeRateToken(id, 10, at + 100)).toBe(false);
    // Never more than the burst, however long it rested.
    const later = at + 60_000;
    expect(Array.from({ length: 15 }, () => takeRateToken(id, 10, later)).filter(Boolean)).toHaveLength(10);
  });

  it('keeps partners apart and ignores a time that goes back', () => {
    const a = `a-${Math.random()}`;
    const b = `b-${Math.random()}`;
    expect(takeRateToken(a, 1, 5000)).toBe(true);
    expect(takeRateToken(a, 1, 5000)).toBe(false);
    expect(takeRateToken(b, 1, 5000)).toBe(true);
    expect(takeRateToken(a, 1, 1000)).toBe(false);
  });
});
