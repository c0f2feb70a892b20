// SQS queue consumers, declared once: the CDK app builds each queue, its DLQ and the
// consumer's event source mapping from this (cdk/constructs/queues.ts), and the local
// stack's poller (local/queues.ts) creates the same queues in fauxqs and delivers their
// messages with the same batch size, concurrency, visibility timeout and redrive, so the
// two cannot drift. Partial batch responses (ReportBatchItemFailures) are always on: a
// consumer returns `{ batchItemFailures: [{ itemIdentifier: messageId }] }` for the
// messages to retry; the rest are deleted.
import { PAYMENT_PARTNERS, payoutQueueName } from '#shared/payments/partners.ts';
import type { Uses } from '#shared/uses.ts';

export interface QueueConsumer {
  /** The queue's name (its DLQ is `<queue>-dlq`, see dlqName). */
  queue: string;
  /** Module path under functions/, without extension. */
  handler: string;
  /** Messages per invocation (1-10 for a standard queue without a batching window). */
  batchSize: number;
  /** Invocations at once for this queue: the mapping's maximum concurrency (>= 2 on AWS). */
  maxConcurrency: number;
  /** How long a received message stays hidden; at least the function's timeout. */
  visibilityTimeoutSeconds: number;
  /** Receives before SQS moves a message to the DLQ. */
  maxReceiveCount: number;
  /** How long the mapping may gather messages before it invokes (none: at once). */
  maxBatchingWindowSeconds?: number;
  timeoutSeconds: number;
  memorySize: number;
  /** Its grants and environment on AWS, enforced per invocation locally (shared/uses.ts). */
  uses: Uses;
}

/** The dead-letter queue of a queue. */
export const dlqName = (queue: string) => `${queue}-dlq`;

/** One disbursement queue per payment partner, each drained at the rate the partner takes. */
export const payoutQueues: QueueConsumer[] = PAYMENT_PARTNERS.map((partner) => ({
  queue: payoutQueueName(partner.code),
  handler: 'payouts/dispatch',
  // One message (a batch of up to 40 instructions) per invocation: its work fits the
  // function's timeout (see functions/payouts/dispatch.ts).
  batchSize: 1,
  maxConcurrency: partner.maxConcurrency,
  // Locally shorter for tests: local/queues.ts takes an override (PAYOUT_VISIBILITY_TIMEOUT_S).
  // Twice the timeout: a message is never seen again while its first delivery still runs.
  visibilityTimeoutSeconds: 240,
  maxReceiveCount: 5,
  timeoutSeconds: 120,
  memorySize: 512,
  // Secrets: the data key opens the sealed account numbers.
  uses: {
    items: {
      payoutInstruction: ['read', 'update'],
      payoutBatch: 'update',
      payoutEntry: 'put',
      incentive: 'update',
    },
    secrets: true,
    payments: true,
  },
}));

/** Every queue consumer (the CDK test checks each one's mapping and grants). */
export const queueConsumers: QueueConsumer[] = [...payoutQueues];
