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

/**
 * A notice on its way through a bulk queue (contexts/notifications/queues.ts): the message
 * and its id, the hash of the key of the item that caused it, so a record forwarded twice
 * or a message delivered twice is still one notice.
 */
export interface Notice extends OutboxMessage {
  id: string;
}

/**
 * The sender's mark on a notice (exactly once as the citizen sees it): `sending` while a
 * sender holds it (until `leaseUntil`, then another may take it over), `sent` once the
 * provider took it. Kept past the longest a message can live in the queue (14 days).
 */
export const noticeSent = item<{
  state: 'sending' | 'sent';
  holder: string;
  leaseUntil: number;
  expiresAtEpoch: number;
}>()({
  type: 'NoticeSent',
  key: ({ noticeId }: { noticeId: string }) => ({ PK: `NOTICE#${noticeId}`, SK: 'SENT' }),
});

/**
 * One second of a channel's sending rate, shared by every concurrent sender: `used` sends
 * taken in that second (a token bucket refilled each second). Gone a few minutes later (TTL).
 */
export const noticeRate = item<{ used: number; expiresAtEpoch: number }>()({
  type: 'NoticeRate',
  untagged: true,
  key: ({ channel, second }: { channel: string; second: string }) => ({
    PK: `NOTICE-RATE#${channel}`,
    SK: second,
  }),
});

/**
 * An operator's setting of a sending rate, in sends (or registry checks) a second: the
 * provider's per channel (`email`, `sms`) and the civil registry's (`registry`). None: the
 * declaration (PROVIDER_RATES, REGISTRY_RATE_PER_SECOND). Read by the senders with a short
 * cache (store/sending-rates.ts), so a quota raised or a partner's plea to slow down
 * takes effect without a deploy.
 */
export const sendingRate = item<{ perSecond: number; updatedAt: string; updatedBy: string }>()({
  type: 'SendingRate',
  key: ({ name }: { name: string }) => ({ PK: 'SENDING_RATE', SK: name }),
});
