// The baseline of bench:registration: the same DynamoDB reads and writes per citizen,
// through the same store functions, straight to DynamoDB Local: no HTTP, no handler,
// no validation, no JWT and no scrypt.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { round, runPool } from '#test/bench/stats.ts';
import { profileBody, randomIdentity } from '#test/support/nik.ts';
import type { SpawnedStack } from '#test/support/spawn-stack.ts';

export async function measureRaw(stack: SpawnedStack, waveId: string, n: number, concurrency: number) {
  const keys = JSON.parse(readFileSync(join(stack.dir, 'keys.json'), 'utf8'));
  Object.assign(process.env, {
    TABLE_NAME: stack.info.tableName,
    DYNAMODB_ENDPOINT: stack.info.dynamoEndpoint,
    JWT_KEY: keys.jwtKey,
    LOOKUP_KEY: keys.lookupKey,
    DATA_KEY: keys.dataKey,
  });
  const { codeMessage, findAccountByEmail, insertAccount, issueCode, markVerified } = await import(
    '#shared/store/accounts.ts'
  );
  const { accountItems, saveProfile } = await import('#shared/store/profiles.ts');
  const { pick } = await import('#shared/store/item.ts');
  const { profile: profileItem } = await import('#shared/store/items.ts');
  const { getWave, insertApplication } = await import('#shared/store/waves.ts');

  const started = performance.now();
  await runPool(n, concurrency, async (i) => {
    const now = new Date();
    const email = `raw-${i}-${randomUUID()}@example.com`;
    const emailCode = issueCode(now.getTime());
    const phoneCode = issueCode(now.getTime());
    const account = {
      accountId: randomUUID(),
      fullName: 'Warga Raw',
      email,
      phone: `+6287${String(i).padStart(9, '0')}`,
      passwordHash: 'scrypt$not$hashed-in-the-baseline',
      role: 'citizen' as const,
      emailVerified: false,
      phoneVerified: false,
      createdAt: now.toISOString(),
      codes: { email: emailCode.stored, phone: phoneCode.stored },
    };
    await insertAccount(
      account,
      [codeMessage(account, 'email', emailCode.code), codeMessage(account, 'phone', phoneCode.code)],
      now,
    );
    await markVerified((await findAccountByEmail(email, now))!, 'email', emailCode.stored.hash, now);
    await markVerified((await findAccountByEmail(email, now))!, 'phone', phoneCode.stored.hash, now);
    await findAccountByEmail(email, now);
    const { nik, kk, ...rest } = profileBody(randomIdentity());
    const profile = { nik, kk, ...rest } as Parameters<typeof saveProfile>[1];
    await saveProfile(account.accountId, profile, now);
    const [items] = await Promise.all([accountItems(account.accountId), getWave(waveId)]);
    const stored = pick(items, profileItem)!;
    const { birthDate, gender, provinceCode, workStatus, declarations } = profile;
    await insertApplication({
      birthDate,
      gender,
      provinceCode,
      workStatus,
      declarations,
      accountId: account.accountId,
      waveId,
      joinedAt: now.toISOString(),
      email,
      phone: account.phone,
      nikHash: stored.nikHash,
      kkHash: stored.kkHash,
    });
  });
  const seconds = (performance.now() - started) / 1000;
  return { rawPerSecond: round(n / seconds) };
}
