import * as z from 'zod';
import { route } from '#platform/http/contract.ts';
import { IsoDateTime } from '#platform/http/schemas.ts';

const tags = ['waiting-room'];

const EntryId = z.uuid().meta({
  description: 'Made by the browser and kept (localStorage): a refresh and a second tab send the same one',
});

export const EntryView = z
  .object({
    entryId: z.string(),
    ticket: z.number().int(),
    admitted: z.boolean(),
    position: z
      .number()
      .int()
      .meta({ description: 'People before this one not yet admitted; 0 once admitted' }),
    estimateSeconds: z
      .number()
      .int()
      .meta({ description: 'When this place is admitted at the current rate' }),
    retryAfterSeconds: z
      .number()
      .int()
      .meta({ description: 'When to ask again (also the Retry-After header)' }),
    admissionToken: z.string().optional().meta({
      description:
        'Once admitted: send it as X-Admission-Token with the registration and the wave join (15 minutes)',
    }),
  })
  .meta({ id: 'WaitingRoomEntry' });

const entryUses = {
  indexes: { GSI1: 'query' },
  items: {
    waitingEntry: ['read', 'put'],
    ticketCounter: ['read', 'update'],
    waitingRoom: ['read', 'put'],
    admissionArrivals: 'read',
  },
  secrets: true,
} as const;

export const enterWaitingRoom = route({
  operationId: 'enterWaitingRoom',
  method: 'POST',
  path: '/v1/waiting-room/entries',
  access: 'public',
  handler: 'admission/enter',
  uses: entryUses,
  summary:
    'Queue for registration and joining while a wave opens: a ticket, once per entry id (a repeat returns the same ticket); admitted at once while the room is off',
  tags,
  body: z.strictObject({ entryId: EntryId }),
  responses: {
    201: { description: 'Queued', schema: EntryView },
    200: { description: 'Already queued: the same ticket', schema: EntryView },
  },
  problems: ['validation'],
});

export const getWaitingRoomEntry = route({
  operationId: 'getWaitingRoomEntry',
  method: 'GET',
  path: '/v1/waiting-room/entries/{entryId}',
  access: 'public',
  handler: 'admission/get-entry',
  uses: {
    indexes: { GSI1: 'query' },
    items: {
      waitingEntry: 'read',
      waitingRoom: ['read', 'put'],
      ticketCounter: 'read',
      admissionFailures: 'read',
      admissionArrivals: 'read',
    },
    secrets: true,
  },
  summary: "An entry's position, estimate and, once admitted, its admission token (poll after Retry-After)",
  tags,
  params: z.object({ entryId: EntryId }),
  responses: { 200: { description: 'Where the entry stands', schema: EntryView } },
  problems: ['validation', 'not-found'],
});

export const RoomView = z
  .object({
    on: z.boolean(),
    auto: z
      .boolean()
      .meta({ description: "The room switches itself on and off (false: an administrator's switch holds)" }),
    openingMinutes: z
      .number()
      .int()
      .meta({ description: "Minutes from a wave's opening an automatic room is on for" }),
    arrivalsPerSecond: z.number().meta({
      description: 'Registrations and joins not yet admitted, a second, over the last finished 2 s',
    }),
    ratePerSecond: z.number(),
    capacityPerSecond: z.number(),
    until: z.string().optional(),
    ticketsIssued: z.number().int(),
    watermark: z.number().int().meta({ description: 'People admitted since the room was switched on' }),
    queueLength: z.number().int().meta({ description: 'People queued and not yet admitted' }),
    failuresLastMinute: z.number().int(),
    updatedAt: z.string().nullable(),
  })
  .meta({ id: 'WaitingRoom' });

export const getWaitingRoom = route({
  operationId: 'getWaitingRoom',
  method: 'GET',
  path: '/v1/admin/waiting-room',
  access: 'staff',
  handler: 'admission/get-room',
  uses: {
    items: {
      waitingRoom: 'read',
      ticketCounter: 'read',
      admissionFailures: 'read',
      admissionArrivals: 'read',
    },
  },
  summary:
    'The waiting room: on or off, the admission rate, tickets given, the queue and the failures measured',
  tags,
  responses: { 200: { description: 'The room', schema: RoomView } },
});

export const putWaitingRoom = route({
  operationId: 'putWaitingRoom',
  method: 'PUT',
  path: '/v1/admin/waiting-room',
  access: 'admin',
  handler: 'admission/put-room',
  uses: {
    items: {
      waitingRoom: ['read', 'put'],
      ticketCounter: 'read',
      admissionFailures: 'read',
      admissionArrivals: 'read',
    },
  },
  summary:
    "Switch the waiting room on (for a wave's opening, until a time) or off, and set the admission rate and the capacity the measured rate may rise back to",
  tags,
  body: z
    .strictObject({
      on: z.boolean(),
      ratePerSecond: z.number().int().min(1).max(100_000),
      capacityPerSecond: z.number().int().min(1).max(100_000),
      until: IsoDateTime.optional(),
      openingMinutes: z.number().int().min(0).max(1440).optional().meta({
        description:
          "An automatic room is on for this many minutes from a wave's opening (default 10; 0: arrivals only)",
      }),
      auto: z.boolean().optional().meta({
        description:
          'true: the room switches itself from here on (on when arrivals exceed the rate, off once drained and quiet); false or absent: this switch holds',
      }),
    })
    .refine((b) => b.ratePerSecond <= b.capacityPerSecond, {
      path: ['ratePerSecond'],
      message: 'must not exceed capacityPerSecond',
    }),
  audit: {
    kind: 'waiting-room.set',
    subject: 'response.roomId',
    detail: {
      on: 'body.on',
      auto: 'body.auto',
      openingMinutes: 'body.openingMinutes',
      ratePerSecond: 'body.ratePerSecond',
      capacityPerSecond: 'body.capacityPerSecond',
    },
  },
  responses: { 200: { description: 'The room as set', schema: RoomView.extend({ roomId: z.string() }) } },
  problems: ['validation'],
});
