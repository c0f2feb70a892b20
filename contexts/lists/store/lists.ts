import { randomUUID } from 'node:crypto';
import { nikFlags } from '#contexts/lists/items.ts';
import type { NikFlags } from '#contexts/selection/rules/screening.ts';
import { lookupHash } from '#platform/crypto.ts';
import { getMany } from '#platform/store/batch.ts';
import { tableName } from '#platform/store/client.ts';
import { transact } from '#platform/store/transact.ts';

// Lists imported from other agencies, keyed by the NIK's keyed hash: the table never
// holds a listed NIK in clear. Everything known about one NIK is ONE item (items.ts
// `nikFlags`), so screening reads one item per applicant. A flag is `list:<name>` for
// exclusion lists and `priority:<name>` for priority lists.
export type Flag = `list:${string}` | `priority:${string}`;

// The set attribute each kind of flag is added to.
const SET_OF = { list: 'lists', priority: 'priorities' } as const;

// No batch update exists: 100 updates go in one transaction (TransactWriteItems' limit),
// two in flight. A transaction bills 2 WCU an item against a lone update's 1, but a
// 10,000-NIK import is 100 calls instead of 10,000: well inside a request's 30 s even on a
// loaded machine, where per-call overhead, not the engine, is what runs out. Two, not
// more: DynamoDB Local runs transactions one at a time (10,000 NIKs took 5.7 s with one in
// flight, 6.0 with two, 6.1-6.3 with 4 to 16), so more only add conflicts to retry; on
// AWS two finish 100 transactions in a few seconds.
const CHUNK = 100;
const IN_FLIGHT = 2;

/**
 * Adds `flag` to every distinct NIK's flags item: ADD to a string set, so importing a
 * NIK again (or the same list twice) leaves one item with the list named once; only the
 * stamp (`importedAt`, `batchId`) moves. An import never removes a NIK from a list.
 */
export async function importFlags(flag: Flag, niks: string[], now: Date): Promise<number> {
  const [kind, list] = flag.split(':') as [keyof typeof SET_OF, string];
  const distinct = [...new Set(niks)];
  const stamp = { importedAt: now.toISOString(), batchId: randomUUID() };
  const chunks: string[][] = [];
  for (let i = 0; i < distinct.length; i += CHUNK) chunks.push(distinct.slice(i, i + CHUNK));
  let next = 0;
  let failed = false;
  // After a failure the other workers stop taking chunks; the import is repeatable.
  const worker = async () => {
    try {
      while (!failed && next < chunks.length) {
        const hashes = await Promise.all(chunks[next++]!.map((nik) => lookupHash('nik', nik)));
        // A concurrent write to one of these NIKs (another import, a revocation) is a
        // conflict `transact` retries with backoff.
        await transact(hashes.map((h) => ({ Update: addFlagUpdate(h, SET_OF[kind], list, stamp) })));
      }
    } catch (error) {
      failed = true;
      throw error;
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, chunks.length) }, worker));
  return distinct.length;
}

/** The update that adds `list` to a NIK's flags item (also used inside a transaction). */
export function addFlagUpdate(
  nikHash: string,
  set: 'lists' | 'priorities',
  list: string,
  stamp: { importedAt: string; batchId: string },
) {
  return {
    TableName: tableName(),
    Key: nikFlags.key({ nikHash }),
    UpdateExpression: 'ADD #set :list SET #type = :type, importedAt = :at, batchId = :batch',
    ExpressionAttributeNames: { '#set': set, '#type': 'type' },
    ExpressionAttributeValues: {
      ':list': new Set([list]),
      ':type': nikFlags.type,
      ':at': stamp.importedAt,
      ':batch': stamp.batchId,
    },
  };
}

/** What screening needs from a flags item (absent: on no list, never a participant). */
export function flagsOf(raw: Record<string, unknown> | undefined): NikFlags {
  const item = nikFlags.parse(raw);
  return {
    lists: [...(item?.lists ?? [])],
    priorities: [...(item?.priorities ?? [])],
    ...(item?.participatedIn ? { participatedIn: item.participatedIn } : {}),
  };
}

/**
 * The flags of many NIKs at once, for a page of screening: ONE item per NIK, read by
 * BatchGetItem, 100 keys a request.
 */
export async function nikFlagsOf(nikHashes: string[]): Promise<Map<string, NikFlags>> {
  const distinct = [...new Set(nikHashes)];
  // Lists are imported before a selection starts: an eventually consistent read will do.
  const items = await getMany(
    distinct.map((nikHash) => nikFlags.key({ nikHash })),
    { consistent: false, inFlight: 8, projection: 'PK, SK, lists, priorities, participatedIn' },
  );
  const found = new Map(items.map((item) => [nikFlags.partsOf(item).nikHash, item]));
  return new Map(distinct.map((h) => [h, flagsOf(found.get(h))]));
}
