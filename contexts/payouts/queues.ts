import { PAYMENT_PARTNERS, payoutQueueName } from '#contexts/payouts/payments/partners.ts';
import type { QueueConsumer } from '#platform/queues.ts';

// The app's SQS queue consumers (platform/queues.ts says what a declaration holds): one
// disbursement queue per payment partner.

/** One disbursement queue per payment partner, each drained at the rate the partner takes. */
export const payoutQueues: QueueConsumer[] = PAYMENT_PARTNERS.map((partner) => ({
  queue: payoutQueueName(partner.code),
  handler: 'payouts/dispatch',
  // One message (a batch of up to 40 instructions) per invocation: its work fits the
  // function's timeout (see contexts/payouts/handlers/dispatch.ts).
  batchSize: 1,
  maxConcurrency: partner.maxConcurrency,
  // Locally shorter for tests: local/queues.ts takes an override (PAYOUT_VISIBILITY_TIMEOUT_S).
  // Twice the timeout: a message is never seen again while its first delivery still runs.
  visibilityTimeoutSeconds: 240,
  // A bank's maintenance window (four hours) must not send a batch to the DLQ. A message
  // its dispatcher leaves for later is hidden 240 s, then 480, 960, 1920, then 3600 s per
  // delivery: its 10th and last delivery starts 240 + 480 + 960 + 1920 + 5 x 3600 =
  // 21,600 s (6 h) after its first, and it reaches the DLQ 3600 s after that (7 h). Before,
  // 5 receives x 240 s gave up after 20 minutes. (retryHorizonSeconds; test/unit/queues.test.ts.)
  maxReceiveCount: 10,
  maxVisibilityTimeoutSeconds: 3600,
  timeoutSeconds: 120,
  memorySize: 512,
  // Secrets: the data key opens the sealed account numbers.
  uses: {
    items: {
      payoutInstruction: ['read', 'update'],
      payoutBatch: 'update',
      payoutEntry: 'put',
      incentive: 'update',
      // Whether the batch's partner is still LIVE (a suspended one: handed back).
      partner: 'read',
      partnerCode: 'read',
      // A partner's refusal of the account itself marks it for relinking (the number's
      // marker released, the citizen told, the refusal audited).
      payoutAccount: ['read', 'update'],
      payoutNumberMarker: 'delete',
      account: 'read',
      outbox: 'put',
      auditRecord: 'put',
    },
    secrets: true,
    payments: true,
  },
}));

/** The payouts context's queue consumers (contexts/consumers.ts gathers every context's). */
export const queueConsumers: QueueConsumer[] = [...payoutQueues];
