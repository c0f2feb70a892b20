import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type Candidate,
  drawKey,
  isReserved,
  isSelected,
  isValidCardNumber,
  keepFamilyPlaces,
  luhnDigit,
  newCardNumber,
  referenceCutoffs,
} from '#shared/domain/draw.ts';
import { funnel } from '#shared/domain/screening.ts';

const candidates = fc
  .uniqueArray(fc.uuid(), { maxLength: 60 })
  .chain((ids) =>
    fc.tuple(fc.constant(ids), fc.array(fc.boolean(), { minLength: ids.length, maxLength: ids.length })),
  )
  .map(([ids, priority]) =>
    ids.map(
      (accountId, i): Candidate => ({
        accountId,
        key: drawKey('seed', accountId),
        pool: priority[i] ? 'priority' : 'general',
      }),
    ),
  );

describe('the draw', () => {
  it('draw keys are fixed by seed and id, and differ between seeds', () => {
    expect(drawKey('s1', 'a')).toBe(drawKey('s1', 'a'));
    expect(drawKey('s1', 'a')).not.toBe(drawKey('s2', 'a'));
    expect(drawKey('s1', 'a')).toMatch(/^[0-9a-f]{32}#a$/);
  });

  it('selects exactly min(quota, eligible), the reserved quota first from the priority pool', () => {
    fc.assert(
      fc.property(candidates, fc.nat(80), fc.nat(80), (list, quota, reservedRaw) => {
        const reserved = Math.min(reservedRaw, quota);
        const cut = referenceCutoffs(list, quota, reserved);
        const chosen = list.filter((c) => isSelected(c, cut));
        const priority = list.filter((c) => c.pool === 'priority');
        expect(chosen).toHaveLength(Math.min(quota, list.length));
        expect(list.filter((c) => isReserved(c, cut))).toHaveLength(Math.min(reserved, priority.length));
        // Everyone left out of the lottery has a larger key than everyone in it.
        const lottery = chosen.filter((c) => !isReserved(c, cut));
        const left = list.filter((c) => !isSelected(c, cut));
        const maxIn =
          lottery
            .map((c) => c.key)
            .sort()
            .at(-1) ?? '';
        expect(left.every((c) => c.key > maxIn)).toBe(true);
      }),
    );
  });

  it('does not depend on the order the applicants come in', () => {
    fc.assert(
      fc.property(candidates, fc.nat(40), fc.nat(10), (list, quota, reserved) => {
        const shuffled = [...list].reverse();
        expect(referenceCutoffs(shuffled, quota, reserved)).toEqual(referenceCutoffs(list, quota, reserved));
      }),
    );
  });

  it('keeps the same family members whatever order their offers arrive in', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1 }), { maxLength: 6 }),
        fc.integer({ min: 0, max: 2 }),
        (ranks, free) => {
          const fold = (order: string[]) =>
            order.reduce((kept, r) => keepFamilyPlaces(kept, r, free), [] as string[]);
          const expected = [...ranks].sort().slice(0, free);
          expect(fold(ranks)).toEqual(expected);
          expect(fold([...ranks].reverse())).toEqual(expected);
          expect(fold([...ranks, ...ranks])).toEqual(expected); // offered again on a retry
        },
      ),
    );
  });
});

describe('card numbers', () => {
  it('are 16 digits with a Luhn check digit, and a changed digit fails the check', () => {
    expect(luhnDigit('7992739871')).toBe(3); // the textbook example
    for (let i = 0; i < 200; i++) {
      const card = newCardNumber();
      expect(isValidCardNumber(card)).toBe(true);
      const digit = Number(card[7]);
      expect(isValidCardNumber(card.slice(0, 7) + String((digit + 1) % 10) + card.slice(8))).toBe(false);
    }
  });
});

describe('the funnel', () => {
  it('subtracts each stage from the one before and ends with the selected', () => {
    const stages = funnel({
      applicants: 100,
      excludedByReason: {
        student: 5,
        'under-age': 2,
        'civil-servants': 3,
        'previous-participant': 4,
        'kk-cap': 1,
      },
      selected: 50,
    });
    expect(stages).toEqual([
      { stage: 'joined', count: 100 },
      { stage: 'passed-declarations-and-age', count: 93 },
      { stage: 'passed-agency-lists', count: 90 },
      { stage: 'passed-previous-participation', count: 86 },
      { stage: 'passed-family-card-cap', count: 85 },
      { stage: 'selected', count: 50 },
    ]);
  });
});
