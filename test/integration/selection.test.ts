import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { familyCard } from '#contexts/selection/items.ts';
import { isValidCardNumber } from '#contexts/selection/rules/draw.ts';
import { profileBody, randomIdentity } from '#scripts/lib/nik.ts';
import { adminToken, call, registerCitizen, signIn, stack } from '#test/support/api.ts';
import {
  documentClient,
  loadApplicants,
  type SyntheticApplicant,
  stackDirOf,
  stackLookupHash,
  syntheticApplicants,
} from '#test/support/applicants.ts';
import {
  expectedSelection,
  exportSelection,
  ledgerOf,
  participantsOf,
  putNikFlag,
  runSelection,
  selectedIds,
} from '#test/support/selection.ts';
import { tempDir } from '#test/support/temp.ts';

// The selection workflow on the local stack: the same ASL the CDK app deploys, run by
// aws-local-stepfunctions, its Lambdas against DynamoDB Local. Applicants are written
// straight into the table (as the join route writes them) so waves can be large.

const scheme = {
  trainingBalanceIdr: 1_000_000,
  incentiveIdr: 600_000,
  incentiveMonths: 4,
  surveyIncentiveIdr: 50_000,
  surveyCount: 3,
};
const hoursFromNow = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();
const stackDir = () => stackDirOf(inject('stackLogFile'));
let token: string;
let generator = 1000;

beforeAll(async () => {
  token = await adminToken();
});

/** A wave that closed an hour ago, holding `applicants`. */
async function closedWave(applicants: SyntheticApplicant[], settings: Record<string, unknown>) {
  const created = await call('POST', '/v1/admin/waves', {
    token,
    body: {
      name: 'Gelombang seleksi',
      opensAt: hoursFromNow(-3),
      closesAt: hoursFromNow(-1),
      purchaseDeadlineDays: 30,
      scheme,
      ...settings,
    },
  });
  expect(created.status).toBe(201);
  await loadApplicants(stack(), stackDir(), created.body.waveId, applicants);
  return created.body as { waveId: string; quota: number; reservedQuota: number };
}

const fresh = (count: number, options: { familySize?: number } = {}) =>
  syntheticApplicants(count, { seed: generator++, ...options });

describe('selection', () => {
  it('selects exactly the quota, makes participants with a card and a credited balance, and counts every stage', async () => {
    const applicants = fresh(300);
    const wave = await closedWave(applicants, { quota: 120 });
    const seed = 'exact-quota-1';
    const result = await runSelection(stack(), token, wave.waveId, {
      seed,
      segments: 4,
      pageSize: 37,
      pagesPerCall: 2,
    });
    expect(result).toMatchObject({
      status: 'SUCCEEDED',
      seed,
      applicants: 300,
      eligible: 300,
      selected: 120,
      notSelected: 180,
    });

    const rows = await exportSelection(stack(), token, wave.waveId);
    expect(rows).toHaveLength(300);
    expect(selectedIds(rows)).toEqual(expectedSelection(rows, seed, 120, 0));
    expect(rows.filter((r) => r.outcome === 'NOT_SELECTED').every((r) => r.reason === 'not-drawn')).toBe(
      true,
    );

    const participants = await participantsOf(stack(), [...selectedIds(rows)]);
    expect(participants).toHaveLength(120);
    expect(new Set(participants.map((p) => p.cardNumber)).size).toBe(120);
    for (const p of participants) {
      expect(isValidCardNumber(p.cardNumber)).toBe(true);
      expect(p).toMatchObject({
        status: 'ACTIVE',
        balanceIdr: scheme.trainingBalanceIdr,
        waveId: wave.waveId,
      });
    }
    const ledger = await ledgerOf(stack(), participants[0]!.accountId);
    expect(ledger).toEqual([
      expect.objectContaining({ kind: 'training-credit', amountIdr: scheme.trainingBalanceIdr }),
    ]);

    const selected = applicants.find((a) => selectedIds(rows).has(a.accountId))!;
    const outbox = await call(
      'GET',
      `/_local/outbox?to=${encodeURIComponent(`+628${selected.nik.slice(6)}`)}`,
    );
    expect(outbox.body.items.map((m: { template: string }) => m.template)).toContain('selection-selected');

    const funnel = await call('GET', `/v1/admin/waves/${wave.waveId}/funnel`, { token });
    expect(funnel.body.stages.at(0)).toEqual({ stage: 'joined', count: 300 });
    expect(funnel.body.stages.at(-1)).toEqual({ stage: 'selected', count: 120 });
    const waves = await call('GET', '/v1/waves?limit=500');
    expect(waves.body.items.find((w: { waveId: string }) => w.waveId === wave.waveId).status).toBe(
      'ANNOUNCED',
    );
  });

  it('scripts/verify-draw.ts recomputes the draw from the export and catches a tampered one', async () => {
    const wave = await closedWave(fresh(80), { quota: 30, reservedQuota: 0 });
    await runSelection(stack(), token, wave.waveId, { seed: 'auditor-check', segments: 3 });
    const file = join(tempDir('draw-'), 'draw.json');
    const script = (args: string[]) =>
      spawnSync(process.execPath, ['--import', 'tsx', 'scripts/verify-draw.ts', ...args], {
        encoding: 'utf8',
        env: { ...process.env, PRAKERJA_TOKEN: token, NODE_NO_WARNINGS: '1' },
      });
    const online = script(['--api', stack().apiUrl, '--wave', wave.waveId, '--save', file]);
    expect(online.stdout).toContain('OK: seed auditor-check selects exactly the 30 participant(s)');
    expect(online.status).toBe(0);
    const data = JSON.parse(readFileSync(file, 'utf8'));
    const swapped = data.applicants.find((a: { outcome: string }) => a.outcome === 'NOT_SELECTED');
    swapped.outcome = 'SELECTED';
    writeFileSync(file, JSON.stringify(data));
    const tampered = script(['--export', file]);
    expect(tampered.stdout).toContain('MISMATCH: 1 selected unexpectedly');
    expect(tampered.status).toBe(1);
  });

  it('selects everyone eligible when they are fewer than the quota', async () => {
    const wave = await closedWave(fresh(40), { quota: 500 });
    const result = await runSelection(stack(), token, wave.waveId, { seed: 'few-applicants', segments: 3 });
    expect(result).toMatchObject({ applicants: 40, eligible: 40, selected: 40, notSelected: 0 });
  });

  it('takes the reserved quota from the laid-off list first, then draws the rest among everyone left', async () => {
    const applicants = fresh(200);
    const hash = stackLookupHash(stackDir());
    const laidOff = applicants.slice(0, 30);
    for (const a of laidOff) await putNikFlag(stack(), hash('nik', a.nik), { priority: 'laid-off' });
    const wave = await closedWave(applicants, { quota: 50, reservedQuota: 20 });
    const seed = 'reserved-first';
    const result = await runSelection(stack(), token, wave.waveId, { seed, segments: 5, pageSize: 16 });
    expect(result).toMatchObject({ selected: 50, reservedSelected: 20, priorityEligible: 30 });
    const rows = await exportSelection(stack(), token, wave.waveId);
    expect(rows.filter((r) => r.pool === 'priority')).toHaveLength(30);
    expect(selectedIds(rows)).toEqual(expectedSelection(rows, seed, 50, 20));
    const priorityChosen = rows.filter((r) => r.pool === 'priority' && r.outcome === 'SELECTED').length;
    expect(priorityChosen).toBeGreaterThanOrEqual(20);
  });

  it('never gives a family card more than 2 participants, even with its members in parallel segments', async () => {
    const applicants = fresh(60, { familySize: 3 }); // 20 cards of 3 members
    const hash = stackLookupHash(stackDir());
    // One card already has a participant from an earlier wave: one place left.
    const { PutCommand } = await import('@aws-sdk/lib-dynamodb');
    const { documentClient } = await import('#test/support/applicants.ts');
    await documentClient(stack()).send(
      new PutCommand({
        TableName: stack().tableName,
        Item: familyCard.item({ participants: 1 }, { kkHash: hash('kk', applicants[0]!.kk) }),
      }),
    );
    const wave = await closedWave(applicants, { quota: 100 });
    const result = await runSelection(stack(), token, wave.waveId, {
      seed: 'families',
      segments: 8,
      pageSize: 4,
    });
    expect(result).toMatchObject({
      applicants: 60,
      eligible: 39,
      selected: 39,
      excludedByReason: { 'kk-cap': 21 },
    });
    const rows = await exportSelection(stack(), token, wave.waveId);
    const selected = selectedIds(rows);
    const perCard = new Map<string, number>();
    for (const a of applicants)
      if (selected.has(a.accountId)) perCard.set(a.kk, (perCard.get(a.kk) ?? 0) + 1);
    expect(perCard.get(applicants[0]!.kk)).toBe(1);
    expect([...perCard.values()].every((n) => n <= 2)).toBe(true);
  });

  it('excludes previous participants and NIKs on a list, whenever the list arrived', async () => {
    const applicants = fresh(50);
    const hash = stackLookupHash(stackDir());
    await putNikFlag(stack(), hash('nik', applicants[0]!.nik), { participatedIn: 'an-earlier-wave' });
    await putNikFlag(stack(), hash('nik', applicants[1]!.nik), { list: 'civil-servants' });
    await putNikFlag(stack(), hash('nik', applicants[2]!.nik), { list: 'blocked' });
    const wave = await closedWave(applicants, { quota: 50 });
    const result = await runSelection(stack(), token, wave.waveId, { seed: 'lists-and-history' });
    expect(result).toMatchObject({
      selected: 47,
      excludedByReason: { 'previous-participant': 1, 'civil-servants': 1, blocked: 1 },
    });
    const rows = await exportSelection(stack(), token, wave.waveId);
    const reasons = new Map(rows.map((r) => [r.accountId, r.reason]));
    expect(reasons.get(applicants[0]!.accountId)).toBe('previous-participant');
    expect(reasons.get(applicants[1]!.accountId)).toBe('civil-servants');
  });

  it('citizens who joined over HTTP: a list imported after they joined still excludes them, and /v1/me tells each', async () => {
    const people = await Promise.all(
      [0, 1, 2].map(async () => {
        const citizen = await registerCitizen();
        const body = profileBody(randomIdentity());
        expect((await call('PUT', '/v1/me/profile', { token: citizen.token, body })).status).toBe(200);
        return { ...citizen, nik: body.nik };
      }),
    );
    const created = await call('POST', '/v1/admin/waves', {
      token,
      body: {
        name: 'Gelombang HTTP',
        opensAt: hoursFromNow(-1),
        closesAt: hoursFromNow(1),
        quota: 10,
        purchaseDeadlineDays: 30,
        scheme,
      },
    });
    const { waveId } = created.body;
    for (const p of people)
      expect((await call('POST', `/v1/me/waves/${waveId}/join`, { token: p.token })).status).toBe(201);
    const listed = await call('POST', '/v1/admin/exclusion-lists/civil-servants/entries', {
      token,
      body: { niks: [people[0]!.nik] },
    });
    expect(listed.status).toBe(200);
    await call('POST', '/v1/admin/exclusion-lists/blocked/entries', {
      token,
      body: { niks: [people[1]!.nik] },
    });
    try {
      await call('POST', '/_local/clock', { body: { now: hoursFromNow(2) } });
      const admin = await adminToken(); // tokens expire on the backend clock
      const result = await runSelection(stack(), admin, waveId, { seed: 'joined-over-http' });
      expect(result).toMatchObject({
        applicants: 3,
        selected: 1,
        excludedByReason: { 'civil-servants': 1, blocked: 1 },
      });
      const me = async (i: number) =>
        (await call('GET', '/v1/me', { token: await signIn(people[i]!.email, people[i]!.password) })).body;
      expect((await me(0)).waves).toEqual([expect.objectContaining({ waveId, outcome: 'NOT_SELECTED' })]);
      expect((await me(0)).participant).toBeNull();
      const chosen = await me(2);
      expect(chosen.waves).toEqual([expect.objectContaining({ waveId, outcome: 'SELECTED' })]);
      expect(chosen.participant).toMatchObject({ status: 'ACTIVE', balanceIdr: scheme.trainingBalanceIdr });
      expect(isValidCardNumber(chosen.participant.cardNumber)).toBe(true);
      // One item per NIK holds all it is known by: the import's list, the draw's participation.
      const hash = stackLookupHash(stackDir());
      const flagsOf = async (nik: string) =>
        (
          await documentClient(stack()).send(
            new GetCommand({
              TableName: stack().tableName,
              Key: { PK: `NIKFLAG#${hash('nik', nik)}`, SK: 'FLAGS' },
            }),
          )
        ).Item;
      expect(await flagsOf(people[0]!.nik)).toMatchObject({ lists: new Set(['civil-servants']) });
      expect(await flagsOf(people[2]!.nik)).toMatchObject({ participatedIn: waveId });
    } finally {
      await call('DELETE', '/_local/clock');
    }
    // Not selected: free to join the next wave. Selected: a participant, never again.
    const next = await call('POST', '/v1/admin/waves', {
      token: await adminToken(),
      body: {
        name: 'Gelombang berikut',
        opensAt: hoursFromNow(-1),
        closesAt: hoursFromNow(1),
        quota: 10,
        purchaseDeadlineDays: 30,
        scheme,
      },
    });
    const joinNext = async (i: number) =>
      call('POST', `/v1/me/waves/${next.body.waveId}/join`, {
        token: await signIn(people[i]!.email, people[i]!.password),
      });
    expect((await joinNext(0)).status).toBe(201);
    const again = await joinNext(2);
    expect(again.status).toBe(409);
    expect(again.body.type).toMatch(/already-participant$/);
  });

  it('a segment that fails half-way is retried and selects nobody twice', async () => {
    const applicants = fresh(200);
    const wave = await closedWave(applicants, { quota: 80 });
    const armed = await call('POST', '/_local/faults', {
      body: { point: 'selection.announce', segment: 1, afterItems: 5, times: 2 },
    });
    expect(armed.status).toBe(200);
    const seed = 'fault-once';
    const result = await runSelection(stack(), token, wave.waveId, { seed, segments: 3, pageSize: 20 });
    const fired = await call('GET', '/_local/faults?point=selection.announce');
    expect(fired.body.fired).toBe(2);
    expect(result).toMatchObject({ status: 'SUCCEEDED', selected: 80, notSelected: 120 });
    const rows = await exportSelection(stack(), token, wave.waveId);
    expect(selectedIds(rows)).toEqual(expectedSelection(rows, seed, 80, 0));
    const participants = await participantsOf(stack(), [...selectedIds(rows)]);
    expect(new Set(participants.map((p) => p.cardNumber)).size).toBe(80);
    for (const p of participants.slice(0, 20)) expect(await ledgerOf(stack(), p.accountId)).toHaveLength(1);
  });

  it('a selection that fails for good is recorded, holds the lock, and resumes only with its own seed', async () => {
    const wave = await closedWave(fresh(60), { quota: 25 });
    await call('POST', '/_local/faults', {
      body: { point: 'selection.announce', segment: 0, afterItems: 3, times: 50 },
    });
    const failed = await runSelection(stack(), token, wave.waveId, { seed: 'resume-me', segments: 2 });
    expect(failed).toMatchObject({ status: 'FAILED', error: expect.stringContaining('InjectedFault') });
    // Disarm: a fault that never reaches its item count does nothing.
    await call('POST', '/_local/faults', { body: { point: 'selection.announce', afterItems: 100000 } });
    const other = await closedWave(fresh(5), { quota: 5 });
    const blocked = await call('POST', `/v1/admin/waves/${other.waveId}/selection`, {
      token,
      body: { seed: 'another-wave' },
    });
    expect(blocked.status).toBe(409);
    expect(blocked.body.type).toMatch(/selection-running$/);
    const reseeded = await call('POST', `/v1/admin/waves/${wave.waveId}/selection`, {
      token,
      body: { seed: 'other-seed' },
    });
    expect(reseeded.status).toBe(409);
    expect(reseeded.body).toMatchObject({ seed: 'resume-me' });
    expect(reseeded.body.type).toMatch(/seed-mismatch$/);
    const resumed = await runSelection(stack(), token, wave.waveId, { seed: 'resume-me', segments: 5 });
    expect(resumed).toMatchObject({ status: 'SUCCEEDED', applicants: 60, selected: 25, notSelected: 35 });
    const rows = await exportSelection(stack(), token, wave.waveId);
    expect(selectedIds(rows)).toEqual(expectedSelection(rows, 'resume-me', 25, 0));
    const then = await runSelection(stack(), token, other.waveId, { seed: 'another-wave' });
    expect(then.selected).toBe(5);
  });

  it('refuses to start before the wave closes, twice, or for an unknown wave', async () => {
    const open = await call('POST', '/v1/admin/waves', {
      token,
      body: {
        name: 'Terbuka',
        opensAt: hoursFromNow(-1),
        closesAt: hoursFromNow(5),
        quota: 5,
        purchaseDeadlineDays: 30,
        scheme,
      },
    });
    const early = await call('POST', `/v1/admin/waves/${open.body.waveId}/selection`, {
      token,
      body: { seed: 'too-early' },
    });
    expect(early.status).toBe(409);
    expect(early.body.type).toMatch(/wave-not-closed$/);
    const unknown = await call('POST', '/v1/admin/waves/no-such-wave/selection', {
      token,
      body: { seed: 'nobody-here' },
    });
    expect(unknown.status).toBe(404);
    expect((await call('GET', '/v1/admin/waves/no-such-wave/selection', { token })).status).toBe(404);
    const wave = await closedWave(fresh(5), { quota: 5 });
    await runSelection(stack(), token, wave.waveId, { seed: 'just-once' });
    const again = await call('POST', `/v1/admin/waves/${wave.waveId}/selection`, {
      token,
      body: { seed: 'just-once' },
    });
    expect(again.status).toBe(409);
    expect(again.body.type).toMatch(/already-announced$/);
    const weak = await call('POST', `/v1/admin/waves/${wave.waveId}/selection`, {
      token,
      body: { seed: 'short' },
    });
    expect(weak.status).toBe(400);
  });
});

describe('the draw is uniform', () => {
  // 1,200 applicants and 300 places: at least 27 expected per province, far above the
  // 5 the chi-square test needs, and a draw that followed any order of the applicants
  // (their NIK's province digits, say) scores in the hundreds. 4,000 proved no more and
  // cost a minute of the serial chain.
  const APPLICANTS = 1200;
  const QUOTA = 300;
  it('selects from every province in proportion to its applicants (chi-square, fixed seed)', async () => {
    const applicants = syntheticApplicants(APPLICANTS, { seed: 77 });
    const wave = await closedWave(applicants, { quota: QUOTA });
    const result = await runSelection(stack(), token, wave.waveId, { seed: 'chi-square-77', segments: 16 });
    expect(result.selected).toBe(QUOTA);
    const rows = await exportSelection(stack(), token, wave.waveId);
    const selected = selectedIds(rows);
    const byProvince = new Map<string, { applicants: number; selected: number }>();
    for (const a of applicants) {
      const p = byProvince.get(a.provinceCode) ?? { applicants: 0, selected: 0 };
      p.applicants++;
      if (selected.has(a.accountId)) p.selected++;
      byProvince.set(a.provinceCode, p);
    }
    let chi2 = 0;
    for (const { applicants: n, selected: s } of byProvince.values()) {
      const expected = (n * QUOTA) / APPLICANTS;
      expect(expected).toBeGreaterThan(5);
      chi2 += (s - expected) ** 2 / expected;
    }
    // 10 provinces, 9 degrees of freedom: 21.67 is the 1% critical value.
    expect(byProvince.size).toBe(10);
    expect(chi2).toBeLessThan(21.67);
  });
});
