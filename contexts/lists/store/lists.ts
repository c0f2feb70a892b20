import { randomUUID } from 'node:crypto';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { nikFlags } from '#contexts/lists/items.ts';
import type { NikFlags } from '#contexts/selection/rules/screening.ts';
import { lookupHash } from '#platform/crypto.ts';
import { getMany } from '#platform/store/batch.ts';
import { db, tableName } from '#platform/store/client.ts';

// Lists imported from other agencies, keyed by the NIK's keyed hash: the table never
// holds a listed NIK in clear. Everything known about one NIK is ONE item (items.ts
// `nikFlags`), so screening reads one item per applicant. A flag is `list:<name>` for
// exclusion lists and `priority:<name>` for priority lists.
export type Flag = `list:${string}` | `priority:${string}`;

// The set attribute each kind of flag is added to.
const SET_OF = { list: 'lists', priority: 'priorities' } as const;

// No batch update exists: one UpdateItem per NIK (1 WCU, as a batched put was; a
// transaction of 100 would bill 2), this many in flight. The SDK retries a throttled one.
const IN_FLIGHT = 64;

/**
 * Adds `flag` to every distinct NIK's flags item: ADD to a string set, so importing a
 * NIK again (or the same list twice) leaves one item with the list named once; only the
 * stamp (`importedAt`, `batchId`) moves. An import never removes a NIK from a list.
 */
export async function importFlags(flag: Flag, niks: string[], now: Date): Promise<number> {
  const [kind, list] = flag.split(':') as [keyof typeof SET_OF, string];
  const distinct = [...new Set(niks)];
  const stamp = { importedAt: now.toISOString(), batchId: randomUUID() };
  let next = 0;
  let failed = false;
  // After a failure the other workers stop taking NIKs; the import is repeatable.
  const worker = async () => {
    try {
      while (!failed && next < distinct.length) {
        const nikHash = await lookupHash('nik', distinct[next++]!);
        await db().send(new UpdateCommand(addFlagUpdate(nikHash, SET_OF[kind], list, stamp)));
      }
    } catch (error) {
      failed = true;
      throw error;
    }
  };
  await Promise.all(Array.from({ length: Math.min(IN_FLIGHT, distinct.length) }, worker));
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
