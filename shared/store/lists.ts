import { randomUUID } from 'node:crypto';
import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { lookupHash } from '#shared/crypto.ts';
import type { NikFlags } from '#shared/domain/screening.ts';
import { db, tableName } from '#shared/store/client.ts';
import type { RawItem } from '#shared/store/item.ts';
import { listFlag, participation, priorityFlag } from '#shared/store/items.ts';

// Lists imported from other agencies, keyed by the NIK's keyed hash: the table never
// holds a listed NIK in clear. Everything known about one NIK is in one partition, so
// selection reads a NIK's flags with one Query. A flag is `list:<name>` for exclusion
// lists and `priority:<name>` for priority lists.
export type Flag = `list:${string}` | `priority:${string}`;

// The sort key carries the flag: `LIST#<name>` or `PRIORITY#<name>` (store/items.ts).
const FLAG_ITEMS = { list: listFlag, priority: priorityFlag } as const;

const CHUNK = 25; // BatchWriteItem's limit
const IN_FLIGHT = 8;
const MAX_TRIES = 8;

/** Writes one flag per distinct NIK; re-importing a NIK overwrites its flag. */
export async function importFlags(flag: Flag, niks: string[], now: Date): Promise<number> {
  const [kind, list] = flag.split(':') as [keyof typeof FLAG_ITEMS, string];
  const distinct = [...new Set(niks)];
  const batchId = randomUUID();
  const importedAt = now.toISOString();
  const items = await Promise.all(
    distinct.map(async (nik) =>
      FLAG_ITEMS[kind].item({ list, importedAt, batchId }, { nikHash: await lookupHash('nik', nik), list }),
    ),
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

async function writeChunk(items: RawItem[]): Promise<void> {
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

/** Everything flagged on one NIK (by its keyed hash), for screening: one Query. */
export async function nikFlags(nikHash: string): Promise<NikFlags> {
  const out = await db().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': participation.key({ nikHash }).PK },
      // The flag is in the key; only the participation marker has more to say.
      ProjectionExpression: 'PK, SK, waveId',
    }),
  );
  const flags: NikFlags = { lists: [], priorities: [] };
  for (const item of out.Items ?? []) {
    if (participation.matches(item)) flags.participatedIn = participation.parse(item).waveId;
    else if (listFlag.matches(item)) flags.lists.push(listFlag.partsOf(item).list);
    else if (priorityFlag.matches(item)) flags.priorities.push(priorityFlag.partsOf(item).list);
  }
  return flags;
}
