import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { adminToken, call, stack } from '#test/support/api.ts';
import {
  documentClient,
  loadApplicants,
  stackDirOf,
  stackLookupHash,
  syntheticApplicants,
} from '#test/support/applicants.ts';
import {
  exportSelection,
  ledgerOf,
  participantsOf,
  runSelection,
  selectedIds,
} from '#test/support/selection.ts';

// The purchase deadline on the backend clock: participants who buy nothing in time are
// revoked by the scheduled sweep, exactly once however many sweeps overlap.

const balance = 1_000_000;
const DAY = 86_400_000;

afterAll(async () => {
  await call('DELETE', '/_local/clock');
});

describe('purchase deadline', () => {
  it('revokes each late participant once, returns the balance, blocks the NIK and frees the place', async () => {
    let token = await adminToken();
    const created = await call('POST', '/v1/admin/waves', {
      token,
      body: {
        name: 'Gelombang tenggat',
        opensAt: new Date(Date.now() - 7_200_000).toISOString(),
        closesAt: new Date(Date.now() - 3_600_000).toISOString(),
        quota: 12,
        purchaseDeadlineDays: 15,
        scheme: {
          trainingBalanceIdr: balance,
          incentiveIdr: 600_000,
          incentiveMonths: 4,
          surveyIncentiveIdr: 50_000,
          surveyCount: 3,
        },
      },
    });
    const { waveId } = created.body;
    const applicants = syntheticApplicants(30, { seed: 9001 });
    await loadApplicants(stack(), stackDirOf(inject('stackLogFile')), waveId, applicants);
    await runSelection(stack(), token, waveId, { seed: 'deadline-wave', segments: 2 });
    const selected = [...selectedIds(await exportSelection(stack(), token, waveId))];
    expect(selected).toHaveLength(12);
    const before = (await call('GET', '/v1/admin/quota-pool', { token })).body;

    // A day before the deadline nothing happens.
    await call('POST', '/_local/clock', { body: { now: new Date(Date.now() + 14 * DAY).toISOString() } });
    const early = await call('POST', '/_local/schedules/revoke-missed-deadlines');
    expect(early.status).toBe(200);
    expect((await participantsOf(stack(), selected)).every((p) => p.status === 'ACTIVE')).toBe(true);

    // Past it, two sweeps at once (a slow run and the next tick) revoke each participant once.
    await call('POST', '/_local/clock', { body: { now: new Date(Date.now() + 16 * DAY).toISOString() } });
    const sweeps = await Promise.all([
      call('POST', '/_local/schedules/revoke-missed-deadlines'),
      call('POST', '/_local/schedules/revoke-missed-deadlines'),
    ]);
    token = await adminToken(); // tokens expire on the backend clock too
    const revoked = sweeps.reduce((n, s) => n + s.body.revoked, 0);
    expect(revoked).toBeGreaterThanOrEqual(12); // earlier tests' participants are late too
    const again = await call('POST', '/_local/schedules/revoke-missed-deadlines');
    expect(again.body.revoked).toBe(0);

    const participants = await participantsOf(stack(), selected);
    for (const p of participants) {
      expect(p).toMatchObject({ status: 'REVOKED', balanceIdr: 0 });
      const ledger = await ledgerOf(stack(), p.accountId);
      expect(ledger.map((e) => e.kind).sort()).toEqual(['revocation', 'training-credit']);
      expect(ledger.reduce((sum, e) => sum + e.amountIdr, 0)).toBe(0);
    }
    const hash = stackLookupHash(stackDirOf(inject('stackLogFile')));
    const first = applicants.find((a) => a.accountId === selected[0])!;
    const blocked = await documentClient(stack()).send(
      new GetCommand({
        TableName: stack().tableName,
        Key: { PK: `NIKFLAG#${hash('nik', first.nik)}`, SK: 'FLAGS' },
      }),
    );
    expect(blocked.Item?.lists).toContain('blocked');

    const after = (await call('GET', '/v1/admin/quota-pool', { token })).body;
    expect(after.availablePlaces - before.availablePlaces).toBe(revoked);
    expect(after.revokedPlaces - before.revokedPlaces).toBe(revoked);
    expect(after.returnedIdr - before.returnedIdr).toBeGreaterThanOrEqual(12 * balance);

    // A recovery wave draws its places from the pool, and no more than it holds.
    const recovery = (quotaFromPool: number) =>
      call('POST', '/v1/admin/waves', {
        token,
        body: {
          name: 'Gelombang pemulihan',
          opensAt: new Date(Date.now() + 20 * DAY).toISOString(),
          closesAt: new Date(Date.now() + 21 * DAY).toISOString(),
          quota: Math.max(quotaFromPool, 1),
          quotaFromPool,
          purchaseDeadlineDays: 15,
          scheme: {
            trainingBalanceIdr: balance,
            incentiveIdr: 600_000,
            incentiveMonths: 4,
            surveyIncentiveIdr: 50_000,
            surveyCount: 3,
          },
        },
      });
    const tooMany = await recovery(after.availablePlaces + 1);
    expect(tooMany.status).toBe(409);
    expect(tooMany.body.type).toMatch(/quota-pool-insufficient$/);
    const drawn = await recovery(10);
    expect(drawn.status).toBe(201);
    expect(drawn.body.quotaFromPool).toBe(10);
    const final = (await call('GET', '/v1/admin/quota-pool', { token })).body;
    expect(final).toMatchObject({
      availablePlaces: after.availablePlaces - 10,
      drawnPlaces: after.drawnPlaces + 10,
    });
  });
});
