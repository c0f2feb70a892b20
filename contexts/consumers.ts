import { outboxConsumer } from '#contexts/notifications/consumers.ts';
import { noticeQueues } from '#contexts/notifications/queues.ts';
import { queueConsumers as payoutConsumers } from '#contexts/payouts/queues.ts';
import { registryQueues } from '#contexts/registry/queues.ts';
import type { StreamConsumer } from '#platform/consumers.ts';
import type { QueueConsumer } from '#platform/queues.ts';

// The catalogue of consumers, as contexts/items.ts is of items: each is declared by the
// context that owns it; the CDK app, the local stack and the tests read them all here.

/** Every stream consumer of the table (the CDK test checks each one's grants). */
export const streamConsumers: StreamConsumer[] = [outboxConsumer];

/** Every SQS queue consumer (the CDK test checks each one's mapping and grants). */
export const queueConsumers: QueueConsumer[] = [...payoutConsumers, ...noticeQueues, ...registryQueues];
