import * as z from 'zod';
import { CHANNELS, noticeQueueName } from '#contexts/notifications/queues.ts';
import { RATE_NAMES } from '#contexts/notifications/store/sending-rates.ts';
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

const RateName = z.enum(RATE_NAMES);

export const SendingRateView = z
  .object({
    name: RateName,
    /** What the senders use now (within the cache's 10 s). */
    perSecond: z.number().int(),
    /** The declaration's figure, used when no operator has set one. */
    declared: z.number().int(),
    source: z.enum(['declared', 'set']),
    updatedAt: z.string().nullable(),
    updatedBy: z.string().nullable(),
  })
  .meta({ id: 'SendingRate' });

export const listSendingRates = route({
  operationId: 'listSendingRates',
  method: 'GET',
  path: '/v1/admin/sending-rates',
  access: 'staff',
  handler: 'notifications/list-sending-rates',
  uses: { items: { sendingRate: 'read' } },
  summary: "The providers' (email, SMS) and the civil registry's sending rates the senders use",
  tags: ['notifications'],
  responses: {
    200: { description: 'The rates', schema: z.object({ items: z.array(SendingRateView) }) },
  },
});

export const setSendingRate = route({
  operationId: 'setSendingRate',
  method: 'PUT',
  path: '/v1/admin/sending-rates/{name}',
  access: 'admin',
  handler: 'notifications/set-sending-rate',
  uses: { items: { sendingRate: ['read', 'put', 'delete'] } },
  summary:
    "Set a sending rate without a deploy (a raised SES or SNS quota, the registry's agreed rate); null: back to the declaration",
  tags: ['notifications'],
  params: z.object({ name: RateName }),
  body: z.strictObject({
    perSecond: z.number().int().min(1).max(100_000).nullable().meta({
      description: 'Sends (registry checks) a second; null removes the setting',
    }),
  }),
  audit: {
    kind: 'sending-rate.set',
    subject: 'params.name',
    detail: { perSecond: 'response.perSecond', source: 'response.source' },
  },
  responses: { 200: { description: 'The rate as the senders will use it', schema: SendingRateView } },
  problems: ['validation'],
});
