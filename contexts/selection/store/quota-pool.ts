import { type QuotaPool, quotaPool } from '#contexts/selection/items.ts';
import { tableName } from '#platform/store/client.ts';
import { queryAll } from '#platform/store/paginate.ts';
import { shardOf } from '#platform/store/shard.ts';
import { ConditionFailed, labelled, type TransactItem } from '#platform/store/transact.ts';

// Places freed by revoked participants, for a later ("recovery") wave's quota. Sharded
// like the applicant index: a deadline sweep revokes many participants at once, and
// one counter item would take every one of those transactions.
export const POOL_SHARDS = 16;

/** Adds one revoked participant's place and returned balance, in the revocation's transaction. */
export function poolReturn(accountId: string, returnedIdr: number): TransactItem {
  return {
    Update: {
      TableName: tableName(),
      Key: quotaPool.key({ shard: shardOf(accountId, POOL_SHARDS) }),
      UpdateExpression: 'ADD availablePlaces :one, revokedPlaces :one, returnedIdr :idr',
      ExpressionAttributeValues: { ':one': 1, ':idr': returnedIdr },
    },
  };
}

async function shards(): Promise<(QuotaPool & { shard: number })[]> {
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk',
    ExpressionAttributeValues: { ':pk': quotaPool.partition({}).PK },
    ConsistentRead: true,
  });
  return items.map((item) => {
    const pool = quotaPool.parse(item);
    return {
      shard: Number(quotaPool.partsOf(item).shard),
      availablePlaces: pool.availablePlaces ?? 0,
      revokedPlaces: pool.revokedPlaces ?? 0,
      drawnPlaces: pool.drawnPlaces ?? 0,
      returnedIdr: pool.returnedIdr ?? 0,
    };
  });
}

export async function readQuotaPool(): Promise<QuotaPool> {
  const total: QuotaPool = { availablePlaces: 0, revokedPlaces: 0, drawnPlaces: 0, returnedIdr: 0 };
  for (const shard of await shards()) {
    total.availablePlaces += shard.availablePlaces;
    total.revokedPlaces += shard.revokedPlaces;
    total.drawnPlaces += shard.drawnPlaces;
    total.returnedIdr += shard.returnedIdr;
  }
  return total;
}

export class PoolTooSmall extends Error {}

/**
 * The items that take `places` from the pool, to go in the transaction that creates
 * the wave drawing on them; each shard on condition that it still holds what it gives.
 */
export async function poolDraw(places: number): Promise<TransactItem[]> {
  const items: TransactItem[] = [];
  let left = places;
  for (const shard of await shards()) {
    if (left === 0) break;
    const take = Math.min(left, shard.availablePlaces);
    if (take === 0) continue;
    left -= take;
    items.push(
      labelled('pool', {
        Update: {
          TableName: tableName(),
          Key: quotaPool.key(shard),
          UpdateExpression: 'ADD availablePlaces :minus, drawnPlaces :take',
          ConditionExpression: 'availablePlaces >= :take',
          ExpressionAttributeValues: { ':minus': -take, ':take': take },
        },
      }),
    );
  }
  if (left > 0) throw new PoolTooSmall();
  return items;
}

/** Runs `write` with the pool items in front, again if a shard moved under it. */
export async function withPoolDraw(places: number, write: (pool: TransactItem[]) => Promise<void>) {
  for (let attempt = 0; ; attempt++) {
    const pool = places > 0 ? await poolDraw(places) : [];
    try {
      return await write(pool);
    } catch (error) {
      const poolFailed = error instanceof ConditionFailed && error.label === 'pool';
      if (!poolFailed || attempt >= 4) throw error;
    }
  }
}
