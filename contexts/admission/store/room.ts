import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  admissionArrivals,
  admissionFailures,
  admissionUse,
  ticketCounter,
  type WaitingEntry,
  type WaitingRoom,
  waitingEntry,
  waitingRoom,
} from '#contexts/admission/items.ts';
import { counterAtFloor, ENTRY_TTL_S, TICKET_SHARDS, ticketOf } from '#contexts/admission/rules/room.ts';
import { wavesPartition } from '#contexts/waves/items.ts';
import { getMany } from '#platform/store/batch.ts';
import { db, tableName } from '#platform/store/client.ts';
import { shardOf } from '#platform/store/shard.ts';
import { guarded, type TransactItem } from '#platform/store/transact.ts';

// The waiting room's reads and writes (docs/waiting-room.md).

/** How long a container trusts the room it read: a switch reaches every container within it. */
export const ROOM_CACHE_MS = 1000;
let cached: { room: Promise<WaitingRoom | undefined>; atMs: number } | undefined;

/** The room, read at most once a second per container (every registration asks): the
 *  requests that arrive while it is being read wait for that one read. */
export function readRoom(fresh = false): Promise<WaitingRoom | undefined> {
  const nowMs = performance.now();
  if (!fresh && cached && nowMs - cached.atMs < ROOM_CACHE_MS) return cached.room;
  const room = db()
    .send(new GetCommand({ TableName: tableName(), Key: waitingRoom.key({}), ConsistentRead: fresh }))
    .then((out) => waitingRoom.parse(out.Item));
  const entry = { room, atMs: nowMs };
  cached = entry;
  // A failed read is not kept: the next request reads again.
  room.catch(() => {
    if (cached === entry) cached = undefined;
  });
  return room;
}

/** Replaces the room if it is still at version `v` (undefined: absent); false if another
 *  change came first. */
export async function writeRoom(room: WaitingRoom, v: number | undefined): Promise<boolean> {
  try {
    await db().send(
      new PutCommand({
        TableName: tableName(),
        Item: waitingRoom.item(room, {}),
        ConditionExpression: v === undefined ? 'attribute_not_exists(PK)' : 'v = :v',
        ...(v === undefined ? {} : { ExpressionAttributeValues: { ':v': v } }),
      }),
    );
    cached = undefined;
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/** `consistent: false` for polls (half the read units): an entry never changes once
 *  written, and a poll that misses a second-old one is answered 404 and enters again. */
export async function readEntry(entryId: string, consistent = true): Promise<WaitingEntry | undefined> {
  const out = await db().send(
    new GetCommand({
      TableName: tableName(),
      Key: waitingEntry.key({ entryId }),
      ConsistentRead: consistent,
    }),
  );
  return waitingEntry.parse(out.Item);
}

/**
 * The entry's ticket, made once: a repeat (a refresh, a second tab) finds the entry and
 * keeps its ticket. Two racing first requests each take a ticket, one entry is written
 * and the other ticket stays a hole the watermark passes over. Three calls for a new
 * entry (read, counter, put), one for a known one.
 */
export async function enter(
  entryId: string,
  now: Date,
  floor: number,
): Promise<{ entry: WaitingEntry; created: boolean }> {
  const known = await readEntry(entryId);
  if (known) return { entry: known, created: false };
  const shard = shardOf(entryId, TICKET_SHARDS);
  const entry: WaitingEntry = {
    ticket: await takeTicket(shard, floor),
    enteredAt: now.toISOString(),
    expiresAtEpoch: Math.floor(now.getTime() / 1000) + ENTRY_TTL_S,
  };
  try {
    await db().send(
      new PutCommand({
        TableName: tableName(),
        Item: waitingEntry.item(entry, { entryId }),
        ConditionExpression: 'attribute_not_exists(PK)',
      }),
    );
    return { entry, created: true };
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    return { entry: (await readEntry(entryId))!, created: false };
  }
}

/**
 * The shard's next ticket, at or above `floor`: a shard that lags below it (the counters
 * drift apart, and entries made while the room was off count too) jumps to it, the jump
 * conditioned on the counter still lagging, so no two entries get the same number.
 */
async function takeTicket(shard: number, floor: number): Promise<number> {
  const Key = ticketCounter.key({ shard });
  for (let attempt = 0; ; attempt++) {
    const counted = await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key,
        UpdateExpression: 'ADD n :one',
        ExpressionAttributeValues: { ':one': 1 },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const n = Number(counted.Attributes?.n);
    if (ticketOf(n, shard) >= floor || attempt >= 3) return ticketOf(n, shard);
    const target = counterAtFloor(floor, shard);
    try {
      await db().send(
        new UpdateCommand({
          TableName: tableName(),
          Key,
          UpdateExpression: 'SET n = :target',
          ConditionExpression: 'n < :target',
          ExpressionAttributeValues: { ':target': target },
        }),
      );
      return ticketOf(target, shard);
    } catch (error) {
      // Another entry jumped first: the next ADD is above the floor.
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    }
  }
}

/** How many tickets each shard has given: 16 items, eventually consistent unless `fresh`. */
export async function shardCounts(fresh = false): Promise<number[]> {
  const keys = Array.from({ length: TICKET_SHARDS }, (_, shard) => ticketCounter.key({ shard }));
  const found = await getMany(keys, { consistent: fresh });
  return keys.map((key) => {
    const item = found.find((i) => i.PK === key.PK);
    return item ? Number(ticketCounter.parse(item).n) : 0;
  });
}

let cachedCounts: { counts: Promise<number[]>; atMs: number } | undefined;

/**
 * The shards' counts for placing a ticket, read at most once a second per container (16
 * items, 8 RCU): every poll of the container shares them. A second-old count only misses
 * the last second's entries, who stand at the back (and an entry's own ticket is added).
 */
export function readCounts(): Promise<number[]> {
  const nowMs = performance.now();
  if (cachedCounts && nowMs - cachedCounts.atMs < ROOM_CACHE_MS) return cachedCounts.counts;
  const entry = { counts: shardCounts(), atMs: nowMs };
  cachedCounts = entry;
  entry.counts.catch(() => {
    if (cachedCounts === entry) cachedCounts = undefined;
  });
  return entry.counts;
}

/** The highest ticket given so far, -1 for none. */
export function lastTicket(counts: number[]): number {
  return Math.max(-1, ...counts.map((n, shard) => (n ? ticketOf(n, shard) : -1)));
}

export class AdmissionUsed extends Error {}

/**
 * The admission's use, for the admitted request's own transaction: it commits only with
 * the registration (or the join), and a second use of the same entry is refused.
 */
export function useAdmission(entryId: string, purpose: string, now: Date): TransactItem {
  return guarded(
    {
      Put: {
        TableName: tableName(),
        Item: admissionUse.item(
          { at: now.toISOString(), expiresAtEpoch: Math.floor(now.getTime() / 1000) + 2 * ENTRY_TTL_S },
          { entryId, purpose },
        ),
        ConditionExpression: 'attribute_not_exists(PK)',
      },
    },
    { failed: () => new AdmissionUsed() },
  );
}

/** Counts one failed admitted request in its minute, on a random shard (a throttling
 *  storm must not make a hot partition of its own). */
export async function countFailure(minute: string, nowS: number): Promise<void> {
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: admissionFailures.key({ minute, shard: Math.floor(Math.random() * TICKET_SHARDS) }),
      UpdateExpression: 'ADD n :one SET expiresAtEpoch = :exp',
      ExpressionAttributeValues: { ':one': 1, ':exp': nowS + 3600 },
    }),
  );
}

export async function failuresIn(minute: string): Promise<number> {
  const keys = Array.from({ length: TICKET_SHARDS }, (_, shard) => admissionFailures.key({ minute, shard }));
  const found = await getMany(keys, { consistent: false });
  return found.reduce((sum, item) => sum + Number(admissionFailures.parse(item).n), 0);
}

/** Counts one arrival in its bucket, on a random shard (13,000 a second over 16 shards:
 *  ~810 writes a second each). */
export async function countArrival(bucket: number, nowS: number): Promise<void> {
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: admissionArrivals.key({ bucket, shard: Math.floor(Math.random() * TICKET_SHARDS) }),
      UpdateExpression: 'ADD n :one SET expiresAtEpoch = :exp',
      ExpressionAttributeValues: { ':one': 1, ':exp': nowS + 3600 },
    }),
  );
}

export async function arrivalsIn(bucket: number): Promise<number> {
  const keys = Array.from({ length: TICKET_SHARDS }, (_, shard) => admissionArrivals.key({ bucket, shard }));
  const found = await getMany(keys, { consistent: false });
  return found.reduce((sum, item) => sum + Number(admissionArrivals.parse(item).n), 0);
}

/** Whether a wave opens in [from, to] (ISO): one key-only item of the waves index (GSI1,
 *  ordered by opensAt), read by an automatic room's check. */
export async function waveOpensIn(range: { from: string; to: string }): Promise<boolean> {
  const out = await db().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :waves AND GSI1SK BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':waves': wavesPartition, ':from': range.from, ':to': `${range.to}~` },
      ProjectionExpression: 'PK',
      Limit: 1,
    }),
  );
  return (out.Items?.length ?? 0) > 0;
}
