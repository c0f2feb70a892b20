import type { QueueConsumer } from '#platform/queues.ts';

// The bulk notices' queues, one per channel (SES and SNS have rates of their own), drained
// by notifications/send-notices at the provider's rate (docs/notifications.md).

export type Channel = 'email' | 'sms';
export const CHANNELS: readonly Channel[] = ['email', 'sms'];

export const noticeQueueName = (channel: Channel) => `notices-${channel}`;

/**
 * The provider's sending rate per second: SES's maximum send rate and SNS's SMS
 * transactions per second in ap-southeast-3 for a new account (14 and 20). Raised by the
 * quota requests docs/notifications.md names, then here, in one deploy. Locally
 * NOTICE_RATE_EMAIL / NOTICE_RATE_SMS (set by the stand-ins' rate switch) replace them.
 */
export const PROVIDER_RATES: Readonly<Record<Channel, number>> = { email: 14, sms: 20 };

/** The declared rate, or locally the stand-ins' switch (an operator's setting, read by
 *  the senders, comes first: store/sending-rates.ts). */
export function providerRate(channel: Channel): number {
  const set = Number(process.env[`NOTICE_RATE_${channel.toUpperCase()}`]);
  return Number.isFinite(set) && set > 0 ? set : PROVIDER_RATES[channel];
}

/** Seconds a sender may wait for its share of a second before it hands the rest back. */
export const SENDER_TIMEOUT_S = 30;

export const noticeQueues: QueueConsumer[] = CHANNELS.map((channel) => ({
  queue: noticeQueueName(channel),
  handler: 'notifications/send-notices',
  batchSize: 10,
  // Enough senders to use a raised rate (a send takes ~50 ms: ten at once per sender,
  // ~200 a second each); the shared token bucket, not this, holds them to the rate.
  maxConcurrency: channel === 'email' ? 10 : 4,
  // Past the sender's timeout and its claim's lease (store/sent-markers.ts): a message
  // comes back only when nobody holds it any more.
  visibilityTimeoutSeconds: 60,
  // Receives that failed for a real refusal (a throttled send is queued again as a new
  // message, so throttling never reaches the DLQ): retried 10 s later, then 20, 40 ... 640:
  // about 21 minutes before the DLQ (send-notices.ts).
  maxReceiveCount: 8,
  maxVisibilityTimeoutSeconds: 900,
  timeoutSeconds: SENDER_TIMEOUT_S,
  memorySize: 256,
  // Both channels' senders are one function: the same uses.
  uses: {
    items: { noticeSent: ['put-many', 'delete'], noticeRate: 'update', sendingRate: 'read' },
    email: true,
    sms: true,
    queues: Object.fromEntries(CHANNELS.map((c) => [noticeQueueName(c), 'send' as const])),
  },
}));
