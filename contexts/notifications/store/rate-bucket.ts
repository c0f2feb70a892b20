import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { noticeRate } from '#contexts/notifications/items.ts';
import { grant, secondOf } from '#contexts/notifications/rules/rate.ts';
import { db, tableName } from '#platform/store/client.ts';

// A channel's sending rate shared by all its concurrent senders: one item per second
// counts the sends taken in it, and a conditional ADD never lets the count pass the limit.

/**
 * Takes up to `want` sends in the current second; 0 when the second is full. A refusal
 * answers how many were taken already (ALL_OLD), and what is left is taken at once.
 */
export async function takeSends(
  channel: string,
  want: number,
  limit: number,
  nowMs: number,
): Promise<number> {
  const second = secondOf(nowMs);
  const key = noticeRate.key({ channel, second: String(second) });
  let take = Math.min(want, limit);
  let seen: number | undefined;
  for (let attempt = 0; attempt < 4 && take > 0; attempt++) {
    try {
      await db().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: key,
          UpdateExpression: 'ADD used :take SET expiresAtEpoch = :expires',
          ConditionExpression:
            seen === undefined ? 'attribute_not_exists(used) OR used <= :room' : 'used = :seen',
          ExpressionAttributeValues: {
            ':take': take,
            ':expires': second + 300,
            ...(seen === undefined ? { ':room': limit - take } : { ':seen': seen }),
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return take;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      seen = Number(error.Item ? (unmarshall(error.Item).used ?? 0) : 0);
      take = grant(seen, want, limit);
    }
  }
  return 0;
}
