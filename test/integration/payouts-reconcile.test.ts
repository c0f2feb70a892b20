import { afterAll, describe, expect, it } from 'vitest';
import { adminToken, call, stack } from '#test/support/api.ts';
import { seedPayables, waitForRun } from '#test/support/payouts.ts';

// Reconciliation on the partners' calendars: each partner settles by its own day (WIB,
// UTC+7, on its own clock), which is not the day on our clock. Payments made across the
// WIB midnight (17:00 UTC), by partners whose clocks are not ours, with the programme's
// clock moved elsewhere: a run paid in full reconciles as paid in full.
const key = () => ({ 'idempotency-key': crypto.randomUUID() });
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** Sets a payment partner's own clock at the simulator (`null`: the wall clock again). */
async function partnerClock(code: string, now: string | null) {
  const r = await fetch(`${stack().paymentPartnersEndpoint}/_control/${code}/clock`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ now }),
  });
  expect(r.status).toBe(200);
}

const wibDay = (at: string) => new Date(Date.parse(at) + 7 * HOUR).toISOString().slice(0, 10);

afterAll(async () => {
  await call('DELETE', '/_local/clock');
  for (const code of ['bni', 'ovo']) await partnerClock(code, null);
});

describe('reconciliation', () => {
  it("asks each partner for its own days: across the WIB midnight, with the programme's clock moved", async () => {
    const payables = await seedPayables(12, '2020-07-10', ['bni', 'ovo']);
    const due = payables.reduce((n, p) => n + p.incentives.length, 0);
    // bni pays just after the WIB midnight (UTC date D, WIB date D+1); ovo just before it
    // (some of its payments may fall after it: either way on its own day). Both on a day
    // far from ours.
    await partnerClock('bni', '2026-03-14T17:00:05.000Z');
    await partnerClock('ovo', '2026-03-14T16:59:59.000Z');
    // Our clock: forty days on, at 16:30 UTC (its WIB day turns within the run's life).
    const ours = new Date(Math.floor(Date.now() / DAY) * DAY + 40 * DAY + 16.5 * HOUR).toISOString();
    expect((await call('POST', '/_local/clock', { body: { now: ours } })).status).toBeLessThan(300);
    const admin = await adminToken();
    const approver = await adminToken('approver');

    const created = await call('POST', '/v1/admin/payout-runs', {
      token: admin,
      body: { period: '2020-07', budgetIdr: 10 ** 12 },
      headers: key(),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(202);
    const runId = created.body.runId as string;
    const staged = await waitForRun(admin, runId, ['AWAITING_APPROVAL']);
    expect(staged.totals.instructions).toBe(due);
    const approved = await call('POST', `/v1/admin/payout-runs/${runId}/approval`, {
      token: approver,
      headers: key(),
    });
    expect(approved.status, JSON.stringify(approved.body)).toBe(202);
    const done = await waitForRun(admin, runId, ['COMPLETED', 'COMPLETED_WITH_FAILURES']);
    expect(done.totals.byStatus.PAID).toBe(due);

    // What the partners' books say: bni's payments on the WIB day after their UTC date.
    const lines = async (code: string) =>
      (
        (await call('GET', `/_local/payment-partners/${code}/ledger`)).body.items as {
          reference: string;
          paidAt: string;
        }[]
      ).filter((l) => l.reference.startsWith(`${runId}-`));
    const bni = await lines('bni');
    const ovo = await lines('ovo');
    expect(bni.length + ovo.length).toBe(due);
    for (const l of bni) {
      expect(new Date(l.paidAt).toISOString().slice(0, 10)).toBe('2026-03-14');
      expect(wibDay(l.paidAt)).toBe('2026-03-15');
    }
    for (const l of ovo) expect(['2026-03-14', '2026-03-15']).toContain(wibDay(l.paidAt));
    // Days on our clock hold none of them.
    const ourDays = new Set(
      [-1, 0, 1].map((d) => new Date(Date.parse(ours) + d * DAY).toISOString().slice(0, 10)),
    );
    for (const l of [...bni, ...ovo]) expect(ourDays.has(wibDay(l.paidAt))).toBe(false);

    // Later still on our clock: the reports asked for are still the partners' days.
    await call('POST', '/_local/clock', {
      body: { now: new Date(Date.parse(ours) + 3 * DAY).toISOString() },
    });
    const reconciled = await call('POST', `/v1/admin/payout-runs/${runId}/reconciliation`, {
      token: await adminToken(),
      headers: key(),
    });
    expect(reconciled.status, JSON.stringify(reconciled.body)).toBe(200);
    expect(reconciled.body).toMatchObject({
      matched: due,
      missingAtPartner: 0,
      unknownAtPartner: 0,
      amountMismatches: 0,
    });
  }, 300_000);
});
