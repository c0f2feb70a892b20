import { queueConsumers as payoutConsumers } from '#contexts/payouts/queues.ts';
import { registryQueues } from '#contexts/registry/queues.ts';
import type { QueueConsumer } from '#platform/queues.ts';

// Every SQS queue consumer of the app, gathered from the contexts that declare them: the
// CDK app builds each queue, its DLQ and mapping from this list, the local stack polls it.
export const queueConsumers: QueueConsumer[] = [...payoutConsumers, ...registryQueues];
