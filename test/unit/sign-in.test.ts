import { describe, expect, it } from 'vitest';
import { backOffMs } from '#contexts/accounts/rules/sign-in.ts';

describe('sign-in back-off', () => {
  it('is free for 4 failures, then 1 minute doubling, capped at 15', () => {
    expect([1, 2, 3, 4].map(backOffMs)).toEqual([0, 0, 0, 0]);
    expect([5, 6, 7, 8, 9, 10, 300].map((f) => backOffMs(f) / 60_000)).toEqual([1, 2, 4, 8, 15, 15, 15]);
  });
});
