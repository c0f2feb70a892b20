import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  bucketOf,
  type Candidate,
  cutoffsFromHistogram,
  drawKey,
  emptyHistogram,
  familyPlaces,
  isReserved,
  isSelected,
  isValidCardNumber,
  luhnDigit,
  newCardNumber,
  referenceCutoffs,
} from '#contexts/selection/rules/draw.ts';
import { funnel } from '#contexts/selection/rules/screening.ts';

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

  it('gives a family card its places by rank, whatever order its members come in, decided ones first', () => {
    fc.assert(
      fc.property(candidates, fc.integer({ min: -1, max: 3 }), fc.nat(5), (list, free, keptIndex) => {
        const members = list.slice(0, 6);
        const expected = [...members]
          .sort((a, b) => (familyRankOf(a) < familyRankOf(b) ? -1 : 1))
          .slice(0, Math.max(0, free));
        expect([...familyPlaces(members, free)].sort(byId)).toEqual([...expected].sort(byId));
        expect([...familyPlaces([...members].reverse(), free)].sort(byId)).toEqual([...expected].sort(byId));
        // A member a resumed run already made eligible keeps its place.
        const kept = members[keptIndex];
        if (kept && free > 0) {
          const marked = familyPlaces(
            members.map((m) => (m === kept ? { ...m, kept: true } : m)),
            free,
          );
          expect(marked.size).toBe(Math.min(free, members.length));
          expect([...marked].some((m) => m.accountId === kept.accountId)).toBe(true);
        }
      }),
    );
  });

  it('finds the cut-offs of referenceCutoffs from the histogram and the boundary buckets alone', async () => {
    await fc.assert(
      fc.asyncProperty(
        candidates,
        fc.nat(70),
        fc.nat(70),
        fc.integer({ min: 1, max: 4 }),
        async (list, quota, reserved, spread) => {
          // Few buckets in use (keys squeezed into the first `spread` buckets) puts many
          // keys in the boundary bucket, and ties of bucket between the two cut-offs.
          const squeezed = list.map((c) => ({
            ...c,
            key: `${(bucketOf(c.key) % spread).toString(16).padStart(2, '0')}${c.key.slice(2)}`,
          }));
          const histogram = emptyHistogram();
          for (const c of squeezed) histogram[c.pool][bucketOf(c.key)]!++;
          const read: number[] = [];
          const cut = await cutoffsFromHistogram(histogram, quota, reserved, async (b) => {
            read.push(b);
            return squeezed.filter((c) => bucketOf(c.key) === b);
          });
          expect(cut).toEqual(referenceCutoffs(squeezed, quota, reserved));
          expect(new Set(read).size).toBeLessThanOrEqual(2);
        },
      ),
    );
  });
});

const familyRankOf = (c: Candidate) => `${c.pool === 'priority' ? '0' : '1'}${c.key}`;
const byId = (a: Candidate, b: Candidate) => (a.accountId < b.accountId ? -1 : 1);

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
      applicants: 102,
      excludedByReason: {
        'registry-unverified': 2,
        student: 5,
        'under-age': 2,
        'civil-servants': 3,
        'previous-participant': 4,
        'kk-cap': 1,
      },
      selected: 50,
    });
    expect(stages).toEqual([
      { stage: 'joined', count: 102 },
      { stage: 'passed-civil-registry', count: 100 },
      { stage: 'passed-declarations-and-age', count: 93 },
      { stage: 'passed-agency-lists', count: 90 },
      { stage: 'passed-previous-participation', count: 86 },
      { stage: 'passed-family-card-cap', count: 85 },
      { stage: 'selected', count: 50 },
    ]);
  });
});
