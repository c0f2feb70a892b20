import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PayoutInstruction } from '#contexts/payouts/items.ts';
import {
  PartnerRequestRefused,
  PartnerTimeout,
  type PaymentPartnerPort,
  type SettlementLine,
} from '#contexts/payouts/payments/port.ts';
import {
  compare,
  daysBetween,
  partnerDays,
  reportedLines,
  sumCounts,
  wibDay,
} from '#contexts/payouts/reconcile.ts';
import {
  accountNumberProblem,
  allotBudget,
  backoffMs,
  emptyTally,
  finalStatus,
  instructionId,
  maskAccountNumber,
  periodEnd,
  periodOpen,
  runOfInstruction,
  sameHolder,
} from '#contexts/payouts/rules/payouts.ts';

describe('payout rules', () => {
  it('a period ends on its last day, leap years included; malformed periods have none', () => {
    expect(periodEnd('2024-02')).toBe('2024-02-29');
    expect(periodEnd('2023-02')).toBe('2023-02-28');
    expect(periodEnd('2026-12')).toBe('2026-12-31');
    for (const bad of ['2026-13', '2026-00', '26-01', '2026-1', '__proto__', ''])
      expect(periodEnd(bad)).toBeUndefined();
  });

  it('a run may pay up to the current month, never a future one', () => {
    const now = new Date('2026-12-01T10:00:00Z');
    expect(periodOpen('2026-12', now)).toBe(true);
    expect(periodOpen('2021-01', now)).toBe(true);
    expect(periodOpen('2027-01', now)).toBe(false);
  });

  it('a bank number is digits; an e-wallet is the registered phone', () => {
    expect(accountNumberProblem('bank', '1234567890', '+6281200000000')).toBeUndefined();
    expect(accountNumberProblem('bank', '+6281200000000', '+6281200000000')).toBeDefined();
    expect(accountNumberProblem('e-wallet', '+6281200000000', '+6281200000000')).toBeUndefined();
    expect(accountNumberProblem('e-wallet', '+6281299999999', '+6281200000000')).toBeDefined();
  });

  it('holder names match across case, accents and punctuation, and never when empty', () => {
    expect(sameHolder('Siti Nurhaliza', 'SITI  NURHALIZA')).toBe(true);
    expect(sameHolder('José Ramírez', 'JOSE RAMIREZ')).toBe(true);
    expect(sameHolder("Dewi O'Neil", 'DEWI O NEIL')).toBe(true);
    expect(sameHolder('Siti Nurhaliza', 'Siti Aminah')).toBe(false);
    expect(sameHolder('', '')).toBe(false);
  });

  it('a masked number shows its last four digits only', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{10,16}$/), (n) => {
        const masked = maskAccountNumber(n);
        expect(masked).toHaveLength(n.length);
        expect(masked.slice(-4)).toBe(n.slice(-4));
        expect(masked.slice(0, -4)).toMatch(/^\*+$/);
      }),
    );
    expect(maskAccountNumber('+6281234565678')).toBe('+6281*****5678');
  });

  it('an instruction id is the same for the same incentive in the same run, and names its run', () => {
    const run = '6f1c2a34-1111-4222-8333-444455556666';
    const a = instructionId(run, 'acc', 'incentive', 1);
    expect(instructionId(run, 'acc', 'incentive', 1)).toBe(a);
    expect(instructionId(run, 'acc', 'incentive', 2)).not.toBe(a);
    expect(runOfInstruction(a)).toBe(run);
  });

  it('backoff stays within its cap and grows with the attempt', () => {
    fc.assert(
      fc.property(fc.nat(30), fc.double({ min: 0, max: 0.999999, noNaN: true }), (attempt, r) => {
        const ms = backoffMs(attempt, 100, 2000, () => r);
        expect(ms).toBeGreaterThanOrEqual(0);
        expect(ms).toBeLessThanOrEqual(2000);
      }),
    );
    expect(backoffMs(3, 100, 10_000, () => 0.999999)).toBeLessThanOrEqual(800);
  });

  it('a run ends only when nothing is pending', () => {
    expect(finalStatus({ ...emptyTally(), pending: 1 })).toBeUndefined();
    expect(finalStatus({ ...emptyTally(), paid: 3 })).toBe('COMPLETED');
    expect(finalStatus({ ...emptyTally(), paid: 3, failed: 1 })).toBe('COMPLETED_WITH_FAILURES');
  });
});

describe('reconciliation', () => {
  const run = 'run-1';
  const instruction = (
    n: number,
    status: PayoutInstruction['status'],
    amountIdr = 600_000,
  ): PayoutInstruction => ({
    instructionId: `${run}-${n}`,
    runId: run,
    batchId: 'b',
    accountId: `a${n}`,
    incentiveKind: 'incentive',
    incentiveN: 1,
    dueDate: '2021-01-01',
    partnerCode: 'bni',
    accountNumberSealed: 'x',
    accountNumberMasked: '****',
    amountIdr,
    status,
  });
  const line = (n: number, amountIdr = 600_000): SettlementLine => ({
    reference: `${run}-${n}`,
    partnerReference: `p${n}`,
    accountNumber: '1',
    amountIdr,
    paidAt: '2021-01-01T00:00:00Z',
  });

  /** A partner whose report pages fail with `failures` (in order) before they answer. */
  const flaky = (failures: Error[]): PaymentPartnerPort & { asked: number } => {
    const port = {
      asked: 0,
      settlementReport: async (_code: string, day: string) => {
        port.asked++;
        const failure = failures.shift();
        if (failure) throw failure;
        return { day, items: [line(1), { ...line(2), reference: 'run-2-2' }], nextCursor: null };
      },
    };
    return port as unknown as PaymentPartnerPort & { asked: number };
  };

  it("asks again for a report page that timed out, and keeps only the run's references", async () => {
    const port = flaky([new PartnerTimeout('slow'), new PartnerTimeout('slow')]);
    const lines = await reportedLines(port, 'bni', run, ['2021-01-01']);
    expect([...lines.keys()]).toEqual([`${run}-1`]);
    expect(port.asked).toBe(3);
  });

  it('gives the error back once the retry budget is spent, or at once when asking again cannot help', async () => {
    const down = flaky(Array.from({ length: 100 }, () => new PartnerTimeout('down')));
    await expect(reportedLines(down, 'bni', run, ['2021-01-01'], Date.now() + 300)).rejects.toThrow(
      PartnerTimeout,
    );
    expect(down.asked).toBeLessThan(10);
    const refused = flaky([new PartnerRequestRefused('bad signature', 401)]);
    await expect(reportedLines(refused, 'bni', run, ['2021-01-01'])).rejects.toThrow(PartnerRequestRefused);
    expect(refused.asked).toBe(1);
  });

  it('matches, and names what is missing, unknown or of another amount', () => {
    const ours = [
      instruction(1, 'PAID'),
      instruction(2, 'PAID'),
      instruction(3, 'FAILED'),
      instruction(4, 'PAID'),
    ];
    const reported = new Map([
      ['bni', new Map([line(1), line(3), line(4, 500_000)].map((l) => [l.reference, l]))],
    ]);
    const result = compare(ours, reported);
    expect(result).toMatchObject({
      matched: 1,
      missingAtPartner: 1,
      unknownAtPartner: 1,
      amountMismatches: 1,
    });
    expect(result.differences.map((d) => [d.instructionId, d.kind])).toEqual([
      ['run-1-2', 'missingAtPartner'],
      ['run-1-4', 'amountMismatch'],
      ['run-1-3', 'unknownAtPartner'],
    ]);
  });

  it('two books that agree have no difference', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 10_000_000 }), { maxLength: 50 }), (amounts) => {
        const ours = amounts.map((a, n) => instruction(n, 'PAID', a));
        const reported = new Map([['bni', new Map(amounts.map((a, n) => [`${run}-${n}`, line(n, a)]))]]);
        expect(compare(ours, reported)).toMatchObject({
          matched: amounts.length,
          missingAtPartner: 0,
          unknownAtPartner: 0,
          amountMismatches: 0,
        });
      }),
    );
  });

  it("one partner a task, summed, counts what one comparison of the whole run counts (the workflow's path)", () => {
    const partners = ['bni', 'ovo', 'dana'];
    const entry = fc.record({
      partner: fc.constantFrom(...partners),
      status: fc.constantFrom<PayoutInstruction['status']>('PAID', 'FAILED', 'PENDING'),
      amountIdr: fc.integer({ min: 1, max: 1_000_000 }),
      // What the partner reports for it: nothing, the same, another amount, or under another partner.
      report: fc.constantFrom('none', 'same', 'other-amount', 'other-partner'),
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 60 }), fc.nat({ max: 5 }), (entries, strays) => {
        const ours = entries.map((e, n) => ({
          ...instruction(n, e.status, e.amountIdr),
          partnerCode: e.partner,
        }));
        const reported = new Map(partners.map((code) => [code, new Map<string, SettlementLine>()]));
        entries.forEach((e, n) => {
          if (e.report === 'none') return;
          const code =
            e.report === 'other-partner' ? partners[(partners.indexOf(e.partner) + 1) % 3]! : e.partner;
          const l = line(n, e.report === 'other-amount' ? e.amountIdr + 1 : e.amountIdr);
          reported.get(code)!.set(l.reference, l);
        });
        // References of the run we never made.
        for (let k = 0; k < strays; k++) reported.get('dana')!.set(`${run}-x${k}`, line(10_000 + k));
        const { byPartner: _, differences: __, ...whole } = compare(ours, reported);
        const parts = partners.map((code) => {
          const {
            byPartner: _b,
            differences: _d,
            ...counts
          } = compare(
            ours.filter((i) => i.partnerCode === code),
            new Map([[code, reported.get(code)!]]),
          );
          return counts;
        });
        expect(sumCounts(parts)).toEqual(whole);
      }),
    );
  });

  it('reads every day from the approval to today', () => {
    expect(daysBetween('2026-11-30T23:00:00Z', '2026-12-02T01:00:00Z')).toEqual([
      '2026-11-30',
      '2026-12-01',
      '2026-12-02',
    ]);
  });

  it('asks a partner for its WIB days around the times it paid, not for ours', () => {
    expect(wibDay('2026-03-14T16:59:59.999Z')).toBe('2026-03-14');
    expect(wibDay('2026-03-14T17:00:00.000Z')).toBe('2026-03-15');
    expect(wibDay('2026-03-15T00:00:05.000+07:00')).toBe('2026-03-15');
    const ours = { from: '2026-12-01T10:00:00Z', to: '2026-12-02T10:00:00Z' };
    // Across the WIB midnight: that day and its neighbours; nothing of our clock's days.
    expect(
      partnerDays(
        [
          { status: 'PAID', partnerPaidAt: '2026-03-14T16:59:59Z' },
          { status: 'PAID', partnerPaidAt: '2026-03-15T00:00:01+07:00' },
          { status: 'FAILED' },
        ],
        ours,
      ),
    ).toEqual(['2026-03-13', '2026-03-14', '2026-03-15', '2026-03-16']);
    // Paid without the partner's time (settled before it was kept): our days as well.
    expect(
      partnerDays([{ status: 'PAID' }, { status: 'PAID', partnerPaidAt: '2026-03-14T12:00:00Z' }], ours),
    ).toEqual([
      '2026-03-13',
      '2026-03-14',
      '2026-03-15',
      '2026-11-30',
      '2026-12-01',
      '2026-12-02',
      '2026-12-03',
    ]);
    // Nothing paid: our days, one more either side.
    expect(partnerDays([{ status: 'FAILED' }], ours)).toEqual([
      '2026-11-30',
      '2026-12-01',
      '2026-12-02',
      '2026-12-03',
    ]);
    // Far apart: every payment's own days even beyond the span's limit.
    const far = partnerDays(
      [
        { status: 'PAID', partnerPaidAt: '2026-01-01T05:00:00Z' },
        { status: 'PAID', partnerPaidAt: '2026-12-01T05:00:00Z' },
      ],
      ours,
      5,
    );
    expect(far).toEqual(
      expect.arrayContaining(['2025-12-31', '2026-01-02', '2026-11-30', '2026-12-01', '2026-12-02']),
    );
  });
});

describe('the budget shared among staging shards', () => {
  it('shares sum to the budget, each at least what its shard owes; over the budget there are none', () => {
    fc.assert(
      fc.property(
        fc.array(fc.nat({ max: 10 ** 9 }), { minLength: 1, maxLength: 16 }),
        fc.nat({ max: 10 ** 10 }),
        (amounts, extra) => {
          const due = amounts.map((amountIdr, shard) => ({ shard, count: 1, amountIdr }));
          const total = amounts.reduce((a, b) => a + b, 0);
          const shares = allotBudget(total + extra, due)!;
          expect(shares.reduce((sum, s) => sum + s.allotIdr, 0)).toBe(total + extra);
          for (const [n, s] of shares.entries()) expect(s.allotIdr).toBeGreaterThanOrEqual(amounts[n]!);
          if (total > 0) expect(allotBudget(total - 1, due)).toBeUndefined();
        },
      ),
    );
  });
});
