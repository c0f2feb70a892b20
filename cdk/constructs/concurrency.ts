import { outboxConsumer } from '#contexts/notifications/consumers.ts';
import { noticeQueues } from '#contexts/notifications/queues.ts';
import { payoutQueues } from '#contexts/payouts/queues.ts';
import { registryQueue } from '#contexts/registry/queues.ts';
import { MAX_PARALLEL_SEGMENTS } from '#contexts/selection/workflow.ts';

/**
 * Concurrency reserved per handler module: the work that must go on while a registration
 * rush takes every other unit of the account's Lambda concurrency (and that must never
 * take more than its share). 183 of the account's units in all: the Jakarta default of
 * 1,000 leaves 817 for the API, and the runbook (docs/runbook.md) asks for more before a
 * wave opens. A reservation is also a ceiling, so each is the most the function can use.
 */
export const RESERVED_CONCURRENCY: Readonly<Record<string, number>> = {
  // Every partner's queue mapping at its maximum concurrency at once: payouts never wait
  // behind registrations, and never press a bank harder than agreed.
  'payouts/dispatch': payoutQueues.reduce((sum, queue) => sum + queue.maxConcurrency, 0),
  // The registry check queue's mapping at its maximum: never more calls than the registry's
  // agreed rate, and checks go on while registrations take the rest.
  [registryQueue.handler]: registryQueue.maxConcurrency,
  // A page task per segment, every segment at once (the Map's MaxConcurrency).
  'selection/screen-page': MAX_PARALLEL_SEGMENTS,
  'selection/announce-page': MAX_PARALLEL_SEGMENTS,
  // One invocation per stream shard: sign-up codes and purchase codes leave through it,
  // and it moves bulk notices to their queues. 50 shards cover the table at its default
  // 40,000 write units (~1,000 a shard).
  [outboxConsumer.handler]: 50,
  // The bulk notice senders, every channel's mapping at its maximum concurrency: a
  // backlog of millions drains at the provider's rate (the token bucket), never faster,
  // and a rush never starves it.
  'notifications/send-notices': noticeQueues.reduce((sum, queue) => sum + queue.maxConcurrency, 0),
  // A failed run must be recorded even when everything else is throttled.
  'payouts/record-failure': 2,
  'selection/record-failure': 2,
};

/** The reservation of a handler module, if it has one. */
export const reservedConcurrencyOf = (handler: string): number | undefined => RESERVED_CONCURRENCY[handler];
