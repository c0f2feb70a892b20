import { z } from 'zod';
import { IsoDateTime } from '#shared/contracts/common.ts';
import { route } from '#shared/http/contract.ts';

// Routes of the local stack only: the CDK app leaves every `localOnly` route out.
const tags = ['local'];

export const OutboxItem = z.object({
  to: z.string(),
  channel: z.enum(['email', 'sms']),
  template: z.string(),
  code: z.string().optional(),
  sentAt: z.string(),
});

export const listOutbox = route({
  operationId: 'localListOutbox',
  method: 'GET',
  path: '/_local/outbox',
  access: 'public',
  handler: '_local/list-outbox',
  summary: 'The emails and SMS sent to one address, newest first',
  tags,
  localOnly: true,
  query: z.object({ to: z.string().min(1).max(254) }),
  responses: { 200: { description: 'Messages', schema: z.object({ items: z.array(OutboxItem) }) } },
});

export const setClock = route({
  operationId: 'localSetClock',
  method: 'POST',
  path: '/_local/clock',
  access: 'public',
  handler: '_local/set-clock',
  summary: "Move the backend's clock",
  tags,
  localOnly: true,
  body: z.strictObject({ now: IsoDateTime }),
  responses: { 200: { description: 'The clock now', schema: z.object({ now: z.string() }) } },
});

export const resetClock = route({
  operationId: 'localResetClock',
  method: 'DELETE',
  path: '/_local/clock',
  access: 'public',
  handler: '_local/reset-clock',
  summary: 'Restore the real clock',
  tags,
  localOnly: true,
  responses: { 200: { description: 'The clock now', schema: z.object({ now: z.string() }) } },
});
