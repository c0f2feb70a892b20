import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { profileBody, randomIdentity } from '#scripts/lib/nik.ts';
import {
  adminToken,
  type Citizen,
  call,
  latestCode,
  registerCitizen,
  signIn,
  stack,
  uniqueEmail,
  uniquePhone,
} from '#test/support/api.ts';
import { documentClient, stackDirOf, stackLookupHash } from '#test/support/applicants.ts';
import { participant } from '#test/support/participants.ts';
import { waveBody } from '#test/support/waves.ts';

// NIK squatting (unverified accounts claim nothing and expire after 48 h with their
// email and phone) and tokens that outlive their account (every citizen write checks
// the account in its own transaction).
const db = () => documentClient(stack());
const TableName = () => stack().tableName;
const hash = () => stackLookupHash(stackDirOf(inject('stackLogFile')));

const get = async (PK: string, SK: string) =>
  (await db().send(new GetCommand({ TableName: TableName(), Key: { PK, SK }, ConsistentRead: true }))).Item;
const partition = async (accountId: string) =>
  (
    await db().send(
      new QueryCommand({
        TableName: TableName(),
        KeyConditionExpression: 'PK = :pk',
        ExpressionAttributeValues: { ':pk': `ACCOUNT#${accountId}` },
        ConsistentRead: true,
      }),
    )
  ).Items ?? [];
const deleteAccountItem = (accountId: string) =>
  db().send(
    new DeleteCommand({ TableName: TableName(), Key: { PK: `ACCOUNT#${accountId}`, SK: 'ACCOUNT' } }),
  );

const HOUR = 3_600_000;
const moveClock = (ms: number) =>
  call('POST', '/_local/clock', { body: { now: new Date(Date.now() + ms).toISOString() } });

afterEach(async () => {
  await call('DELETE', '/_local/clock');
});

/** An account that verified only what `verify` lists, signed in. */
async function partlyVerified(verify: ('email' | 'phone')[]) {
  const body = {
    fullName: 'Penyerobot',
    email: uniqueEmail(),
    password: 'correct horse battery',
    phone: uniquePhone(),
  };
  const created = await call('POST', '/v1/accounts', { body });
  expect(created.status).toBe(201);
  for (const channel of verify) {
    // The phone's code is sent on request only.
    if (channel === 'phone')
      expect(
        (await call('POST', '/v1/accounts/codes', { body: { email: body.email, channel } })).status,
      ).toBe(202);
    const code = await latestCode(
      channel === 'email' ? body.email : body.phone,
      channel === 'email' ? 'verify-email' : 'verify-phone',
    );
    expect(
      (await call('POST', '/v1/accounts/verify', { body: { email: body.email, channel, code } })).status,
    ).toBe(200);
  }
  return {
    ...body,
    accountId: created.body.accountId as string,
    token: await signIn(body.email, body.password),
  };
}

describe('unverified accounts claim no NIK', () => {
  it('PUT /v1/me/profile is 409 not-verified until the email is verified, and writes nothing', async () => {
    const identity = randomIdentity();
    for (const verify of [[], ['phone']] as const) {
      const squatter = await partlyVerified([...verify]);
      const r = await call('PUT', '/v1/me/profile', { token: squatter.token, body: profileBody(identity) });
      expect(r.status, JSON.stringify(r.body)).toBe(409);
      expect(r.body.type).toMatch(/not-verified$/);
      expect((await partition(squatter.accountId)).map((i) => i.SK)).toEqual(['ACCOUNT']);
    }
    expect(await get(`NIK#${hash()('nik', identity.nik)}`, 'NIK')).toBeUndefined();
    // The NIK's owner, verified, gets it.
    const owner = await registerCitizen();
    expect(
      (await call('PUT', '/v1/me/profile', { token: owner.token, body: profileBody(identity) })).status,
    ).toBe(200);
  });
});

describe('unverified accounts expire after 48 hours', () => {
  it('their email and phone can be registered again, and the old account is gone for sign-in', async () => {
    // A verified phone does not keep an account whose email is unverified.
    const old = await partlyVerified(['phone']);
    const stored = await get(`ACCOUNT#${old.accountId}`, 'ACCOUNT');
    expect(stored?.expiresAtEpoch).toBeGreaterThan(Date.now() / 1000 + 47 * 3600);
    expect((await get(`EMAIL#${old.email}`, 'EMAIL'))?.expiresAtEpoch).toBe(stored?.expiresAtEpoch);
    const again = {
      fullName: 'Pemilik Asli',
      email: old.email,
      password: 'another horse battery',
      phone: old.phone,
    };

    await moveClock(47 * HOUR);
    expect((await call('POST', '/v1/accounts', { body: again })).status).toBe(409);

    await moveClock(49 * HOUR);
    // The old account is gone: its password and its token no longer work.
    const oldSignIn = await call('POST', '/v1/sessions', {
      body: { email: old.email, password: old.password },
    });
    expect(oldSignIn.status).toBe(401);
    const created = await call('POST', '/v1/accounts', { body: again });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const code = await latestCode(again.email, 'verify-email');
    expect(
      (await call('POST', '/v1/accounts/verify', { body: { email: again.email, channel: 'email', code } }))
        .status,
    ).toBe(200);
    const token = await signIn(again.email, again.password);
    const me = await call('GET', '/v1/me', { token });
    expect(me.body).toMatchObject({ accountId: created.body.accountId, fullName: 'Pemilik Asli' });
    expect(
      (await call('POST', '/v1/sessions', { body: { email: old.email, password: old.password } })).status,
    ).toBe(401);
  });

  it('verifying the email removes the expiry from the account and its markers', async () => {
    const citizen = await registerCitizen({ verifyPhone: false });
    for (const [PK, SK] of [
      [`ACCOUNT#${citizen.accountId}`, 'ACCOUNT'],
      [`EMAIL#${citizen.email}`, 'EMAIL'],
      [`PHONE#${citizen.phone}`, 'PHONE'],
    ] as const) {
      const item = await get(PK, SK);
      expect(item, PK).toBeDefined();
      expect(item, PK).not.toHaveProperty('expiresAtEpoch');
    }
    await moveClock(30 * 24 * HOUR);
    const body = {
      fullName: 'Lain',
      email: citizen.email,
      password: 'correct horse battery',
      phone: uniquePhone(),
    };
    expect((await call('POST', '/v1/accounts', { body })).body.type).toMatch(/duplicate-email$/);
    expect(await signIn(citizen.email, citizen.password)).toBeTruthy();
  });

  it('the two channels verified at once still remove the expiry', async () => {
    const body = {
      fullName: 'Serentak',
      email: uniqueEmail(),
      password: 'correct horse battery',
      phone: uniquePhone(),
    };
    const created = await call('POST', '/v1/accounts', { body });
    await call('POST', '/v1/accounts/codes', { body: { email: body.email, channel: 'phone' } });
    const codes = {
      email: await latestCode(body.email, 'verify-email'),
      phone: await latestCode(body.phone, 'verify-phone'),
    };
    const replies = await Promise.all(
      (['email', 'phone'] as const).map((channel) =>
        call('POST', '/v1/accounts/verify', { body: { email: body.email, channel, code: codes[channel] } }),
      ),
    );
    expect(replies.map((r) => r.status)).toEqual([200, 200]);
    expect(await get(`ACCOUNT#${created.body.accountId}`, 'ACCOUNT')).not.toHaveProperty('expiresAtEpoch');
    expect(await get(`EMAIL#${body.email}`, 'EMAIL')).not.toHaveProperty('expiresAtEpoch');
    expect(await get(`PHONE#${body.phone}`, 'PHONE')).not.toHaveProperty('expiresAtEpoch');
  });
});

describe('a token whose account is gone writes nothing', () => {
  const expectGone = (r: { status: number; body: any }) => {
    expect(r.status, JSON.stringify(r.body)).toBe(401);
    expect(r.body.type).toMatch(/unauthorized$/);
  };

  it('PUT /v1/me/profile: no orphan profile, no NIK marker', async () => {
    const citizen = await registerCitizen();
    await deleteAccountItem(citizen.accountId);
    const identity = randomIdentity();
    const r = await call('PUT', '/v1/me/profile', { token: citizen.token, body: profileBody(identity) });
    expectGone(r);
    expect(r.body.detail).toMatch(/no longer exists/);
    expect(await partition(citizen.accountId)).toEqual([]);
    expect(await get(`NIK#${hash()('nik', identity.nik)}`, 'NIK')).toBeUndefined();
  });

  it('POST /v1/me/waves/{id}/join: refused for a deleted or a disabled account, no application', async () => {
    const wave = await call('POST', '/v1/admin/waves', {
      token: await adminToken(),
      body: waveBody({
        name: 'Gelombang akun',
        opensAt: new Date(Date.now() - 60_000).toISOString(),
        closesAt: new Date(Date.now() + 7 * 24 * HOUR).toISOString(),
        quota: 10,
      }),
    });
    expect(wave.status).toBe(201);
    const ready = async (): Promise<Citizen> => {
      const c = await registerCitizen();
      expect((await call('PUT', '/v1/me/profile', { token: c.token, body: profileBody() })).status).toBe(200);
      return c;
    };
    const deleted = await ready();
    await deleteAccountItem(deleted.accountId);
    const disabled = await ready();
    await db().send(
      new UpdateCommand({
        TableName: TableName(),
        Key: { PK: `ACCOUNT#${disabled.accountId}`, SK: 'ACCOUNT' },
        UpdateExpression: 'SET disabled = :true',
        ExpressionAttributeValues: { ':true': true },
      }),
    );
    for (const c of [deleted, disabled]) {
      expectGone(await call('POST', `/v1/me/waves/${wave.body.waveId}/join`, { token: c.token }));
      expect(await get(`ACCOUNT#${c.accountId}`, `APPLICATION#${wave.body.waveId}`)).toBeUndefined();
    }
  });

  it('POST /v1/me/purchases/{id}/review: the purchase stays unreviewed, no incentives', async () => {
    const p = await participant();
    const purchaseId = randomUUID();
    await db().send(
      new PutCommand({
        TableName: TableName(),
        Item: {
          PK: `PURCHASE#${purchaseId}`,
          SK: 'PURCHASE',
          type: 'Purchase',
          purchaseId,
          partnerId: 'p-test',
          courseId: 'c-test',
          institution: { id: 'lp', name: 'LP' },
          priceIdr: 100_000,
          accountId: p.accountId,
          cardNumber: p.cardNumber,
          status: 'COMPLETED',
          createdAt: new Date().toISOString(),
          completedAt: new Date().toISOString(),
        },
      }),
    );
    await deleteAccountItem(p.accountId);
    expectGone(
      await call('POST', `/v1/me/purchases/${purchaseId}/review`, {
        token: p.token,
        body: { rating: 5, comment: 'Bagus' },
      }),
    );
    expect(await get(`PURCHASE#${purchaseId}`, 'PURCHASE')).not.toHaveProperty('reviewedAt');
    expect((await partition(p.accountId)).filter((i) => String(i.SK).startsWith('INCENTIVE#'))).toEqual([]);
  });

  it('POST /v1/me/surveys/{n}: no answers, no incentive', async () => {
    const p = await participant();
    await db().send(
      new UpdateCommand({
        TableName: TableName(),
        Key: { PK: `ACCOUNT#${p.accountId}`, SK: 'PARTICIPANT' },
        UpdateExpression: 'SET completedCourses = :one',
        ExpressionAttributeValues: { ':one': 1 },
      }),
    );
    await deleteAccountItem(p.accountId);
    expectGone(await call('POST', '/v1/me/surveys/1', { token: p.token, body: { answers: { q1: 'ya' } } }));
    const sks = (await partition(p.accountId)).map((i) => String(i.SK));
    expect(sks.filter((sk) => sk.startsWith('SURVEY#') || sk.startsWith('INCENTIVE#'))).toEqual([]);
  });
});
