// The baselines of bench:registration, measured in the same run against the same DynamoDB
// Local, straight from this process: no HTTP, no handler, no validation.
// - `minimalCitizen`: the minimal work for the same business outcome, one citizen: the
//   same items written with the same conditions, and only the reads the outcome needs,
//   as plain commands (not through the store functions, so a store that does more than
//   this shows in the ratio). Eight calls: the registration transaction (the email's code
//   only: the phone is verified when it is first needed, after selection); the email
//   marker (it names the account and judges the code) and the transaction that verifies
//   the email and makes the account permanent; the sign-in claim, which reads what the
//   password check needs, and its reset; the profile
//   transaction; the account's partition and the join transaction (the wave is read once,
//   as the join route caches it). With `hashing`, the same scrypt calls as the route (one
//   hash at registration, one check at sign-in).
// - `putsPerSecond`: the raw engine rate, single-item puts at the same concurrency.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { REGISTRY_QUEUE } from '#contexts/registry/queues.ts';
import { profileCopy } from '#contexts/waves/items.ts';
import type { SpawnedStack } from '#local/spawn-stack.ts';
import { queueUrlVariable } from '#platform/config.ts';
import { profileBody, randomIdentity } from '#scripts/lib/nik.ts';
import { treeCpuMs } from '#test/bench/process-cpu.ts';
import { round, runPool } from '#test/bench/stats.ts';

export const MINIMAL_CALLS = 8;
const PASSWORD = 'correct horse battery';
/** Each baseline citizen's own phone number, across every run of this process. */
let phones = 0;

export async function rawBaseline(stack: SpawnedStack, waveId: string) {
  const keys = JSON.parse(readFileSync(join(stack.dir, 'keys.json'), 'utf8'));
  Object.assign(process.env, {
    TABLE_NAME: stack.info.tableName,
    DYNAMODB_ENDPOINT: stack.info.dynamoEndpoint,
    JWT_KEY: keys.jwtKey,
    LOOKUP_KEY: keys.lookupKey,
    DATA_KEY: keys.dataKey,
    // The profile's civil-registry check goes on its queue, as the route sends it.
    SQS_ENDPOINT: stack.info.sqsEndpoint,
    [queueUrlVariable(REGISTRY_QUEUE)]: stack.info.queues[REGISTRY_QUEUE]!.url,
  });
  // Imported once the environment names the stack's table and keys.
  const { encrypt, hashCode, hashPassword, lookupHash, verifyPassword } = await import('#platform/crypto.ts');
  const { issueToken } = await import('#platform/http/auth.ts');
  const { maskKk, maskNik } = await import('#contexts/accounts/rules/nik.ts');
  const { UNVERIFIED_ACCOUNT_TTL_S } = await import('#contexts/accounts/rules/accounts.ts');
  const { codeSalt, issueCode } = await import('#contexts/accounts/store/accounts.ts');
  const items = await import('#contexts/items.ts');
  const { outboxPut } = await import('#contexts/notifications/store/outbox.ts');
  const { getWave, insertApplication, JoinMoved } = await import('#contexts/waves/store/waves.ts');
  const { enqueueChecks, joinCheckWrites, startCheck } = await import('#contexts/registry/store/checks.ts');
  const { joinPlan } = await import('#contexts/registry/rules/pending.ts');
  const { withInvocation } = await import('#platform/observability.ts');
  const { meterCalls } = await import('#platform/store/capacity.ts');

  const TableName = stack.info.tableName;
  const client = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: stack.info.dynamoEndpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 5,
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  // Its calls and capacity count into the running citizen's invocation, as a handler's do
  // (the store's own client, which the join's transaction goes through, does the same).
  meterCalls(client);
  const transact = (TransactItems: NonNullable<TransactWriteCommand['input']['TransactItems']>) =>
    client.send(new TransactWriteCommand({ TransactItems }));
  const wave = (await getWave(waveId))!;
  const active = (accountId: string, nowS: number) => ({
    ConditionCheck: {
      TableName,
      Key: items.account.key({ accountId }),
      ConditionExpression:
        'attribute_exists(PK) AND emailVerified = :true AND (attribute_not_exists(disabled) OR disabled = :false) AND (attribute_not_exists(expiresAtEpoch) OR expiresAtEpoch > :now)',
      ExpressionAttributeValues: { ':true': true, ':false': false, ':now': nowS },
    },
  });

  async function minimalCitizen(i: number, hashing: boolean): Promise<void> {
    const now = new Date();
    const t = now.getTime();
    const nowS = Math.floor(t / 1000);
    const accountId = randomUUID();
    const email = `raw-${i}-${accountId}@example.com`;
    const phone = `+6287${String(phones++).padStart(9, '0')}`;
    const passwordHash = hashing ? await hashPassword(PASSWORD) : 'scrypt$bm90$aGFzaGVk';
    const codes = { email: issueCode(t, codeSalt(email, 'email')) };
    const expiresAtEpoch = nowS + UNVERIFIED_ACCOUNT_TTL_S;
    const free = {
      ConditionExpression: 'attribute_not_exists(PK) OR expiresAtEpoch <= :now',
      ExpressionAttributeValues: { ':now': nowS },
    };
    const flags = { emailVerified: false, phoneVerified: false };
    // 1. The account, its two markers and the email's code message.
    await transact([
      {
        Put: {
          TableName,
          Item: items.emailMarker.item(
            {
              accountId,
              expiresAtEpoch,
              passwordHash,
              role: 'citizen',
              phone,
              ...flags,
              codes: { email: codes.email.stored },
            },
            { email },
          ),
          ...free,
        },
      },
      { Put: { TableName, Item: items.phoneMarker.item({ accountId, expiresAtEpoch }, { phone }), ...free } },
      {
        Put: {
          TableName,
          Item: items.account.item({
            accountId,
            fullName: 'Warga Raw',
            email,
            phone,
            passwordHash,
            role: 'citizen',
            ...flags,
            createdAt: now.toISOString(),
            expiresAtEpoch,
          }),
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      outboxPut({ to: email, channel: 'email', template: 'verify-email', code: codes.email.code }, now),
    ]);
    // 2-3. The email: the marker names the account, one transaction verifies the email
    // (the code's rules its condition) and removes the expiry of the three items.
    const marker = await client.send(
      new GetCommand({ TableName, Key: items.emailMarker.key({ email }), ConsistentRead: true }),
    );
    const id = marker.Item!.accountId as string;
    await transact([
      {
        Update: {
          TableName,
          Key: items.emailMarker.key({ email }),
          UpdateExpression: 'SET emailVerified = :true REMOVE codes.#c, expiresAtEpoch',
          ConditionExpression:
            'attribute_exists(accountId) AND (attribute_not_exists(expiresAtEpoch) OR expiresAtEpoch > :now) AND codes.#c.#h = :hash AND codes.#c.attempts < :max AND codes.#c.expiresAt >= :nowMs AND accountId = :me AND (attribute_not_exists(emailVerified) OR emailVerified <> :true)',
          ExpressionAttributeNames: { '#c': 'email', '#h': 'hash' },
          ExpressionAttributeValues: {
            ':hash': hashCode(codes.email.code, codeSalt(email, 'email')),
            ':max': 5,
            ':nowMs': t,
            ':now': nowS,
            ':true': true,
            ':me': id,
          },
        },
      },
      {
        Update: {
          TableName,
          Key: items.account.key({ accountId: id }),
          UpdateExpression: 'SET emailVerified = :true REMOVE expiresAtEpoch',
          ConditionExpression:
            'attribute_exists(PK) AND (attribute_not_exists(expiresAtEpoch) OR expiresAtEpoch > :now)',
          ExpressionAttributeValues: { ':true': true, ':now': nowS },
        },
      },
      {
        Update: {
          TableName,
          Key: items.phoneMarker.key({ phone: marker.Item!.phone as string }),
          UpdateExpression: 'REMOVE expiresAtEpoch',
          ConditionExpression: 'accountId = :me',
          ExpressionAttributeValues: { ':me': id },
        },
      },
    ]);
    // 4-5. Sign-in: the back-off's claim on the marker returns what the check needs; the
    // right password starts the count again.
    const claim = await client.send(
      new UpdateCommand({
        TableName,
        Key: items.emailMarker.key({ email }),
        UpdateExpression:
          'SET failures = if_not_exists(failures, :zero) + :one, v = if_not_exists(v, :zero) + :one, forgetAt = :forget',
        ConditionExpression:
          'attribute_exists(accountId) AND (attribute_not_exists(failures) OR failures < :quick) AND (attribute_not_exists(lockedUntil) OR lockedUntil <= :t)',
        ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':quick': 4, ':t': t, ':forget': t + 86_400_000 },
        ReturnValues: 'ALL_NEW',
      }),
    );
    if (hashing && !(await verifyPassword(PASSWORD, claim.Attributes!.passwordHash as string)))
      throw new Error('the baseline hashed a password it cannot check');
    await client.send(
      new UpdateCommand({
        TableName,
        Key: items.emailMarker.key({ email }),
        UpdateExpression: 'SET failures = :zero, lockedUntil = :zero, v = v + :one',
        ExpressionAttributeValues: { ':zero': 0, ':one': 1 },
      }),
    );
    await issueToken({ accountId, role: 'citizen' });
    // 6. Profile: the account active, the NIK marker claimed, the profile written.
    const body = profileBody(randomIdentity());
    const { nik, kk, ...personal } = body;
    const [nikHash, kkHash, nikSealed, kkSealed] = await Promise.all([
      lookupHash('nik', nik),
      lookupHash('kk', kk),
      encrypt(nik),
      encrypt(kk),
    ]);
    // The civil-registry check starts pending in the profile's transaction, then is queued.
    const check = startCheck(accountId, { nikHash, birthDate: personal.birthDate }, now);
    await transact([
      active(accountId, nowS),
      check.write,
      {
        Put: {
          TableName,
          Item: items.nikMarker.item({ accountId }, { nikHash }),
          ConditionExpression: 'attribute_not_exists(PK) OR accountId = :me',
          ExpressionAttributeValues: { ':me': accountId },
        },
      },
      {
        Put: {
          TableName,
          Item: items.profile.item({
            ...personal,
            accountId,
            nikSealed,
            nikHash,
            nikMasked: maskNik(nik),
            kkSealed,
            kkHash,
            kkMasked: maskKk(kk),
            updatedAt: now.toISOString(),
            createdAt: now.toISOString(),
          }),
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
    ]);
    await enqueueChecks([check.message]);
    // 7-8. Join: the account's partition, then the application's transaction, which marks
    // the wave on the pending check (the draw waits for it).
    // A check answered between the read and the write moves it: read again, as the route does.
    for (let attempt = 1; ; attempt++) {
      try {
        const partition = await client.send(
          new QueryCommand({
            TableName,
            KeyConditionExpression: 'PK = :pk',
            ExpressionAttributeValues: { ':pk': items.account.key({ accountId }).PK },
            ConsistentRead: true,
          }),
        );
        const profile = items.profile.parse(partition.Items!.find((item) => item.SK === 'PROFILE'));
        const seen = items.registryCheck.parse(
          partition.Items!.find((item) => items.registryCheck.matches(item)),
        );
        const plan = joinPlan(seen && { ...seen, waves: seen.waves ?? new Set() });
        const checkWrites = joinCheckWrites(plan, accountId, wave.waveId, profile!, now);
        await insertApplication(
          {
            accountId,
            waveId: wave.waveId,
            joinedAt: now.toISOString(),
            email,
            phone,
            ...profileCopy(profile!),
          },
          [],
          { profileUpdatedAt: profile!.updatedAt, check: checkWrites.writes },
        );
        return;
      } catch (error) {
        if (!(error instanceof JoinMoved) || attempt >= 3) throw error;
      }
    }
  }

  /** Citizens per second of the minimal work, after `warmUp` untimed ones; and per
   *  citizen, its DynamoDB calls and the capacity DynamoDB would bill. */
  async function citizensPerSecond(n: number, concurrency: number, hashing: boolean, warmUp: number) {
    await runPool(warmUp, concurrency, (i) => minimalCitizen(i, hashing));
    const sum = { calls: 0, billedWrite: 0, billedRead: 0 };
    const cpu = treeCpuMs();
    const started = performance.now();
    await runPool(n, concurrency, async (i) => {
      const { invocation, result } = withInvocation(() => minimalCitizen(i, hashing));
      await result;
      sum.calls += invocation.calls;
      sum.billedWrite += invocation.billedWrite;
      sum.billedRead += invocation.billedRead;
    });
    const seconds = (performance.now() - started) / 1000;
    const cpuMs = cpu === undefined ? undefined : treeCpuMs()! - cpu;
    return {
      perSecond: round(n / seconds),
      cpuMsPerCitizen: cpuMs === undefined ? null : round(cpuMs / n),
      callsPerCitizen: round(sum.calls / n, 2),
      billedWriteUnits: round(sum.billedWrite / n, 2),
      billedReadUnits: round(sum.billedRead / n, 2),
    };
  }

  /** The raw engine: single-item puts (about an account's size) at `concurrency`. */
  async function putsPerSecond(n: number, concurrency: number) {
    const put = async (i: number) => {
      await client.send(
        new PutCommand({
          TableName,
          Item: { PK: `RAWPUT#${i}#${randomUUID()}`, SK: 'X', pad: 'x'.repeat(600) },
        }),
      );
    };
    await runPool(200, concurrency, put);
    const started = performance.now();
    await runPool(n, concurrency, put);
    return round(n / ((performance.now() - started) / 1000));
  }

  return { minimalCitizen, citizensPerSecond, putsPerSecond };
}
