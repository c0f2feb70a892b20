import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import {
  bucketOf,
  type Cutoffs,
  DRAW_BUCKETS,
  familyRank,
  KK_CAP,
  keepFamilyPlaces,
  type Pool,
} from '#shared/domain/draw.ts';
import { eachLimited } from '#shared/store/applicants.ts';
import { getMany } from '#shared/store/batch.ts';
import { db, tableName } from '#shared/store/client.ts';
import { application, familyCard, familyInWave, partitions } from '#shared/store/items.ts';
import { countAll, pages } from '#shared/store/paginate.ts';

// The draw's state in the table: the family-card places of a wave, the draw index
// (GSI3, eligible applicants in key order), and the cut-offs computed by walking it.

/** Screening's results on the application; the same values on a retry. */
export async function recordScreening(
  waveId: string,
  accountId: string,
  result: { drawKey: string; priority: boolean; screenReasons: string[] },
): Promise<void> {
  await db().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: application.key({ accountId, waveId }),
      UpdateExpression: 'SET drawKey = :key, priority = :priority, screenReasons = :reasons',
      ExpressionAttributeValues: {
        ':key': result.drawKey,
        ':priority': result.priority,
        ':reasons': result.screenReasons,
      },
    }),
  );
}

export interface FamilyInWave {
  free: number;
  kept: string[];
  version: number;
}

/** This wave's family items of the given cards, by KK hash. */
async function familiesInWave(waveId: string, kkHashes: string[]): Promise<Map<string, FamilyInWave>> {
  const items = await getMany([...new Set(kkHashes)].map((kkHash) => familyInWave.key({ kkHash, waveId })));
  return new Map(items.map((i) => [familyInWave.partsOf(i).kkHash, familyInWave.parse(i)]));
}

/** Places left on each card: the cap less its participants of earlier waves. */
async function placesLeft(kkHashes: string[]): Promise<Map<string, number>> {
  const left = new Map(kkHashes.map((kk) => [kk, KK_CAP]));
  for (const item of await getMany([...new Set(kkHashes)].map((kkHash) => familyCard.key({ kkHash })))) {
    left.set(familyCard.partsOf(item).kkHash, KK_CAP - (familyCard.parse(item).participants ?? 0));
  }
  return left;
}

/**
 * Offers screened-in applicants the places of their family cards. The wave's family
 * item keeps the ranks of the best candidates only (as many as the card has places
 * left), so whichever order parallel segments arrive in, the same members keep the
 * places. Optimistic: read a page's families at once, then write each on condition of
 * the version read, and read again the few that moved meanwhile.
 */
export async function offerFamilyPlaces(
  waveId: string,
  offers: { kkHash: string; rank: string }[],
): Promise<void> {
  let pending = offers;
  while (pending.length) {
    const kks = pending.map((o) => o.kkHash);
    const families = await familiesInWave(waveId, kks);
    const missing = kks.filter((kk) => !families.has(kk));
    const left = missing.length ? await placesLeft(missing) : new Map<string, number>();
    const conflicted: typeof offers = [];
    // One offer per card at a time: two members of a card on one page would race each other.
    const seen = new Set<string>();
    const now = pending.filter((o) => !seen.has(o.kkHash) && seen.add(o.kkHash));
    const later = pending.filter((o) => !now.includes(o));
    await eachLimited(now, 16, async ({ kkHash, rank }) => {
      const family = families.get(kkHash);
      const free = family?.free ?? left.get(kkHash)!;
      const kept = family?.kept ?? [];
      const next = keepFamilyPlaces(kept, rank, free);
      if (family && next.join() === kept.join()) return;
      try {
        await db().send(
          new PutCommand({
            TableName: tableName(),
            Item: familyInWave.item(
              { free, kept: next, version: (family?.version ?? 0) + 1 },
              { kkHash, waveId },
            ),
            ConditionExpression: family ? 'version = :v' : 'attribute_not_exists(PK)',
            ...(family ? { ExpressionAttributeValues: { ':v': family.version } } : {}),
          }),
        );
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
        conflicted.push({ kkHash, rank });
      }
    });
    pending = [...conflicted, ...later];
  }
}

/** The ranks holding places on each of the given cards in this wave. */
export async function familyPlaces(waveId: string, kkHashes: string[]): Promise<Map<string, string[]>> {
  const families = await familiesInWave(waveId, kkHashes);
  return new Map([...families].map(([kk, f]) => [kk, f.kept]));
}

export const holdsFamilyPlace = (places: string[], c: { key: string; pool: Pool }) =>
  places.includes(familyRank(c));

/** An eligible applicant enters the draw index; a capped one is told why. */
export async function recordEligibility(
  waveId: string,
  accountId: string,
  result: { eligible: true; key: string; pool: Pool } | { eligible: false; reason: string },
): Promise<void> {
  const Key = application.key({ accountId, waveId });
  const update = result.eligible
    ? {
        UpdateExpression: 'SET eligible = :yes, GSI3PK = :pk, GSI3SK = :key',
        ExpressionAttributeValues: {
          ':yes': true,
          ':pk': partitions.draw(waveId, result.pool, bucketOf(result.key)),
          ':key': result.key,
        },
      }
    : {
        UpdateExpression: 'SET eligible = :no, reason = :reason',
        ExpressionAttributeValues: { ':no': false, ':reason': result.reason },
      };
  await db().send(new UpdateCommand({ TableName: tableName(), Key, ...update }));
}

/** How many keys a draw partition holds, optionally only those after `after`. */
async function countKeys(waveId: string, pool: Pool, bucket: number, after = ''): Promise<number> {
  return countAll({
    IndexName: 'GSI3',
    KeyConditionExpression: after ? 'GSI3PK = :pk AND GSI3SK > :after' : 'GSI3PK = :pk',
    ExpressionAttributeValues: {
      ':pk': partitions.draw(waveId, pool, bucket),
      ...(after ? { ':after': after } : {}),
    },
  });
}

/** The first `limit` keys of a draw partition after `after`, in order. */
async function firstKeys(waveId: string, pool: Pool, bucket: number, limit: number, after = '') {
  const found: string[] = [];
  if (limit <= 0) return found;
  const query = {
    IndexName: 'GSI3',
    KeyConditionExpression: after ? 'GSI3PK = :pk AND GSI3SK > :after' : 'GSI3PK = :pk',
    ExpressionAttributeValues: {
      ':pk': partitions.draw(waveId, pool, bucket),
      ...(after ? { ':after': after } : {}),
    },
    ProjectionExpression: 'GSI3SK',
    Limit: limit,
  };
  for await (const page of pages(query)) {
    // The index projects keys only: GSI3SK is the draw key itself.
    found.push(...(page.Items ?? []).map((i) => String(i.GSI3SK)));
    if (found.length >= limit) break;
  }
  return found.slice(0, limit);
}

export type Histogram = Record<Pool, number[]>;

/** Keys per bucket and pool, counted in the index. */
export async function drawHistogram(waveId: string): Promise<Histogram> {
  const histogram: Histogram = {
    priority: new Array(DRAW_BUCKETS).fill(0),
    general: new Array(DRAW_BUCKETS).fill(0),
  };
  const jobs = (['priority', 'general'] as const).flatMap((pool) =>
    Array.from({ length: DRAW_BUCKETS }, (_, bucket) => ({ pool, bucket })),
  );
  await eachLimited(jobs, 16, async ({ pool, bucket }) => {
    histogram[pool][bucket] = await countKeys(waveId, pool, bucket);
  });
  return histogram;
}

/**
 * The cut-offs of `referenceCutoffs`, found in the index without reading it whole:
 * walk the buckets in key order with the histogram until the quota is crossed, then
 * read the keys of that one bucket to find the exact last key taken.
 */
export async function findCutoffs(
  waveId: string,
  histogram: Histogram,
  quota: number,
  reservedQuota: number,
): Promise<Cutoffs> {
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
  const priorityTotal = sum(histogram.priority);
  const total = priorityTotal + sum(histogram.general);

  const reservedCount = Math.min(reservedQuota, quota, priorityTotal);
  let reserved = '';
  let reservedBucket = -1;
  if (reservedCount > 0) {
    let before = 0;
    reservedBucket = 0;
    while (before + histogram.priority[reservedBucket]! < reservedCount)
      before += histogram.priority[reservedBucket++]!;
    const need = reservedCount - before;
    reserved = (await firstKeys(waveId, 'priority', reservedBucket, need)).at(-1)!;
  }

  const generalCount = Math.min(quota - reservedCount, total - reservedCount);
  if (generalCount <= 0) return { reserved, general: '' };
  // Everyone not taken by the reserved quota: the general pool and the priority keys
  // after the reserved cut-off.
  const afterReserved = (bucket: number) =>
    bucket < reservedBucket
      ? 0
      : bucket === reservedBucket
        ? countKeys(waveId, 'priority', bucket, reserved)
        : histogram.priority[bucket]!;
  let taken = 0;
  for (let bucket = 0; bucket < DRAW_BUCKETS; bucket++) {
    const inBucket = histogram.general[bucket]! + (await afterReserved(bucket));
    if (taken + inBucket < generalCount) {
      taken += inBucket;
      continue;
    }
    const need = generalCount - taken;
    const after = bucket === reservedBucket ? reserved : '';
    const merged = [
      ...(await firstKeys(waveId, 'general', bucket, need)),
      ...(bucket < reservedBucket ? [] : await firstKeys(waveId, 'priority', bucket, need, after)),
    ].sort();
    return { reserved, general: merged[need - 1]! };
  }
  throw new Error('draw index holds fewer keys than its histogram');
}
