import { randomUUID } from 'node:crypto';
import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { lookupHash } from '#shared/crypto.ts';
import type { NikFlags } from '#shared/domain/screening.ts';
import { db, tableName } from '#shared/store/client.ts';

// Lists imported from other agencies, keyed by the NIK's keyed hash: the table never
// holds a listed NIK in clear. Everything known about one NIK is in one partition, so
// selection reads a NIK's flags with one Query. A flag is `list:<name>` for exclusion
// lists and `priority:<name>` for priority lists.
export type Flag = `list:${string}` | `priority:${string}`;

// The sort key carries the flag: `LIST#<name>` or `PRIORITY#<name>`.
const KIND_TO_SK = { list: 'LIST', priority: 'PRIORITY' } as const;
const SK_TO_KIND: Record<string, keyof typeof KIND_TO_SK> = { LIST: 'list', PRIORITY: 'priority' };

const CHUNK = 25; // BatchWriteItem's limit
const IN_FLIGHT = 8;
const MAX_TRIES = 8;

/** Writes one flag per distinct NIK; re-importing a NIK overwrites its flag. */
export async function importFlags(flag: Flag, niks: string[], now: Date): Promise<number> {
  const [kind, list] = flag.split(':') as [keyof typeof KIND_TO_SK, string];
  const distinct = [...new Set(niks)];
  const batchId = randomUUID();
  const importedAt = now.toISOString();
  const items = await Promise.all(
    distinct.map(async (nik) => ({
      PK: `NIKFLAG#${await lookupHash('nik', nik)}`,
      SK: `${KIND_TO_SK[kind]}#${list}`,
      type: 'NikFlag',
      list,
      importedAt,
      batchId,
    })),
  );
  const chunks: (typeof items)[] = [];
  for (let i = 0; i < items.length; i += CHUNK) chunks.push(items.slice(i, i + CHUNK));
  // A few chunks in flight at once; after a failure the other workers stop taking chunks.
  let next = 0;
  let failed = false;
  const worker = async () => {
    try {
      while (!failed && next < chunks.length) await writeChunk(chunks[next++]!);
    } catch (error) {
      failed = true;
      throw error;
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return distinct.length;
}

async function writeChunk(items: Record<string, unknown>[]): Promise<void> {
  let requests = items.map((Item) => ({ PutRequest: { Item } }));
  for (let attempt = 1; requests.length; attempt++) {
    const out = await db().send(new BatchWriteCommand({ RequestItems: { [tableName()]: requests } }));
    requests = (out.UnprocessedItems?.[tableName()] ?? []) as typeof requests;
    if (!requests.length) return;
    // Unprocessed items are throttling: back off, and fail loudly rather than lose a flag.
    if (attempt >= MAX_TRIES)
      throw new Error(`${requests.length} list entries unprocessed after ${attempt} tries`);
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 50 * 2 ** attempt));
  }
}

/** The participation marker: written by the transaction that makes a NIK a participant,
 *  on condition that it is not there, so a NIK can never be selected twice. */
export const participationKey = (nikHash: string) => ({ PK: `NIKFLAG#${nikHash}`, SK: 'PARTICIPANT' });

/** Everything flagged on one NIK (by its keyed hash), for screening: one Query. */
export async function nikFlags(nikHash: string): Promise<NikFlags> {
  const out = await db().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': `NIKFLAG#${nikHash}` },
      ProjectionExpression: 'SK, waveId',
    }),
  );
  const flags: NikFlags = { lists: [], priorities: [] };
  for (const item of out.Items ?? []) {
    const [prefix, name] = (item.SK as string).split('#') as [string, string | undefined];
    if (prefix === 'PARTICIPANT') flags.participatedIn = item.waveId as string;
    else if (SK_TO_KIND[prefix] === 'list' && name) flags.lists.push(name);
    else if (SK_TO_KIND[prefix] === 'priority' && name) flags.priorities.push(name);
  }
  return flags;
}
