import { httpHandler } from '#contexts/http.ts';
import { CHANNELS, noticeQueueName } from '#contexts/notifications/queues.ts';
import { noticeBacklog } from '#contexts/notifications/routes.ts';
import { dlqName } from '#platform/queues.ts';
import { queueCounts } from '#platform/queues-client.ts';

// Approximate, as SQS counts: good to a few messages, which is what a backlog of
// millions needs. Codes have no backlog to count: they leave from the stream at once.
export const handler = httpHandler(noticeBacklog, async () => {
  const queues = await Promise.all(
    CHANNELS.map(async (channel) => {
      const queue = noticeQueueName(channel);
      const [counts, dead] = await Promise.all([queueCounts(queue), queueCounts(dlqName(queue))]);
      return { channel, queue, ...counts, deadLetters: dead.waiting + dead.inFlight + dead.delayed };
    }),
  );
  const toSend = queues.reduce((sum, q) => sum + q.waiting + q.inFlight + q.delayed, 0);
  return { status: 200, body: { toSend, queues } };
});
