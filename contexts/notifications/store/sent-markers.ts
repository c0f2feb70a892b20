import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { noticeSent } from '#contexts/notifications/items.ts';
import { db, tableName } from '#platform/store/client.ts';

// The sent marker of a bulk notice: claim before the send, confirm after it
// (docs/notifications.md, "Exactly once"). A claim is held for a lease; a sender that
// died holding it is taken over once the lease is out, so a notice is never stranded.

/** Longer than a sender's invocation (30 s) and shorter than the queue's visibility. */
export const LEASE_MS = 45_000;
const KEEP_S = 15 * 24 * 3600;

export type Claim = 'claimed' | 'sent' | 'busy';

/** Takes the notice for this sender: `sent` if it left already, `busy` while another holds it. */
export async function claim(noticeId: string, holder: string, nowMs: number): Promise<Claim> {
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
        ConditionExpression: 'attribute_not_exists(PK) OR (#state = :sending AND leaseUntil < :now)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':sending': 'sending', ':now': nowMs },
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

/** Marks the notice sent (only while this sender still holds it: a lost lease is not ours). */
export async function confirm(noticeId: string, holder: string): Promise<void> {
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: noticeSent.key({ noticeId }),
        UpdateExpression: 'SET #state = :sent',
        ConditionExpression: 'holder = :holder',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':sent': 'sent', ':holder': holder },
      }),
    );
  } catch (error) {
    // Another sender took it over after our lease ran out: it sent it too (the one
    // duplicate the lease allows, docs/notifications.md) and marks it itself.
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
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
