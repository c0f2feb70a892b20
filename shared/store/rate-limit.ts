import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#shared/store/client.ts';
import { rateWindow } from '#shared/store/items.ts';

// A fixed one-second window per partner: one conditional counter item per second,
// gone by TTL a minute later. WAF limits per key id at the edge on AWS too; this one is
// exact and also holds on the local stack.
export async function takeRateToken(partnerId: string, perSecond: number, now: Date): Promise<boolean> {
  const second = Math.floor(now.getTime() / 1000);
  try {
    await db().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: rateWindow.key({ partnerId, second }),
        UpdateExpression: 'ADD used :one SET expiresAtEpoch = :ttl',
        ConditionExpression: 'attribute_not_exists(used) OR used < :limit',
        ExpressionAttributeValues: { ':one': 1, ':limit': perSecond, ':ttl': second + 60 },
      }),
    );
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}
