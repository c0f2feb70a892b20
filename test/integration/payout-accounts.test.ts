import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskAccountNumber } from '#contexts/payouts/rules/payouts.ts';
import { profileBody } from '#scripts/lib/nik.ts';
import { adminToken, call, latestCode } from '#test/support/api.ts';
import { auditSince } from '#test/support/audit.ts';
import { participant, type TestParticipant } from '#test/support/participants.ts';
import { seeded } from '#test/support/partners.ts';
import {
  accountNumberFor,
  ledgerOf,
  linkPayoutAccount,
  setFaults,
  waitForRun,
} from '#test/support/payouts.ts';
import { completeAndReview, putCourse } from '#test/support/purchases.ts';

// Issue 18, items 3-5: linking checks what we know before asking the partner (a run in
// progress is 409 even while the partner is down); a partner's refusal of an account
// during a run marks it for relinking, tells the citizen and stages nothing for it until
// it is linked again; linking is no oracle (one reason, whatever the partner said, the
// partner's in the audit only) and is limited per participant and per number a day, with
// the day's wrong codes kept across re-links.
const key = () => ({ 'idempotency-key': crypto.randomUUID() });
const slug = (r: { body?: { type?: string } }) => r.body?.type?.split('/').pop();
const thisMonth = () => new Date().toISOString().slice(0, 7);

/** A participant with a profile (the NIK the partner checks). */
async function withProfile(): Promise<TestParticipant & { nik: string }> {
  const p = await participant();
  const body = profileBody();
  const profile = await call('PUT', '/v1/me/profile', { token: p.token, body });
  expect(profile.status).toBe(200);
  return { ...p, nik: body.nik };
}

/** A participant who completed and reviewed a course: the first incentive is due today. */
async function reviewedParticipant(): Promise<TestParticipant> {
  const p = await withProfile();
  await completeAndReview(p, 'CERT-RELINK', 5);
  return p;
}

const putAccount = (p: TestParticipant, partnerCode: string, accountNumber: string) =>
  call('PUT', '/v1/me/payout-account', { token: p.token, body: { partnerCode, accountNumber } });

async function auditOf(actor: string, kind: string) {
  const admin = await adminToken();
  const r = await auditSince(admin, { actor, kind, limit: 500 });
  expect(r.status).toBe(200);
  return r.body.items as { kind: string; subject: string; detail: Record<string, unknown> }[];
}

let admin: string;
let approver: string;

beforeAll(async () => {
  admin = await adminToken();
  approver = await adminToken('approver');
  await putCourse(seeded('tokopedia'), 'basic');
});

afterAll(async () => {
  for (const code of ['bni', 'gopay', 'ovo']) await setFaults(code, {});
});

/** A run for this month to its end: created, staged, approved, settled. With nothing
 *  payable (the only due incentive's account refused) the run is refused `nothing-due`:
 *  `check` then looks at the incentives all the same. */
async function fullRun(check?: (staged: Record<string, unknown>) => Promise<void>) {
  const created = await call('POST', '/v1/admin/payout-runs', {
    token: admin,
    body: { period: thisMonth(), budgetIdr: 10 ** 12 },
    headers: key(),
  });
  if (check && created.status === 409 && slug(created) === 'nothing-due') {
    await check({});
    return undefined;
  }
  expect(created.status, JSON.stringify(created.body)).toBe(202);
  const runId = created.body.runId as string;
  const staged = await waitForRun(admin, runId, [
    'AWAITING_APPROVAL',
    'COMPLETED',
    'COMPLETED_WITH_FAILURES',
  ]);
  await check?.(staged);
  if (staged.status !== 'AWAITING_APPROVAL') return staged;
  const approved = await call('POST', `/v1/admin/payout-runs/${runId}/approval`, {
    token: approver,
    headers: key(),
  });
  expect(approved.status, JSON.stringify(approved.body)).toBe(202);
  return waitForRun(admin, runId, ['COMPLETED', 'COMPLETED_WITH_FAILURES']);
}

describe('a payout account refused by its partner', () => {
  it('409 while a run holds it even with the partner down; marked, told, skipped, then paid once after relinking', async () => {
    const p = await reviewedParticipant();
    expect((await linkPayoutAccount(p.token, p.phone, 'ovo', p.phone)).status).toBe(200);
    await setFaults('ovo', { rejectAccounts: [p.phone] });

    const created = await call('POST', '/v1/admin/payout-runs', {
      token: admin,
      body: { period: thisMonth(), budgetIdr: 10 ** 12 },
      headers: key(),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    const runId = created.body.runId as string;
    await waitForRun(admin, runId, ['AWAITING_APPROVAL']);

    // Item 3: the partner asked is failing every call, and a run holds the incentive: 409.
    await setFaults('gopay', { failureRate: 1 });
    const during = await putAccount(p, 'gopay', p.phone);
    expect(during.status, JSON.stringify(during.body)).toBe(409);
    expect(slug(during)).toBe('payout-in-progress');
    await setFaults('gopay', {});

    const approved = await call('POST', `/v1/admin/payout-runs/${runId}/approval`, {
      token: approver,
      headers: key(),
    });
    expect(approved.status).toBe(202);
    const done = await waitForRun(admin, runId, ['COMPLETED', 'COMPLETED_WITH_FAILURES']);
    expect(done.status).toBe('COMPLETED_WITH_FAILURES');

    // Item 4: marked for relinking, visible in GET /v1/me, the citizen told by SMS.
    const me = await call('GET', '/v1/me', { token: p.token });
    expect(me.body.payoutAccount).toEqual({
      partnerCode: 'ovo',
      accountNumberMasked: maskAccountNumber(p.phone),
      status: 'REJECTED',
      reason: 'payment-rejected',
    });
    const outbox = await call('GET', `/_local/outbox?to=${encodeURIComponent(p.phone)}`);
    const notices = outbox.body.items.filter(
      (m: { template: string }) => m.template === 'payout-account-rejected',
    );
    expect(notices).toHaveLength(1);
    // ... and it reaches the citizen's phone (the outbox's sender), masked number only.
    await expect
      .poll(
        async () => {
          const sent = await call('GET', `/_local/sent?to=${encodeURIComponent(p.phone)}`);
          return sent.body.items.some((m: { text: string }) =>
            m.text.includes('menolak pembayaran insentif'),
          );
        },
        { timeout: 20_000, interval: 250 },
      )
      .toBe(true);
    const refusals = await auditOf('partner:ovo', 'payout-account.rejected');
    const mine = refusals.filter((r) => r.subject === p.accountId);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.detail).toMatchObject({
      partnerReason: 'account-rejected',
      accountNumberMasked: maskAccountNumber(p.phone),
    });
    expect(JSON.stringify(mine)).not.toContain(p.phone);

    // The next run stages nothing for it: the incentive stays due (FAILED), not STAGED.
    await fullRun(async () => {
      const incentives = await call('GET', '/v1/me/incentives', { token: p.token });
      const statuses = incentives.body.items.map((i: { status: string }) => i.status);
      expect(statuses).not.toContain('STAGED');
      expect(statuses).toContain('FAILED');
    });

    // Relinked (the partner takes the account again): the next run pays it, once.
    await setFaults('ovo', {});
    expect((await linkPayoutAccount(p.token, p.phone, 'ovo', p.phone)).status).toBe(200);
    const paid = await fullRun();
    expect(paid.totals.byStatus.PENDING).toBe(0);
    const incentives = await call('GET', '/v1/me/incentives', { token: p.token });
    expect(incentives.body.items.filter((i: { status: string }) => i.status === 'PAID')).toHaveLength(1);
    const lines = (await ledgerOf('ovo')).items.filter((l) => l.accountNumber === p.phone);
    expect(lines).toHaveLength(1);

    // Without a run, the failing partner is what answers (503), after the limits let it.
    await setFaults('gopay', { failureRate: 1 });
    const down = await putAccount(p, 'gopay', p.phone);
    expect(down.status).toBe(503);
    expect(slug(down)).toBe('partner-unavailable');
    await setFaults('gopay', {});
  }, 600_000);
});

describe('linking is no oracle, and is limited', () => {
  it('one reason whatever the partner said; the partner reason and the masked number in the audit only', async () => {
    const p = await withProfile();
    const otherName = accountNumberFor('bni');
    const otherNik = accountNumberFor('bni');
    const missing = accountNumberFor('bni');
    for (const [number, holderName, holderNik] of [
      [otherName, 'Orang Lain', '3171011501900001'],
      [otherNik, 'Warga Uji', '3171011501900002'],
    ] as const) {
      const opened = await call('POST', '/_local/payment-partners/bni/accounts', {
        body: { accountNumber: number, holderName, nik: holderNik },
      });
      expect(opened.status).toBe(201);
    }
    await setFaults('bni', { rejectAccounts: [missing] });
    const answers = [];
    for (const number of [otherName, otherNik, missing]) answers.push(await putAccount(p, 'bni', number));
    await setFaults('bni', {});
    for (const a of answers) {
      expect(a.status).toBe(202);
      expect(a.body).toMatchObject({ status: 'REJECTED', reason: 'account-not-verified' });
    }
    const me = await call('GET', '/v1/me', { token: p.token });
    expect(me.body.payoutAccount).toMatchObject({ status: 'REJECTED', reason: 'account-not-verified' });

    const changes = await auditOf(p.accountId, 'payout-account.changed');
    expect(changes.map((c) => c.detail.partnerReason).sort()).toEqual([
      'account-not-found',
      'name-mismatch',
      'nik-mismatch',
    ]);
    for (const c of changes) expect(c.detail.reason).toBe('account-not-verified');
    // Each names its account, masked, and the one before it: nothing erases which was linked.
    const byAccount = new Map(changes.map((c) => [c.detail.accountNumberMasked, c.detail]));
    expect(byAccount.get(maskAccountNumber(otherNik))).toMatchObject({
      previousAccountNumberMasked: maskAccountNumber(otherName),
    });
    expect(byAccount.get(maskAccountNumber(missing))).toMatchObject({
      previousAccountNumberMasked: maskAccountNumber(otherNik),
    });
    const trail = JSON.stringify(changes);
    for (const number of [otherName, otherNik, missing]) expect(trail).not.toContain(number);
    expect(trail).not.toContain(p.nik);
  });

  it('20 probes in a second: at most 3 reach the partner, the rest 429 with Retry-After', async () => {
    const p = await withProfile();
    const probes = await Promise.all(
      Array.from({ length: 20 }, () => putAccount(p, 'bni', accountNumberFor('bni'))),
    );
    // Those let through reached the partner: linked (202), or beaten by a concurrent one
    // of them to the write (409 payout-account-changed).
    const reached = probes.filter((r) => r.status !== 429);
    const limited = probes.filter((r) => r.status === 429);
    expect(reached.length).toBeLessThanOrEqual(3);
    expect(limited.length).toBeGreaterThanOrEqual(17);
    for (const r of reached)
      expect(r.status === 202 || slug(r) === 'payout-account-changed', JSON.stringify(r.body)).toBe(true);
    for (const r of limited) {
      expect(slug(r)).toBe('rate-limited');
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
    }
    // Every change is audited; no more than the limit.
    expect(await auditOf(p.accountId, 'payout-account.changed')).toHaveLength(
      reached.filter((r) => r.status === 202).length,
    );
  });

  it('one number probed by many participants: at most 3 attempts a day reach the partner', async () => {
    const number = accountNumberFor('bni');
    const prober = await Promise.all(Array.from({ length: 5 }, () => withProfile()));
    const answers = await Promise.all(prober.map((p) => putAccount(p, 'bni', number)));
    expect(answers.filter((r) => r.status === 202).length).toBeLessThanOrEqual(3);
    expect(answers.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(2);
  });

  it('15 wrong codes over 3 re-links: locked after the 5th, and asking again does not unlock', async () => {
    const p = await withProfile();
    const slugs: string[] = [];
    let lastCode = '';
    for (let link = 0; link < 3; link++) {
      const put = await putAccount(p, 'gopay', p.phone);
      expect(put.body.status).toBe('PENDING_VERIFICATION');
      lastCode = await latestCode(p.phone, 'payout-account-otp');
      const wrong = lastCode === '000000' ? '000001' : '000000';
      for (let guess = 0; guess < 5; guess++) {
        const r = await call('POST', '/v1/me/payout-account/confirmation', {
          token: p.token,
          body: { otp: wrong },
        });
        slugs.push(slug(r)!);
      }
    }
    expect(slugs.slice(0, 5)).toEqual(Array(5).fill('invalid-code'));
    expect(slugs.slice(5)).toEqual(Array(10).fill('code-locked'));
    // Even the right code of the latest link is refused for the rest of the day.
    const right = await call('POST', '/v1/me/payout-account/confirmation', {
      token: p.token,
      body: { otp: lastCode },
    });
    expect(slug(right)).toBe('code-locked');
    // And a fourth link is over the day's limit.
    const fourth = await putAccount(p, 'gopay', p.phone);
    expect(fourth.status).toBe(429);
  });
});
