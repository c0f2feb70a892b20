import { CHANNELS, noticeQueueName } from '#contexts/notifications/queues.ts';
import type { StreamConsumer } from '#platform/consumers.ts';

// The table stream's consumer of new Outbox items (and of not-selected Outcome items,
// which carry their notice): codes leave from here at once, bulk notices are moved to
// their channel's queue (handlers/send-outbox.ts, docs/notifications.md).
export const outboxConsumer: StreamConsumer = {
  handler: 'notifications/send-outbox',
  // Outcome items carry a not-selected applicant's notice (store/participants.ts).
  filter: { eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: ['Outbox', 'Outcome'] } } } },
  batchSize: 25,
  startingPosition: 'TRIM_HORIZON',
  retryAttempts: 5,
  // A stuck record must not hold up its shard for long (codes expire in 10 minutes); what
  // is given up on is named in the failure queue. Bulk notices only pass through here
  // (one SQS batch per ten), so an announce pass does not age the stream.
  maxRecordAgeSeconds: 3600,
  bisectBatchOnError: true,
  reportBatchItemFailures: true,
  failureQueue: 'FailedBatches',
  timeoutSeconds: 30,
  memorySize: 256,
  // It reads the stream (the event source grants that); in the table, only the codes'
  // sent markers (claim, confirm, release).
  uses: {
    items: { noticeSent: ['put', 'put-many', 'delete'] },
    email: true,
    sms: true,
    queues: Object.fromEntries(CHANNELS.map((c) => [noticeQueueName(c), 'send' as const])),
  },
};
