// SQS queue consumers, declared once: the CDK app builds each queue, its DLQ and the
// consumer's event source mapping from this (cdk/constructs/queues.ts), and the local
// stack's poller (local/queues.ts) creates the same queues in fauxqs and delivers their
// messages with the same batch size, concurrency, visibility timeout and redrive, so the
// two cannot drift. Partial batch responses (ReportBatchItemFailures) are always on: a
// consumer returns `{ batchItemFailures: [{ itemIdentifier: messageId }] }` for the
// messages to retry; the rest are deleted.
import type { Uses } from '#platform/uses.ts';

export interface QueueConsumer {
  /** The queue's name (its DLQ is `<queue>-dlq`, see dlqName). */
  queue: string;
  /** Handler module, `<context>/<name>` (platform/handlers.ts). */
  handler: string;
  /** Messages per invocation (1-10 for a standard queue without a batching window). */
  batchSize: number;
  /** Invocations at once for this queue: the mapping's maximum concurrency (>= 2 on AWS). */
  maxConcurrency: number;
  /** How long a received message stays hidden; at least the function's timeout. */
  visibilityTimeoutSeconds: number;
  /** Receives before SQS moves a message to the DLQ. */
  maxReceiveCount: number;
  /** When set, a consumer that leaves a message for later backs its next delivery off
   *  exponentially from visibilityTimeoutSeconds up to this (ChangeMessageVisibility; SQS
   *  allows 12 h at most): see redeliveryDelaySeconds and retryHorizonSeconds. */
  maxVisibilityTimeoutSeconds?: number;
  /** How long the mapping may gather messages before it invokes (none: at once). */
  maxBatchingWindowSeconds?: number;
  timeoutSeconds: number;
  memorySize: number;
  /** Its grants and environment on AWS, enforced per invocation locally (platform/uses.ts). */
  uses: Uses;
}

/** The dead-letter queue of a queue. */
export const dlqName = (queue: string) => `${queue}-dlq`;

/** SQS's ceiling on a message's visibility timeout (ChangeMessageVisibility): 12 hours. */
export const SQS_MAX_VISIBILITY_SECONDS = 12 * 3600;

/**
 * How long a message stays hidden after its `receive`-th delivery (1, 2, ...) left it for
 * later: the base visibility doubled per delivery, capped. Delivery 1 keeps the queue's own
 * visibility (the base).
 */
export function redeliveryDelaySeconds(receive: number, baseSeconds: number, capSeconds: number): number {
  const cap = Math.min(Math.max(capSeconds, baseSeconds), SQS_MAX_VISIBILITY_SECONDS);
  return Math.min(cap, baseSeconds * 2 ** Math.max(0, receive - 1));
}

/**
 * A message that fails every delivery: when its last delivery starts (`lastDelivery`, after
 * its first) and when SQS moves it to the DLQ (`deadLetter`, once the last delivery's
 * visibility has run out too). An outage shorter than `lastDelivery` that began at or after
 * the first delivery is survived: the last delivery finds the partner back.
 */
export function retryHorizonSeconds(baseSeconds: number, capSeconds: number, maxReceiveCount: number) {
  let lastDelivery = 0;
  for (let receive = 1; receive < maxReceiveCount; receive++)
    lastDelivery += redeliveryDelaySeconds(receive, baseSeconds, capSeconds);
  return {
    lastDelivery,
    deadLetter: lastDelivery + redeliveryDelaySeconds(maxReceiveCount, baseSeconds, capSeconds),
  };
}
