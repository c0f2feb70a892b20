import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { type RegistryCheck, registryCheck } from '#contexts/registry/items.ts';
import { application, wave as waveItem } from '#contexts/waves/items.ts';
import type { Wave } from '#contexts/waves/rules/waves.ts';
import type { StackInfo } from '#local/stack.ts';
import { NO_DECLARATIONS } from '#scripts/lib/nik.ts';

// Synthetic applicants written straight into a stack's DynamoDB Local, as the join
// route would have written them: for waves too large to register over HTTP in a test
// (and for the selection benchmark). Deterministic from a generator seed, so two
// stacks can hold the very same applicants.

export const PROVINCES = ['11', '12', '13', '31', '32', '33', '34', '35', '51', '73'];

export interface SyntheticApplicant {
  accountId: string;
  nik: string;
  kk: string;
  provinceCode: string;
  birthDate: string;
}

/** mulberry32: a small seeded PRNG, enough to make test data reproducible. */
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function syntheticApplicants(
  count: number,
  options: { seed?: number; familySize?: number; provinces?: string[] } = {},
): SyntheticApplicant[] {
  const random = prng(options.seed ?? 1);
  const hex = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
  const digits = (n: number) => Array.from({ length: n }, () => Math.floor(random() * 10)).join('');
  const provinces = options.provinces ?? PROVINCES;
  const familySize = options.familySize ?? 1;
  const applicants: SyntheticApplicant[] = [];
  let kk = '';
  for (let i = 0; i < count; i++) {
    if (i % familySize === 0) kk = `3201${digits(12)}`;
    const provinceCode = provinces[Math.floor(random() * provinces.length)]!;
    applicants.push({
      accountId: `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`,
      nik: `${provinceCode}${digits(14)}`,
      kk,
      provinceCode,
      birthDate: `19${70 + Math.floor(random() * 30)}-0${1 + Math.floor(random() * 9)}-1${Math.floor(random() * 9)}`,
    });
  }
  return applicants;
}

export function documentClient(stack: StackInfo) {
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: stack.dynamoEndpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 10,
    }),
  );
}

/** The stack's keyed hash, as platform/crypto.ts computes it, from the stack's key file. */
export function stackLookupHash(stackDir: string) {
  const { lookupKey } = JSON.parse(readFileSync(join(stackDir, 'keys.json'), 'utf8')) as {
    lookupKey: string;
  };
  return (kind: 'nik' | 'kk', value: string) =>
    createHmac('sha256', Buffer.from(lookupKey, 'base64')).update(`${kind}:${value}`).digest('base64url');
}

export const stackDirOf = (logFile: string) => dirname(logFile);

/** A citizen's civil-registry check as the table holds it (strongly consistent). */
export async function registryCheckOf(
  stack: StackInfo,
  accountId: string,
): Promise<RegistryCheck | undefined> {
  const out = await documentClient(stack).send(
    new GetCommand({
      TableName: stack.tableName,
      Key: registryCheck.key({ accountId }),
      ConsistentRead: true,
    }),
  );
  return registryCheck.parse(out.Item);
}

/** A closed wave, written as the create route would (closing time in the past). */
export async function putClosedWave(stack: StackInfo, wave: Partial<Wave> & Pick<Wave, 'waveId' | 'quota'>) {
  const closesAt = new Date(Date.now() - 60_000).toISOString();
  const item: Wave = {
    name: `Synthetic ${wave.waveId}`,
    opensAt: new Date(Date.now() - 86_400_000).toISOString(),
    closesAt,
    reservedQuota: 0,
    purchaseDeadlineDays: 30,
    minAge: 18,
    excludeOtherAidRecipients: true,
    scheme: {
      trainingBalanceIdr: 1_000_000,
      incentiveIdr: 600_000,
      incentiveMonths: 4,
      surveyIncentiveIdr: 50_000,
      surveyCount: 3,
    },
    createdAt: closesAt,
    createdBy: 'test',
    ...wave,
  };
  await documentClient(stack).send(
    new PutCommand({
      TableName: stack.tableName,
      Item: waveItem.item(item),
    }),
  );
  return item;
}

/** Writes the applications of `applicants` to `waveId`, with each one's civil-registry
 *  check VERIFIED as the check's consumer would have left it, 25 to a batch, 8 batches in
 *  flight. */
export async function loadApplicants(
  stack: StackInfo,
  stackDir: string,
  waveId: string,
  applicants: SyntheticApplicant[],
): Promise<void> {
  const client = documentClient(stack);
  const hash = stackLookupHash(stackDir);
  const now = new Date().toISOString();
  const checks = applicants.map((a) =>
    registryCheck.item({
      accountId: a.accountId,
      checkId: `synthetic-${a.accountId}`,
      nikHash: hash('nik', a.nik),
      birthDate: a.birthDate,
      status: 'VERIFIED',
      result: 'match',
      attempts: 1,
      requestedAt: now,
      checkedAt: now,
    }),
  );
  const applications = applicants.map((a) =>
    application.item({
      accountId: a.accountId,
      waveId,
      joinedAt: new Date().toISOString(),
      email: `${a.accountId}@example.com`,
      phone: `+628${a.nik.slice(6, 16)}`,
      nikHash: hash('nik', a.nik),
      kkHash: hash('kk', a.kk),
      birthDate: a.birthDate,
      gender: 'M',
      provinceCode: a.provinceCode,
      workStatus: 'unemployed',
      declarations: NO_DECLARATIONS,
    }),
  );
  const items = [...applications, ...checks];
  const batches: (typeof items)[] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      let requests: unknown[] = batches[next++]!.map((Item) => ({ PutRequest: { Item } }));
      while (requests.length) {
        const out = await client.send(
          new BatchWriteCommand({ RequestItems: { [stack.tableName]: requests as never } }),
        );
        requests = out.UnprocessedItems?.[stack.tableName] ?? [];
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}
