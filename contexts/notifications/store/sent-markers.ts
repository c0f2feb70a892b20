import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { noticeSent } from '#contexts/notifications/items.ts';
import { putMany } from '#platform/store/batch.ts';
import { db, tableName } from '#platform/store/client.ts';

// The sent marker of a notice (bulk, and the stream's codes): claim before the send, confirm after it
// (docs/notifications.md, "Exactly once"). A claim is held for a lease; a sender that
// died holding it is taken over once the lease is out, so a notice is never stranded.

/** Longer than a sender's invocation (30 s) and shorter than the queue's visibility. */
export const LEASE_MS = 45_000;
const KEEP_S = 15 * 24 * 3600;

export type Claim = 'claimed' | 'sent' | 'busy';

/**
 * Takes the notice for this sender: `sent` if it left already, `busy` while another holds
 * it. `takeOver`: any `sending` marker is taken at once, lease or not: for the stream's
 * codes, whose shard runs one batch at a time, so a marker still `sending` was left by an
 * invocation that ended without confirming (it may have sent: the window docs name).
 */
export async function claim(
  noticeId: string,
  holder: string,
  nowMs: number,
  options: { takeOver?: boolean } = {},
): Promise<Claim> {
  const condition = options.takeOver
    ? 'attribute_not_exists(PK) OR #state = :sending'
    : 'attribute_not_exists(PK) OR (#state = :sending AND leaseUntil < :now)';
  try {
    await db().send(
      new PutCommand({
        TableName: tableName(),
        Item: noticeSent.item({
          noticeId,
          state: 'sending',
          holder,
          leaseUntil: nowMs + LEASE_MS,
          expiresAtEpoch: Math.floor(nowMs / 1000) + KEEP_S,
        }),
        ConditionExpression: condition,
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':sending': 'sending', ...(options.takeOver ? {} : { ':now': nowMs }) },
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return 'claimed';
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    const old = error.Item ? unmarshall(error.Item) : undefined;
    return old?.state === 'sent' ? 'sent' : 'busy';
  }
}

/**
 * Marks the notices this sender sent, 25 to a BatchWriteItem (one call for a batch, not
 * one each). Unconditional: if a sender's lease lapsed and another took the notice over,
 * both sent it (the one duplicate the lease allows) and `sent` is true either way.
 */
export async function confirmMany(noticeIds: string[], holder: string, nowMs: number): Promise<void> {
  await putMany(
    noticeIds.map((noticeId) =>
      noticeSent.item({
        noticeId,
        state: 'sent',
        holder,
        leaseUntil: nowMs,
        expiresAtEpoch: Math.floor(nowMs / 1000) + KEEP_S,
      }),
    ),
  );
}

/** Gives the notice back unsent (a throttled or refused send): the next delivery takes it at once. */
export async function release(noticeId: string, holder: string): Promise<void> {
  try {
    await db().send(
      new DeleteCommand({
        TableName: tableName(),
        Key: noticeSent.key({ noticeId }),
        ConditionExpression: '#state = :sending AND holder = :holder',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':sending': 'sending', ':holder': holder },
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}
