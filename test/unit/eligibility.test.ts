import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ageOn, type Declarations, ineligibility } from '#contexts/waves/rules/eligibility.ts';
import { NO_DECLARATIONS } from '#scripts/lib/nik.ts';

const none: Declarations = NO_DECLARATIONS;
const rules = { closesAt: '2020-04-16T12:00:00.000Z', minAge: 18, excludeOtherAidRecipients: true };
const adult = '1990-01-01';

describe('declarations', () => {
  it.each([
    ['student', 'student'],
    ['civilServant', 'civil-servant'],
    ['militaryOrPolice', 'military-or-police'],
    ['villageOfficial', 'village-official'],
    ['stateEnterpriseBoard', 'state-enterprise-board'],
    ['otherAidRecipient', 'other-aid-recipient'],
  ] as const)('%s alone gives the reason %s', (field, reason) => {
    const declarations = { ...none, [field]: true };
    expect(ineligibility({ birthDate: adult, declarations }, rules)).toEqual([reason]);
  });

  it('nothing declared, of age: no reasons', () => {
    expect(ineligibility({ birthDate: adult, declarations: none }, rules)).toEqual([]);
  });

  it('gives every reason at once, declarations and age together', () => {
    const all = Object.fromEntries(Object.keys(none).map((k) => [k, true])) as unknown as Declarations;
    expect(ineligibility({ birthDate: '2010-01-01', declarations: all }, rules)).toEqual([
      'student',
      'civil-servant',
      'military-or-police',
      'village-official',
      'state-enterprise-board',
      'other-aid-recipient',
      'under-age',
    ]);
  });

  it('other social aid excludes only in waves that say so (the pandemic waves)', () => {
    const declarations = { ...none, otherAidRecipient: true };
    const wave = { ...rules, excludeOtherAidRecipients: false };
    expect(ineligibility({ birthDate: adult, declarations }, wave)).toEqual([]);
  });
});

describe('age at the closing date', () => {
  const at = (closesAt: string, birthDate: string, more: { minAge?: number; maxAge?: number } = {}) =>
    ineligibility({ birthDate, declarations: none }, { ...rules, closesAt, ...more });

  it('the 18th birthday on the closing date is old enough, whatever the hour; a day later is not', () => {
    expect(at('2020-04-16T00:00:00.000Z', '2002-04-16')).toEqual([]);
    expect(at('2020-04-16T23:59:59.999Z', '2002-04-16')).toEqual([]);
    expect(at('2020-04-16T23:59:59.999Z', '2002-04-17')).toEqual(['under-age']);
  });

  it('the minimum age is a per-wave setting', () => {
    expect(at(rules.closesAt, '2003-04-16', { minAge: 17 })).toEqual([]);
    expect(at(rules.closesAt, '2003-04-16')).toEqual(['under-age']);
  });

  it('the maximum age holds up to the day before the next birthday', () => {
    // 64 until the day before the 65th birthday; no maximum unless the wave sets one.
    expect(at('2024-06-30T00:00:00.000Z', '1959-07-01', { maxAge: 64 })).toEqual([]);
    expect(at('2024-06-30T00:00:00.000Z', '1959-06-30', { maxAge: 64 })).toEqual(['over-age']);
    expect(at('2024-06-30T00:00:00.000Z', '1930-01-01')).toEqual([]);
  });

  it('a 29 February birth comes of age on 1 March in common years, on 29 February in leap years', () => {
    expect(at('2018-02-28T12:00:00.000Z', '2000-02-29')).toEqual(['under-age']);
    expect(at('2018-03-01T00:00:00.000Z', '2000-02-29')).toEqual([]);
    expect(at('2022-02-28T12:00:00.000Z', '2004-02-29', { minAge: 18 })).toEqual(['under-age']);
    expect(ageOn('2004-02-29', new Date('2024-02-28T00:00:00Z'))).toBe(19);
    expect(ageOn('2004-02-29', new Date('2024-02-29T00:00:00Z'))).toBe(20);
    expect(ageOn('2004-02-28', new Date('2022-02-28T00:00:00Z'))).toBe(18);
  });

  it('the age is n from the n-th anniversary (29 February rolling to 1 March) until the next', () => {
    const day = (d: Date) => Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1920-01-01'), max: new Date('2020-12-31'), noInvalidDate: true }),
        fc.date({ min: new Date('1920-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }),
        (born, on) => {
          fc.pre(day(on) >= day(born));
          const birthDate = born.toISOString().slice(0, 10);
          const age = ageOn(birthDate, on);
          const [y, m, d] = [born.getUTCFullYear(), born.getUTCMonth(), born.getUTCDate()];
          // Date.UTC rolls 29 February of a common year over to 1 March.
          return Date.UTC(y + age, m, d) <= day(on) && day(on) < Date.UTC(y + age + 1, m, d);
        },
      ),
    );
  });
});
