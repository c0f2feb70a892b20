import { randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type OutboxMessage, outbox } from '#contexts/notifications/items.ts';
import { db, tableName } from '#platform/store/client.ts';
import type { TransactItem } from '#platform/store/transact.ts';

const KEEP_S = 24 * 3600;

/** `id` names the message where a retry must not make a second one. */
export function outboxPut(message: OutboxMessage, now: Date, id: string = randomUUID()): TransactItem {
  const sentAt = now.toISOString();
  return {
    Put: {
      TableName: tableName(),
      Item: outbox.item(
        { ...message, sentAt, expiresAtEpoch: Math.floor(now.getTime() / 1000) + KEEP_S },
        { to: message.to, sentAt, id },
      ),
    },
  };
}

export async function listOutbox(to: string, limit = 50): Promise<OutboxMessage[]> {
  const out = await db().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': outbox.partition({ to }).PK },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return (out.Items ?? []).map((i) => {
    const { to, channel, template, code, sentAt } = outbox.parse(i);
    return { to, channel, template, code, sentAt };
  });
}
