import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { profileBody, randomIdentity } from '#scripts/lib/nik.ts';
import { adminToken, call, registerCitizen, stack } from '#test/support/api.ts';
import { documentClient, stackDirOf, stackLookupHash } from '#test/support/applicants.ts';
import { participant } from '#test/support/participants.ts';
import { waveBody } from '#test/support/waves.ts';

// What the selection used of a profile (the family card, the declarations, the birth
// date) is locked with the NIK once the citizen joins a wave; an administrator corrects
// it, with a reason, in the audit trail, and the two-per-card rule holds across it.
const HOUR = 3_600_000;
const key = () => ({ 'idempotency-key': crypto.randomUUID() });
const slug = (r: { body?: { type?: string } }) => r.body?.type?.split('/').pop();
const masked = (kk: string) => `${kk.slice(0, 6)}******${kk.slice(12)}`;
const DECLARED = {
  student: false,
  civilServant: true,
  militaryOrPolice: false,
  villageOfficial: false,
  stateEnterpriseBoard: false,
  otherAidRecipient: false,
};

let admin: string;
let waveId: string;
const db = () => documentClient(stack());
const kkHash = (kk: string) => stackLookupHash(stackDirOf(inject('stackLogFile')))('kk', kk);
const correct = (accountId: string, body: unknown, token = admin) =>
  call('PUT', `/v1/admin/accounts/${accountId}/profile-correction`, { token, body });
const familyCard = async (kk: string) =>
  (
    await db().send(
      new GetCommand({ TableName: stack().tableName, Key: { PK: `KK#${kkHash(kk)}`, SK: 'PARTICIPANTS' } }),
    )
  ).Item;

beforeAll(async () => {
  admin = await adminToken();
  const created = await call('POST', '/v1/admin/waves', {
    token: admin,
    headers: key(),
    body: waveBody({
      name: 'Gelombang kunci profil',
      opensAt: new Date(Date.now() - HOUR).toISOString(),
      closesAt: new Date(Date.now() + 48 * HOUR).toISOString(),
      quota: 10,
      purchaseDeadlineDays: 30,
      incentiveMonths: 4,
    }),
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  waveId = created.body.waveId;
});

describe('the profile after a wave is joined', () => {
  it('refuses a change of KK, declarations or birth date (409 profile-locked); unchanged values and other fields pass', async () => {
    const citizen = await registerCitizen();
    const identity = randomIdentity();
    const put = (body: unknown) => call('PUT', '/v1/me/profile', { token: citizen.token, body });
    // Before the join: the citizen's to change.
    const other = randomIdentity({ provinceCode: identity.provinceCode });
    expect((await put(profileBody({ ...identity, kk: other.kk }))).status).toBe(200);
    expect((await put(profileBody(identity))).status).toBe(200);
    const joined = await call('POST', `/v1/me/waves/${waveId}/join`, {
      token: citizen.token,
      headers: key(),
    });
    expect(joined.status, JSON.stringify(joined.body)).toBeLessThan(300);

    const kk = await put(profileBody({ ...identity, kk: other.kk }));
    expect(kk.status).toBe(409);
    expect(slug(kk)).toBe('profile-locked');
    expect(kk.body.errors).toEqual([expect.objectContaining({ path: 'kk' })]);
    const declarations = await put(profileBody(identity, { declarations: DECLARED }));
    expect(declarations.status).toBe(409);
    expect(slug(declarations)).toBe('profile-locked');
    expect(declarations.body.errors.map((e: { path: string }) => e.path)).toEqual(['declarations']);
    // The same values again, and a field the selection does not read: saved.
    expect((await put(profileBody(identity))).status).toBe(200);
    const education = await put(profileBody(identity, { education: 'bachelor' }));
    expect(education.status).toBe(200);
    expect(education.body.kkMasked).toBe(masked(identity.kk));
    expect(education.body.declarations.civilServant).toBe(false);
  });

  it('an administrator corrects them, audited with before and after masked; the pending application follows', async () => {
    const citizen = await registerCitizen();
    const identity = randomIdentity();
    expect(
      (await call('PUT', '/v1/me/profile', { token: citizen.token, body: profileBody(identity) })).status,
    ).toBe(200);
    expect(
      (await call('POST', `/v1/me/waves/${waveId}/join`, { token: citizen.token, headers: key() })).status,
    ).toBeLessThan(300);
    const corrected = randomIdentity({ provinceCode: identity.provinceCode }).kk;
    const reason = 'Kartu keluarga baru dari Dukcapil, surat 12/2026';

    // Administrators only, with a reason and something to correct.
    expect((await correct(citizen.accountId, { kk: corrected, reason }, citizen.token)).status).toBe(403);
    expect((await correct(citizen.accountId, { kk: corrected })).status).toBe(400);
    expect((await correct(citizen.accountId, { reason })).status).toBe(400);
    expect((await correct(crypto.randomUUID(), { kk: corrected, reason })).status).toBe(404);

    const done = await correct(citizen.accountId, { kk: corrected, declarations: DECLARED, reason });
    expect(done.status, JSON.stringify(done.body)).toBe(200);
    expect(done.body).toMatchObject({
      accountId: citizen.accountId,
      changed: ['kk', 'declarations'],
      applications: [waveId],
      profile: { kkMasked: masked(corrected), declarations: DECLARED },
    });
    expect(JSON.stringify(done.body)).not.toContain(corrected);
    const me = await call('GET', '/v1/me', { token: citizen.token });
    expect(me.body.profile).toMatchObject({ kkMasked: masked(corrected), declarations: DECLARED });
    // The application the coming draw reads holds the correction.
    const application = await db().send(
      new GetCommand({
        TableName: stack().tableName,
        Key: { PK: `ACCOUNT#${citizen.accountId}`, SK: `APPLICATION#${waveId}` },
      }),
    );
    expect(application.Item).toMatchObject({ kkHash: kkHash(corrected), declarations: DECLARED });
    expect(application.Item!.GSI2SK).toContain(kkHash(corrected));

    const audit = await call('GET', '/v1/admin/audit?kind=profile.corrected', { token: admin });
    const record = audit.body.items.find((i: { subject: string }) => i.subject === citizen.accountId);
    expect(record).toMatchObject({
      kind: 'profile.corrected',
      detail: {
        reason,
        changed: 'kk,declarations',
        kkMaskedBefore: masked(identity.kk),
        kkMaskedAfter: masked(corrected),
        declarationsBefore: 'none',
        declarationsAfter: 'civilServant',
      },
    });
    expect(JSON.stringify(audit.body)).not.toContain(corrected);
    expect(JSON.stringify(audit.body)).not.toContain(identity.kk);

    // The citizen cannot put the old values back.
    const back = await call('PUT', '/v1/me/profile', { token: citizen.token, body: profileBody(identity) });
    expect(slug(back)).toBe('profile-locked');
  });

  it('keeps the two-per-card rule across a correction: a full card is refused 409, the markers move in one go', async () => {
    const p = await participant();
    const identity = randomIdentity();
    expect(
      (await call('PUT', '/v1/me/profile', { token: p.token, body: profileBody(identity) })).status,
    ).toBe(200);
    const TableName = stack().tableName;
    const member = `${p.waveId}#${p.accountId}`;
    // The card the draw counted the participant on, and a card with two participants.
    await db().send(
      new PutCommand({
        TableName,
        Item: {
          PK: `KK#${kkHash(identity.kk)}`,
          SK: 'PARTICIPANTS',
          participants: 1,
          members: new Set([member]),
        },
      }),
    );
    const full = randomIdentity().kk;
    await db().send(
      new PutCommand({
        TableName,
        Item: {
          PK: `KK#${kkHash(full)}`,
          SK: 'PARTICIPANTS',
          participants: 2,
          members: new Set(['w0#someone', 'w0#another']),
        },
      }),
    );
    const reason = 'Salah ketik nomor KK saat pendaftaran';

    const refused = await correct(p.accountId, { kk: full, reason });
    expect(refused.status).toBe(409);
    expect(slug(refused)).toBe('family-card-full');
    expect((await call('GET', '/v1/me', { token: p.token })).body.profile.kkMasked).toBe(masked(identity.kk));
    expect((await familyCard(identity.kk))?.participants).toBe(1);
    expect((await familyCard(full))?.participants).toBe(2);

    const fresh = randomIdentity().kk;
    const moved = await correct(p.accountId, { kk: fresh, reason });
    expect(moved.status, JSON.stringify(moved.body)).toBe(200);
    expect(moved.body.changed).toEqual(['kk']);
    const before = await familyCard(identity.kk);
    expect(before?.participants).toBe(0);
    expect(before?.members ?? new Set()).not.toContain(member);
    const after = await familyCard(fresh);
    expect(after).toMatchObject({ participants: 1 });
    expect([...after!.members]).toEqual([member]);
    // Nothing to correct: nothing written.
    const same = await correct(p.accountId, { kk: fresh, reason });
    expect(same.body.changed).toEqual([]);
    expect((await familyCard(fresh))?.participants).toBe(1);
    // And still not onto the full card.
    expect(slug(await correct(p.accountId, { kk: full, reason }))).toBe('family-card-full');
  });
});
