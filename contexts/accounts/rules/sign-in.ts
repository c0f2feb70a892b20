// Sign-in back-off per email (API.md: 429 rate-limited). Five consecutive failures are
// free; from the fifth on, each failure closes sign-in for a window, 1 minute doubling
// to at most 15 minutes, during which attempts are refused without checking the
// password. A guesser gets about 100 tries a day; the owner waits 15 minutes at most.
export const FREE_FAILURES = 5;
export const FIRST_WINDOW_MS = 60_000;
export const MAX_WINDOW_MS = 15 * 60_000;
/** A day without failures starts the count again (the counter's TTL). */
export const FORGET_AFTER_S = 24 * 3600;

/** The window that opens once `failures` consecutive attempts have failed (0: none). */
export function backOffMs(failures: number): number {
  if (failures < FREE_FAILURES) return 0;
  return Math.min(FIRST_WINDOW_MS * 2 ** (failures - FREE_FAILURES), MAX_WINDOW_MS);
}
