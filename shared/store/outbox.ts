import { randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { db, tableName } from '#shared/store/client.ts';
import { keys } from '#shared/store/keys.ts';
import type { TransactItem } from '#shared/store/transact.ts';

// Transactional outbox: a message is an item written in the same transaction as the
// change that causes it. On AWS a stream consumer hands it to SES or SNS; locally the
// items are what GET /_local/outbox shows.
export interface OutboxMessage {
  to: string;
  channel: 'email' | 'sms';
  template: string;
  code?: string;
  data?: Record<string, string | number>;
}

const KEEP_S = 24 * 3600;

export function outboxPut(message: OutboxMessage, now: Date): TransactItem {
  const sentAt = now.toISOString();
  return {
    Put: {
      TableName: tableName(),
      Item: {
        ...keys.outbox(message.to, sentAt, randomUUID()),
        type: 'Outbox',
        ...message,
        sentAt,
        expiresAtEpoch: Math.floor(now.getTime() / 1000) + KEEP_S,
      },
    },
  };
}

export async function listOutbox(to: string, limit = 50): Promise<OutboxMessage[]> {
  const out = await db().send(
    new QueryCommand({
      TableName: tableName(),
      KeyConditionExpression: 'PK = :pk',
      ExpressionAttributeValues: { ':pk': `OUTBOX#${to}` },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return (out.Items ?? []).map(({ to, channel, template, code, sentAt }) => ({
    to,
    channel,
    template,
    code,
    sentAt,
  }));
}
