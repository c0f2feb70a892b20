import * as z from 'zod';
import { route } from '#platform/http/contract.ts';
import { IsoDateTime } from '#platform/http/schemas.ts';

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
  uses: { items: { outbox: 'read' } },
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
  uses: {},
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
  uses: {},
  summary: 'Restore the real clock',
  tags,
  localOnly: true,
  responses: { 200: { description: 'The clock now', schema: z.object({ now: z.string() }) } },
});

export const runSchedule = route({
  operationId: 'localRunSchedule',
  method: 'POST',
  path: '/_local/schedules/{name}',
  access: 'public',
  handler: '_local/run-schedule',
  uses: {},
  summary: 'Run a scheduled job now, on the backend clock, and answer its result',
  tags,
  localOnly: true,
  params: z.object({ name: z.string().max(64) }),
  responses: { 200: { description: 'What the job did', schema: z.record(z.string(), z.unknown()) } },
  problems: ['not-found'],
});

export const armFault = route({
  operationId: 'localArmFault',
  method: 'POST',
  path: '/_local/faults',
  access: 'public',
  handler: '_local/arm-fault',
  uses: {},
  summary: 'Make a step fail part-way through its work, to prove it is retried safely',
  tags,
  localOnly: true,
  body: z.strictObject({
    point: z.enum([
      'selection.announce',
      'payouts.dispatch',
      'payouts.hand-back',
      'admission.admitted',
      'notifications.after-send',
      'notifications.code-after-send',
      'lists.import-deadline',
    ]),
    segment: z.number().int().min(0).max(255).optional(),
    afterItems: z.number().int().min(1).max(100_000),
    times: z.number().int().min(1).max(100).default(1),
  }),
  responses: { 200: { description: 'Armed', schema: z.object({ point: z.string(), fired: z.number() }) } },
});

export const readFault = route({
  operationId: 'localReadFault',
  method: 'GET',
  path: '/_local/faults',
  access: 'public',
  handler: '_local/read-fault',
  uses: {},
  summary: 'How many times an armed fault has fired',
  tags,
  localOnly: true,
  query: z.object({ point: z.string().max(64) }),
  responses: {
    200: { description: 'The fault', schema: z.object({ point: z.string(), fired: z.number() }) },
  },
});

export const SentItem = z.object({
  channel: z.enum(['email', 'sms']),
  to: z.string(),
  from: z.string().optional(),
  subject: z.string().optional(),
  text: z.string(),
  attributes: z.record(z.string(), z.string()),
  at: z.string(),
});

export const listSent = route({
  operationId: 'localListSent',
  method: 'GET',
  path: '/_local/sent',
  access: 'public',
  handler: '_local/list-sent',
  uses: {},
  summary: 'What the local SES and SNS stand-ins delivered to one address, newest first',
  tags,
  localOnly: true,
  query: z.object({ to: z.string().min(1).max(254) }),
  responses: { 200: { description: 'Deliveries', schema: z.object({ items: z.array(SentItem) }) } },
});

const SenderFaults = z.object({
  failNext: z.number(),
  to: z.string().optional(),
  failed: z.number(),
});

export const setSenderFaults = route({
  operationId: 'localSetSenderFaults',
  method: 'POST',
  path: '/_local/notifications/faults',
  access: 'public',
  handler: '_local/set-sender-faults',
  uses: {},
  summary: 'Make the local SES and SNS stand-ins refuse the next sends (to one address, if given)',
  tags,
  localOnly: true,
  body: z.strictObject({
    failNext: z.number().int().min(0).max(10_000),
    to: z.string().min(1).max(254).optional(),
  }),
  responses: { 200: { description: 'The switch', schema: SenderFaults } },
});

export const readSenderFaults = route({
  operationId: 'localReadSenderFaults',
  method: 'GET',
  path: '/_local/notifications/faults',
  access: 'public',
  handler: '_local/read-sender-faults',
  uses: {},
  summary: "The stand-ins' fault switch: refusals left and made",
  tags,
  localOnly: true,
  responses: { 200: { description: 'The switch', schema: SenderFaults } },
});

const Rate = z.number().int().min(1).max(100_000);
const SendingRate = z.object({
  email: z.number(),
  sms: z.number(),
  throttled: z.object({ email: z.number(), sms: z.number() }),
});

export const setSendingRate = route({
  operationId: 'localSetSendingRate',
  method: 'POST',
  path: '/_local/notifications/rate',
  access: 'public',
  handler: '_local/set-sending-rate',
  uses: {},
  summary:
    "Limit the local SES and SNS stand-ins to a sending rate (sends a second), as the providers' quotas do; the bulk senders follow it",
  tags,
  localOnly: true,
  body: z.strictObject({
    email: Rate.optional(),
    sms: Rate.optional(),
    /** false: only the stand-ins change, the senders keep their rate (to see throttling). */
    sendersFollow: z.boolean().default(true),
  }),
  responses: { 200: { description: 'The rate', schema: SendingRate } },
});

export const readSendingRate = route({
  operationId: 'localReadSendingRate',
  method: 'GET',
  path: '/_local/notifications/rate',
  access: 'public',
  handler: '_local/read-sending-rate',
  uses: {},
  summary: "The stand-ins' sending rate, and the sends throttled for it",
  tags,
  localOnly: true,
  responses: { 200: { description: 'The rate', schema: SendingRate } },
});

export const readSentTally = route({
  operationId: 'localReadSentTally',
  method: 'GET',
  path: '/_local/sent/tally',
  access: 'public',
  handler: '_local/read-sent-tally',
  uses: {},
  summary:
    'Every send the stand-ins accepted since the stack started, counted per notice: sends, distinct, duplicated',
  tags,
  localOnly: true,
  responses: {
    200: {
      description: 'The tally',
      schema: z.object({
        sends: z.number(),
        distinct: z.number(),
        duplicated: z.number(),
        throttled: z.number(),
      }),
    },
  },
});

// --- the payment-partner simulator (local/payment-partners.ts) ----------------------

const PartnerCode = z.object({ code: z.string().min(1).max(32) });

export const PaymentFaults = z.object({
  failureRate: z.number(),
  timeoutRate: z.number(),
  latencyMs: z.number(),
  rejectAccounts: z.array(z.string()),
});

export const setPaymentFaults = route({
  operationId: 'localSetPaymentFaults',
  method: 'POST',
  path: '/_local/payment-partners/{code}/faults',
  access: 'public',
  handler: '_local/set-payment-faults',
  uses: {},
  summary: 'How the simulated payment partner behaves from now on (every field defaults to no fault)',
  tags,
  localOnly: true,
  params: PartnerCode,
  body: z.strictObject({
    failureRate: z.number().min(0).max(1).default(0),
    timeoutRate: z.number().min(0).max(1).default(0),
    latencyMs: z.number().int().min(0).max(60_000).default(0),
    rejectAccounts: z.array(z.string().min(1).max(64)).max(1000).default([]),
  }),
  responses: { 200: { description: 'The faults now', schema: PaymentFaults } },
  problems: ['not-found'],
});

export const openPaymentAccount = route({
  operationId: 'localOpenPaymentAccount',
  method: 'POST',
  path: '/_local/payment-partners/{code}/accounts',
  access: 'public',
  handler: '_local/open-payment-account',
  uses: {},
  summary: 'Open an account at the simulated payment partner, for a named holder',
  tags,
  localOnly: true,
  params: PartnerCode,
  body: z.strictObject({
    accountNumber: z.string().min(1).max(64),
    holderName: z.string().min(1).max(200),
    nik: z.string().regex(/^\d{16}$/),
    kycVerified: z.boolean().default(true),
  }),
  responses: {
    201: {
      description: 'The account (the partner keeps only a hash of the NIK)',
      schema: z.object({
        partnerCode: z.string(),
        accountNumber: z.string(),
        holderName: z.string(),
        kycVerified: z.boolean(),
        balanceIdr: z.number(),
      }),
    },
  },
  problems: ['not-found', 'account-exists'],
});

export const PaymentLedgerLine = z.object({
  reference: z.string(),
  accountNumber: z.string(),
  amountIdr: z.number(),
  partnerReference: z.string(),
  paidAt: z.string(),
});

export const readPaymentLedger = route({
  operationId: 'localReadPaymentLedger',
  method: 'GET',
  path: '/_local/payment-partners/{code}/ledger',
  access: 'public',
  handler: '_local/read-payment-ledger',
  uses: {},
  summary: 'What the simulated payment partner actually paid, and the faults it answered',
  tags,
  localOnly: true,
  params: PartnerCode,
  responses: {
    200: {
      description: "The partner's ledger",
      schema: z.object({
        items: z.array(PaymentLedgerLine),
        totalIdr: z.number(),
        paidCount: z.number(),
        failures: z.number(),
        timeouts: z.object({ beforeMoving: z.number(), afterMoving: z.number(), otherCalls: z.number() }),
      }),
    },
  },
  problems: ['not-found'],
});

// --- the civil-registry simulator (local/registry.ts) ---------------------------------

export const RegistryFaults = z.object({
  capacityPerSecond: z.number(),
  latencyMs: z.number(),
  outage: z.boolean(),
});

export const setRegistryFaults = route({
  operationId: 'localSetRegistryFaults',
  method: 'POST',
  path: '/_local/registry/faults',
  access: 'public',
  handler: '_local/set-registry-faults',
  uses: {},
  summary:
    'How the simulated civil registry behaves from now on: its capacity (calls a second, beyond it 429), latency and outage (every field defaults to no fault)',
  tags,
  localOnly: true,
  body: z.strictObject({
    capacityPerSecond: z.number().int().min(1).max(100_000).default(1000),
    latencyMs: z.number().int().min(0).max(60_000).default(0),
    outage: z.boolean().default(false),
  }),
  responses: { 200: { description: 'The faults now', schema: RegistryFaults } },
});

export const putRegistryPerson = route({
  operationId: 'localPutRegistryPerson',
  method: 'POST',
  path: '/_local/registry/people',
  access: 'public',
  handler: '_local/put-registry-person',
  uses: {},
  summary:
    'Record a person in the simulated civil registry: another name or birth date for the NIK then answers mismatch; absent: not found (a NIK never recorded always matches)',
  tags,
  localOnly: true,
  body: z.strictObject({
    nik: z.string().regex(/^\d{16}$/, 'expected 16 digits'),
    name: z.string().min(1).max(200).optional(),
    birthDate: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/)
      .optional(),
    absent: z.boolean().optional(),
  }),
  responses: { 200: { description: 'Recorded', schema: z.object({ people: z.number() }) } },
});

export const readRegistryStats = route({
  operationId: 'localReadRegistryStats',
  method: 'GET',
  path: '/_local/registry/stats',
  access: 'public',
  handler: '_local/read-registry-stats',
  uses: {},
  summary: 'The calls the simulated civil registry took, by answer',
  tags,
  localOnly: true,
  responses: {
    200: {
      description: 'Counts',
      schema: z.object({
        calls: z.number(),
        match: z.number(),
        mismatch: z.number(),
        notFound: z.number(),
        unavailable: z.number(),
        throttled: z.number(),
        unauthorized: z.number(),
      }),
    },
  },
});
