import { setTimeout as sleep } from 'node:timers/promises';
import { takeSends } from '#contexts/notifications/store/rate-bucket.ts';

// The registry's rate when an operator set one (contexts/notifications/store/sending-
// rates.ts): the same token bucket the notice senders share, one item per second, so all
// the check consumers together never pass it. Without a setting the mapping's concurrency
// alone holds the declared rate, and no bucket is written.

/** Waits for a turn in the current or a coming second; false after `maxWaitMs`. */
export async function registryTurn(perSecond: number, maxWaitMs = 8_000): Promise<boolean> {
  const started = Date.now();
  for (;;) {
    if ((await takeSends('registry', 1, perSecond, Date.now())) > 0) return true;
    if (Date.now() - started > maxWaitMs) return false;
    await sleep(1000 - (Date.now() % 1000) + 5);
  }
}
