// The arithmetic of sending at the provider's rate (docs/notifications.md).

/**
 * The share of the provider's rate the bulk senders take; the rest is left for the codes,
 * which go straight to the same SES account and SNS quota and must not be throttled
 * behind a bulk backlog.
 */
export const BULK_SHARE = 0.8;

/** Sends a second the bulk senders of one channel may make, all of them together. */
export const bulkRate = (providerRate: number): number => Math.max(1, Math.floor(providerRate * BULK_SHARE));

/** The second a send is counted in (the token bucket's window). */
export const secondOf = (nowMs: number): number => Math.floor(nowMs / 1000);

/**
 * How many sends of `want` a sender may take in a second of which `used` are taken
 * already: all it wants, what is left, or none.
 */
export function grant(used: number, want: number, limit: number): number {
  return Math.max(0, Math.min(want, limit - used));
}

/**
 * How long a throttled notice waits before it is tried again: doubling from 1 s per
 * throttled try, capped at SQS's longest delay (15 minutes), with jitter so that a
 * throttled batch does not come back as one.
 */
export function throttleDelaySeconds(tries: number, random = Math.random()): number {
  const base = Math.min(900, 2 ** Math.max(0, tries - 1));
  return Math.min(900, Math.max(1, Math.round(base * (0.5 + random))));
}

/** The provider's answer when a send is over its rate: SES (v1 and v2) and SNS, by name. */
const THROTTLES = new Set([
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'Throttled',
  'ThrottledException',
]);

export const isThrottled = (error: { name?: string; $metadata?: { httpStatusCode?: number } }): boolean =>
  THROTTLES.has(error.name ?? '') || error.$metadata?.httpStatusCode === 429;
