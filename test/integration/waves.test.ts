import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { familyPrefix } from '#contexts/waves/items.ts';
import { profileBody, randomIdentity } from '#scripts/lib/nik.ts';
import { adminToken, type Citizen, call, registerCitizen, signIn, stack } from '#test/support/api.ts';

const scheme = {
  trainingBalanceIdr: 3_500_000,
  incentiveIdr: 600_000,
  incentiveMonths: 1,
  surveyIncentiveIdr: 50_000,
  surveyCount: 2,
};
const hours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

async function createWave(overrides: Record<string, unknown> = {}) {
  const r = await call('POST', '/v1/admin/waves', {
    token: await adminToken(),
    body: {
      name: 'Gelombang uji',
      opensAt: hours(-1),
      closesAt: hours(24),
      quota: 100,
      purchaseDeadlineDays: 15,
      scheme,
      ...overrides,
    },
  });
  expect(r.status).toBe(201);
  return r.body as { waveId: string; status: string };
}

async function citizenWithProfile(overrides: Record<string, unknown> = {}): Promise<Citizen> {
  const citizen = await registerCitizen();
  const r = await call('PUT', '/v1/me/profile', {
    token: citizen.token,
    body: profileBody(randomIdentity(), overrides),
  });
  expect(r.status).toBe(200);
  return citizen;
}

/** The stack's table, read and written directly for what no route shows or sets yet. */
const table = () =>
  DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: stack().dynamoEndpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );

const join = (waveId: string, token: string) => call('POST', `/v1/me/waves/${waveId}/join`, { token });

describe('waves', () => {
  it('an administrator creates a wave and it is listed with its status', async () => {
    const wave = await createWave({ reservedQuota: 10 });
    expect(wave).toMatchObject({ status: 'OPEN', quota: 100, reservedQuota: 10, minAge: 18, scheme });
    let cursor: string | null = null;
    const seen: string[] = [];
    do {
      const page: any = await call('GET', `/v1/waves?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((w: { waveId: string }) => w.waveId));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toContain(wave.waveId);
  });

  it('derives SCHEDULED, OPEN and CLOSED from the backend clock', async () => {
    const wave = await createWave({ opensAt: hours(2), closesAt: hours(4) });
    const statusAt = async (at: string) => {
      await call('POST', '/_local/clock', { body: { now: at } });
      const page = await call('GET', '/v1/waves?limit=500');
      return page.body.items.find((w: { waveId: string }) => w.waveId === wave.waveId)?.status;
    };
    try {
      expect(await statusAt(hours(1))).toBe('SCHEDULED');
      expect(await statusAt(hours(3))).toBe('OPEN');
      expect(await statusAt(hours(5))).toBe('CLOSED');
    } finally {
      await call('DELETE', '/_local/clock');
    }
  });

  it('refuses bad waves with field paths, citizens with 403, strangers with 401', async () => {
    const bad = await call('POST', '/v1/admin/waves', {
      token: await adminToken(),
      body: {
        name: 'x',
        opensAt: hours(2),
        closesAt: hours(1),
        quota: 10,
        reservedQuota: 20,
        purchaseDeadlineDays: 15,
        scheme,
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((e: { path: string }) => e.path)).toEqual(
      expect.arrayContaining(['closesAt', 'reservedQuota']),
    );
    const outOfRange = await call('POST', '/v1/admin/waves', {
      token: await adminToken(),
      body: {
        name: 'x',
        opensAt: hours(1),
        closesAt: hours(2),
        quota: 1.5,
        purchaseDeadlineDays: 91,
        scheme: { ...scheme, trainingBalanceIdr: -1, incentiveMonths: 13, surveyIncentiveIdr: 2 ** 60 },
      },
    });
    expect(outOfRange.status).toBe(400);
    const paths = new Set<string>(outOfRange.body.errors.map((e: { path: string }) => e.path));
    expect([...paths].sort()).toEqual([
      'purchaseDeadlineDays',
      'quota',
      'scheme.incentiveMonths',
      'scheme.surveyIncentiveIdr',
      'scheme.trainingBalanceIdr',
    ]);
    const citizen = await registerCitizen();
    expect((await call('POST', '/v1/admin/waves', { token: citizen.token, body: {} })).status).toBe(403);
    expect((await call('POST', '/v1/admin/waves', { body: {} })).status).toBe(401);
    expect((await call('GET', '/v1/waves?cursor=not-a-cursor')).status).toBe(400);
  });

  it('answers 400 to every cursor it did not issue for the list, before DynamoDB sees it', async () => {
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const partners = await call('GET', '/v1/admin/partners?limit=1', { token: await adminToken() });
    const crafted = [
      b64({ PK: '', SK: '', GSI1PK: '', GSI1SK: '' }),
      b64({ PK: 'PARTNER#x', SK: 'PARTNER', GSI1PK: 'PARTNERS', GSI1SK: 'tokopedia' }),
      b64({ PK: 'WAVE#x', SK: 'WAVE', GSI1PK: 'WAVES', GSI1SK: '2026-01-01' }),
      partners.body.nextCursor, // a real cursor, of another list
      `${b64({ PK: 'WAVE#x', SK: 'WAVE', GSI1PK: 'WAVES', GSI1SK: '2026' })}.${'A'.repeat(43)}`,
    ];
    for (const cursor of crafted) {
      const reply = await call('GET', `/v1/waves?cursor=${encodeURIComponent(cursor)}`);
      expect(reply.status, cursor).toBe(400);
      expect(reply.body.errors).toEqual([{ path: 'cursor', message: expect.any(String) }]);
    }
  });

  it('a verified citizen with a profile joins an open wave once', async () => {
    const wave = await createWave();
    const citizen = await citizenWithProfile();
    const joined = await join(wave.waveId, citizen.token);
    expect(joined.status).toBe(201);
    expect(joined.body).toMatchObject({ waveId: wave.waveId, outcome: 'JOINED' });
    const again = await join(wave.waveId, citizen.token);
    expect(again.status).toBe(409);
    expect(again.body.type).toMatch(/already-joined$/);
    const me = await call('GET', '/v1/me', { token: citizen.token });
    expect(me.body.waves).toEqual([expect.objectContaining({ waveId: wave.waveId, outcome: 'JOINED' })]);
    // Having joined, the NIK can no longer be changed.
    const change = await call('PUT', '/v1/me/profile', {
      token: citizen.token,
      body: profileBody(randomIdentity()),
    });
    expect(change.status).toBe(409);
  });

  it('exactly one of 20 concurrent joins of one citizen succeeds', async () => {
    const wave = await createWave();
    const citizen = await citizenWithProfile();
    const results = await Promise.all(Array.from({ length: 20 }, () => join(wave.waveId, citizen.token)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    for (const r of results.filter((r) => r.status !== 201)) expect(r.body.type).toMatch(/already-joined$/);
  });

  it('refuses with the slug that says why', async () => {
    const stamp = Date.now();
    const open = await createWave();
    const scheduled = await createWave({ opensAt: hours(2), closesAt: hours(4) });
    const unverified = await call('POST', '/v1/accounts', {
      body: {
        fullName: 'Tanpa Verifikasi',
        email: `u-${stamp}@example.com`,
        password: 'correct horse battery',
        phone: '+6289900000001',
      },
    });
    expect(unverified.status).toBe(201);
    const unverifiedToken = await signIn(`u-${stamp}@example.com`, 'correct horse battery');
    expect((await join(open.waveId, unverifiedToken)).body.type).toMatch(/not-verified$/);
    const noProfile = await registerCitizen();
    const ready = await citizenWithProfile();
    expect((await join(open.waveId, noProfile.token)).body.type).toMatch(/profile-incomplete$/);
    expect((await join(scheduled.waveId, ready.token)).body.type).toMatch(/wave-not-open$/);
    const closed = await createWave({ opensAt: hours(-3), closesAt: hours(-2) });
    expect(closed.status).toBe('CLOSED');
    expect((await join(closed.waveId, ready.token)).body.type).toMatch(/wave-not-open$/);
    const missing = await join('no-such-wave', ready.token);
    expect(missing.status).toBe(404);
    expect(missing.body.type).toMatch(/not-found$/);
  });

  it('refuses a participant of an earlier wave with already-participant', async () => {
    const wave = await createWave();
    const citizen = await citizenWithProfile();
    // Selection writes PARTICIPANT items; until it exists, the test writes one itself.
    await table().send(
      new PutCommand({
        TableName: stack().tableName,
        Item: {
          PK: `ACCOUNT#${citizen.accountId}`,
          SK: 'PARTICIPANT',
          type: 'Participant',
          waveId: 'an-earlier-wave',
          cardNumber: '5000000000000001',
          balanceIdr: 3_500_000,
          status: 'ACTIVE',
          purchaseDeadline: hours(24 * 15),
        },
      }),
    );
    const r = await join(wave.waveId, citizen.token);
    expect(r.status).toBe(409);
    expect(r.body.type).toMatch(/already-participant$/);
  });

  it('spreads applications over the sharded applicant index and locks the NIK', async () => {
    const wave = await createWave();
    const citizens = await Promise.all(Array.from({ length: 12 }, () => citizenWithProfile()));
    const joined = await Promise.all(citizens.map((c) => join(wave.waveId, c.token)));
    expect(joined.map((r) => r.status)).toEqual(citizens.map(() => 201));

    const db = table();
    const TableName = stack().tableName;
    const application = await db.send(
      new GetCommand({
        TableName,
        Key: { PK: `ACCOUNT#${citizens[0]!.accountId}`, SK: `APPLICATION#${wave.waveId}` },
      }),
    );
    expect(application.Item).toMatchObject({
      waveId: wave.waveId,
      accountId: citizens[0]!.accountId,
      GSI2PK: expect.stringMatching(new RegExp(`^WAVE#${wave.waveId}#([0-9]|1[0-5])$`)),
      nikHash: expect.any(String),
      kkHash: expect.any(String),
    });
    // Sorted by family card (a slice digit, the card's hash), then the account: a card's
    // members sit together, so selection screens a family whole. No outcome on it: the
    // selection writes its decision to an item of its own.
    expect(application.Item!.GSI2SK).toBe(
      `${familyPrefix(application.Item!.kkHash)}${citizens[0]!.accountId}`,
    );
    expect(application.Item!.outcome).toBeUndefined();
    const profile = await db.send(
      new GetCommand({ TableName, Key: { PK: `ACCOUNT#${citizens[0]!.accountId}`, SK: 'PROFILE' } }),
    );
    expect(profile.Item?.nikLocked).toBe(true);

    const perShard = await Promise.all(
      Array.from({ length: 16 }, async (_, shard) => {
        const out = await db.send(
          new QueryCommand({
            TableName,
            IndexName: 'GSI2',
            KeyConditionExpression: 'GSI2PK = :pk',
            ExpressionAttributeValues: { ':pk': `WAVE#${wave.waveId}#${shard}` },
          }),
        );
        return (out.Items ?? []).map((item) => item.accountId as string);
      }),
    );
    expect(perShard.flat().sort()).toEqual(citizens.map((c) => c.accountId).sort());
    expect(perShard.filter((accounts) => accounts.length > 0).length).toBeGreaterThan(1);
  });

  it('answers 403 ineligible with the reasons from declarations and age', async () => {
    const wave = await createWave({ maxAge: 30 });
    const civilServant = await citizenWithProfile({
      declarations: {
        student: true,
        civilServant: true,
        militaryOrPolice: false,
        villageOfficial: false,
        stateEnterpriseBoard: false,
        otherAidRecipient: false,
      },
    });
    const r = await join(wave.waveId, civilServant.token);
    expect(r.status).toBe(403);
    expect(r.body.type).toMatch(/ineligible$/);
    expect(r.body.reasons).toEqual(expect.arrayContaining(['student', 'civil-servant']));
    const old = await registerCitizen();
    const profile = profileBody(randomIdentity({ birthDate: '1960-05-05' }));
    expect((await call('PUT', '/v1/me/profile', { token: old.token, body: profile })).status).toBe(200);
    const tooOld = await join(wave.waveId, old.token);
    expect(tooOld.status).toBe(403);
    expect(tooOld.body.reasons).toContain('over-age');
  });
});
