import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ageOn, ineligibility } from '#shared/domain/eligibility.ts';
import { joinRefusal, waveStatus } from '#shared/domain/waves.ts';
import { NO_DECLARATIONS } from '#test/support/nik.ts';

const wave = { opensAt: '2020-04-11T00:00:00.000Z', closesAt: '2020-04-16T12:00:00.000Z' };
const none = NO_DECLARATIONS;
const rules = { closesAt: '2020-04-16T12:00:00.000Z', minAge: 18, excludeOtherAidRecipients: true };

describe('wave status', () => {
  it('opens exactly at opensAt and closes exactly at closesAt', () => {
    expect(waveStatus(wave, new Date(Date.parse(wave.opensAt) - 1))).toBe('SCHEDULED');
    expect(waveStatus(wave, new Date(wave.opensAt))).toBe('OPEN');
    expect(waveStatus(wave, new Date(Date.parse(wave.closesAt) - 1))).toBe('OPEN');
    expect(waveStatus(wave, new Date(wave.closesAt))).toBe('CLOSED');
  });

  it('a recorded stage wins over the clock', () => {
    expect(waveStatus({ ...wave, stage: 'ANNOUNCED' }, new Date(wave.opensAt))).toBe('ANNOUNCED');
  });

  it('never goes back: SCHEDULED -> OPEN -> CLOSED as time passes', () => {
    const order = ['SCHEDULED', 'OPEN', 'CLOSED'];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 ** 12 }),
        fc.integer({ min: 1, max: 10 ** 10 }),
        fc.integer({ min: 0, max: 10 ** 10 }),
        (opens, length, step) => {
          const w = {
            opensAt: new Date(opens).toISOString(),
            closesAt: new Date(opens + length).toISOString(),
          };
          const t = opens - 10 ** 9 + step;
          const a = order.indexOf(waveStatus(w, new Date(t)));
          const b = order.indexOf(waveStatus(w, new Date(t + step)));
          return b >= a;
        },
      ),
    );
  });
});

describe('eligibility', () => {
  it('comes of age on the 18th birthday at the closing date, not a day before', () => {
    expect(ineligibility({ birthDate: '2002-04-16', declarations: none }, rules)).toEqual([]);
    expect(ineligibility({ birthDate: '2002-04-17', declarations: none }, rules)).toEqual(['under-age']);
  });

  it('a 29 February birthday counts from 1 March in common years', () => {
    expect(ageOn('2004-02-29', new Date('2022-02-28T00:00:00Z'))).toBe(17);
    expect(ageOn('2004-02-29', new Date('2022-03-01T00:00:00Z'))).toBe(18);
    expect(ageOn('2004-02-29', new Date('2024-02-29T00:00:00Z'))).toBe(20);
  });

  it('applies the per-wave maximum age', () => {
    expect(ineligibility({ birthDate: '1955-01-01', declarations: none }, { ...rules, maxAge: 64 })).toEqual([
      'over-age',
    ]);
    expect(ineligibility({ birthDate: '1955-01-01', declarations: none }, rules)).toEqual([]);
  });

  it('gives one reason per excluding declaration', () => {
    const all = Object.fromEntries(Object.keys(none).map((k) => [k, true])) as typeof none;
    expect(ineligibility({ birthDate: '1990-01-01', declarations: all }, rules)).toEqual([
      'student',
      'civil-servant',
      'military-or-police',
      'village-official',
      'state-enterprise-board',
      'other-aid-recipient',
    ]);
    expect(
      ineligibility(
        { birthDate: '1990-01-01', declarations: { ...none, otherAidRecipient: true } },
        { ...rules, excludeOtherAidRecipients: false },
      ),
    ).toEqual([]);
  });
});

describe('join refusal', () => {
  const ready = {
    emailVerified: true,
    phoneVerified: true,
    hasProfile: true,
    isParticipant: false,
    hasJoined: false,
    status: 'OPEN' as const,
  };
  it('admits a ready citizen to an open wave', () => expect(joinRefusal(ready)).toBeUndefined());
  it('names the first thing the citizen must fix', () => {
    expect(joinRefusal({ ...ready, phoneVerified: false, hasProfile: false })).toBe('not-verified');
    expect(joinRefusal({ ...ready, hasProfile: false })).toBe('profile-incomplete');
    expect(joinRefusal({ ...ready, isParticipant: true, hasJoined: true })).toBe('already-participant');
    expect(joinRefusal({ ...ready, hasJoined: true })).toBe('already-joined');
    expect(joinRefusal({ ...ready, status: 'CLOSED' })).toBe('wave-not-open');
  });
});
