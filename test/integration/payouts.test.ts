import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { kindOf } from '#contexts/items.ts';
import { FIRST_LOOK_PAGE } from '#contexts/payouts/handlers/create-payout-run.ts';
import { profileBody } from '#scripts/lib/nik.ts';
import { adminToken, call, latestCode, stack } from '#test/support/api.ts';
import { documentClient } from '#test/support/applicants.ts';
import { auditSince } from '#test/support/audit.ts';
import { participant, type TestParticipant } from '#test/support/participants.ts';
import { CRITERIA, seeded } from '#test/support/partners.ts';
import { accountNumberFor, linkPayoutAccount, seedPayables, waitForRun } from '#test/support/payouts.ts';
import { completeAndReview, putCourse } from '#test/support/purchases.ts';

// Payout accounts and runs over HTTP: linking through the partner's inquiry and an SMS
// code, the maker-checker approval, a run paid and reconciled, two runs at once, and the
// programme's money invariants over the whole table afterwards.
const key = () => ({ 'idempotency-key': crypto.randomUUID() });
const slug = (r: { body?: { type?: string } }) => r.body?.type?.split('/').pop();
const thisMonth = () => new Date().toISOString().slice(0, 7);

/** A participant who completed and reviewed a course: the first incentive is due today. */
async function reviewedParticipant(): Promise<TestParticipant> {
  const p = await participant();
  const profile = await call('PUT', '/v1/me/profile', { token: p.token, body: profileBody() });
  expect(profile.status).toBe(200);
  await completeAndReview(p, 'CERT-PAY', 4);
  return p;
}

let admin: string;
let approver: string;

beforeAll(async () => {
  admin = await adminToken();
  approver = await adminToken('approver');
  await putCourse(seeded('tokopedia'), 'basic');
});

describe('payout accounts', () => {
  it('bri goes from MOU_SIGNED through onboarding to LIVE, and then takes a payout account', async () => {
    const p = await reviewedParticipant();
    const number = accountNumberFor('bri');
    const before = await call('PUT', '/v1/me/payout-account', {
      token: p.token,
      body: { partnerCode: 'bri', accountNumber: number },
    });
    expect(before.status).toBe(409);
    expect(slug(before)).toBe('partner-not-live');
    const bri = seeded('bri').id;
    for (const to of ['AGREEMENT_SIGNED', 'INTEGRATING', 'LIVE']) {
      const moved = await call('POST', `/v1/admin/partners/${bri}/transitions`, {
        token: admin,
        body: { to, note: `bri ${to}`, ...(to === 'LIVE' ? { criteria: CRITERIA } : {}) },
      });
      expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    }
    const linked = await linkPayoutAccount(p.token, p.phone, 'bri', number);
    expect(linked.status).toBe(200);
    expect(linked.body).toMatchObject({ partnerCode: 'bri', status: 'VERIFIED' });
    const me = await call('GET', '/v1/me', { token: p.token });
    expect(me.body.payoutAccount).toEqual({
      partnerCode: 'bri',
      accountNumberMasked: `${'*'.repeat(number.length - 4)}${number.slice(-4)}`,
      status: 'VERIFIED',
    });
    expect(JSON.stringify(me.body)).not.toContain(number);
  });

  it("refuses what is not the participant's own account, and partners that are not live", async () => {
    const p = await reviewedParticipant();
    const put = (partnerCode: string, accountNumber: string) =>
      call('PUT', '/v1/me/payout-account', { token: p.token, body: { partnerCode, accountNumber } });
    const otherPhone = await put('gopay', '+6281399999999');
    expect(otherPhone.status).toBe(400);
    expect(otherPhone.body.errors[0].path).toBe('accountNumber');
    expect(slug(await put('shopeepay', p.phone))).toBe('partner-not-live');
    expect((await put('not-a-partner', '1234567890')).status).toBe(400);
    expect((await put('tokopedia', '1234567890')).status).toBe(400);

    // An account at the bank that belongs to somebody else.
    const theirs = accountNumberFor('bni');
    const opened = await call('POST', '/_local/payment-partners/bni/accounts', {
      body: { accountNumber: theirs, holderName: 'Orang Lain', nik: '3171011501900001' },
    });
    expect(opened.status).toBe(201);
    const rejected = await put('bni', theirs);
    expect(rejected.status).toBe(202);
    expect(rejected.body).toMatchObject({ status: 'REJECTED', reason: 'account-not-verified' });
    expect(
      slug(
        await call('POST', '/v1/me/payout-account/confirmation', { token: p.token, body: { otp: '000000' } }),
      ),
    ).toBe('payout-account-not-pending');

    // The e-wallet of the registered phone: a wrong code, then the right one.
    const pending = await put('gopay', p.phone);
    expect(pending.body).toMatchObject({ status: 'PENDING_VERIFICATION', partnerCode: 'gopay' });
    const code = await latestCode(p.phone, 'payout-account-otp');
    const wrong = code === '000000' ? '000001' : '000000';
    expect(
      slug(
        await call('POST', '/v1/me/payout-account/confirmation', { token: p.token, body: { otp: wrong } }),
      ),
    ).toBe('invalid-code');
    const ok = await call('POST', '/v1/me/payout-account/confirmation', {
      token: p.token,
      body: { otp: code },
    });
    expect(ok.body.status).toBe('VERIFIED');

    const outsider = await participant();
    // A citizen who is not a participant (no profile, no card) is paid nothing.
    const refused = await call('PUT', '/v1/me/payout-account', {
      token: (await import('#test/support/api.ts').then((m) => m.registerCitizen())).token,
      body: { partnerCode: 'gopay', accountNumber: outsider.phone },
    });
    expect(slug(refused)).toBe('not-participant');
  });
});

describe('payout runs', () => {
  it('stages, is approved by a second administrator, pays, and reconciles', async () => {
    const p = await reviewedParticipant();
    expect((await linkPayoutAccount(p.token, p.phone, 'ovo', p.phone)).status).toBe(200);
    const create = (body: unknown, headers: Record<string, string> = key()) =>
      call('POST', '/v1/admin/payout-runs', { token: admin, body, headers });

    expect((await create({ period: thisMonth(), budgetIdr: 1_000_000 }, {})).status).toBe(400);
    expect(slug(await create({ period: '2099-01', budgetIdr: 1_000_000 }))).toBe('period-not-open');
    // Over the budget: refused at once (the request's first look saw all that is due).
    const tooSmall = await create({ period: thisMonth(), budgetIdr: 1 });
    expect(slug(tooSmall), JSON.stringify(tooSmall.body)).toBe('over-budget');
    expect(tooSmall.body).toMatchObject({ complete: true, dueIdr: expect.any(Number) });
    expect(
      slug(
        await call('POST', '/v1/admin/payout-runs', {
          token: approver,
          body: { period: thisMonth(), budgetIdr: 10 ** 12 },
          headers: key(),
        }),
      ),
    ).toBe('forbidden');

    const created = await create({ period: thisMonth(), budgetIdr: 10 ** 12 });
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    expect(created.body.status).toBe('STAGING');
    const runId = created.body.runId as string;
    const staged = await waitForRun(admin, runId, ['AWAITING_APPROVAL']);
    expect(staged.totals.byPartner.ovo.instructions).toBeGreaterThanOrEqual(1);
    const mine = await call('GET', '/v1/me/incentives', { token: p.token });
    expect(mine.body.items.filter((i: { status: string }) => i.status === 'STAGED')).toHaveLength(1);

    // While the run holds the incentive, the account cannot change.
    const change = await call('PUT', '/v1/me/payout-account', {
      token: p.token,
      body: { partnerCode: 'gopay', accountNumber: p.phone },
    });
    expect(change.status).toBe(409);
    expect(slug(change)).toBe('payout-in-progress');

    // Maker-checker: not the creator, and only the approver role.
    const byCreator = await call('POST', `/v1/admin/payout-runs/${runId}/approval`, {
      token: admin,
      headers: key(),
    });
    expect(byCreator.status).toBe(403);
    const approved = await call('POST', `/v1/admin/payout-runs/${runId}/approval`, {
      token: approver,
      headers: key(),
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(202);
    expect(approved.body.status).toBe('DISBURSING');
    const again = await call('POST', `/v1/admin/payout-runs/${runId}/approval`, {
      token: approver,
      headers: key(),
    });
    expect(again.status === 202 || slug(again) === 'run-not-awaiting-approval').toBe(true);

    const done = await waitForRun(admin, runId, ['COMPLETED', 'COMPLETED_WITH_FAILURES']);
    expect(done.totals.byStatus.PENDING).toBe(0);
    const paid = await call('GET', '/v1/me/incentives', { token: p.token });
    expect(paid.body.items.filter((i: { status: string }) => i.status === 'PAID')).toHaveLength(1);

    const first = await call('GET', `/v1/admin/payout-runs/${runId}/instructions?limit=1`, {
      token: approver,
    });
    expect(first.status).toBe(200);
    expect(first.body.items[0]).toMatchObject({ status: expect.stringMatching(/PAID|FAILED/) });
    if (first.body.nextCursor) {
      const other = await call(
        'GET',
        `/v1/admin/payout-runs/${crypto.randomUUID()}/instructions?cursor=${first.body.nextCursor}`,
        {
          token: admin,
        },
      );
      expect(other.status).toBe(400);
    }
    const reconciled = await call('POST', `/v1/admin/payout-runs/${runId}/reconciliation`, {
      token: admin,
      headers: key(),
    });
    expect(reconciled.status).toBe(200);
    expect(reconciled.body).toMatchObject({ missingAtPartner: 0, unknownAtPartner: 0, amountMismatches: 0 });
    expect(reconciled.body.matched).toBe(done.totals.byStatus.PAID);

    const audit = await auditSince(approver, { kind: 'payout-run' });
    const kinds = audit.body.items
      .filter((i: { subject: string }) => i.subject === runId)
      .map((i: { kind: string }) => i.kind);
    expect(kinds).toEqual(
      expect.arrayContaining(['payout-run.created', 'payout-run.approved', 'payout-run.reconciled']),
    );
    const money = await auditSince(admin, { kind: 'money.incentive-payout' });
    expect(money.body.items.some((i: { subject: string }) => i.subject === p.accountId)).toBe(true);
  }, 300_000);

  it('two runs started at once (a period and the next: one period has one open run) never stage an incentive twice', async () => {
    const payables = await seedPayables(120, '2021-03-10');
    const due = payables.reduce((n, p) => n + p.incentives.length, 0);
    const started = await Promise.all(
      ['2021-03', '2021-04'].map((period) =>
        call('POST', '/v1/admin/payout-runs', {
          token: admin,
          body: { period, budgetIdr: 10 ** 12 },
          headers: key(),
        }),
      ),
    );
    for (const s of started) expect(s.status).toBe(202);
    const staged = await Promise.all(
      started.map((s) => waitForRun(admin, s.body.runId, ['AWAITING_APPROVAL'])),
    );
    expect(staged[0].totals.instructions + staged[1].totals.instructions).toBe(due);
    // Both are paid: nothing twice.
    for (const s of started)
      expect(
        (
          await call('POST', `/v1/admin/payout-runs/${s.body.runId}/approval`, {
            token: approver,
            headers: key(),
          })
        ).status,
      ).toBe(202);
    const done = await Promise.all(started.map((s) => waitForRun(admin, s.body.runId, ['COMPLETED'])));
    expect(done[0].totals.byStatus.PAID + done[1].totals.byStatus.PAID).toBe(due);
  }, 300_000);

  it("a run's budget is a hard limit: what the request sees over it is refused 409 over-budget", async () => {
    await seedPayables(10, '2021-05-10', ['dana']);
    const r = await call('POST', '/v1/admin/payout-runs', {
      token: admin,
      body: { period: '2021-05', budgetIdr: 600_000 },
      headers: key(),
    });
    expect(r.status, JSON.stringify(r.body)).toBe(409);
    expect(r.body).toMatchObject({ dueIdr: 10 * 600_000 + 5 * 50_000, dueCount: 15, complete: true });
    // Nothing was created: a run within the budget stages all of it.
    const within = await call('POST', '/v1/admin/payout-runs', {
      token: admin,
      body: { period: '2021-05', budgetIdr: 10 * 600_000 + 5 * 50_000 },
      headers: key(),
    });
    expect(within.status, JSON.stringify(within.body)).toBe(202);
    const staged = await waitForRun(admin, within.body.runId, ['AWAITING_APPROVAL']);
    expect(staged.totals.amountIdr).toBe(10 * 600_000 + 5 * 50_000);
    expect(staged.budgetReached).toBe(false);
    const cancelled = await call('POST', `/v1/admin/payout-runs/${within.body.runId}/cancellation`, {
      token: admin,
      body: { reason: 'test over' },
      headers: key(),
    });
    expect(cancelled.status).toBe(200);
  });

  it('a due set larger than the first look is summed by the workflow: over the budget, REJECTED and audited', async () => {
    // More than a page in one shard: the request cannot see it all and leaves the sum to
    // the workflow, which goes on from the request's cursors.
    const n = FIRST_LOOK_PAGE + 10;
    await seedPayables(n, '2021-04-10', ['dana'], { shard: 3 });
    const dueIdr = n * 600_000 + Math.floor(n / 2) * 50_000;
    const dueCount = n + Math.floor(n / 2);
    const r = await call('POST', '/v1/admin/payout-runs', {
      token: admin,
      body: { period: '2021-04', budgetIdr: dueIdr - 1 },
      headers: key(),
    });
    expect(r.status, JSON.stringify(r.body)).toBe(202);
    const rejected = await waitForRun(admin, r.body.runId, ['REJECTED']);
    expect(rejected.closedReason).toContain(`Rp ${dueIdr} is due to ${dueCount} incentives`);
    expect(rejected.totals.instructions).toBe(0);
    const audit = await auditSince(admin, { actor: 'system', kind: 'payout-run.rejected', limit: 500 });
    expect(
      audit.body.items.find((a: { subject: string }) => a.subject === r.body.runId),
      JSON.stringify(audit.body),
    ).toMatchObject({ actor: 'system', detail: { reason: 'over-budget', dueCount } });
    // Nothing of it was held: the period's incentives are all due again for the next run.
    const again = await call('POST', '/v1/admin/payout-runs', {
      token: admin,
      body: { period: '2021-04', budgetIdr: dueIdr },
      headers: key(),
    });
    expect(again.status, JSON.stringify(again.body)).toBe(202);
    const staged = await waitForRun(admin, again.body.runId, ['AWAITING_APPROVAL']);
    expect(staged.totals.amountIdr).toBe(dueIdr);
    await call('POST', `/v1/admin/payout-runs/${again.body.runId}/cancellation`, {
      token: admin,
      body: { reason: 'test over' },
      headers: key(),
    });
  }, 180_000);
});

describe('the money invariants, over the whole table', () => {
  it('credited = balances + spent + returned, and every paid incentive has exactly one payout', async () => {
    const db = documentClient(stack());
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await db.send(new ScanCommand({ TableName: stack().tableName, ExclusiveStartKey: start }));
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start);
    const byType = (type: string) => items.filter((i) => kindOf(i)?.type === type);
    const ledger = new Map<
      string,
      { credited: number; spent: number; refunded: number; returned: number; sum: number }
    >();
    for (const e of byType('LedgerEntry') as { accountId: string; kind: string; amountIdr: number }[]) {
      const l = ledger.get(e.accountId) ?? { credited: 0, spent: 0, refunded: 0, returned: 0, sum: 0 };
      l.sum += e.amountIdr;
      if (e.kind === 'training-credit') l.credited += e.amountIdr;
      if (e.kind === 'purchase') l.spent -= e.amountIdr;
      if (e.kind === 'purchase-refund') l.refunded += e.amountIdr;
      if (e.kind === 'revocation') l.returned -= e.amountIdr;
      ledger.set(e.accountId, l);
    }
    for (const p of byType('Participant') as { accountId: string; balanceIdr: number }[]) {
      const l = ledger.get(p.accountId);
      if (!l) continue;
      expect(l.sum).toBe(p.balanceIdr);
      expect(l.credited).toBe(p.balanceIdr + (l.spent - l.refunded) + l.returned);
    }
    const payouts = byType('PayoutEntry') as {
      accountId: string;
      incentiveKind: string;
      incentiveN: number;
      amountIdr: number;
    }[];
    const paidOnce = new Map<string, number>();
    for (const e of payouts) {
      const id = `${e.accountId}#${e.incentiveKind}#${e.incentiveN}`;
      paidOnce.set(id, (paidOnce.get(id) ?? 0) + 1);
    }
    const incentives = byType('Incentive') as {
      accountId: string;
      kind: string;
      n: number;
      status: string;
      amountIdr: number;
    }[];
    for (const i of incentives) {
      expect(['SCHEDULED', 'STAGED', 'PAID', 'FAILED']).toContain(i.status);
      expect(paidOnce.get(`${i.accountId}#${i.kind}#${i.n}`) ?? 0).toBe(i.status === 'PAID' ? 1 : 0);
    }
    expect([...paidOnce.values()].every((n) => n === 1)).toBe(true);
    const scheduled = incentives.reduce((s, i) => s + i.amountIdr, 0);
    const sum = (status: string) =>
      incentives.filter((i) => i.status === status).reduce((s, i) => s + i.amountIdr, 0);
    expect(scheduled).toBe(sum('PAID') + sum('SCHEDULED') + sum('STAGED') + sum('FAILED'));
    expect(payouts.reduce((s, e) => s + e.amountIdr, 0)).toBe(sum('PAID'));
  }, 120_000);
});
