import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpsRegistry } from '#contexts/registry/https.ts';
import type { RegistryCheck } from '#contexts/registry/items.ts';
import { RegistryRefused, RegistryUnavailable } from '#contexts/registry/port.ts';
import { registryQueue } from '#contexts/registry/queues.ts';
import { needsNewCheck, registryVerified, statusOf } from '#contexts/registry/rules/registry.ts';
import { screeningReasons } from '#contexts/selection/rules/screening.ts';
import { startRegistrySimulator } from '#local/registry.ts';
import { retryHorizonSeconds } from '#platform/queues.ts';
import { NO_DECLARATIONS } from '#scripts/lib/nik.ts';

const identity = { nikHash: 'h1', birthDate: '1990-01-02' };
const check = (over: Partial<RegistryCheck> = {}): RegistryCheck => ({
  accountId: 'a',
  checkId: 'c',
  ...identity,
  status: 'VERIFIED',
  result: 'match',
  attempts: 1,
  requestedAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

describe('the registry rules', () => {
  it('verifies on a match only', () => {
    expect(statusOf('match')).toBe('VERIFIED');
    expect(statusOf('mismatch')).toBe('FAILED');
    expect(statusOf('not-found')).toBe('FAILED');
  });

  it('starts a new check for a new identity only', () => {
    expect(needsNewCheck(undefined, identity)).toBe(true);
    expect(needsNewCheck(identity, { ...identity })).toBe(false);
    expect(needsNewCheck(identity, { ...identity, nikHash: 'h2' })).toBe(true);
    expect(needsNewCheck(identity, { ...identity, birthDate: '1990-01-03' })).toBe(true);
  });

  it('counts as verified only a VERIFIED check of this very identity', () => {
    expect(registryVerified(check(), identity)).toBe(true);
    expect(registryVerified(undefined, identity)).toBe(false);
    expect(registryVerified(check({ status: 'PENDING' }), identity)).toBe(false);
    expect(registryVerified(check({ status: 'FAILED', result: 'mismatch' }), identity)).toBe(false);
    expect(registryVerified(check({ nikHash: 'other' }), identity)).toBe(false);
    expect(registryVerified(check({ birthDate: '1991-01-02' }), identity)).toBe(false);
  });

  it('screens out every applicant the registry has not verified, whatever else holds', () => {
    const wave = {
      waveId: 'w',
      closesAt: '2026-06-01T00:00:00.000Z',
      minAge: 18,
      excludeOtherAidRecipients: true,
    };
    fc.assert(
      fc.property(fc.boolean(), fc.subarray(['civil-servants', 'blocked', 'students']), (verified, lists) => {
        const reasons = screeningReasons({ birthDate: '1990-01-02', declarations: NO_DECLARATIONS }, wave, {
          lists,
          priorities: [],
          registryVerified: verified,
        });
        expect(reasons.includes('registry-unverified')).toBe(!verified);
        if (!verified) expect(reasons[0]).toBe('registry-unverified');
      }),
    );
  });

  it('retries a check for hours before it is dead-lettered', () => {
    const { lastDelivery } = retryHorizonSeconds(
      registryQueue.visibilityTimeoutSeconds,
      registryQueue.maxVisibilityTimeoutSeconds!,
      registryQueue.maxReceiveCount,
    );
    expect(lastDelivery).toBeGreaterThan(6 * 3600);
    expect(registryQueue.visibilityTimeoutSeconds).toBeGreaterThanOrEqual(registryQueue.timeoutSeconds);
  });
});

describe('the HTTPS adapter against the simulator', () => {
  const key = { keyId: 'prakerja-test', secret: 'a-secret-of-the-programme' };
  let simulator: Awaited<ReturnType<typeof startRegistrySimulator>>;
  const control = (what: string, body: unknown) =>
    fetch(`${simulator.endpoint}/_control/${what}`, {
      method: 'POST',
      body: JSON.stringify(body),
      headers: { 'content-type': 'application/json' },
    });
  const query = { nik: '3201014101900001', name: 'Siti Aminah', birthDate: '1990-01-01' };

  beforeAll(async () => {
    simulator = await startRegistrySimulator({ key });
  });
  afterAll(() => simulator.stop());

  it('matches an unknown NIK, and answers mismatch and not-found for people on record', async () => {
    const registry = httpsRegistry({ endpoint: simulator.endpoint, key });
    expect(await registry.check(query)).toBe('match');
    await control('people', { nik: query.nik, name: 'SITI  aminah', birthDate: query.birthDate });
    expect(await registry.check(query)).toBe('match');
    expect(await registry.check({ ...query, name: 'Budi' })).toBe('mismatch');
    expect(await registry.check({ ...query, birthDate: '1990-01-02' })).toBe('mismatch');
    await control('people', { nik: query.nik, absent: true });
    expect(await registry.check(query)).toBe('not-found');
  });

  it('refuses another key as RegistryRefused', async () => {
    const wrong = httpsRegistry({ endpoint: simulator.endpoint, key: { ...key, secret: 'guessed' } });
    await expect(wrong.check(query)).rejects.toBeInstanceOf(RegistryRefused);
  });

  it('answers an outage, the capacity and a timeout as RegistryUnavailable', async () => {
    const registry = httpsRegistry({ endpoint: simulator.endpoint, key });
    const impatient = httpsRegistry({ endpoint: simulator.endpoint, key, timeoutMs: 300 });
    try {
      await control('faults', { outage: true });
      await expect(registry.check(query)).rejects.toMatchObject({
        name: 'RegistryUnavailable',
        reason: 'unavailable',
      });
      await control('faults', { capacityPerSecond: 1 });
      const answers = await Promise.allSettled([1, 2, 3].map(() => registry.check(query)));
      const throttled = answers.filter(
        (a) => a.status === 'rejected' && (a.reason as RegistryUnavailable).reason === 'throttled',
      );
      expect(throttled.length).toBeGreaterThanOrEqual(1);
      await control('faults', { latencyMs: 3000 });
      await expect(impatient.check(query)).rejects.toMatchObject({
        name: 'RegistryUnavailable',
        reason: 'timeout',
      });
    } finally {
      await control('faults', {});
    }
    const unreachable = httpsRegistry({ endpoint: 'http://127.0.0.1:9', key, timeoutMs: 500 });
    await expect(unreachable.check(query)).rejects.toBeInstanceOf(RegistryUnavailable);
  });
});
