import { afterAll, describe, expect, it, vi } from 'vitest';
import type { RegistryCheck } from '#contexts/registry/items.ts';
import { profileBody, randomIdentity } from '#scripts/lib/nik.ts';
import { adminToken, call, registerCitizen, stack } from '#test/support/api.ts';
import { registryCheckOf } from '#test/support/applicants.ts';
import { auditSince } from '#test/support/audit.ts';
import { grown, tally, writeBulkNotices } from '#test/support/notices.ts';

// The operators' sending rates (PUT /v1/admin/sending-rates/{name}): set without a deploy,
// audited, read by the notice senders and the registry's check consumer. Serial: a rate
// is the whole stack's (every notice and every check on it meets it).

const rates = async (token: string) =>
  (await call('GET', '/v1/admin/sending-rates', { token })).body.items as {
    name: string;
    perSecond: number;
    declared: number;
    source: string;
  }[];
const setRate = (token: string, name: string, perSecond: number | null) =>
  call('PUT', `/v1/admin/sending-rates/${name}`, { token, body: { perSecond } });

afterAll(async () => {
  const token = await adminToken();
  for (const name of ['email', 'sms', 'registry']) await setRate(token, name, null);
});

const checkOf = (accountId: string) => registryCheckOf(stack(), accountId);

describe('sending rates', () => {
  it('are the declarations until an administrator sets one, audited; null goes back', async () => {
    const token = await adminToken();
    const before = await rates(token);
    expect(before.map((r) => r.name)).toEqual(['email', 'sms', 'registry']);
    expect(before.find((r) => r.name === 'registry')).toMatchObject({
      perSecond: 100,
      declared: 100,
      source: 'declared',
    });
    const set = await setRate(token, 'sms', 50);
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ name: 'sms', perSecond: 50, source: 'set' });
    expect((await rates(token)).find((r) => r.name === 'sms')).toMatchObject({
      perSecond: 50,
      source: 'set',
    });
    const audited = await auditSince(token, { kind: 'sending-rate.set', limit: 50 });
    expect(audited.body.items.find((i: { subject: string }) => i.subject === 'sms')?.detail).toMatchObject({
      perSecond: 50,
      source: 'set',
    });
    const back = await setRate(token, 'sms', null);
    expect(back.body).toMatchObject({ perSecond: back.body.declared, source: 'declared' });
    // Refused: no rate of zero, no unknown name, no approver.
    expect((await setRate(token, 'sms', 0)).status).toBe(400);
    expect((await setRate(token, 'sms', 2.5)).status).toBe(400);
    expect((await setRate(token, 'fax', 5)).status).toBe(400);
    expect((await setRate(await adminToken('approver'), 'sms', 5)).status).toBe(403);
  });

  it("holds the registry's checks to the rate set: 10 checks at 2 a second take five seconds' turns", async () => {
    const token = await adminToken();
    expect((await setRate(token, 'registry', 2)).status).toBe(200);
    try {
      const citizens = await Promise.all(
        Array.from({ length: 10 }, () => registerCitizen({ verifyPhone: false })),
      );
      await Promise.all(
        citizens.map(async (c) =>
          expect(
            (await call('PUT', '/v1/me/profile', { token: c.token, body: profileBody(randomIdentity()) }))
              .status,
          ).toBe(200),
        ),
      );
      const checks = await vi.waitFor(
        async () => {
          const all = await Promise.all(citizens.map((c) => checkOf(c.accountId)));
          expect(all.map((c) => c?.status)).toEqual(citizens.map(() => 'VERIFIED'));
          return all as RegistryCheck[];
        },
        { timeout: 60_000, interval: 500 },
      );
      const times = checks.map((c) => Date.parse(c.checkedAt!)).sort((a, b) => a - b);
      // Two turns a wall-clock second: ten calls take five seconds' turns, so the first and
      // the last turn are at least three seconds apart (the first at the end of its second,
      // the last at the start of the fifth). `checkedAt` is written after each call, whose
      // latencies differ: 2.5 s (2,951 ms was seen). Unlimited, ten pollers answer them in
      // well under one.
      expect(times.at(-1)! - times[0]!).toBeGreaterThan(2500);
      // And no call was refused for it: one attempt each.
      expect(checks.every((c) => c.attempts === 1)).toBe(true);
    } finally {
      await setRate(token, 'registry', null);
    }
  }, 120_000);

  it('holds the email senders to the rate set: 40 notices at 10 a second (8 for bulk) take more than 3 s', async () => {
    const token = await adminToken();
    expect((await setRate(token, 'email', 10)).status).toBe(200);
    try {
      const before = await tally(stack().apiUrl);
      const started = Date.now();
      await writeBulkNotices(stack(), 40, 0);
      await vi.waitFor(
        async () => {
          const now = grown(before, await tally(stack().apiUrl));
          if (now.distinct < 40) throw new Error(`${now.distinct} of 40 sent`);
        },
        { timeout: 60_000, interval: 250 },
      );
      // Five seconds' turns of 8: the last more than three seconds after the start.
      expect(Date.now() - started).toBeGreaterThan(3000);
      expect(grown(before, await tally(stack().apiUrl))).toMatchObject({ sends: 40, duplicated: 0 });
    } finally {
      await setRate(token, 'email', null);
    }
  }, 120_000);
});
