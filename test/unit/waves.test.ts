import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { joinRefusal, waveStatus } from '#contexts/waves/rules/waves.ts';

const wave = { opensAt: '2020-04-11T00:00:00.000Z', closesAt: '2020-04-16T12:00:00.000Z' };

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
