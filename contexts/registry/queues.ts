import type { QueueConsumer } from '#platform/queues.ts';
import { redeliveryDelaySeconds } from '#platform/queues.ts';

// The civil-registry check queue: drained at the rate the programme agreed with Dukcapil.
// The consumer calls the registry for one check per message; its concurrency times the
// calls each invocation makes a second is the registry's rate (docs/registry.md).

export const REGISTRY_QUEUE = 'registry-checks';

/** The rate agreed with the registry, in checks a second, and the calls one consumer
 *  makes a second at the registry's usual latency (~100 ms): the mapping's concurrency. */
export const REGISTRY_RATE_PER_SECOND = 100;
const CALLS_PER_SECOND_PER_INVOCATION = 10;

export const registryQueue: QueueConsumer = {
  queue: REGISTRY_QUEUE,
  handler: 'registry/check-nik',
  batchSize: 1,
  maxConcurrency: REGISTRY_RATE_PER_SECOND / CALLS_PER_SECOND_PER_INVOCATION,
  // A check left for later (no answer) is hidden 30 s, then 60, 120, 240, 480, then 900 s
  // per delivery: its 30th and last delivery starts 30+60+120+240+480+24x900 = 22,530 s
  // (6.3 h) after its first. A registry maintenance window is waited out, never dropped.
  visibilityTimeoutSeconds: 30,
  maxVisibilityTimeoutSeconds: 900,
  maxReceiveCount: 30,
  timeoutSeconds: 15,
  memorySize: 256,
  // Secrets: the data key opens the profile's sealed NIK for the call.
  uses: {
    // The answer deletes the markers of the waves the check pended for; an operator's
    // rate (sendingRate) is held by the shared token bucket (noticeRate).
    items: {
      registryCheck: ['read', 'update'],
      pendingApplicant: 'delete',
      profile: 'read',
      account: 'read',
      sendingRate: 'read',
      noticeRate: 'update',
    },
    secrets: true,
    registry: true,
  },
};

export const registryQueues: QueueConsumer[] = [registryQueue];

/**
 * The check queue's redelivery as this process runs it: the declaration, or locally the
 * stack's shorter figures (REGISTRY_VISIBILITY_TIMEOUT_S, REGISTRY_MAX_VISIBILITY_S), so
 * tests see an outage waited out in seconds.
 */
export function registryRedelivery() {
  const override = Number(process.env.REGISTRY_VISIBILITY_TIMEOUT_S);
  const base = override > 0 ? override : registryQueue.visibilityTimeoutSeconds;
  const cap =
    Number(process.env.REGISTRY_MAX_VISIBILITY_S) ||
    (override > 0 ? base : (registryQueue.maxVisibilityTimeoutSeconds ?? base));
  return {
    baseSeconds: base,
    capSeconds: cap,
    delaySeconds: (receive: number) => redeliveryDelaySeconds(receive, base, cap),
  };
}
