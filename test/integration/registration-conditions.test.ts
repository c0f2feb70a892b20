import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, describe, expect, it } from 'vitest';
import { profileBody, randomIdentity } from '#scripts/lib/nik.ts';
import {
  adminToken,
  call,
  latestCode,
  registerCitizen,
  signIn,
  stack,
  uniqueEmail,
  uniquePhone,
} from '#test/support/api.ts';
import { waveBody } from '#test/support/waves.ts';

// The registration path decides by conditions where it used to read first
// (docs/architecture.md, "Registration in nine calls"): each rule a read used to check,
// checked by the write.
const verify = (email: string, channel: 'email' | 'phone', code: string) =>
  call('POST', '/v1/accounts/verify', { body: { email, channel, code } });
const slug = (r: { body: { type?: string } }) => r.body.type?.split('/').pop();
const wrongOf = (code: string) => (code === '000000' ? '111111' : '000000');
const db = () =>
  DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: stack().dynamoEndpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    }),
  );
const get = async (PK: string, SK: string) =>
  (await db().send(new GetCommand({ TableName: stack().tableName, Key: { PK, SK }, ConsistentRead: true })))
    .Item;

const requestPhoneCode = async (email: string) =>
  expect((await call('POST', '/v1/accounts/codes', { body: { email, channel: 'phone' } })).status).toBe(202);

async function unverified() {
  const body = {
    fullName: 'Warga Uji',
    email: uniqueEmail(),
    password: 'correct horse battery',
    phone: uniquePhone(),
  };
  const created = await call('POST', '/v1/accounts', { body });
  expect(created.status).toBe(201);
  return { ...body, accountId: created.body.accountId as string };
}

afterEach(async () => {
  await call('DELETE', '/_local/clock');
});

describe('verification by conditions', () => {
  it('a wrong code, an expired code and an unknown email each get their answer; the attempts are counted', async () => {
    const a = await unverified();
    const code = await latestCode(a.email, 'verify-email');
    expect(slug(await verify(a.email, 'email', wrongOf(code)))).toBe('invalid-code');
    expect(slug(await verify(uniqueEmail(), 'email', code))).toBe('invalid-code');
    const marker = await get(`EMAIL#${a.email}`, 'EMAIL');
    expect(marker?.codes.email.attempts).toBe(1);
    await call('POST', '/_local/clock', { body: { now: new Date(Date.now() + 11 * 60_000).toISOString() } });
    expect(slug(await verify(a.email, 'email', code))).toBe('code-expired');
  });

  it('an already verified channel answers 200 again, whatever the code, and changes nothing', async () => {
    const a = await unverified();
    const code = await latestCode(a.email, 'verify-email');
    expect((await verify(a.email, 'email', code)).status).toBe(200);
    const before = await get(`EMAIL#${a.email}`, 'EMAIL');
    for (const again of [code, wrongOf(code)])
      expect((await verify(a.email, 'email', again)).status).toBe(200);
    expect(await get(`EMAIL#${a.email}`, 'EMAIL')).toEqual(before);
  });

  it('GET /v1/me shows each channel as verified on its own; the email is what the account needs', async () => {
    const a = await unverified();
    await requestPhoneCode(a.email);
    expect((await verify(a.email, 'phone', await latestCode(a.phone, 'verify-phone'))).status).toBe(200);
    const token = await signIn(a.email, a.password);
    expect((await call('GET', '/v1/me', { token })).body.verification).toEqual({ email: false, phone: true });
    // A verified phone is not enough: until the email is verified the account claims nothing.
    const profile = await call('PUT', '/v1/me/profile', { token, body: profileBody(randomIdentity()) });
    expect(slug(profile)).toBe('not-verified');
    expect(await get(`ACCOUNT#${a.accountId}`, 'ACCOUNT')).toHaveProperty('expiresAtEpoch');
    expect((await verify(a.email, 'email', await latestCode(a.email, 'verify-email'))).status).toBe(200);
    expect((await call('GET', '/v1/me', { token })).body.verification).toEqual({ email: true, phone: true });
  });

  it('the email alone makes the account permanent; the phone can be verified later', async () => {
    const a = await unverified();
    expect((await verify(a.email, 'email', await latestCode(a.email, 'verify-email'))).status).toBe(200);
    expect(await get(`ACCOUNT#${a.accountId}`, 'ACCOUNT')).toMatchObject({
      emailVerified: true,
      phoneVerified: false,
    });
    for (const key of [`ACCOUNT#${a.accountId}`, `EMAIL#${a.email}`, `PHONE#${a.phone}`])
      expect(await get(key, key.split('#')[0]!)).not.toHaveProperty('expiresAtEpoch');
    // No phone code was ever sent: a guess is a wrong code and counts nothing.
    expect(slug(await verify(a.email, 'phone', '123456'))).toBe('invalid-code');
    await requestPhoneCode(a.email);
    expect((await verify(a.email, 'phone', await latestCode(a.phone, 'verify-phone'))).status).toBe(200);
    expect(await get(`ACCOUNT#${a.accountId}`, 'ACCOUNT')).toMatchObject({ phoneVerified: true });
  });

  it('20 concurrent wrong codes: exactly 5 are counted, the rest find the code locked', async () => {
    const a = await unverified();
    const code = await latestCode(a.email, 'verify-email');
    const replies = await Promise.all(
      Array.from({ length: 20 }, () => verify(a.email, 'email', wrongOf(code))),
    );
    const slugs = replies.map(slug);
    expect(slugs.filter((s) => s === 'invalid-code')).toHaveLength(5);
    expect(slugs.filter((s) => s === 'code-locked')).toHaveLength(15);
    expect(slug(await verify(a.email, 'email', code))).toBe('code-locked');
  });

  it('10 concurrent verifications of each channel: all answer 200 and the account completes once', async () => {
    const a = await unverified();
    await requestPhoneCode(a.email);
    const codes = {
      email: await latestCode(a.email, 'verify-email'),
      phone: await latestCode(a.phone, 'verify-phone'),
    };
    const replies = await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const channel = i % 2 ? 'phone' : 'email';
        return verify(a.email, channel, codes[channel]);
      }),
    );
    expect(replies.map((r) => r.status)).toEqual(replies.map(() => 200));
    const account = await get(`ACCOUNT#${a.accountId}`, 'ACCOUNT');
    expect(account).toMatchObject({ emailVerified: true, phoneVerified: true });
    expect(account).not.toHaveProperty('expiresAtEpoch');
    expect(await get(`EMAIL#${a.email}`, 'EMAIL')).not.toHaveProperty('expiresAtEpoch');
    expect(await get(`PHONE#${a.phone}`, 'PHONE')).not.toHaveProperty('expiresAtEpoch');
  });
});

describe('sign-in reads the marker in its claim', () => {
  it('a right password leaves the count at zero; a wrong one is counted on the marker', async () => {
    const c = await registerCitizen();
    expect(await get(`EMAIL#${c.email}`, 'EMAIL')).toMatchObject({ failures: 0, lockedUntil: 0 });
    const wrong = await call('POST', '/v1/sessions', {
      body: { email: c.email, password: 'not the password' },
    });
    expect(slug(wrong)).toBe('invalid-credentials');
    expect(await get(`EMAIL#${c.email}`, 'EMAIL')).toMatchObject({ failures: 1 });
    expect(await signIn(c.email, c.password)).toBeTruthy();
    expect(await get(`EMAIL#${c.email}`, 'EMAIL')).toMatchObject({ failures: 0 });
  });
});

describe('profile saved without reading first', () => {
  it('a second save, and a second with another NIK, plan again from the refused write', async () => {
    const c = await registerCitizen();
    const put = (body: unknown) => call('PUT', '/v1/me/profile', { token: c.token, body });
    const first = randomIdentity();
    expect((await put(profileBody(first))).status).toBe(200);
    const createdAt = (await get(`ACCOUNT#${c.accountId}`, 'PROFILE'))?.createdAt;
    expect((await put(profileBody(first, { workStatus: 'laid_off' }))).body.workStatus).toBe('laid_off');
    const second = randomIdentity();
    expect((await put(profileBody(second))).status).toBe(200);
    const stored = await get(`ACCOUNT#${c.accountId}`, 'PROFILE');
    expect(stored?.createdAt).toBe(createdAt);
    expect(stored?.nikMasked.slice(-4)).toBe(second.nik.slice(-4));
  });
});

describe('join with the wave cached per container', () => {
  const hours = (h: number) => new Date(Date.now() + h * 3_600_000).toISOString();

  it('a wave cached while open still closes on time, and a second join is refused', async () => {
    const wave = await call('POST', '/v1/admin/waves', {
      token: await adminToken(),
      body: waveBody({ name: 'Gelombang cache', opensAt: hours(-1), closesAt: hours(0.5), quota: 10 }),
    });
    expect(wave.status).toBe(201);
    const join = (token: string) => call('POST', `/v1/me/waves/${wave.body.waveId}/join`, { token });
    const [early, late] = await Promise.all([registerCitizen(), registerCitizen()]);
    for (const c of [early, late])
      expect(
        (await call('PUT', '/v1/me/profile', { token: c.token, body: profileBody(randomIdentity()) })).status,
      ).toBe(200);
    // The first join caches the wave; the same container then sees the clock pass closesAt.
    expect((await join(early.token)).status).toBe(201);
    expect(slug(await join(early.token))).toBe('already-joined');
    // Past closesAt, within the tokens' hour.
    await call('POST', '/_local/clock', { body: { now: hours(0.7) } });
    const refused = await join(late.token);
    expect(refused.status).toBe(409);
    expect(slug(refused)).toBe('wave-not-open');
    expect(await get(`ACCOUNT#${late.accountId}`, `APPLICATION#${wave.body.waveId}`)).toBeUndefined();
  });
});
