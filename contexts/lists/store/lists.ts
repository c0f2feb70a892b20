import { randomUUID } from 'node:crypto';
import { BatchWriteCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { listFlag, participation, priorityFlag } from '#contexts/lists/items.ts';
import { EXCLUSION_LISTS } from '#contexts/lists/rules/lists.ts';
import type { NikFlags } from '#contexts/selection/rules/screening.ts';
import { lookupHash } from '#platform/crypto.ts';
import { getMany } from '#platform/store/batch.ts';
import { db, tableName } from '#platform/store/client.ts';
import type { RawItem } from '#platform/store/item.ts';

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

/** The priority lists a NIK can be on. */
export const PRIORITY_LISTS = ['laid-off'] as const;

/**
 * The flags of many NIKs at once, for a page of screening: every key a NIK can have is
 * known (each exclusion list, each priority list, the participation marker), so they are
 * read by BatchGetItem, 100 keys a request, instead of one Query per NIK.
 */
export async function nikFlagsOf(
  nikHashes: string[],
  lists: readonly string[] = EXCLUSION_LISTS,
): Promise<Map<string, NikFlags>> {
  const distinct = [...new Set(nikHashes)];
  const flags = new Map(distinct.map((h) => [h, { lists: [], priorities: [] } as NikFlags]));
  const keys = distinct.flatMap((nikHash) => [
    ...lists.map((list) => listFlag.key({ nikHash, list })),
    ...PRIORITY_LISTS.map((list) => priorityFlag.key({ nikHash, list })),
    participation.key({ nikHash }),
  ]);
  // Lists are imported before a selection starts: an eventually consistent read will do.
  const items = await getMany(keys, { consistent: false, inFlight: 8, projection: 'PK, SK, waveId' });
  for (const item of items) {
    const nik = flags.get(participation.partsOf(item).nikHash)!;
    if (participation.matches(item)) nik.participatedIn = participation.parse(item).waveId;
    else if (listFlag.matches(item)) nik.lists.push(listFlag.partsOf(item).list);
    else if (priorityFlag.matches(item)) nik.priorities.push(priorityFlag.partsOf(item).list);
  }
  return flags;
}
