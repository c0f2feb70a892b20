// Stream consumers, declared once: the CDK app builds each one's event source mapping
// from this (cdk/constructs/notifications.ts), and the local stack's poller
// (local/streams.ts) reads the table's stream with the same filter, batch size and
// failure handling, so the two cannot drift.
import type { Uses } from '#platform/uses.ts';

/** A value rule of the EventBridge-style filter subset the local poller implements. */
export type PatternValue = string | number | { prefix: string } | { exists: boolean };
export interface EventPattern {
  [field: string]: EventPattern | readonly PatternValue[];
}

export interface StreamConsumer {
  /** Handler module, `<context>/<name>` (platform/handlers.ts). */
  handler: string;
  /** Event source filter (Lambda FilterCriteria pattern) on the record as Lambda sees it. */
  filter: EventPattern;
  batchSize: number;
  startingPosition: 'TRIM_HORIZON' | 'LATEST';
  /** Retries of a failing batch before it is given up on and named in the failure queue. */
  retryAttempts: number;
  maxRecordAgeSeconds: number;
  bisectBatchOnError: boolean;
  reportBatchItemFailures: boolean;
  /** The on-failure destination: the CDK construct id on AWS, the queue name locally. */
  failureQueue: string;
  timeoutSeconds: number;
  memorySize: number;
  /** Its grants and environment on AWS, enforced per invocation locally (platform/uses.ts). */
  uses: Uses;
}

export const outboxConsumer: StreamConsumer = {
  handler: 'notifications/send-outbox',
  // Outcome items carry a not-selected applicant's notice (store/participants.ts).
  filter: { eventName: ['INSERT'], dynamodb: { NewImage: { type: { S: ['Outbox', 'Outcome'] } } } },
  batchSize: 25,
  startingPosition: 'TRIM_HORIZON',
  retryAttempts: 5,
  // A stuck record must not hold up its shard for long (codes expire in 10 minutes);
  // what is given up on is named in the failure queue.
  maxRecordAgeSeconds: 3600,
  bisectBatchOnError: true,
  reportBatchItemFailures: true,
  failureQueue: 'FailedBatches',
  timeoutSeconds: 30,
  memorySize: 256,
  // It reads the stream (the event source grants that), not the table.
  uses: { email: true, sms: true },
};

/** Every consumer (the CDK test checks each one's grants against its uses). */
export const consumers: StreamConsumer[] = [outboxConsumer];
