import { item } from '#platform/store/item.ts';

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

export const outbox = item<OutboxMessage & { sentAt: string; expiresAtEpoch: number }>()({
  type: 'Outbox',
  key: ({ to, sentAt, id }: { to: string; sentAt: string; id: string }) => ({
    PK: `OUTBOX#${to}`,
    SK: `${sentAt}#${id}`,
  }),
});
