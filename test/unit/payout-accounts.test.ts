import { describe, expect, it } from 'vitest';
import { dayOf, NOT_VERIFIED, refusesAccount, secondsToNextDay } from '#contexts/payouts/rules/payouts.ts';

describe('payout account rules', () => {
  it("a day's counters are keyed by the UTC day and start again at its end", () => {
    const now = new Date('2026-12-06T23:59:30.200Z');
    expect(dayOf(now)).toBe('2026-12-06');
    expect(secondsToNextDay(now)).toBe(30);
    expect(secondsToNextDay(new Date('2026-12-31T00:00:00.000Z'))).toBe(86_400);
    expect(secondsToNextDay(new Date('2026-12-31T23:59:59.999Z'))).toBe(1);
  });

  it("only a refusal of the account itself asks for relinking, not a partner's outage", () => {
    for (const reason of ['account-rejected', 'account-not-found', 'kyc-not-verified'])
      expect(refusesAccount(reason)).toBe(true);
    for (const reason of ['partner-unavailable', 'amount-invalid', NOT_VERIFIED])
      expect(refusesAccount(reason)).toBe(false);
  });
});
