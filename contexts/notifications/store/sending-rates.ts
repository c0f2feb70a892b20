import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { sendingRate } from '#contexts/notifications/items.ts';
import { db, tableName } from '#platform/store/client.ts';
import { queryAll } from '#platform/store/paginate.ts';

// The operators' sending rates (items.ts `sendingRate`): one small partition, read whole
// by a sender at most once per RATE_CACHE_MS per container, so a change reaches every
// sender within that and costs one read per container, not one per send.

export const RATE_NAMES = ['email', 'sms', 'registry'] as const;
export type RateName = (typeof RATE_NAMES)[number];

/** How stale a sender's view of the settings may be. */
export const RATE_CACHE_MS = 10_000;

export interface RateSetting {
  perSecond: number;
  updatedAt: string;
  updatedBy: string;
}

let cached: { settings: Map<string, RateSetting>; until: number } | undefined;

/** Every setting, read now (consistent): for the route. */
export async function readRates(): Promise<Map<string, RateSetting>> {
  const items = await queryAll({
    KeyConditionExpression: 'PK = :pk',
    ExpressionAttributeValues: { ':pk': sendingRate.partition({}).PK },
    ConsistentRead: true,
  });
  return new Map(items.map((i) => [sendingRate.partsOf(i).name, sendingRate.parse(i)]));
}

/** The operator's rate for `name`, or undefined (the declaration holds), cached. */
export async function operatorRate(name: RateName, nowMs = Date.now()): Promise<number | undefined> {
  if (!cached || cached.until <= nowMs)
    cached = { settings: await readRates(), until: nowMs + RATE_CACHE_MS };
  return cached.settings.get(name)?.perSecond;
}

/** Sets (or, with null, removes: back to the declaration) the rate of `name`. */
export async function setRate(
  name: RateName,
  perSecond: number | null,
  by: string,
  now: Date,
): Promise<void> {
  const key = sendingRate.key({ name });
  if (perSecond === null) {
    await db().send(new DeleteCommand({ TableName: tableName(), Key: key }));
  } else {
    await db().send(
      new PutCommand({
        TableName: tableName(),
        Item: sendingRate.item({ perSecond, updatedAt: now.toISOString(), updatedBy: by }, { name }),
      }),
    );
  }
  // This container sees its own change at once.
  cached = undefined;
}
