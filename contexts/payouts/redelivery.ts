import { payoutQueues } from '#contexts/payouts/queues.ts';
import { redeliveryDelaySeconds } from '#platform/queues.ts';

/**
 * The disbursement queues' redelivery as this process runs it: the declaration
 * (platform/queues.ts), or locally the stack's shorter figures for tests:
 * PAYOUT_VISIBILITY_TIMEOUT_S (the base visibility; with it alone there is no growth) and
 * PAYOUT_MAX_VISIBILITY_S (the backoff's cap).
 */
export function payoutRedelivery() {
  const consumer = payoutQueues[0]!;
  const override = Number(process.env.PAYOUT_VISIBILITY_TIMEOUT_S);
  const base = override > 0 ? override : consumer.visibilityTimeoutSeconds;
  const cap =
    Number(process.env.PAYOUT_MAX_VISIBILITY_S) ||
    (override > 0 ? base : (consumer.maxVisibilityTimeoutSeconds ?? base));
  return {
    baseSeconds: base,
    capSeconds: cap,
    maxReceiveCount: consumer.maxReceiveCount,
    timeoutSeconds: consumer.timeoutSeconds,
    /** How long a message left for later after its `receive`-th delivery stays hidden. */
    delaySeconds: (receive: number) => redeliveryDelaySeconds(receive, base, cap),
    /**
     * How long after its last delivery began a batch can no longer have a dispatcher
     * talking to its partner: the dispatcher starts no instruction that could outlast
     * min(timeout, visibility / 2) (contexts/payouts/handlers/dispatch.ts), and the function is
     * stopped at its timeout.
     */
    lastDeliveryOverMs: Math.min(consumer.timeoutSeconds, base) * 1000,
  };
}
