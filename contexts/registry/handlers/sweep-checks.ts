import { enqueueChecks, overdueChecks, postponeSweep } from '#contexts/registry/store/checks.ts';
import { clock } from '#platform/clock.ts';
import { logger } from '#platform/logger.ts';
import { observed } from '#platform/observability.ts';

// Checks still PENDING past their sweep time go on the queue again, then their next
// sweep moves on: a send lost between the profile's transaction and the queue, or a check
// dead-lettered after hours of outage, is never left behind. Sending one twice is
// harmless: the consumer records one answer per check (contexts/registry/store/checks.ts).
const PER_RUN = 5000;

export const handler = () => observed('registry.sweep-checks', sweep);

async function sweep() {
  const now = clock.now();
  const due = await overdueChecks(now, PER_RUN);
  if (due.length) {
    await enqueueChecks(due);
    for (let i = 0; i < due.length; i += 25)
      await Promise.all(due.slice(i, i + 25).map((message) => postponeSweep(message, now)));
    logger.warn('registry checks sent again', { count: due.length });
  }
  return { resent: due.length };
}
