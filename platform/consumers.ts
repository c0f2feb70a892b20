// What a stream consumer's declaration holds. Each is declared once by its context (the
// outbox's in contexts/notifications/consumers.ts) and gathered in contexts/consumers.ts:
// the CDK app builds each one's event source mapping from it, and the local stack's
// poller (local/streams.ts) reads the table's stream with the same filter, batch size and
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
