import { beforeAll, describe, expect, it } from 'vitest';
import type { PartnerKey } from '#contexts/payouts/payments/https.ts';
import { stack } from '#test/support/api.ts';
import { participant, type TestParticipant } from '#test/support/participants.ts';
import { onboardedPartner } from '#test/support/partners.ts';
import { buy, post, putCourse, slug, wrongCodes } from '#test/support/purchases.ts';
import { ledgerOf, participantsOf } from '#test/support/selection.ts';

// Concurrent guesses at one purchase's SMS code: each wrong guess consumes one of five
// tries conditionally, and whichever guess wins, nobody gets a 5xx or a second debit.
// Every guess signs differently (another code, or another timestamp), so the requests
// stay distinct for replay protection.
let platform: PartnerKey;

beforeAll(async () => {
  platform = (await onboardedPartner('platform', { rateLimitPerSecond: 10_000 })).key;
  await putCourse(platform, 'basic');
});

const debits = async (p: TestParticipant) =>
  (await ledgerOf(stack(), p.accountId)).filter((e) => e.kind === 'purchase').length;
const balanceOf = async (p: TestParticipant) =>
  (await participantsOf(stack(), [p.accountId]))[0]!.balanceIdr as number;
const confirm = (id: string, otp: string, when: number | { timestamp: number } = 0) =>
  post(platform, `/v1/partner/purchases/${id}/confirmation`, { otp }, when);

describe('purchase code guesses', () => {
  it('60 concurrent wrong codes: exactly 5 invalid-code, the rest code-locked, and the right code is refused after', async () => {
    const p = await participant();
    const { id, otp } = await buy(platform, p);
    const answers = await Promise.all(wrongCodes(60, otp).map((code) => confirm(id, code)));
    const invalid = answers.filter((a) => a.status === 400 && slug(a) === 'invalid-code');
    const locked = answers.filter((a) => a.status === 409 && slug(a) === 'code-locked');
    expect(invalid).toHaveLength(5);
    expect(locked).toHaveLength(55);
    const right = await confirm(id, otp);
    expect([right.status, slug(right)]).toEqual([409, 'code-locked']);
    expect(await balanceOf(p)).toBe(3_500_000);
    expect(await debits(p)).toBe(0);
  });

  it('20 concurrent guesses with the right code among them: no 5xx, one PAID, one debit', async () => {
    for (let round = 0; round < 3; round++) {
      const p = await participant();
      const { id, otp } = await buy(platform, p);
      const base = Math.floor(Date.now() / 1000);
      // Four wrong codes cannot lock it, so the right code must win exactly once.
      const guesses = [
        ...wrongCodes(4, otp).map((code) => confirm(id, code)),
        // The right code signed at 16 distinct seconds counted from one base.
        ...Array.from({ length: 16 }, (_, i) => confirm(id, otp, { timestamp: base - i })),
      ];
      const answers = await Promise.all(guesses);
      expect(answers.filter((a) => a.status >= 500)).toEqual([]);
      expect(answers.filter((a) => a.status === 200)).toHaveLength(1);
      for (const a of answers.filter((a) => a.status !== 200))
        expect(['invalid-code', 'purchase-not-pending']).toContain(slug(a));
      expect(await debits(p)).toBe(1);
      expect(await balanceOf(p)).toBe(2_500_000);
    }
  });

  it('19 concurrent wrong codes racing the right one: no 5xx, at most one PAID, debits = PAID', async () => {
    for (let round = 0; round < 3; round++) {
      const p = await participant();
      const { id, otp } = await buy(platform, p);
      const codes = wrongCodes(19, otp);
      codes.splice(round * 7, 0, otp);
      const answers = await Promise.all(codes.map((code) => confirm(id, code)));
      expect(answers.filter((a) => a.status >= 500)).toEqual([]);
      const paid = answers.filter((a) => a.status === 200).length;
      expect(paid).toBeLessThanOrEqual(1);
      expect(answers.filter((a) => slug(a) === 'invalid-code').length).toBeLessThanOrEqual(5);
      expect(await debits(p)).toBe(paid);
      expect(await balanceOf(p)).toBe(3_500_000 - paid * 1_000_000);
    }
  });
});
