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
// 10,000-NIK import is 100 calls instead of 10,000, and on the local engine less CPU in all
// (3.6 s against 7 s for 10,000 NIKs). Two, not more: DynamoDB Local runs transactions one
// at a time (10,000 NIKs took 5.7 s with one in flight, 6.0 with two, 6.1-6.3 with 4 to 16),
// so more only add conflicts to retry; on AWS two finish 100 transactions in a few seconds.
const CHUNK = 100;
const IN_FLIGHT = 2;

export interface ImportOutcome {
  /** Distinct NIKs now on the list from this call (already there or written by it). */
  imported: number;
  /** False when it stopped short (`stop` said so): a repeat of the call does the rest. */
  complete: boolean;
}

/**
 * Adds `flag` to every distinct NIK's flags item: ADD to a string set, so importing a
 * NIK again (or the same list twice) leaves one item with the list named once. Each chunk's
 * items are read first and only the NIKs not yet on the list are written (stamped with
 * this call's `importedAt` and `batchId`): a list sent again (agencies send whole lists)
 * costs reads, and a call repeated after stopping short writes only what it had not done.
 * `stop(chunksDone)` is asked after each chunk; once it says yes no chunk is started (those
 * in flight finish). An import never removes a NIK from a list.
 */
export async function importFlags(
  flag: Flag,
  niks: string[],
  now: Date,
  stop: (chunksDone: number) => boolean = () => false,
): Promise<ImportOutcome> {
  const [kind, list] = flag.split(':') as [keyof typeof SET_OF, string];
  const set = SET_OF[kind];
  const distinct = [...new Set(niks)];
  const stamp = { importedAt: now.toISOString(), batchId: randomUUID() };
  const chunks: string[][] = [];
  for (let i = 0; i < distinct.length; i += CHUNK) chunks.push(distinct.slice(i, i + CHUNK));
  let next = 0;
  let done = 0;
  let imported = 0;
  let stopped = false;
  // After a failure the other workers stop taking chunks too; the import is repeatable.
  const worker = async () => {
    try {
      while (!stopped && next < chunks.length) {
        const chunk = chunks[next++]!;
        const hashes = await Promise.all(chunk.map((nik) => lookupHash('nik', nik)));
        const flags = await nikFlagsOf(hashes);
        const missing = hashes.filter((h) => !flags.get(h)![set].includes(list));
        // A concurrent write to one of these NIKs (another import, a revocation) is a
        // conflict `transact` retries with backoff.
        if (missing.length)
          await transact(missing.map((h) => ({ Update: addFlagUpdate(h, set, list, stamp) })));
        imported += chunk.length;
        // Counted and asked in one step: every count is asked exactly once.
        if (stop(++done)) stopped = true;
      }
    } catch (error) {
      stopped = true;
      throw error;
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, chunks.length) }, worker));
  return { imported, complete: imported === distinct.length };
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
