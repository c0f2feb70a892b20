// The waiting room's poll, spread (docs/waiting-room.md): no DOM, so the unit tests import it.

/** When to poll again: the server's Retry-After (already spread), plus up to a quarter
 *  more (at most 5 s) by `u` in [0, 1), so tabs told the same second do not come back in
 *  step; never earlier than told, never under 2 s. */
export function pollDelayMs(retryAfterSeconds: number, u: number): number {
  const told = Math.max(2, retryAfterSeconds) * 1000;
  return told + Math.floor(u * Math.min(told / 4, 5000));
}
