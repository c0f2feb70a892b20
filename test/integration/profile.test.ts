import { readFileSync } from 'node:fs';
import { DynamoDBClient, paginateScan } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { profileBody, randomIdentity, validNik } from '#scripts/lib/nik.ts';
import { adminToken, type Citizen, call, registerCitizen, stack } from '#test/support/api.ts';

// Direct table access: to check what is at rest and to plant items other flows write.
function table() {
  const client = new DynamoDBClient({
    endpoint: stack().dynamoEndpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return { client, doc: DynamoDBDocumentClient.from(client), TableName: stack().tableName };
}

/** Citizens with a profile to give: the email verified, the phone not (the profile asks
 *  for no phone; only a purchase or a payout account does), which spares a code each. */
async function registerMany(n: number, batch = 20): Promise<Citizen[]> {
  const citizens: Citizen[] = [];
  for (let i = 0; i < n; i += batch) {
    citizens.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(batch, n - i) }, () => registerCitizen({ verifyPhone: false })),
      )),
    );
  }
  return citizens;
}

const putProfile = (token: string, body: unknown) => call('PUT', '/v1/me/profile', { token, body });
const me = (token: string) => call('GET', '/v1/me', { token });

describe('PUT /v1/me/profile and GET /v1/me', () => {
  it('saves a valid profile and shows it masked, never the NIK or KK in clear', async () => {
    const citizen = await registerCitizen();
    const before = await me(citizen.token);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({
      profile: null,
      profileComplete: false,
      waves: [],
      participant: null,
    });

    const identity = randomIdentity({ gender: 'F' });
    const saved = await putProfile(citizen.token, profileBody(identity));
    expect(saved.status).toBe(200);
    expect(saved.body.nikMasked).toBe(`${identity.nik.slice(0, 6)}******${identity.nik.slice(12)}`);
    expect(saved.body.kkMasked).toBe(`${identity.kk.slice(0, 6)}******${identity.kk.slice(12)}`);

    const after = await call('GET', '/v1/me', { token: citizen.token });
    expect(after.status).toBe(200);
    expect(after.body).toMatchObject({
      accountId: citizen.accountId,
      email: citizen.email,
      phone: citizen.phone,
      role: 'citizen',
      verification: { email: true, phone: true },
      profileComplete: true,
      profile: {
        nikMasked: saved.body.nikMasked,
        kkMasked: saved.body.kkMasked,
        birthDate: identity.birthDate,
        gender: 'F',
        provinceCode: identity.provinceCode,
        workStatus: 'unemployed',
      },
    });
    const text = JSON.stringify(after.body);
    for (const secret of [
      identity.nik,
      identity.kk,
      'nikHash',
      'nikSealed',
      'kkHash',
      'passwordHash',
      'codes',
    ]) {
      expect(text).not.toContain(secret);
    }
    expect(JSON.stringify(saved.body)).not.toContain(identity.nik);
  });

  it('refuses NIKs that are malformed or disagree with the data entered: 400 invalid-nik on path nik', async () => {
    const citizen = await registerCitizen();
    const identity = randomIdentity({ birthDate: '1995-07-21', gender: 'M', provinceCode: '33' });
    const wrong = [
      { ...identity, gender: 'F' as const },
      { ...identity, birthDate: '1995-07-22' },
      { ...identity, provinceCode: '34' },
      { ...identity, nik: `${identity.nik.slice(0, 12)}0000` },
      { ...identity, nik: `33${identity.nik.slice(2, 4)}00${identity.nik.slice(6)}` },
      { ...identity, nik: `20${identity.nik.slice(2)}` },
    ];
    for (const body of wrong) {
      const r = await putProfile(citizen.token, profileBody(body));
      expect(r.status).toBe(400);
      expect(r.body.type).toMatch(/\/invalid-nik$/);
      expect(r.body.errors.length).toBeGreaterThan(0);
      for (const e of r.body.errors) expect(e.path).toBe('nik');
    }
    const badKk = await putProfile(
      citizen.token,
      profileBody({ ...identity, kk: `${identity.kk.slice(0, 12)}0000` }),
    );
    expect(badKk.status).toBe(400);
    expect(badKk.body.type).toMatch(/\/invalid-kk$/);
    const badProvince = await putProfile(citizen.token, profileBody({ ...identity, provinceCode: '20' }));
    expect(badProvince.status).toBe(400);
    expect(badProvince.body.errors[0].path).toBe('provinceCode');
    expect((await me(citizen.token)).body.profile).toBeNull();
  });

  it('gives one NIK to exactly one of 100 accounts submitting it at once', async () => {
    const citizens = await registerMany(100);
    const identity = randomIdentity();
    const results = await Promise.all(citizens.map((c) => putProfile(c.token, profileBody(identity))));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(99);
    for (const r of results.filter((r) => r.status === 409)) expect(r.body.type).toMatch(/\/duplicate-nik$/);

    const winner = citizens[statuses.indexOf(200)]!;
    const again = await putProfile(winner.token, profileBody(identity, { workStatus: 'laid_off' }));
    expect(again.status).toBe(200);
    expect(again.body.workStatus).toBe('laid_off');
    const loserProfiles = await Promise.all(citizens.filter((c) => c !== winner).map((c) => me(c.token)));
    expect(loserProfiles.every((r) => r.body.profile === null)).toBe(true);
  });

  it('lets a citizen change their NIK before joining a wave, freeing the old one', async () => {
    const [alice, bob] = await registerMany(2);
    const first = randomIdentity();
    const second = { ...first, nik: validNik({ ...first }) };
    expect((await putProfile(alice!.token, profileBody(first))).status).toBe(200);
    expect((await putProfile(bob!.token, profileBody(first))).status).toBe(409);
    expect((await putProfile(alice!.token, profileBody(second))).status).toBe(200);
    expect((await putProfile(bob!.token, profileBody(first))).status).toBe(200);
    const taken = await putProfile(bob!.token, profileBody(second));
    expect(taken.status).toBe(409);
    expect(taken.body.type).toMatch(/\/duplicate-nik$/);
  });

  it('refuses a NIK change once the profile is locked by a wave join, but keeps the lock on other edits', async () => {
    const citizen = await registerCitizen();
    const identity = randomIdentity();
    expect((await putProfile(citizen.token, profileBody(identity))).status).toBe(200);
    const { doc, TableName } = table();
    const Key = { PK: `ACCOUNT#${citizen.accountId}`, SK: 'PROFILE' };
    await doc.send(
      new UpdateCommand({
        TableName,
        Key,
        UpdateExpression: 'SET nikLocked = :t',
        ExpressionAttributeValues: { ':t': true },
      }),
    );

    const changed = await putProfile(citizen.token, profileBody({ ...identity, nik: validNik(identity) }));
    expect(changed.status).toBe(409);
    expect(changed.body.type).toMatch(/\/nik-locked$/);
    expect((await putProfile(citizen.token, profileBody(identity, { education: 'bachelor' }))).status).toBe(
      200,
    );
    const stored = await doc.send(new GetCommand({ TableName, Key }));
    expect(stored.Item).toMatchObject({ nikLocked: true, education: 'bachelor' });
  });

  it('shows the waves joined and the participation from the account partition', async () => {
    const citizen = await registerCitizen();
    const { doc, TableName } = table();
    const PK = `ACCOUNT#${citizen.accountId}`;
    const joinedAt = '2024-03-01T00:00:00.000Z';
    // The applications, and the selection's decisions beside them (w3: not yet decided).
    for (const [waveId, outcome] of [
      ['w1', 'NOT_SELECTED'],
      ['w2', 'SELECTED'],
      ['w3', undefined],
    ] as const) {
      await doc.send(
        new PutCommand({ TableName, Item: { PK, SK: `APPLICATION#${waveId}`, waveId, joinedAt } }),
      );
      if (outcome)
        await doc.send(
          new PutCommand({
            TableName,
            Item: {
              PK,
              SK: `OUTCOME#${waveId}`,
              type: 'Outcome',
              waveId,
              accountId: citizen.accountId,
              outcome,
            },
          }),
        );
    }
    const participant = {
      cardNumber: '5200000000000001',
      balanceIdr: 3_500_000,
      status: 'ACTIVE',
      purchaseDeadline: '2024-04-01T00:00:00.000Z',
    };
    await doc.send(
      new PutCommand({ TableName, Item: { PK, SK: 'PARTICIPANT', waveId: 'w2', ...participant } }),
    );
    const r = await me(citizen.token);
    expect(r.body.waves).toEqual([
      { waveId: 'w1', outcome: 'NOT_SELECTED', joinedAt },
      { waveId: 'w2', outcome: 'SELECTED', joinedAt },
      { waveId: 'w3', outcome: 'JOINED', joinedAt },
    ]);
    expect(r.body.participant).toEqual(participant);
  });

  it('answers each citizen with their own data only', async () => {
    const [alice, bob] = await registerMany(2);
    const aliceId = randomIdentity();
    expect((await putProfile(alice!.token, profileBody(aliceId))).status).toBe(200);
    const bobMe = await me(bob!.token);
    expect(bobMe.body.accountId).toBe(bob!.accountId);
    expect(bobMe.body.email).toBe(bob!.email);
    expect(bobMe.body.profile).toBeNull();
    expect(JSON.stringify(bobMe.body)).not.toContain(alice!.accountId);
    // Nothing in the request can point at another account.
    const probe = await call('GET', `/v1/me?accountId=${alice!.accountId}`, { token: bob!.token });
    expect(probe.body.accountId).toBe(bob!.accountId);
  });

  it('needs a citizen token', async () => {
    expect((await call('GET', '/v1/me')).status).toBe(401);
    expect((await call('PUT', '/v1/me/profile', { body: profileBody() })).status).toBe(401);
    const admin = await adminToken();
    const r = await putProfile(admin, profileBody());
    expect(r.status).toBe(403);
    expect((await me(admin)).status).toBe(403);
  });

  it('stores no NIK or KK in clear and logs none', async () => {
    const citizen = await registerCitizen();
    const identity = randomIdentity();
    expect((await putProfile(citizen.token, profileBody(identity))).status).toBe(200);
    const { client, TableName } = table();
    let scanned = 0;
    let profileSeen = false;
    for await (const page of paginateScan({ client }, { TableName })) {
      for (const item of page.Items ?? []) {
        scanned++;
        const text = JSON.stringify(item);
        expect(text).not.toContain(identity.nik);
        expect(text).not.toContain(identity.kk);
        if (item.PK?.S === `ACCOUNT#${citizen.accountId}` && item.SK?.S === 'PROFILE') profileSeen = true;
      }
    }
    expect(profileSeen).toBe(true);
    expect(scanned).toBeGreaterThan(1);
    const log = readFileSync(inject('stackLogFile'), 'utf8');
    expect(log).not.toContain(identity.nik);
  });
});
