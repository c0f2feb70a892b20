import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { SentMessage } from '#local/sent.ts';
import { profileBody, randomIdentity } from '#scripts/lib/nik.ts';
import {
  adminToken,
  type Citizen,
  call,
  latestCode,
  registerCitizen,
  stack,
  verifyPhone,
} from '#test/support/api.ts';
import { outboxCaughtUp } from '#test/support/outbox.ts';
import { participant } from '#test/support/participants.ts';
import { seeded } from '#test/support/partners.ts';
import { accountNumberFor } from '#test/support/payouts.ts';
import { post, putCourse, slug } from '#test/support/purchases.ts';
import { runSelection } from '#test/support/selection.ts';
import { waveBody } from '#test/support/waves.ts';

// The phone is verified when it is first needed (DOMAIN.md "Registration flow"): the
// email is enough to register, fill the profile and join; a purchase's code and a payout
// account's code go by SMS, so those two wait for the phone; results go out by email,
// and by SMS only to the selected.
const COURSE = 'phone-first';
const outboxOf = async (to: string) =>
  (await call('GET', `/_local/outbox?to=${encodeURIComponent(to)}`)).body.items as {
    channel: 'email' | 'sms';
    template: string;
  }[];
const sentTo = async (to: string) =>
  (await call<{ items: SentMessage[] }>('GET', `/_local/sent?to=${encodeURIComponent(to)}`)).body.items;
const hoursFromNow = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

/** Waits until `done` holds: the outbox sender runs off the table's stream. */
const eventually = <T>(read: () => Promise<T>, done: (value: T) => boolean, timeout = 20_000) =>
  vi.waitFor(
    async () => {
      const value = await read();
      if (!done(value)) throw new Error(`not yet: ${JSON.stringify(value)}`);
      return value;
    },
    { timeout, interval: 200 },
  );

beforeAll(async () => {
  await putCourse(seeded('tokopedia'), COURSE);
});

describe('the phone is verified when it is first needed', () => {
  it('a purchase is 409 phone-not-verified until the participant verifies the phone, then goes through', async () => {
    const p = await participant({ verifyPhone: false });
    const tokopedia = seeded('tokopedia');
    // The refused request is signed 5 s back, the later one now: never the same signature
    // (a repeat would be refused as a replay), however long verifying the phone takes.
    const buy = (secondsAgo = 0) =>
      post(tokopedia, '/v1/partner/purchases', { cardNumber: p.cardNumber, courseId: COURSE }, secondsAgo);
    const refused = await buy(5);
    expect(refused.status, JSON.stringify(refused.body)).toBe(409);
    expect(slug(refused)).toBe('phone-not-verified');
    // Nothing was written and no code went to the unverified phone.
    expect(await outboxOf(p.phone)).toEqual([]);
    expect((await call('GET', '/v1/me', { token: p.token })).body.participant.balanceIdr).toBe(3_500_000);

    await verifyPhone(p);
    const created = await buy(0);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const otp = await latestCode(p.phone, 'purchase-otp');
    const paid = await post(tokopedia, `/v1/partner/purchases/${created.body.purchaseId}/confirmation`, {
      otp,
    });
    expect(paid.status).toBe(200);
    expect(paid.body.status).toBe('PAID');
  });

  it('linking a payout account is 409 phone-not-verified (the partner is not asked), then goes through', async () => {
    const p = await participant({ verifyPhone: false });
    expect((await call('PUT', '/v1/me/profile', { token: p.token, body: profileBody() })).status).toBe(200);
    const body = { partnerCode: 'bni', accountNumber: accountNumberFor('bni') };
    const refused = await call('PUT', '/v1/me/payout-account', { token: p.token, body });
    expect(refused.status, JSON.stringify(refused.body)).toBe(409);
    expect(slug(refused)).toBe('phone-not-verified');
    expect((await call('GET', '/v1/me', { token: p.token })).body.payoutAccount).toBeNull();
    expect(await outboxOf(p.phone)).toEqual([]);

    await verifyPhone(p);
    const linked = await call('PUT', '/v1/me/payout-account', { token: p.token, body });
    // Checked with the partner now (an account it does not know is REJECTED, still a 202).
    expect(linked.status, JSON.stringify(linked.body)).toBe(202);
  });
});

describe('a registrant who is never selected costs no SMS', () => {
  it('registration, profile, join and announce: SMS only to the selected, whose email asks for the phone', async () => {
    const cohort: Citizen[] = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const c = await registerCitizen({ verifyPhone: false });
        const profile = await call('PUT', '/v1/me/profile', {
          token: c.token,
          body: profileBody(randomIdentity()),
        });
        expect(profile.status, JSON.stringify(profile.body)).toBe(200);
        return c;
      }),
    );
    const token = await adminToken();
    const wave = await call('POST', '/v1/admin/waves', {
      token,
      body: waveBody({
        name: 'Gelombang hemat SMS',
        opensAt: hoursFromNow(-1),
        closesAt: hoursFromNow(1),
        quota: 1,
        purchaseDeadlineDays: 30,
        incentiveMonths: 4,
      }),
    });
    expect(wave.status).toBe(201);
    const { waveId } = wave.body;
    // Joining needs the email only.
    for (const c of cohort)
      expect((await call('POST', `/v1/me/waves/${waveId}/join`, { token: c.token })).status).toBe(201);
    try {
      await call('POST', '/_local/clock', { body: { now: hoursFromNow(2) } });
      const result = await runSelection(stack(), await adminToken(), waveId, { seed: 'phone-when-needed' });
      expect(result).toMatchObject({ status: 'SUCCEEDED', applicants: 5, selected: 1 });
    } finally {
      await call('DELETE', '/_local/clock');
    }
    const outcomes = await Promise.all(
      cohort.map(
        async (c) => (await call('GET', '/v1/me', { token: c.token })).body.waves[0].outcome as string,
      ),
    );
    const selected = cohort.filter((_, i) => outcomes[i] === 'SELECTED');
    const others = cohort.filter((_, i) => outcomes[i] === 'NOT_SELECTED');
    expect([selected.length, others.length]).toEqual([1, 4]);

    // Every email is delivered (the not-selected notice rides on the outcome item). First
    // the stream's sender reads past the outcomes: it is this stack's one, behind every
    // parallel file's codes, each sent in turn (22 s behind on one loaded core: 90 s is four
    // times that); then the notices queue's senders, on the stack the parallel files share.
    await outboxCaughtUp(90_000);
    const delivered = await eventually(
      () => Promise.all(cohort.map((c) => sentTo(c.email))),
      (all) => all.every((items) => items.length >= 2),
      90_000,
    );
    for (const c of others) {
      expect(await outboxOf(c.phone)).toEqual([]);
      expect(await sentTo(c.phone)).toEqual([]);
      expect(delivered[cohort.indexOf(c)]).toHaveLength(2); // the email code, the result
    }
    const [chosen] = selected;
    expect(await outboxOf(chosen!.phone)).toMatchObject([{ channel: 'sms', template: 'selection-selected' }]);
    const mails = delivered[cohort.indexOf(chosen!)]!;
    expect(mails.find((m) => m.subject?.includes('HP'))?.text).toMatch(/Verifikasi nomor HP/);
  });
});
