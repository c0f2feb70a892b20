import * as z from 'zod';
import { CHANNELS, noticeQueueName } from '#contexts/notifications/queues.ts';
import { route } from '#platform/http/contract.ts';
import { dlqName } from '#platform/queues.ts';

const QueueCount = z.object({
  channel: z.enum(['email', 'sms']),
  queue: z.string(),
  /** Waiting to be sent. */
  waiting: z.number().int(),
  /** Being sent now, or left for later by a sender (hidden until their visibility ends). */
  inFlight: z.number().int(),
  /** Throttled notices waiting out their delay. */
  delayed: z.number().int(),
  /** Refused by the provider after every retry: redrive after fixing (docs/runbook.md). */
  deadLetters: z.number().int(),
});

export const NoticeBacklogView = z.object({
  /** The bulk notices still to send, all channels together (waiting + inFlight + delayed). */
  toSend: z.number().int(),
  queues: z.array(QueueCount),
});

export const noticeBacklog = route({
  operationId: 'noticeBacklog',
  method: 'GET',
  path: '/v1/admin/notices/backlog',
  access: 'staff',
  handler: 'notifications/notice-backlog',
  uses: {
    queues: Object.fromEntries(
      CHANNELS.flatMap((c) => [noticeQueueName(c), dlqName(noticeQueueName(c))]).map((q) => [
        q,
        'count' as const,
      ]),
    ),
  },
  summary:
    'The bulk notices still to send per channel (selection results, deadlines, payouts), from the queues',
  tags: ['notifications'],
  responses: { 200: { description: 'What is still to send', schema: NoticeBacklogView } },
});
