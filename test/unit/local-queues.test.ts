import { describe, expect, it } from 'vitest';
import { queueConsumers } from '#contexts/consumers.ts';
import { payoutQueues } from '#contexts/payouts/queues.ts';
import { localQueueConsumers } from '#local/stack.ts';

describe("the local stack's queue visibility overrides", () => {
  it('never hide a message for less than its function may run, as AWS requires of a mapping', () => {
    for (const overrides of [
      { payouts: 0, registry: 0 },
      { payouts: 20, registry: 1 },
      { payouts: 6, registry: 4 },
    ]) {
      const local = localQueueConsumers(overrides);
      expect(local.map((c) => c.queue)).toEqual(queueConsumers.map((c) => c.queue));
      for (const c of local)
        expect(c.visibilityTimeoutSeconds, c.queue).toBeGreaterThanOrEqual(c.timeoutSeconds);
      // A payout dispatcher's timeout follows a shorter visibility; no other timeout moves.
      for (const [i, c] of local.entries()) {
        const deployed = queueConsumers[i]!;
        const dispatcher = payoutQueues.some((q) => q.queue === c.queue);
        if (dispatcher && overrides.payouts) expect(c.visibilityTimeoutSeconds).toBe(overrides.payouts);
        else expect(c.timeoutSeconds, c.queue).toBe(deployed.timeoutSeconds);
      }
    }
  });
});
